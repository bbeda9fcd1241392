"""One run from start to finish: validate everything, then call models, then summarise."""

from __future__ import annotations

import asyncio
import math
import os
import sys
from dataclasses import dataclass
from typing import Any, Sequence, TextIO

from judgebench.config import RunConfig
from judgebench.data.load import load_dataset
from judgebench.data.schema import Dataset, Item
from judgebench.judges.calls import ModelReply, ModelRequest
from judgebench.judges.families import family_overlaps
from judgebench.judges.llm import api_key_missing, complete, cost_per_call, count_prompt_tokens, route_error
from judgebench.run.cache import ResponseCache
from judgebench.run.juries import JuryRounds, early_stop_members
from judgebench.run.plan import PlannedCall, PlanOptions, plan_calls
from judgebench.run.session import PreflightError, judge_calls
from judgebench.run.store import RunStore, provenance
from judgebench.run.summary import summarize
from judgebench.run.workers import WorkerPool, prestart as prestart_workers

# Completion length assumed by --dry-run for a generating judge that sets no max_tokens.
ASSUMED_COMPLETION_TOKENS = 256
# With workers=auto, remote calls go to worker processes from this many calls on; below it the
# start-up of the workers (each imports litellm) costs more than it saves.
AUTO_WORKERS_MIN_CALLS = 300
CALLS_PER_WORKER = 8




@dataclass(frozen=True)
class DryRunLine:
    judge: str
    model: str
    planned: int
    done: int
    cached: int
    to_call: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None


def prepare(config: RunConfig, dataset: Dataset | None = None, example_pool: Sequence[Item] | None = None):
    """Everything that can fail on bad input, before a single model call. A caller that already
    holds the items (a split of them, say) passes them as `dataset`."""
    dataset = dataset or load_dataset(config.dataset)
    calls = plan_calls(dataset, config.judges, [config.prompt],
                       PlanOptions(config.few_shot_k, config.few_shot_seed, example_pool))
    return dataset, calls


def check_routes(config: RunConfig, known: dict[str, str] | None = None) -> None:
    """Refuse a judge whose model no provider serves, before any call (a dry run included). `known`:
    the answers a worker already found (model -> error), so that this process need not import litellm."""
    errors = known if known is not None else \
        {j.model: e for j in config.judges if (e := route_error(j.model, j.api_base))}
    wrong = [f"judge {j.name} (model {j.model!r}): {errors[j.model]}" for j in config.judges if j.model in errors]
    if wrong:
        raise PreflightError("; ".join(wrong))


def check_keys(config: RunConfig) -> None:
    missing = [f"{j.name} needs ${j.api_key_env}" for j in config.judges if api_key_missing(j.api_key_env)]
    if missing:
        raise PreflightError("API key not set: " + "; ".join(missing))


def dry_run(config: RunConfig, calls: Sequence[PlannedCall]) -> list[DryRunLine]:
    done = RunStore(config.output_dir).completed_keys() if config.output_dir.exists() else set()
    cache = ResponseCache(config.cache_path) if config.cache_path.exists() else None
    cached = set(cache.get_many({c.key for c in calls if c.key not in done})) if cache else set()
    lines = []
    for judge in config.judges:
        mine = [c for c in calls if c.judge.name == judge.name]
        to_call = [c for c in mine if c.key not in done and c.key not in cached]
        tokens: dict[str, int] = {}
        for call in to_call:
            if call.key not in tokens:
                tokens[call.key] = count_prompt_tokens(judge.model, call.request.messages)
        prompt_tokens = sum(tokens[c.key] for c in to_call)
        per_call = 1 if judge.in_process else int(judge.params.get("max_tokens") or ASSUMED_COMPLETION_TOKENS)
        completion_tokens = per_call * len(to_call)
        lines.append(DryRunLine(judge.name, judge.model, len(mine), sum(c.key in done for c in mine),
                                sum(c.key in cached for c in mine), len(to_call), prompt_tokens, completion_tokens,
                                cost_per_call(judge.model, prompt_tokens, completion_tokens)))
    return lines


def format_dry_run(lines: Sequence[DryRunLine]) -> str:
    header = f"{'judge':<20} {'planned':>8} {'done':>6} {'cached':>7} {'to call':>8} {'prompt tok':>11} " \
             f"{'max compl tok':>13} {'est. cost $':>12}"
    rows = [header]
    for line in lines:
        cost = f"{line.cost_usd:.4f}" if line.cost_usd is not None else "unknown"
        rows.append(f"{line.judge:<20} {line.planned:>8} {line.done:>6} {line.cached:>7} {line.to_call:>8} "
                    f"{line.prompt_tokens:>11} {line.completion_tokens:>13} {cost:>12}")
    total_calls = sum(line.to_call for line in lines)
    costs = [line.cost_usd for line in lines]
    total_cost = "unknown" if None in costs else f"${sum(costs):.4f}"
    rows.append(f"total: {total_calls} model calls, {sum(x.prompt_tokens for x in lines)} prompt tokens, "
                f"up to {sum(x.completion_tokens for x in lines)} completion tokens, estimated cost {total_cost} "
                f"(completion tokens are max_tokens, or {ASSUMED_COMPLETION_TOKENS} where unset)")
    return "\n".join(rows)


