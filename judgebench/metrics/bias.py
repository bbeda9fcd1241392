"""Bias and robustness probes of a judge (pure functions over per-item arrays).

Pairwise verdicts are "A", "B", "tie" or None, always in the dataset's orientation
(a BA-order verdict already flipped back).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from judgebench.judges.families import in_family
from judgebench.metrics.agreement import undefined
from judgebench.metrics.krippendorff import krippendorff_alpha


@dataclass(frozen=True)
class PositionBias:
    flip_rate: float            # share of items whose verdict changes when A and B are swapped
    consistency: float          # 1 - flip_rate
    first_position_wins: float  # P(the response shown first wins | a side won), over both orders
    items: int                  # items with a usable verdict in both orders


def position_bias(first: Sequence[str | None], second: Sequence[str | None]) -> PositionBias:
    both = [(a, b) for a, b in zip(first, second, strict=True) if a is not None and b is not None]
    if not both:
        nan = undefined("position bias without items judged in both orders")
        return PositionBias(nan, nan, nan, 0)
    flips = float(np.mean([a != b for a, b in both]))
    # Shown first: A in the AB order; B in the BA order (whose verdict is flipped back).
    shown_first = sum(a == "A" for a, _ in both) + sum(b == "B" for _, b in both)
    decided = sum(a != "tie" for a, _ in both) + sum(b != "tie" for _, b in both)
    first_wins = shown_first / decided if decided else undefined("first-position win rate with only ties")
    return PositionBias(flips, 1 - flips, first_wins, len(both))


@dataclass(frozen=True)
class Preference:
    rate: float       # share of decided comparisons won by the side of interest
    decided: int      # comparisons with a winner, among the eligible ones


def _preference(wins: Sequence[bool | None]) -> Preference:
    decided = [w for w in wins if w is not None]
    return Preference(float(np.mean(decided)) if decided else float("nan"), len(decided))


def longer_wins(verdicts: Sequence[str | None], length_a: Sequence[int], length_b: Sequence[int], *,
                min_gap: int = 30) -> Preference:
    """P(the longer response wins | |len A - len B| > min_gap characters and a side won).
    Compute it for the judge and for the humans' verdicts alike: a bias is the difference."""
    wins = []
    for verdict, a, b in zip(verdicts, length_a, length_b, strict=True):
        if abs(a - b) <= min_gap or verdict not in ("A", "B"):
            continue
        wins.append((verdict == "A") == (a > b))
    return _preference(wins)


def family_wins(verdicts: Sequence[str | None], model_a: Sequence[str], model_b: Sequence[str],
                family: str) -> Preference:
    """P(the response of `family` wins | exactly one side comes from that family and a side won).
    Membership is `judges.families.in_family` (family "gpt-4" holds gpt-4-0613, not gpt-3.5-turbo).
    Compare the judge's rate for its own family with the humans' rate."""
    wins = []
    for verdict, a, b in zip(verdicts, model_a, model_b, strict=True):
        mine_a, mine_b = in_family(a, family), in_family(b, family)
        if mine_a == mine_b or verdict not in ("A", "B"):
            continue
        wins.append((verdict == "A") == mine_a)
    return _preference(wins)


@dataclass(frozen=True)
class SampleConsistency:
    alpha: float                 # Krippendorff's alpha with the samples as raters
    majority_agreement: float    # agreement of the per-item majority verdict with the humans
    unanimous: float             # share of items where every sample gave the same verdict


def sample_consistency(samples: Sequence[Sequence], truth: Sequence, *, level: str = "nominal") -> SampleConsistency:
    """`samples[i]` are the n verdicts (temperature > 0) of item i; `truth[i]` the human label."""
    values = sorted({v for row in samples for v in row if v is not None}, key=str)
    code = {v: float(n) for n, v in enumerate(values)} if level == "nominal" else None
    width = max((len(row) for row in samples), default=0)
    data = np.full((width, len(samples)), np.nan)
    for i, row in enumerate(samples):
        for s, v in enumerate(row):
            if v is not None:
                data[s, i] = code[v] if code is not None else float(v)
    majority, unanimous = [], []
    for row, t in zip(samples, truth, strict=True):
        usable = [v for v in row if v is not None]
        if not usable:
            majority.append(False)
            continue
        counts = Counter(usable).most_common()
        top = counts[0][0] if len(counts) == 1 or counts[0][1] > counts[1][1] else None
        majority.append(top is not None and top == t)
        unanimous.append(len(counts) == 1 and len(usable) == len(row))
    return SampleConsistency(krippendorff_alpha(data, level=level) if len(values) > 1 or level != "nominal"
                             else undefined("sample consistency with a single verdict value"),
                             float(np.mean(majority)) if majority else float("nan"),
                             float(np.mean(unanimous)) if unanimous else float("nan"))


@dataclass(frozen=True)
class Calibration:
    ece: float                      # expected calibration error (Guo et al. 2017)
    bin_confidence: list[float]     # reliability diagram: mean confidence per bin ...
    bin_accuracy: list[float]       # ... against the share correct
    bin_count: list[int]


def calibration(confidence: Sequence[float], correct: Sequence[bool], *, bins: int = 10) -> Calibration:
    """`confidence` is the judge's probability for the verdict it gave; `correct` whether the humans agree.
    ECE = sum over equal-width bins of (n_b / n) |accuracy_b - confidence_b|."""
    p, c = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=float)
    if not len(p):
        return Calibration(undefined("calibration of no verdicts"), [], [], [])
    which = np.minimum((p * bins).astype(int), bins - 1)
    counts = np.bincount(which, minlength=bins)
    conf = np.bincount(which, weights=p, minlength=bins)
    acc = np.bincount(which, weights=c, minlength=bins)
    filled = counts > 0
    ece = float(np.sum(np.abs(acc[filled] - conf[filled])) / len(p))
    return Calibration(ece, list(conf[filled] / counts[filled]), list(acc[filled] / counts[filled]),
                       [int(n) for n in counts[filled]])


@dataclass(frozen=True)
class Sensitivity:
    spread: float     # best minus worst agreement across prompt variants
    std: float
    best: str
    worst: str


def prompt_sensitivity(agreement_by_prompt: dict[str, float]) -> Sensitivity:
    defined = {k: v for k, v in agreement_by_prompt.items() if not np.isnan(v)}
    if len(defined) < 2:
        nan = undefined("prompt sensitivity with fewer than two prompt variants")
        return Sensitivity(nan, nan, "", "")
    best, worst = max(defined, key=defined.get), min(defined, key=defined.get)
    return Sensitivity(defined[best] - defined[worst], float(np.std(list(defined.values()))), best, worst)
