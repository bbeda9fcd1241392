"""executor=ray on a real Ray cluster started by the test on this machine (a head and two worker nodes)."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from judgebench.config import ConfigError, run_config
from judgebench.run.job import execute
from tests.conftest import write_jsonl
from tests.run.helpers import judge

ray = pytest.importorskip("ray", reason="the ray extra is not installed")
ITEMS = 1000          # x 2 judges = 2000 judgments


@pytest.fixture(scope="module")
def cluster():
    from ray.cluster_utils import Cluster

    node = {"num_cpus": 2, "include_dashboard": False}
    cluster = Cluster(initialize_head=True, head_node_args=node | {"num_cpus": 0})
    for _ in range(2):
        cluster.add_node(**node)
    ray.init(address=cluster.address, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"LITELLM_LOCAL_MODEL_COST_MAP": "True"}})
    yield cluster
    ray.shutdown()
    cluster.shutdown()


@pytest.fixture
def dataset(tmp_path):
    rows = [{"id": f"q{i}", "input": f"Question {i}?", "output": f"Answer {i} {'right' if i % 3 else 'wrong'}",
             "context": f"Context {i}.", "label": int(i % 3 != 0)} for i in range(ITEMS)]
    return write_jsonl(tmp_path / "items.jsonl", rows)


def make_config(tmp_path, server, dataset, run_id, **extra):
    raw = {"dataset": {"name": "many", "kind": "binary", "path": str(dataset), "id_column": "id",
                       "columns": {"input": "input", "output": "output", "context": "context"},
                       "label": {"column": "label"}},
           "prompt": "faithfulness", "judges": [judge(server, "alpha", concurrency=32, logprobs=True),
                                                judge(server, "beta", concurrency=32)],
           "results_dir": str(tmp_path / "results"), "cache_path": str(tmp_path / f"{run_id}-cache.sqlite"),
           "progress": False, "run_id": run_id, "workers": 0} | extra
    return run_config(raw)


def outcomes(directory: Path) -> dict:
    lines = (directory / "judgments.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len({r["key"] for r in records}), "a judgment was written twice"
    return {r["key"]: (r["item_id"], r["judge_id"], r["value"], r["prob"], r["raw_text"], r["error"])
            for r in records}


def script(server, latency=0.0):
    server.configure(latency=latency, verdict_prob=0.9, rules=[
        {"model": "alpha", "match": "right", "reply": "Verdict: Yes"},
        {"model": "beta", "match": r"Answer \d*[02468] ", "reply": "Verdict: Yes"}], default="Verdict: No")


def test_ray_run_equals_the_local_run(cluster, server, dataset, tmp_path):
    script(server)
    local = execute(make_config(tmp_path, server, dataset, "local"))
    distributed = execute(make_config(tmp_path, server, dataset, "ray", executor="ray",
                                      ray={"workers": 2, "concurrency": 32}))
    assert distributed["session"]["workers"] == 2
    expected = outcomes(tmp_path / "results" / "local")
    assert len(expected) == 2 * ITEMS
    assert outcomes(tmp_path / "results" / "ray") == expected
    assert distributed["judges"]["alpha"]["errors"] == 0 == local["judges"]["alpha"]["errors"]


def _judge_worker_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"ray::JudgeWorker" in cmdline:
                pids.append(int(entry.name))
    return pids


def test_a_killed_worker_costs_no_judgment(cluster, server, dataset, tmp_path):
    script(server)
    execute(make_config(tmp_path, server, dataset, "clean"))
    script(server, latency=0.05)
    config = make_config(tmp_path, server, dataset, "killed", executor="ray", ray={"workers": 2, "concurrency": 32})
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.update(execute(config)))
    thread.start()
    judgments = config.output_dir / "judgments.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not judgments.exists() or
                                           judgments.read_text().count("\n") < 400):
        time.sleep(0.05)
    victims = _judge_worker_pids()
    assert len(victims) == 2
    os.kill(victims[0], signal.SIGKILL)
    killed_at = judgments.read_text().count("\n")
    thread.join(300)
    assert killed_at < 2 * ITEMS, "the run ended before the worker was killed"
    assert outcome["judges"]["alpha"]["errors"] == 0 and outcome["judges"]["beta"]["errors"] == 0
    assert outcomes(config.output_dir) == outcomes(tmp_path / "results" / "clean")


def test_bad_executor_settings_fail_early(tmp_path, server, dataset):
    with pytest.raises(ConfigError, match="executor must be"):
        make_config(tmp_path, server, dataset, "x", executor="spark")
    with pytest.raises(ConfigError, match="unknown option"):
        make_config(tmp_path, server, dataset, "x", executor="ray", ray={"nodes": 3})


@pytest.mark.local_model
def test_the_embedded_judge_runs_inside_the_ray_workers(cluster, tmp_path):
    """The CPU stand-in for GPU workers: each Ray worker loads the llama.cpp model itself."""
    pytest.importorskip("llama_cpp")
    from judgebench.config import load_group_entry
    from judgebench.judges import local

    def config(run_id, **extra):
        return run_config({"dataset": load_group_entry("dataset", "demo_binary") | {"limit": 8},
                           "judges": ["local_smollm2"], "results_dir": str(tmp_path / "results"),
                           "cache_path": str(tmp_path / f"{run_id}.sqlite"), "progress": False, "run_id": run_id}
                          | extra)

    loaded_here_before = "smollm2-135m" in local.engine()._models
    distributed = execute(config("ray", executor="ray", ray={"workers": 2, "concurrency": 2}))
    if not loaded_here_before:
        assert "smollm2-135m" not in local.engine()._models        # the driver never loaded it
    assert distributed["session"]["workers"] == 2 and distributed["judges"]["local_smollm2"]["errors"] == 0
    execute(config("here"))
    ray_values = {k: v[:4] for k, v in outcomes(tmp_path / "results" / "ray").items()}
    here_values = {k: v[:4] for k, v in outcomes(tmp_path / "results" / "here").items()}
    assert ray_values.keys() == here_values.keys()
    for key, (item, judge_id, value, prob) in here_values.items():
        assert ray_values[key][2] == value and ray_values[key][3] == pytest.approx(prob, abs=1e-4)
