"""Remote calls through forked worker processes behave exactly like calls made in-process."""

import asyncio
import os
import signal

import pandas as pd

from judgebench.judges.calls import CallError, ModelRequest
from judgebench.run.job import execute, worker_count
from judgebench.run.plan import plan_calls
from judgebench.run.workers import WorkerPool
from tests.run.helpers import config, judge


def judgments(cfg):
    return pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True).sort_values(["item_id", "order"])


def test_workers_give_the_same_judgments_as_in_process(tmp_path, server):
    server.configure(rules=[{"match": "Lyon|1869|10 kg", "reply": "Verdict: No"}], default="Verdict: Yes")
    in_process = config(tmp_path / "a", [judge(server, logprobs=True)], limit=12, workers=0)
    pooled = config(tmp_path / "b", [judge(server, logprobs=True)], limit=12, workers=2)
    execute(in_process)
    summary = execute(pooled)
    assert summary["session"]["workers"] == 2 and summary["session"]["calls"] == 12
    a, b = judgments(in_process), judgments(pooled)
    assert list(a.value) == list(b.value) and list(a.prob) == list(b.prob) and list(a.key) == list(b.key)
    assert set(b.value) == {0, 1}


def test_retries_and_retry_after_through_workers(tmp_path, server):
    server.configure(fault={"mode": "status", "status": 429, "times": 2, "retry_after": 0})
    cfg = config(tmp_path, [judge(server)], limit=4, workers=2)
    summary = execute(cfg)
    assert summary["complete"] and (judgments(cfg).attempts == 3).all() and server.state.requests == 12


def test_fatal_error_through_workers_stops_the_judge(tmp_path, server):
    server.configure(fault={"mode": "status", "status": 401, "times": 100})
    cfg = config(tmp_path, [judge(server, concurrency=1)], limit=5, workers=2)
    summary = execute(cfg)
    assert "scripted" in summary["session"]["aborted"] and server.state.requests == 1


def test_a_dying_worker_hands_its_calls_back(server):
    server.configure(latency=0.3)
    request = ModelRequest(model="openai/scripted", messages=[{"role": "user", "content": "hi"}], params={},
                           api_base=server.url, timeout_s=10)

    async def scenario():
        pool = WorkerPool.start(2)
        await pool.attach()
        calls = [asyncio.create_task(pool.complete(request)) for _ in range(4)]
        await asyncio.sleep(0.1)
        os.kill(pool._processes[0].pid, signal.SIGKILL)
        outcomes = await asyncio.gather(*calls, return_exceptions=True)
        after = await pool.complete(request)     # the survivor still serves
        await pool.aclose()
        return outcomes, after

    outcomes, after = asyncio.run(scenario())
    lost = [o for o in outcomes if isinstance(o, CallError)]
    assert lost and all(o.retryable for o in lost) and after.text == "Verdict: Yes"
    assert any(not isinstance(o, Exception) for o in outcomes)


def test_auto_worker_count_follows_the_workload(tmp_path, server):
    small = config(tmp_path, [judge(server, concurrency=32)], limit=10)
    large = config(tmp_path, [judge(server, concurrency=32)], limit=None, dataset="demo_binary")
    from judgebench.run.job import prepare
    _, calls = prepare(small)
    assert worker_count(small, calls) == 0                  # too few calls to pay for the start-up
    _, calls = prepare(large)
    calls = calls * 3                                       # 378 remote calls
    assert worker_count(large, calls) == min(4, 2 * (os.cpu_count() or 1))
    local = config(tmp_path, [{"name": "l", "model": "local/smollm2-135m"}], limit=None)
    assert worker_count(local, plan_calls(*_dataset_and_judges(local)) * 3) == 0


def _dataset_and_judges(cfg):
    from judgebench.data.load import load_dataset
    return load_dataset(cfg.dataset), cfg.judges, [cfg.prompt]


def test_a_model_no_provider_serves_is_refused_by_the_first_worker_before_any_call(tmp_path, server):
    import pytest

    from judgebench.run.session import PreflightError

    cfg = config(tmp_path, [judge(server, model="notaprovider/foo")], limit=4, workers=2)
    with pytest.raises(PreflightError, match="judge scripted \\(model 'notaprovider/foo'\\)"):
        execute(cfg)
    assert server.state.requests == 0 and not (cfg.output_dir / "judgments.jsonl").exists()


def test_the_main_process_of_a_run_with_workers_never_imports_litellm(tmp_path, server):
    """litellm loads in the workers' fork server while this process loads and plans (seconds saved)."""
    import subprocess
    import sys

    from tests.conftest import REPO

    server.configure(default="Verdict: Yes")
    script = f"""
import sys
from tests.run.helpers import config, judge
from judgebench.run.job import execute

class Server: url = {server.url!r}
summary = execute(config(__import__("pathlib").Path({str(tmp_path)!r}), [judge(Server)], limit=6, workers=2))
assert summary["complete"] and summary["session"]["workers"] == 2, summary
print("litellm" in sys.modules)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
