"""Means from human labels, judge labels, or both (prediction-powered inference). Pure functions.

PPI++ (Angelopoulos, Duchi and Zrnic, "PPI++: Efficient Prediction-Powered Inference", 2023; after
Angelopoulos et al., "Prediction-powered inference", Science 2023). With n labeled items (human value Y,
judge value Ŷ) and N unlabeled items (judge value Ŷᵘ), optional weights w (inverse inclusion probabilities,
for labeled items drawn with unequal probabilities: Zrnic and Candès, "Active statistical inference",
ICML 2024):

    θ̂_λ = mean(w_u · λ Ŷᵘ) + mean(w · (Y − λ Ŷ))
    se² = Var(w_u · λ Ŷᵘ) / N + Var(w · (Y − λ Ŷ)) / n            (population variances, ddof 0)
    λ   = clip( 2 Σ (g − ḡ)(ĝ − ĝ̄) / n  /  (2 (1 + n/N) Var_1(ĝ ∪ ĝᵘ)),  0, 1 )

where g = w (Y − θ̂₁), ĝ = w (Ŷ − θ̂₁), ĝᵘ = w_u (Ŷᵘ − θ̂₁) at the λ = 1 estimate θ̂₁ and Var_1 has ddof 1:
`ppi_py.ppi_mean_ci` / `ppi_mean_pointestimate` with lam=None, step for step (the tests check it to 1e-6).
λ = 0 is the human-only mean; λ = 1 plain PPI. A judge that gives one value everywhere carries no
information: λ = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.stats import norm


@dataclass(frozen=True)
class MeanEstimate:
    estimate: float
    low: float
    high: float
    se: float
    n: int                      # labeled items (human values) used
    N: int                      # judged items without a human value used
    lam: float | None = None    # PPI++'s power-tuning weight on the judge (None: not a PPI estimate)

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def _z(level: float) -> float:
    return float(norm.ppf(1 - (1 - level) / 2))


def _weights(weights: Sequence[float] | None, size: int) -> np.ndarray:
    """Scaled to average 1 (as ppi_py does): only their ratios matter."""
    if weights is None:
        return np.ones(size)
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum() * size


def human_mean(y: Sequence[float], level: float = 0.95) -> MeanEstimate:
    """The classical estimate from the labeled items alone: mean ± z · sd/√n (sd with ddof 0, as PPI's λ = 0)."""
    y = np.asarray(y, dtype=float)
    se = float(y.std() / math.sqrt(len(y)))
    z = _z(level)
    mean = float(y.mean())
    return MeanEstimate(mean, mean - z * se, mean + z * se, se, len(y), 0, 0.0)


def judge_mean(yhat: Sequence[float], level: float = 0.95) -> MeanEstimate:
    """The judge-only estimate over every judged item, with the naive interval that takes the judge's
    values for the truth (it ignores the judge's errors, so it covers the truth only if the judge is unbiased)."""
    values = np.asarray(yhat, dtype=float)
    se = float(values.std() / math.sqrt(len(values)))
    z = _z(level)
    mean = float(values.mean())
    return MeanEstimate(mean, mean - z * se, mean + z * se, se, 0, len(values))


def tuned_lambda(y: np.ndarray, yhat: np.ndarray, yhat_unlabeled: np.ndarray, w: np.ndarray,
                 w_unlabeled: np.ndarray) -> float:
    n, big_n = len(y), len(yhat_unlabeled)
    theta_1 = float((w_unlabeled * yhat_unlabeled).mean() + (w * (y - yhat)).mean())
    grads, grads_hat = w * (y - theta_1), w * (yhat - theta_1)
    grads_hat_unlabeled = w_unlabeled * (yhat_unlabeled - theta_1)
    covariance = 2 * float(((grads - grads.mean()) * (grads_hat - grads_hat.mean())).sum()) / n
    variance = float(np.var(np.concatenate([grads_hat, grads_hat_unlabeled]), ddof=1))
    if variance <= 0:
        return 0.0
    return float(np.clip(covariance / (2 * (1 + n / big_n) * variance), 0, 1))


def ppi_mean(y: Sequence[float], yhat: Sequence[float], yhat_unlabeled: Sequence[float], level: float = 0.95,
             lam: float | None = None, weights: Sequence[float] | None = None,
             weights_unlabeled: Sequence[float] | None = None) -> MeanEstimate:
    """PPI++ (see the module docstring): the mean of Y over all items, corrected with the judge."""
    y, yhat = np.asarray(y, dtype=float), np.asarray(yhat, dtype=float)
    yhat_unlabeled = np.asarray(yhat_unlabeled, dtype=float)
    if len(y) != len(yhat):
        raise ValueError("each labeled item needs a human value and a judge value")
    if len(y) < 2 or len(yhat_unlabeled) < 1:
        raise ValueError("PPI needs at least two labeled items and one unlabeled item")
    w, w_unlabeled = _weights(weights, len(y)), _weights(weights_unlabeled, len(yhat_unlabeled))
    if lam is None:
        lam = tuned_lambda(y, yhat, yhat_unlabeled, w, w_unlabeled)
    estimate = float((w_unlabeled * lam * yhat_unlabeled).mean() + (w * (y - lam * yhat)).mean())
    se = math.sqrt(float((w_unlabeled * lam * yhat_unlabeled).std()) ** 2 / len(yhat_unlabeled)
                   + float((w * (y - lam * yhat)).std()) ** 2 / len(y))
    z = _z(level)
    return MeanEstimate(estimate, estimate - z * se, estimate + z * se, se, len(y), len(yhat_unlabeled), lam)


def effective_labels(corrected: MeanEstimate, y: Sequence[float]) -> float:
    """How many human labels alone would give the corrected estimate's precision: Var(Y) / se²."""
    variance = float(np.var(np.asarray(y, dtype=float)))
    return math.inf if corrected.se == 0 else variance / corrected.se ** 2


def labels_for_half_width(half_width: float, y: Sequence[float], yhat: Sequence[float],
                          yhat_unlabeled: Sequence[float], lam: float, level: float = 0.95) -> tuple[float, float]:
    """Human labels needed for a target half-width, (corrected, human-only), from the variances seen so far.

    Human-only: n = (z · sd(Y) / h)².  Corrected: se² = Var(λŶᵘ)/N + Var(Y − λŶ)/n ≤ (h/z)² gives
    n = Var(Y − λŶ) / ((h/z)² − Var(λŶᵘ)/N); infinite when the judged items alone are too few.
    """
    y, yhat = np.asarray(y, dtype=float), np.asarray(yhat, dtype=float)
    unlabeled = np.asarray(yhat_unlabeled, dtype=float)
    target = (half_width / _z(level)) ** 2
    human = float(np.var(y)) / target
    room = target - float(np.var(lam * unlabeled)) / len(unlabeled)
    corrected = math.inf if room <= 0 else float(np.var(y - lam * yhat)) / room
    return math.ceil(corrected) if math.isfinite(corrected) else math.inf, math.ceil(human)


def inclusion_probabilities(uncertainty: Sequence[float], budget: float, floor: float = 0.1) -> np.ndarray:
    """Chances of asking a person about each item, proportional to the judge's uncertainty, averaging
    `budget` labels in all: π_i = min(1, c · max(u_i, floor · ū)), c chosen so that Σ π_i = budget.
    The floor keeps every item possible (and the weights 1/π bounded): sure items still get asked now and then."""
    u = np.asarray(uncertainty, dtype=float)
    if not 0 < budget <= len(u):
        raise ValueError(f"a label budget must be between 0 and the {len(u)} items")
    mean = u.mean()
    u = np.maximum(u, floor * mean) if mean > 0 else np.ones_like(u)
    low, high = 0.0, len(u) / u.min()
    for _ in range(100):                        # Σ min(1, c u) grows with c: bisect for the budget
        c = (low + high) / 2
        low, high = (c, high) if np.minimum(1.0, c * u).sum() < budget else (low, c)
    return np.minimum(1.0, high * u)


def active_mean(y_labeled: Sequence[float], labeled: Sequence[bool], yhat: Sequence[float],
                probabilities: Sequence[float], level: float = 0.95, lam: float | None = None) -> MeanEstimate:
    """Active statistical inference (Zrnic and Candès, ICML 2024): item i was labeled with probability π_i
    (ξ_i = 1 if it was); over all N items,

        θ̂ = mean_i [ λ Ŷ_i + (ξ_i / π_i)(Y_i − λ Ŷ_i) ],   se² = Var_i[ same ] / N,

    unbiased for the mean of Y whatever the π_i (each > 0), and far more precise than a uniform sample when
    π follows the judge's uncertainty. λ minimises the plug-in variance (clipped to [0, 1]).
    `y_labeled` holds Y for the labeled items, in order; `labeled` marks them among all N."""
    xi = np.asarray(labeled, dtype=bool)
    yhat, pi = np.asarray(yhat, dtype=float), np.asarray(probabilities, dtype=float)
    y = np.zeros(len(yhat))
    y[xi] = np.asarray(y_labeled, dtype=float)
    if xi.sum() < 2:
        raise ValueError("active inference needs at least two labeled items")
    weight = xi / pi
    if lam is None:
        a, b = weight * y, (1 - weight) * yhat             # summand = a + λ b
        variance_b = float(np.var(b))
        lam = 0.0 if variance_b <= 0 else float(np.clip(-np.cov(a, b, ddof=0)[0, 1] / variance_b, 0, 1))
    terms = lam * yhat + weight * (y - lam * yhat)
    estimate, se = float(terms.mean()), float(terms.std() / math.sqrt(len(terms)))
    z = _z(level)
    return MeanEstimate(estimate, estimate - z * se, estimate + z * se, se, int(xi.sum()), int((~xi).sum()), lam)


@dataclass(frozen=True)
class RoundDraw:
    """One review round: `open_count` items not yet reviewed, of which a uniform `pool` was judged (the
    judge's value on each, fixed before the draw), and the batch drawn from the pool with the given
    inclusion probabilities; `human` holds the person's value for the drawn ones (None elsewhere);
    `known_before` is the sum of the person's values on the items reviewed in earlier rounds."""

    open_count: int
    judge: Sequence[float]
    inclusion: Sequence[float]
    human: Sequence[float | None]
    known_before: float


def rounds_mean(rounds: Sequence[RoundDraw], population: int, level: float = 0.95) -> MeanEstimate:
    """The mean over all `population` items from review rounds drawn as above.

    Round r alone gives an unbiased estimate: the items reviewed before it are known, and the rest's sum
    is M_r times the active-inference mean over the round's pool (a uniform sample of those M_r items;
    within it, item i was drawn with probability π_i):  θ̂_r = (S_<r + M_r · θ̂_pool,r) / N, with
    se_r = M_r · se_pool,r / N. Given the rounds before it, each θ̂_r is unbiased, so their errors are
    uncorrelated and the plain average θ̄ = mean_r θ̂_r has se = sqrt(Σ se_r²) / R."""
    if not rounds:
        raise ValueError("no review round to estimate from")
    estimates, variances, labels, unlabeled = [], [], 0, 0
    for draw in rounds:
        asked = [h is not None for h in draw.human]
        pool = active_mean([h for h in draw.human if h is not None], asked, draw.judge, draw.inclusion, level)
        estimates.append((draw.known_before + draw.open_count * pool.estimate) / population)
        variances.append((draw.open_count * pool.se / population) ** 2)
        labels += pool.n
        unlabeled = pool.N
    estimate = float(np.mean(estimates))
    se = math.sqrt(sum(variances)) / len(rounds)
    z = _z(level)
    return MeanEstimate(estimate, estimate - z * se, estimate + z * se, se, labels, unlabeled)
