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
