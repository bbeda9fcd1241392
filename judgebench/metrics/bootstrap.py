"""Bootstrap confidence intervals (percentile method), vectorised with numpy.

- `bootstrap_ci`: any metric of per-item arrays; resamples items, or whole groups
  (`clusters`, e.g. every comparison of one question) when items are not independent.
- `binary_bootstrap`: the binary agreement metrics for millions of items. They depend on
  the data only through the 2x2 confusion counts, and resampling n items with
  replacement is a multinomial draw of those counts, so B resamples cost B draws of four
  numbers instead of B x n index draws.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from judgebench.metrics.agreement import UndefinedMetricWarning


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    level: float
    resamples: int


def percentile_interval(estimate: float, samples: np.ndarray, level: float) -> Interval:
    samples = samples[~np.isnan(samples)]
    if not len(samples):
        return Interval(estimate, float("nan"), float("nan"), level, 0)
    alpha = (1 - level) / 2
    low, high = np.quantile(samples, [alpha, 1 - alpha])
    return Interval(estimate, float(low), float(high), level, len(samples))


def resample_indices(n: int, resamples: int, rng: np.random.Generator,
                     clusters: Sequence | None = None) -> list[np.ndarray]:
    """Index sets, one per resample: items with replacement, or whole clusters with replacement."""
    if clusters is None:
        return list(rng.integers(0, n, size=(resamples, n)))
    clusters = np.asarray(clusters, dtype=object)
    _, codes = np.unique(clusters.astype(str), return_inverse=True)
    members = [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]
    picks = rng.integers(0, len(members), size=(resamples, len(members)))
    return [np.concatenate([members[c] for c in row]) for row in picks]


def bootstrap_ci(metric: Callable[..., float], *arrays: Sequence, resamples: int = 1000, level: float = 0.95,
                 seed: int | None = 0, clusters: Sequence | None = None) -> Interval:
    """Percentile interval of `metric(*arrays)` over resamples of the items (or clusters)."""
    arrays = [np.asarray(a, dtype=object) if np.asarray(a).dtype == object else np.asarray(a) for a in arrays]
    n = len(arrays[0])
    estimate = metric(*arrays)
    rng = np.random.default_rng(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        samples = np.array([metric(*(a[idx] for a in arrays))
                            for idx in resample_indices(n, resamples, rng, clusters)], dtype=float)
    return percentile_interval(estimate, samples, level)


# --- binary metrics from confusion counts --------------------------------------------------------

BINARY_METRICS = ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "macro_precision", "macro_recall",
                  "macro_f1", "mcc", "kappa")


def binary_metrics_from_counts(tp, fp, fn, tn) -> dict[str, np.ndarray]:
    """Each binary metric (positive class 1) from confusion counts; arrays broadcast, NaN when undefined."""
    tp, fp, fn, tn = (np.asarray(x, dtype=float) for x in (tp, fp, fn, tn))
    n = tp + fp + fn + tn
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # nanmean of two undefined classes
        precision = tp / (tp + fp)
        recall = tp / (tp + fn)
        specificity = tn / (tn + fp)
        observed = (tp + tn) / n
        chance = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / n ** 2
        mcc_den = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        negative_precision, negative_recall = tn / (tn + fn), specificity
        f1, negative_f1 = 2 * tp / (2 * tp + fp + fn), 2 * tn / (2 * tn + fn + fp)
        return {
            "accuracy": observed,
            "balanced_accuracy": np.where(np.isnan(recall), specificity,
                                          np.where(np.isnan(specificity), recall, (recall + specificity) / 2)),
            "precision": precision,
            "recall": recall,
            "f1": f1,
            # macro means leave an undefined class out, as precision_recall_f1 does
            "macro_precision": np.nanmean(np.stack([precision, negative_precision]), axis=0),
            "macro_recall": np.nanmean(np.stack([recall, negative_recall]), axis=0),
            "macro_f1": np.nanmean(np.stack([f1, negative_f1]), axis=0),
            "mcc": np.where(mcc_den > 0, (tp * tn - fp * fn) / mcc_den, np.nan),
            "kappa": np.where(chance < 1, (observed - chance) / (1 - chance), np.nan),
        }


def binary_bootstrap(y_true: Sequence[int], y_pred: Sequence[int], *, resamples: int = 1000, level: float = 0.95,
                     seed: int | None = 0) -> dict[str, Interval]:
    """Every binary metric with a percentile interval, from multinomial resamples of the counts."""
    y_true, y_pred = np.asarray(y_true, dtype=np.int8), np.asarray(y_pred, dtype=np.int8)
    counts = np.bincount(y_true.astype(np.int64) * 2 + y_pred, minlength=4)     # tn, fp, fn, tp
    n = int(counts.sum())
    estimate = binary_metrics_from_counts(counts[3], counts[1], counts[2], counts[0])
    draws = np.random.default_rng(seed).multinomial(n, counts / n, size=resamples)
    samples = binary_metrics_from_counts(draws[:, 3], draws[:, 1], draws[:, 2], draws[:, 0])
    return {name: percentile_interval(float(estimate[name]), samples[name], level) for name in BINARY_METRICS}


def ratio_bootstrap(hits: Sequence[float], totals: Sequence[float], *, resamples: int = 1000, level: float = 0.95,
                    seed: int | None = 0, clusters: Sequence | None = None) -> Interval:
    """Interval of sum(hits) / sum(totals) over resampled items, for rates whose items weigh
    differently (MT-Bench counts every human vote, so an item weighs its number of votes)."""
    hits, totals = np.asarray(hits, dtype=float), np.asarray(totals, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = float(hits.sum() / totals.sum()) if totals.sum() else float("nan")
        rng = np.random.default_rng(seed)
        if clusters is None:
            index = rng.integers(0, len(hits), size=(resamples, len(hits)))
            samples = hits[index].sum(axis=1) / totals[index].sum(axis=1)
        else:
            samples = np.array([hits[i].sum() / totals[i].sum()
                                for i in resample_indices(len(hits), resamples, rng, clusters)])
    return percentile_interval(estimate, samples, level)
