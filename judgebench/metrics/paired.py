"""Is judge X better than judge Y on the same items? Paired tests, and Holm's correction."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
from scipy import stats

from judgebench.metrics.agreement import UndefinedMetricWarning
from judgebench.metrics.bootstrap import Interval, percentile_interval, resample_indices


def paired_bootstrap_difference(metric: Callable[[np.ndarray, np.ndarray], float], human: Sequence,
                                judge_x: Sequence, judge_y: Sequence, *, resamples: int = 1000,
                                level: float = 0.95, seed: int | None = 0,
                                clusters: Sequence | None = None) -> Interval:
    """Interval of metric(human, x) - metric(human, y), both judges scored on the same resampled items."""
    human, x, y = (np.asarray(a, dtype=object) for a in (human, judge_x, judge_y))
    estimate = metric(human, x) - metric(human, y)
    rng = np.random.default_rng(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        samples = np.array([metric(human[i], x[i]) - metric(human[i], y[i])
                            for i in resample_indices(len(human), resamples, rng, clusters)], dtype=float)
    return percentile_interval(estimate, samples, level)


@dataclass(frozen=True)
class McNemar:
    only_x_right: int     # b: items judge X got right and judge Y wrong
    only_y_right: int     # c
    p_value: float


def mcnemar_exact(x_correct: Sequence[bool], y_correct: Sequence[bool]) -> McNemar:
    """McNemar's exact test (McNemar 1947): two-sided binomial test of b vs c on the discordant items."""
    x, y = np.asarray(x_correct, dtype=bool), np.asarray(y_correct, dtype=bool)
    b, c = int(np.sum(x & ~y)), int(np.sum(~x & y))
    p = 1.0 if b + c == 0 else float(stats.binomtest(b, b + c, 0.5).pvalue)
    return McNemar(b, c, p)


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values, for all pairs of judges on one leaderboard."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    adjusted = np.empty_like(p)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p) - rank) * p[index]))
        adjusted[index] = running
    return adjusted
