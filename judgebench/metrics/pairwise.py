"""Pairwise agreement, as three published benchmarks define it (they differ; each is named).

Verdicts are "A", "B", "tie", or None for a reply with no usable verdict. A None is
never dropped silently: `policy="count_as_wrong"` (default) scores it as a miss,
`policy="exclude"` leaves its item out; either way `coverage` reports the share of
items with a usable verdict.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from judgebench.kinds.pairwise import combine_orders

POLICIES = ("count_as_wrong", "exclude")
TIE = "tie"


@dataclass(frozen=True)
class PairwiseVerdicts:
    """A judge's pairwise verdicts per item beside the human votes, as the pairwise metrics take them.

    `second` is the swapped order, already flipped back (None when the judge saw one order)."""

    first: Sequence[str | None]
    votes: Sequence[Sequence[str]]
    second: Sequence[str | None] | None = None
    policy: str = "count_as_wrong"

    @property
    def combined(self) -> list[str | None]:
        """One verdict per item: both orders combined as MT-Bench does (disagreement = tie)."""
        if self.second is None:
            return list(self.first)
        return [combine_orders(a, b) for a, b in zip(self.first, self.second, strict=True)]

    def __len__(self) -> int:
        return len(self.first)


@dataclass(frozen=True)
class Rate:
    """hits / total, with the share of items that had a usable verdict."""

    hits: float
    total: int
    usable_items: int
    items: int

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else float("nan")

    @property
    def coverage(self) -> float:
        return self.usable_items / self.items if self.items else float("nan")


def _check(policy: str) -> None:
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")


def mt_bench_agreement(judge: Sequence[str | None], votes: Sequence[Sequence[str]], *, ties: bool = True,
                       policy: str = "count_as_wrong") -> Rate:
    """MT-Bench (Zheng et al. 2023, sec. 4.2 and Table 2): agreement of the judge with every
    human vote. With `ties=True` ("S1") every (verdict, vote) pair counts; with `ties=False`
    ("S2") a pair is dropped when either side is a tie."""
    _check(policy)
    hits = total = usable = 0
    for verdict, item_votes in zip(judge, votes, strict=True):
        if verdict is None and policy == "exclude":
            continue
        usable += verdict is not None
        for vote in item_votes:
            if not ties and (vote == TIE or verdict == TIE):
                continue
            total += 1
            hits += verdict is not None and verdict == vote
    return Rate(hits, total, usable, len(judge))


def mt_bench_human_agreement(votes: Sequence[Sequence[str]], *, ties: bool = True) -> Rate:
    """MT-Bench human-human agreement: every pair of votes on the same comparison."""
    hits = total = 0
    for item_votes in votes:
        for i in range(len(item_votes)):
            for j in range(i + 1, len(item_votes)):
                a, b = item_votes[i], item_votes[j]
                if not ties and TIE in (a, b):
                    continue
                total += 1
                hits += a == b
    return Rate(hits, total, len(votes), len(votes))


_ALPACA_SCALE = {"A": 1.0, "B": 2.0, TIE: 1.5}


def alpaca_eval_agreement(judge: Sequence[str | None], human: Sequence[Sequence[str]], *,
                          policy: str = "count_as_wrong") -> Rate:
    """AlpacaEval (Li et al. 2023, `analyze_evaluators`): preferences on a 1-2 scale with a
    tie at 1.5; the target is the mode of the human labels (the lower value when several
    are equally common, as pandas' `mode()[0]`); score = 1 - mean |target - prediction|.
    A failed verdict is the largest possible error, 1."""
    _check(policy)
    errors, usable = [], 0
    for verdict, labels in zip(judge, human, strict=True):
        if verdict is None and policy == "exclude":
            continue
        counts = Counter(_ALPACA_SCALE[label] for label in labels)
        best = max(counts.values())
        target = min(value for value, count in counts.items() if count == best)
        usable += verdict is not None
        errors.append(1.0 if verdict is None else abs(target - _ALPACA_SCALE[verdict]))
    return Rate(len(errors) - float(np.sum(errors)), len(errors), usable, len(judge))


def judgebench_score(label: Sequence[str], first: Sequence[str | None], second: Sequence[str | None]) -> Rate:
    """JudgeBench (Tan et al. 2024, utils/metrics.py): each pair is judged in both orders,
    the second decision already flipped back to the original order. +1 for each decision
    equal to the label, -1 for each equal to the other side, 0 for a tie or a failure; the
    pair is correct when the sum is positive. So a tie or failure next to a correct decision
    still counts, while inconsistent, tied and failed pairs are wrong. No exclusion policy:
    the published metric has none."""
    hits = usable = 0
    for truth, a, b in zip(label, first, second, strict=True):
        other = "B" if truth == "A" else "A"
        counter = sum((d == truth) - (d == other) for d in (a, b))
        hits += counter > 0
        usable += a is not None and b is not None
    return Rate(hits, len(label), usable, len(label))


def positional_agreement(first: Sequence[str | None], second: Sequence[str | None], *,
                         policy: str = "count_as_wrong") -> Rate:
    """LLMBar (Zeng et al. 2024): the share of pairs whose verdict survives swapping A and B
    (`second` already flipped back). Under count_as_wrong a failed side is a disagreement."""
    _check(policy)
    hits = total = usable = 0
    for a, b in zip(first, second, strict=True):
        both = a is not None and b is not None
        if not both and policy == "exclude":
            continue
        usable += both
        total += 1
        hits += both and a == b
    return Rate(hits, total, usable, len(first))


def order_accuracy(truth: Sequence[str | None], verdicts: Sequence[str | None], *,
                   policy: str = "count_as_wrong") -> Rate:
    """LLMBar (Zeng et al. 2024, "Acc"): the share of pairs whose verdict in one order equals the humans'
    label. Items without a label (truth None) do not count; a failed verdict is a miss under
    count_as_wrong and leaves its item out under exclude."""
    _check(policy)
    hits = total = usable = 0
    for label, verdict in zip(truth, verdicts, strict=True):
        if label is None or (verdict is None and policy == "exclude"):
            continue
        usable += verdict is not None
        total += 1
        hits += verdict == label
    return Rate(hits, total, usable, len(truth))


def both_orders_agreement(truth: Sequence[str | None], first: Sequence[str | None], second: Sequence[str | None],
                          *, policy: str = "count_as_wrong") -> Rate:
    """Auto-J (Li et al. 2024, `pairwise_eval.py`, "agreement" of type pairwise): a pair counts as right only
    when the verdicts in both orders (the second flipped back) agree and equal the humans' label, a tie
    included. Items without a label do not count; a failed order is a miss, or leaves under exclude."""
    _check(policy)
    hits = total = usable = 0
    for label, a, b in zip(truth, first, second, strict=True):
        both = a is not None and b is not None
        if label is None or (not both and policy == "exclude"):
            continue
        usable += both
        total += 1
        hits += both and a == b == label
    return Rate(hits, total, usable, len(truth))