def complete_once(request: ModelRequest) -> ModelReply:
    """One model call from synchronous code (e.g. asking a model to rewrite a rubric)."""
    return asyncio.run(complete(request))


def worker_count(config: RunConfig, calls: Sequence[PlannedCall]) -> int:
    """About one worker per 8 concurrent remote calls: the latency each call loses to the CPU work
    of the others in the same event loop grows with how many share it."""
    if config.workers is not None:
        return config.workers
    remote = [j for j in config.judges if not j.in_process]
    if sum(not c.judge.in_process for c in calls) < AUTO_WORKERS_MIN_CALLS:
        return 0
    in_flight = sum(j.concurrency for j in remote)
    return max(1, min(math.ceil(in_flight / CALLS_PER_WORKER), 2 * (os.cpu_count() or 1), 8))


def may_use_workers(config: RunConfig) -> bool:
    return not config.dry_run and config.executor != "ray" and config.workers != 0 and \
        any(not j.in_process for j in config.judges)


def manifest(config: RunConfig, dataset, calls: Sequence[PlannedCall]) -> dict[str, Any]:
    return {
        "run_id": config.run_id,
        "fingerprint": config.fingerprint(),
        "dataset": {"name": dataset.spec.name, "kind": dataset.kind.name, "items": len(dataset),
                    "description": dataset.spec.description},
        "judges": [j.to_dict() for j in config.judges],
        **({"juries": [j.to_dict() for j in config.juries], "early_stop_members": sorted(early_stop_members(config))}
           if config.juries else {}),
        "prompt": {"name": config.prompt.name, "hash": config.prompt.hash, "kind": config.prompt.kind,
                   "system": config.prompt.system, "template": config.prompt.template},
        "few_shot": {"k": config.few_shot_k, "seed": config.few_shot_seed},
        "planned_judgments": len(calls),
        "config": config.raw,
        **provenance(),
    }


def warn_same_family(config: RunConfig, dataset: Dataset, out: TextIO) -> None:
    """Say which judges judge outputs of their own model family, and which juries leave them out there."""
    for overlap in family_overlaps({j.name: j.family for j in config.judges}, dataset.items):
        leaving = [jury.name for jury in config.juries if jury.exclude_same_family and
                   overlap.judge in jury.member_names]
        print(f"warning: {overlap.warning()}" + (f"; jury {', '.join(leaving)} leaves it out of those items' votes"
                                                 if leaving else ""), file=out)


def execute(config: RunConfig, out: TextIO = sys.stdout, *, dataset: Dataset | None = None,
            example_pool: Sequence[Item] | None = None) -> dict[str, Any]:
    """Run (or resume) the configured experiment and return its summary."""
    if may_use_workers(config):
        prestart_workers()                  # litellm loads there while the items load and the calls are planned
    dataset, calls = prepare(config, dataset, example_pool)
    warn_same_family(config, dataset, out)
    if config.dry_run:
        check_routes(config)
        lines = dry_run(config, calls)
        print(format_dry_run(lines), file=out)
        if partial := early_stop_members(config):
            print(f"(early-stopping juries: {', '.join(sorted(partial))} counted as if asked on every item)", file=out)
        return {"dry_run": [line.__dict__ for line in lines]}
    check_keys(config)
    if config.executor == "ray":
        from judgebench.run.ray_pool import RayPool

        pool = RayPool.start(config.ray, [j.api_key_env for j in config.judges if j.api_key_env])
    else:
        workers = worker_count(config, calls)
        pool = WorkerPool.start(workers, sorted({(j.model, j.api_base) for j in config.judges if not j.in_process},
                                                key=str)) if workers else None
    if not isinstance(pool, WorkerPool):
        check_routes(config)
    store = RunStore(config.output_dir)
    rounds = JuryRounds(config, dataset, calls) if config.juries else None

    async def session():
        if isinstance(pool, WorkerPool):
            await pool.connect()        # the workers finish loading while the store opens
        store.open(manifest(config, dataset, calls), dataset.items)
        if isinstance(pool, WorkerPool):
            await pool.attach()
            try:
                check_routes(config, pool.route_errors)
            except PreflightError:
                store.abandon()
                raise
        return await judge_calls(rounds.initial() if rounds else calls, store, config.cache_path, config.run_id,
                                 progress=config.progress, pool=pool,
                                 follow_up=(lambda: rounds.follow_up(store.load())) if rounds else None)

    try:
        stats = asyncio.run(session())
    except KeyboardInterrupt:
        store.close()
        print(f"\ninterrupted: finished judgments are saved in {config.output_dir}; "
              "run the same command again to resume", file=out)
        raise
    finally:
        if pool is not None:
            pool.terminate()
    juries = rounds.store_verdicts(store, stats) if rounds else {}
    summary = summarize(config.run_id, store.load(), stats) | ({"juries": juries} if juries else {})
    store.finish(summary)
    return summary
