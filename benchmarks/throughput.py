"""Runner throughput against the scripted OpenAI-compatible server (run by hand).

    python benchmarks/throughput.py [--items 2000] [--concurrency 32]

Workload: N binary items, one judge at concurrency C, the server in its own process.
  1. latency 200 ms: wall time vs the ideal N x 0.2 / C (target <= 1.15 x)
  2. latency 0 ms: judgments per second (target >= 250/s)
  3. the 2000 items again from the response cache (target < 2 s)
For scale, the same workload through raw `litellm.acompletion` and the raw `openai`
client with an asyncio semaphore, measured in the same process and run. The judgebench
times include loading the items, planning, the results folder and the cache; the
"runner only" line leaves out everything before the first call.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from judgebench.config import run_config  # noqa: E402
from judgebench.run.job import execute  # noqa: E402


def start_server(latency: float) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "judgebench.testing.openai_server", "--latency", str(latency)],
                               stdout=subprocess.PIPE, text=True)
    url = process.stdout.readline().strip()
    time.sleep(0.5)
    return process, url


def write_items(folder: Path, n: int) -> Path:
    path = folder / "items.jsonl"
    with open(path, "w") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"q{i}", "question": f"What is {i} + {i}?",
                                 "context": f"Arithmetic facts: {i} + {i} = {2 * i}.",
                                 "answer": str(2 * i if i % 3 else 2 * i + 1), "label": int(i % 3 != 0)}) + "\n")
    return path


def judge_run(items: Path, url: str, results: Path, concurrency: int, run_id: str, workers="auto"):
    dataset = {"name": "bench", "kind": "binary", "path": str(items), "id_column": "id",
               "columns": {"input": "question", "context": "context", "output": "answer"},
               "label": {"column": "label"}, "default_prompt": "faithfulness"}
    config = run_config({"dataset": dataset, "run_id": run_id, "results_dir": str(results), "progress": False,
                         "workers": workers,
                         "judges": [{"name": "bench", "model": "openai/bench", "api_base": url,
                                     "concurrency": concurrency, "timeout_s": 30}]})
    started = time.perf_counter()
    summary = execute(config)
    wall = time.perf_counter() - started
    assert summary["complete"], summary
    return wall, summary


async def raw_litellm(url: str, n: int, concurrency: int) -> float:
    import litellm

    gate = asyncio.Semaphore(concurrency)

    async def one(i):
        async with gate:
            await litellm.acompletion(model="openai/bench", api_base=url, api_key="x",
                                      messages=[{"role": "user", "content": f"raw {i}"}])

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    return time.perf_counter() - started


async def raw_openai(url: str, n: int, concurrency: int) -> float:
    import openai

    client = openai.AsyncOpenAI(base_url=url, api_key="x")
    gate = asyncio.Semaphore(concurrency)

    async def one(i):
        async with gate:
            await client.chat.completions.create(model="bench", messages=[{"role": "user", "content": f"o {i}"}])

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    return time.perf_counter() - started


async def baselines(url: str, n: int, concurrency: int) -> tuple[float, float]:
    await raw_litellm(url, 64, concurrency)      # warm-up: imports, client pool
    return await raw_litellm(url, n, concurrency), await raw_openai(url, n, concurrency)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    n, c = args.items, args.concurrency
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        items = write_items(tmp, n)
        report = {}
        for latency in (0.2, 0.0):
            server, url = start_server(latency)
            try:
                if args.baselines:
                    report[f"raw_litellm_{latency}"], report[f"raw_openai_{latency}"] = asyncio.run(
                        baselines(url, n, c))
                wall, summary = judge_run(items, url, tmp / f"results{latency}", c, f"run{latency}")
                report[f"judgebench_{latency}"] = wall
                report[f"judgebench_runner_{latency}"] = summary["session"]["wall_s"]
                if latency == 0.0:
                    cached_wall, cached = judge_run(items, url, tmp / f"results{latency}", c, "cached-rerun")
                    assert cached["session"]["cache_hits"] == n and cached["session"]["calls"] == 0
                    report["cached_rerun"] = cached_wall
            finally:
                server.terminate()
                server.wait()
    ideal = n * 0.2 / c
    print(f"items={n} concurrency={c} ideal wall at 200 ms = {ideal:.2f} s")
    for who in ("judgebench", "raw_litellm", "raw_openai"):
        if f"{who}_0.2" in report:
            print(f"{who:<12} 200 ms: {report[f'{who}_0.2']:6.2f} s = {report[f'{who}_0.2'] / ideal:.2f} x ideal   "
                  f"0 ms: {report[f'{who}_0.0']:6.2f} s = {n / report[f'{who}_0.0']:6.0f} judgments/s")
    print(f"judgebench runner only (after load, plan and worker start): "
          f"200 ms {report['judgebench_runner_0.2']:.2f} s = {report['judgebench_runner_0.2'] / ideal:.2f} x ideal, "
          f"0 ms {n / report['judgebench_runner_0.0']:.0f}/s")
    print(f"cached re-run of {n} items: {report['cached_rerun']:.2f} s")


if __name__ == "__main__":
    main()
