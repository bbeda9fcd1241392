"""Per judge and per group: the judge-only, human-only and corrected estimates of the mean score, the
judge's bias, what the judge is worth in human labels, and how many labels a target precision needs.
Pure functions over items and verdicts; `cli/estimate.py` reads and prints."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from scipy.stats import kendalltau

from judgebench.data.schema import DataError, Item
from judgebench.estimate.catalog import ESTIMATORS
from judgebench.estimate.means import (
    MeanEstimate, effective_labels, human_mean, judge_mean, labels_for_half_width, ppi_mean,
)
from judgebench.estimate.prevalence import PrevalenceError, PrevalenceEstimate, rogan_gladen
from judgebench.kinds import TaskKind

MIN_LABELS = 10         # below this a normal interval on the labeled items means little
SYSTEM = "system"       # --by system: for items comparing two systems, each system's own score


@dataclass(frozen=True)
class GroupEstimate:
    group: str
    labeled: int
    unlabeled: int
    judge_only: MeanEstimate
    human_only: MeanEstimate | None
    corrected: MeanEstimate | None
    prevalence: PrevalenceEstimate | None       # binary pass rates: Rogan-Gladen
    effective_labels: float | None              # human labels alone that would be as precise as `corrected`
    bias: MeanEstimate | None                   # judge - humans on the labeled items
    budget: tuple[float, float] | None          # labels for the target half-width: (corrected, human-only)
    rank: tuple[int, int] | None = None         # best and worst rank by corrected score, from the intervals
    note: str | None = None                     # why something is missing


@dataclass(frozen=True)
class JudgeEstimate:
    judge: str
    groups: tuple[GroupEstimate, ...]           # "all" first, then the groups
    left_out: int                               # unlabeled items without a verdict (failed)
    kendall_tau: float | None                   # the judge's ranking of the groups against the humans'


def labeled_ids(kind: TaskKind, items: Sequence[Item], budget: int | None = None, seed: int = 0,
                per_group: str | None = None) -> set[str]:
    """The items whose human labels are used: all of them, or `budget` drawn at random (to study budgets);
    with `per_group` (a --by column), `budget` drawn within each group."""
    have = [i for i in items if kind.consensus(i.human) is not None]
    if not have:
        raise DataError("no item has a human label: a corrected estimate needs some (label a few with "
                        "`judgebench label` or give a dataset with labels)")
    if budget is None:
        return {i.item_id for i in have}
    pools: dict[str, list[str]] = defaultdict(list)
    for item in have:
        for group, _ in (memberships(kind, item, per_group) if per_group else [("all", False)]):
            pools[group].append(item.item_id)
    rng = random.Random(seed)
    chosen: set[str] = set()
    for group in sorted(pools):
        if budget > len(pools[group]):
            raise DataError(f"--human-budget {budget} is more than the {len(pools[group])} items with a human label"
                            + (f" in group {group!r}" if per_group else ""))
        chosen.update(rng.sample(sorted(pools[group]), budget))
    return chosen


def memberships(kind: TaskKind, item: Item, by: str | None) -> list[tuple[str, bool]]:
    """The groups an item counts in, and whether its score is read from the other side (a system that was B)."""
    if by is None:
        return []
    if by == SYSTEM and kind.sides and "model_a" in item.fields and "model_b" in item.fields:
        return [(str(item.fields["model_a"]), False), (str(item.fields["model_b"]), True)]
    if by not in item.fields:
        raise DataError(f"no column {by!r} to group by (columns: {', '.join(item.fields)}"
                        + (", or `system` for items that compare model_a and model_b" if kind.sides else "") + ")",
                        path=item.source.rsplit(":", 1)[0] or None)
    return [(str(item.fields[by]), False)]


def _flip(score: float, other_side: bool) -> float:
    return 1.0 - score if other_side else score


def observations(kind: TaskKind, items: Sequence[Item], verdicts: Mapping[str, object], labeled: set[str],
                 by: str | None, judge: str) -> tuple[dict[str, tuple[list, list, list]], int]:
    """Per group: judge scores on labeled items, human scores on them, judge scores on the others;
    and how many unlabeled items have no verdict (left out). A labeled item without a verdict is an error:
    leaving it out would bias the correction towards the items the judge could read."""
    groups: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    missing, left_out = [], 0
    for item in items:
        value = verdicts.get(item.item_id)
        human = kind.consensus(item.human) if item.item_id in labeled else None
        if value is None:
            if human is not None:
                missing.append(item.item_id)
            else:
                left_out += 1
            continue
        score = kind.score(value)
        for group, other in [("all", False), *memberships(kind, item, by)]:
            yhat, y, unlabeled = groups[group]
            if human is None:
                unlabeled.append(_flip(score, other))
            else:
                yhat.append(_flip(score, other))
                y.append(_flip(kind.score(human), other))
    if missing:
        raise DataError(f"{len(missing)} item(s) with a human label have no verdict from judge {judge} (e.g. "
                        f"{', '.join(missing[:3])}): the correction needs the judge's value wherever the human's "
                        "is known. Run the judge again to fill them (the same command resumes the run)")
    return groups, left_out


def estimate_group(group: str, yhat: Sequence[float], y: Sequence[float], unlabeled: Sequence[float],
                   binary: bool, level: float, half_width: float | None) -> GroupEstimate:
    judge_only = judge_mean([*yhat, *unlabeled], level)
    if len(y) < MIN_LABELS:
        return GroupEstimate(group, len(y), len(unlabeled), judge_only, None, None, None, None, None, None,
                             note=f"only {len(y)} human label(s) here; an interval needs at least {MIN_LABELS}")
    human_only = human_mean(y, level)
    bias = human_mean(np.asarray(yhat) - np.asarray(y), level)
    if not unlabeled:
        return GroupEstimate(group, len(y), 0, judge_only, human_only, human_only, None, float(len(y)), bias, None,
                             note="every item has a human label: the human mean is the answer")
    corrected = ppi_mean(y, yhat, unlabeled, level)
    prevalence, note = None, None
    if binary:
        try:
            prevalence = rogan_gladen([int(v) for v in y], [int(v) for v in yhat], [int(v) for v in unlabeled],
                                      level)
        except PrevalenceError as exc:
            note = f"Rogan-Gladen: {exc}"
    budget = labels_for_half_width(half_width, y, yhat, unlabeled, corrected.lam, level) if half_width else None
    return GroupEstimate(group, len(y), len(unlabeled), judge_only, human_only, corrected, prevalence,
                         effective_labels(corrected, y), bias, budget, note=note)


def rank_intervals(groups: Sequence[GroupEstimate]) -> list[GroupEstimate]:
    """Best and worst rank by corrected score: better than every group whose interval lies wholly below."""
    ranked = [g for g in groups if g.corrected is not None]
    out = []
    for g in groups:
        if g.corrected is None:
            out.append(g)
            continue
        above = sum(o.corrected.low > g.corrected.high for o in ranked if o is not g)
        below = sum(o.corrected.high < g.corrected.low for o in ranked if o is not g)
        out.append(GroupEstimate(**{**g.__dict__, "rank": (1 + above, len(ranked) - below)}))
    return out


def estimate_judge(kind: TaskKind, items: Sequence[Item], verdicts: Mapping[str, object], judge: str,
                   labeled: set[str], *, by: str | None = None, level: float = 0.95,
                   half_width: float | None = None) -> JudgeEstimate:
    if not kind.scored:
        raise DataError(f"{kind.name} labels have no mean to estimate (a class is not a score)")
    groups, left_out = observations(kind, items, verdicts, labeled, by, judge)
    binary = ESTIMATORS.get("rogan_gladen").applies(kind)
    estimates = [estimate_group(name, *groups[name], binary, level, half_width)
                 for name in ["all", *sorted(g for g in groups if g != "all")]]
    parts = rank_intervals(estimates[1:])
    return JudgeEstimate(judge, (estimates[0], *parts), left_out, _tau(parts))


def _tau(groups: Sequence[GroupEstimate]) -> float | None:
    """Kendall's tau between the judge-only and the human-only scores of the groups."""
    pairs = [(g.judge_only.estimate, g.human_only.estimate) for g in groups if g.human_only is not None]
    if len(pairs) < 3:
        return None
    tau = kendalltau(*zip(*pairs)).statistic
    return None if tau is None or math.isnan(tau) else float(tau)
