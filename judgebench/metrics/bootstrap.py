"""Bootstrap confidence intervals (percentile method), vectorised with numpy.

- `bootstrap_ci`: any metric of per-item arrays; resamples items, or whole groups
  (`clusters`, e.g. every comparison of one question) when items are not independent.
- `confusion_bootstrap`: the classification metrics for millions of items. They depend on
  the data only through the confusion counts, and resampling n items with replacement is a
  multinomial draw of those counts, so B resamples cost B draws of k^2 numbers instead of
  B x n index draws.
- `ratio_bootstrap`: rates whose items weigh differently (hits / total per item).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

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


# --- metrics of the confusion matrix ------------------------------------------------------------

def _label_codes(values: Sequence, labels: Sequence) -> np.ndarray:
    """Each value's index in `labels`; numeric 0..k-1 labels (binary) take the vectorised path."""
    array = np.asarray(values)
    if array.dtype.kind in "iub" and list(labels) == list(range(len(labels))):
        codes = array.astype(np.int64)
        if len(codes) and (codes.min() < 0 or codes.max() >= len(labels)):
            raise ValueError(f"labels outside {list(labels)}")
        return codes
    index = {label: i for i, label in enumerate(labels)}
    return np.fromiter((index[v] for v in values), dtype=np.int64, count=len(values))


def confusion_bootstrap(functions: Mapping[str, Callable[[np.ndarray], np.ndarray]], y_true: Sequence,
                        y_pred: Sequence, labels: Sequence, *, resamples: int = 1000, level: float = 0.95,
                        seed: int | None = 0, clusters: Sequence | None = None) -> dict[str, Interval]:
    """Intervals of metrics that depend on the data only through the confusion matrix (`functions`
    take a batch of matrices). Resampling n items with replacement is a multinomial draw of the k x k
    cell counts, so B resamples cost B draws of k^2 numbers instead of B x n index draws; with
    `clusters`, each resample's matrix is counted from the items of its resampled groups."""
    k = len(labels)
    codes = _label_codes(y_true, labels) * k + _label_codes(y_pred, labels)
    counts = np.bincount(codes, minlength=k * k)
    n = int(counts.sum())
    matrix = counts.reshape(k, k)
    rng = np.random.default_rng(seed)
    if not n:
        draws = np.zeros((0, k, k))
    elif clusters is None:
        draws = rng.multinomial(n, counts / n, size=resamples).reshape(resamples, k, k)
    else:
        draws = np.stack([np.bincount(codes[i], minlength=k * k) for i in resample_indices(n, resamples, rng, clusters)]
                         ).reshape(resamples, k, k)
    return {name: percentile_interval(float(function(matrix)), np.asarray(function(draws), dtype=float), level)
            for name, function in functions.items()}


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
