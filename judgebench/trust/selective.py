"""Selective judging with a guaranteed agreement level (Jung, Brahman and Choi, "Trust or Escalate: LLM
Judges with Provable Guarantees for Human Agreement", ICLR 2025). Pure functions.

On n labeled calibration items the judge has a confidence c_i and is right (agrees with the people) or not.
Keeping the verdicts with c ≥ λ, the risk is R(λ) = P(wrong | c ≥ λ). For each candidate λ, with n(λ) kept
items of which k(λ) are wrong, the exact binomial p-value of H0: R(λ) > α is

    p(λ) = P(Binomial(n(λ), α) ≤ k(λ)).

Fixed-sequence testing: the candidates are tested from the strictest to the most lenient, H0 is rejected
while p(λ) ≤ δ, and λ̂ is the last rejected one. The candidates are the confidences that keep 1/50, 2/50, ...
of the items (a grid as in the paper: every distinct confidence would make hundreds of tiny steps, and one
unlucky step ends the sequence). The sequence starts at the first of them that keeps enough items for a
judge with half the allowed error rate to be certified at its expected number of errors: a stricter start
keeps so few items that a single error ends the sequence. Both depend on the confidences alone, never on
who was right, so the guarantee stands. Then, with probability at least
1 − δ over the calibration draw, the verdicts kept at λ̂ on new items from the same distribution agree with
people at least 1 − α of the time; below λ̂ the judge abstains. When the strictest candidate is not rejected,
no threshold achieves α (λ̂ is None: every verdict needs a person).

A cascade (cheap judge → strong judge → person) calibrates each stage on the calibration items that reach it,
at α and δ / K for K stages: the kept verdicts of each stage have risk ≤ α given that they reached it, the
union bound makes all K hold together with probability ≥ 1 − δ, and the kept verdicts overall, a mixture of
the stages', then have risk ≤ α as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.stats import binom, beta


@dataclass(frozen=True)
class Threshold:
    threshold: float | None     # λ̂; None: no threshold achieves α (the judge abstains everywhere)
    alpha: float
    delta: float
    calibration_items: int
    kept: int                   # calibration items with confidence ≥ λ̂
    wrong: int                  # of those, where the judge disagreed with the people
    p_value: float | None       # of the chosen threshold

    def keeps(self, confidence: Sequence[float]) -> np.ndarray:
        c = np.asarray(confidence, dtype=float)
        return np.zeros(len(c), dtype=bool) if self.threshold is None else c >= self.threshold


def risk_p_value(kept: int, wrong: int, alpha: float) -> float:
    """Exact binomial p-value of H0: risk > α, from `wrong` errors among `kept` verdicts."""
    return float(binom.cdf(wrong, kept, alpha)) if kept else 1.0


def calibrate(confidence: Sequence[float], correct: Sequence[bool], *, alpha: float, delta: float,
              steps: int = 50) -> Threshold:
    """λ̂ by fixed-sequence testing over a grid of `steps` confidences, strictest first."""
    if not 0 < alpha < 1 or not 0 < delta < 1:
        raise ValueError(f"alpha and delta must be in (0, 1), got {alpha} and {delta}")
    c, right = np.asarray(confidence, dtype=float), np.asarray(correct, dtype=bool)
    order = np.argsort(-c, kind="stable")
    kept_at = np.arange(1, len(c) + 1)
    wrong_at = np.cumsum(~right[order])
    # A candidate keeps every item at or above it: the last position of its value in the sorted order.
    ranked = c[order]
    last_of_value = np.flatnonzero(np.r_[ranked[1:] != ranked[:-1], True])
    grid = np.ceil(np.arange(1, steps + 1) * len(c) / steps).astype(int) - 1
    positions = np.unique(last_of_value[np.searchsorted(last_of_value, grid[grid >= 0])])
    chosen = Threshold(None, alpha, delta, len(c), 0, 0, None)
    for position in positions[kept_at[positions] >= start_size(alpha, delta)]:
        kept, wrong = int(kept_at[position]), int(wrong_at[position])
        p = risk_p_value(kept, wrong, alpha)
        if p > delta:
            break
        chosen = Threshold(float(ranked[position]), alpha, delta, len(c), kept, wrong, p)
    return chosen


def start_size(alpha: float, delta: float) -> int:
    """The fewest kept verdicts at which a judge erring at α/2 would be certified with its expected number of
    errors: the smallest n with P(Binomial(n, α) ≤ ⌊n α / 2⌋) ≤ δ (38 for α = δ = 0.1)."""
    n = 1
    while binom.cdf(np.floor(n * alpha / 2), n, alpha) > delta:
        n += 1
    return n


def calibrate_cascade(confidences: Sequence[Sequence[float]], corrects: Sequence[Sequence[bool]], *,
                      alpha: float, delta: float) -> list[Threshold]:
    """One threshold per stage, each on the calibration items the stages before it abstained on, at α and
    δ / K. `confidences[k][i]` and `corrects[k][i]`: stage k's judge on calibration item i."""
    stages = len(confidences)
    open_items = np.ones(len(confidences[0]), dtype=bool)
    thresholds = []
    for c, right in zip(confidences, corrects):
        c, right = np.asarray(c, dtype=float), np.asarray(right, dtype=bool)
        stage = calibrate(c[open_items], right[open_items], alpha=alpha, delta=delta / stages)
        thresholds.append(stage)
        open_items &= ~stage.keeps(c)
    return thresholds


@dataclass(frozen=True)
class CascadeOutcome:
    decided_by: tuple[int, ...]     # per stage, items it decided
    escalated: int                  # items left for a person
    kept_right: int
    kept: int

    @property
    def coverage(self) -> float:
        total = sum(self.decided_by) + self.escalated
        return self.kept / total if total else float("nan")

    @property
    def agreement(self) -> float:
        return self.kept_right / self.kept if self.kept else float("nan")

    def agreement_interval(self, level: float = 0.95) -> tuple[float, float]:
        """Clopper-Pearson interval of the kept verdicts' agreement."""
        if not self.kept:
            return float("nan"), float("nan")
        a, k, n = 1 - level, self.kept_right, self.kept
        low = float(beta.ppf(a / 2, k, n - k + 1)) if k else 0.0
        high = float(beta.ppf(1 - a / 2, k + 1, n - k)) if k < n else 1.0
        return low, high


def run_cascade(thresholds: Sequence[Threshold], confidences: Sequence[Sequence[float]],
                corrects: Sequence[Sequence[bool]]) -> CascadeOutcome:
    """Apply calibrated stages to (held-out) items: each item goes to the first stage confident enough."""
    open_items = np.ones(len(confidences[0]), dtype=bool)
    decided, kept_right = [], 0
    for stage, c, right in zip(thresholds, confidences, corrects):
        take = open_items & stage.keeps(c)
        decided.append(int(take.sum()))
        kept_right += int((take & np.asarray(right, dtype=bool)).sum())
        open_items &= ~take
    return CascadeOutcome(tuple(decided), int(open_items.sum()), kept_right, sum(decided))
