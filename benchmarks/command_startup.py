"""`judgebench run` as one command, process start to exit (run by hand).

    python benchmarks/command_startup.py [--items 2000] [--concurrency 32] [--repeats 3] [--source DIR]

Workload (issue 16): N binary items, one remote judge at concurrency C, the scripted server in its own
process at 200 ms latency; the ideal is N x 0.2 / C. For each repeat a fresh server and results folder:
the whole command's wall time (interpreter start, Hydra, loading, planning, workers, the calls, the
summary and the agreement table) against the ideal, and when its first model request reached the server
after the command started. Targets: whole command <= 1.35 x the ideal, first request within 3 s.
`--source DIR` runs the judgebench found in DIR (a checkout of another commit) instead, for a before/after
in one sitting.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def start_server(latency: float) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "judgebench.testing.openai_server", "--latency", str(latency),
                                "--default", "Verdict: Yes"], stdout=subprocess.PIPE, text=True, cwd=HERE.parent)
    url = process.stdout.readline().strip()
    time.sleep(0.5)
    return process, url


def write_items(path: Path, n: int) -> Path:
    with open(path, "w") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"q{i}", "question": f"What is {i} + {i}?",
                                 "context": f"Arithmetic facts: {i} + {i} = {2 * i}.",
                                 "answer": str(2 * i if i % 3 else 2 * i + 1), "label_a1": int(i % 3 != 0),
                                 "label_a2": None}) + "\n")
    return path


def one_command(items: Path, results: Path, url: str, concurrency: int, source: Path | None) -> dict[str, float]:
    judge = f"{{name: bench, model: openai/bench, api_base: '{url}', concurrency: {concurrency}, timeout_s: 30}}"
    env = dict(os.environ, LITELLM_LOCAL_MODEL_COST_MAP="True")
    if source is not None:
        env["PYTHONPATH"] = str(source)
    command = [sys.executable, "-m", "judgebench.cli", "run", f"dataset.path=[{items}]", f"judges=[{judge}]",
               f"results_dir={results}", "progress=false"]
    started = time.time()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=source or HERE.parent)
    wall = time.time() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    stats = json.loads(urllib.request.urlopen(url.removesuffix("/v1") + "/_stats").read())
    return {"wall_s": wall, "first_request_s": stats["first_request_at"] - started, "requests": stats["requests"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--source", type=Path, help="a judgebench checkout to measure instead of this one")
    args = parser.parse_args()
    ideal = args.items * args.latency / args.concurrency
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        items = write_items(Path(tmp) / "items.jsonl", args.items)
        for repeat in range(args.repeats):
            server, url = start_server(args.latency)
            try:
                runs.append(one_command(items, Path(tmp) / f"results{repeat}", url, args.concurrency, args.source))
            finally:
                server.terminate()
                server.wait()
            assert runs[-1]["requests"] >= args.items, runs[-1]
            print(f"run {repeat + 1}: {runs[-1]['wall_s']:.2f} s = {runs[-1]['wall_s'] / ideal:.2f} x ideal, "
                  f"first request after {runs[-1]['first_request_s']:.2f} s", flush=True)
    wall = statistics.median(r["wall_s"] for r in runs)
    first = statistics.median(r["first_request_s"] for r in runs)
    print(f"items={args.items} concurrency={args.concurrency} latency={args.latency * 1000:.0f} ms "
          f"ideal {ideal:.2f} s; median of {len(runs)}: whole command {wall:.2f} s = {wall / ideal:.2f} x ideal "
          f"(target <= 1.35 x), first request after {first:.2f} s (target <= 3 s)"
          + (f"  [source {args.source}]" if args.source else ""))


if __name__ == "__main__":
    main()
