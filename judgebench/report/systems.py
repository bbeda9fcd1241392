"""The leaderboard's systems table: when items name the systems they judge (model_a / model_b of a
comparison, or a `system` column), each judge's score for each system against the humans': the judge's
bias per system, the systems ranked by the humans with rank intervals, and Kendall's tau between the
judge's ranking and the humans'. Pure function; the estimates come from judgebench.estimate."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from judgebench.data.schema import Item
from judgebench.estimate.report import SYSTEM, estimate_judge
from judgebench.kinds import TaskKind


def has_systems(kind: TaskKind, items: Sequence[Item]) -> bool:
    if not items or not kind.scored:
        return False
    if kind.sides and all("model_a" in i.fields and "model_b" in i.fields for i in items):
        return True
    return all(SYSTEM in i.fields for i in items)


def systems_board(kind: TaskKind, items: Sequence[Item], verdicts: Mapping[str, Mapping[str, Any]]) -> dict | None:
    """Per judge: rows of (system, judge-only score, humans' score, bias with its interval, rank by the
    humans), on the items with both a human label and the judge's verdict; None when items name no systems."""
    if not has_systems(kind, items):
        return None
    out = {}
    for name, first in sorted(verdicts.items()):
        both = {i.item_id for i in items if kind.consensus(i.human) is not None and first.get(i.item_id) is not None}
        if len(both) < 2:
            continue
        shown = [i for i in items if i.item_id in both]
        result = estimate_judge(kind, shown, first, name, both, by=SYSTEM)
        out[name] = {"kendall_tau": result.kendall_tau, "items": len(both), "rows": [
            {"system": g.group, "judge": g.judge_only.estimate,
             "humans": g.human_only.estimate if g.human_only else None,
             "bias": None if g.bias is None else {"estimate": g.bias.estimate, "low": g.bias.low, "high": g.bias.high},
             "rank": list(g.rank) if g.rank else None} for g in result.groups[1:]]}
    return out or None
