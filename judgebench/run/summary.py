"""Per-judge counts, tokens, cost and latency of a run (pure: judgments in, numbers out)."""

from __future__ import annotations

import dataclasses
import statistics
from typing import Any, Sequence

from judgebench.run.records import Judgment
from judgebench.run.runner import SessionStats


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[index]


def summarize_judge(judgments: Sequence[Judgment]) -> dict[str, Any]:
    fresh_latency = [j.latency_s for j in judgments if j.latency_s is not None and not j.cached]
    costs = [j.cost_usd for j in judgments if j.ok and j.cost_usd is not None]
    n_ok = sum(j.ok for j in judgments)
    return {
        "judgments": len(judgments),
        "verdicts": sum(j.value is not None for j in judgments),
        "parse_failures": sum(j.parse_error is not None for j in judgments),
        "errors": sum(not j.ok for j in judgments),
        "from_cache": sum(j.cached for j in judgments),
        "prompt_tokens": sum(j.prompt_tokens or 0 for j in judgments),
        "completion_tokens": sum(j.completion_tokens or 0 for j in judgments),
        # None, not 0, when the provider's price is unknown: an unknown cost is not free.
        "cost_usd": sum(costs) if costs else None,
        "cost_per_1k_usd": 1000 * sum(costs) / len(costs) if costs and len(costs) == n_ok else None,
        "latency_s_mean": statistics.fmean(fresh_latency) if fresh_latency else None,
        "latency_s_p50": _percentile(fresh_latency, 0.5),
        "latency_s_p95": _percentile(fresh_latency, 0.95),
    }


def summarize(run_id: str, judgments: Sequence[Judgment], stats: SessionStats) -> dict[str, Any]:
    by_judge: dict[str, list[Judgment]] = {}
    for j in judgments:
        by_judge.setdefault(j.judge_id, []).append(j)
    # judgments a second while this session called the judge (its calls run side by side with the others')
    pace = {name: made / seconds for name, (made, seconds) in stats.pace.items() if made and seconds}
    session = dataclasses.asdict(stats)
    session["judgments_per_s"] = (stats.planned - stats.already_done) / stats.wall_s if stats.wall_s else None
    return {
        "run_id": run_id,
        "complete": len(judgments) == stats.planned and all(j.ok for j in judgments),
        "judges": {name: summarize_judge(js) | {"judgments_per_s": pace.get(name)}
                   for name, js in sorted(by_judge.items())},
        "session": session,
    }
