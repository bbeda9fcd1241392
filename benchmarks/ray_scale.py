"""executor=ray against the local executor at 200 ms model latency (run by hand).

    python benchmarks/ray_scale.py [--items 3000] [--concurrency 256] [--workers 1,2,4]

The scripted OpenAI-compatible server runs in its own process with 200 ms latency; one judge
at concurrency C; each configuration is a fresh run (own results folder and cache). Reported:
wall time from the first call, judgments per second, and the driver's CPU time per judgment
(planning, scheduling, retries, cache and results writes: the part that does not scale out).
Then an estimate, from these figures, of what 10 million judgments in an hour would take.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from throughput import start_server, write_items  # noqa: E402  (benchmarks/ is on the path)
from judgebench.config import run_config  # noqa: E402
from judgebench.judges.llm import cost_per_call  # noqa: E402
from judgebench.run.job import execute  # noqa: E402


def run(items: Path, url: str, folder: Path, concurrency: int, run_id: str, **executor) -> dict:
    dataset = {"name": "bench", "kind": "binary", "path": str(items), "id_column": "id",
               "columns": {"input": "question", "context": "context", "output": "answer"},
               "label": {"column": "label"}, "default_prompt": "faithfulness"}
    config = run_config({"dataset": dataset, "run_id": run_id, "results_dir": str(folder), "progress": False,
                         "cache_path": str(folder / f"{run_id}.sqlite"),
                         "judges": [{"name": "bench", "model": "openai/bench", "api_base": url,
                                     "concurrency": concurrency, "timeout_s": 60}]} | executor)
    cpu = time.process_time()
    summary = execute(config)
    driver_cpu = time.process_time() - cpu
    session = summary["session"]
    n = summary["judges"]["bench"]["judgments"]
    # wall_s runs from a ready pool (workers started) to the last judgment.
    return {"n": n, "wall_s": session["wall_s"], "startup_s": session["worker_startup_s"],
            "per_s": n / session["wall_s"],
            "driver_ms": 1000 * driver_cpu / n, "errors": summary["judges"]["bench"]["errors"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--per-worker", type=int, default=64, help="calls in flight per Ray worker")
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args()
    import ray

    server, url = start_server(args.latency)
    ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False,
             runtime_env={"env_vars": {"LITELLM_LOCAL_MODEL_COST_MAP": "True"}})
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            items = write_items(folder, args.items)
            ideal = args.items * args.latency / args.concurrency
            print(f"{args.items} judgments, judge concurrency {args.concurrency}, {args.latency * 1000:.0f} ms "
                  f"latency (ideal {ideal:.1f} s, {args.items / ideal:.0f}/s); {os.cpu_count()} cores")
            configs = [("local, this process", {"workers": 0}), ("local, forked workers (auto)", {"workers": "auto"})]
            configs += [(f"ray, {w} worker(s)", {"executor": "ray", "ray": {"workers": w, "concurrency": args.per_worker}})
                        for w in map(int, args.workers.split(","))]
            for name, executor in configs:
                result = run(items, url, folder, args.concurrency, name.replace(" ", "_").replace(",", ""), **executor)
                rows.append((name, result))
                print(f"{name:<30} {result['wall_s']:6.1f} s  {result['per_s']:7.0f} judgments/s  "
                      f"driver {result['driver_ms']:.2f} ms CPU/judgment  (workers ready in "
                      f"{result['startup_s']:.1f} s, errors {result['errors']})", flush=True)
    finally:
        ray.shutdown()
        server.terminate()

    # What 10 million judgments in an hour would take, from the figures above.
    target = 10_000_000 / 3600
    ray_rows = [r for name, r in rows if name.startswith("ray")]
    driver_ms = min(r["driver_ms"] for r in ray_rows)
    per_worker = max(r["per_s"] / int(name.split()[1]) for name, r in rows if name.startswith("ray"))
    cost = cost_per_call("gpt-4o-mini", 500, 60)
    print(f"\n10 million judgments in an hour = {target:.0f}/s, {target * 60:,.0f} requests per minute.")
    print(f"- driver: {driver_ms:.2f} ms CPU per judgment here -> one driver sustains about {1000 / driver_ms:.0f}/s; "
          f"{max(1, round(target * driver_ms / 1000 + 0.5))} driver(s) (split the dataset) on cores like these")
    in_flight = target * args.latency
    print(f"- workers: the best measured here is {per_worker:.0f}/s per worker at {args.latency * 1000:.0f} ms; "
          f"about {target / per_worker:.0f} workers (about a core each: litellm's CPU per call) and "
          f"{in_flight:.0f} calls in flight")
    print(f"- rate limits: {target * 60:,.0f} RPM is far above one provider key's limit; spread it over keys, "
          "deployments and providers (judges' rpm settings are enforced by the driver)")
    if cost is not None:
        print(f"- cost: gpt-4o-mini at 500 prompt + 60 completion tokens is ${cost:.6f} per judgment, "
              f"${cost * 10_000_000:,.0f} for 10 million (bundled litellm price map)")


if __name__ == "__main__":
    main()
