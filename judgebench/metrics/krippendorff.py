"""Krippendorff's alpha for any number of raters, with missing values (pure numpy).

alpha = 1 - D_o / D_e, from the coincidence matrix of values paired within units
(Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"). Units with fewer
than two values are not pairable and are ignored. Undefined (NaN, with a warning)
when fewer than two distinct values occur.
"""

from __future__ import annotations

import numpy as np

from judgebench.metrics.agreement import undefined

LEVELS = ("nominal", "ordinal", "interval")


def _distance(values: np.ndarray, totals: np.ndarray, level: str) -> np.ndarray:
    if level == "nominal":
        return (values[:, None] != values[None, :]).astype(float)
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    if level == "ordinal":
        # Squared distance in ranks: the values between c and k, the ends counted half.
        cumulative = np.cumsum(totals)
        i, j = np.indices((len(values), len(values)))
        low, high = np.minimum(i, j), np.maximum(i, j)
        between = cumulative[high] - cumulative[low] + totals[low]
        return (between - (totals[i] + totals[j]) / 2) ** 2
    raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def krippendorff_alpha(reliability: np.ndarray, *, level: str = "nominal") -> float:
    """`reliability` is raters x units (NaN = missing); values are numbers (codes for nominal data)."""
    data = np.asarray(reliability, dtype=float)
    if data.ndim != 2:
        raise ValueError("reliability data must be a 2-d array: raters x units")
    present = ~np.isnan(data)
    values = np.unique(data[present])
    if len(values) < 2:
        return undefined("Krippendorff's alpha with fewer than two distinct values")
    # counts[u, v]: how many raters gave unit u the value v.
    codes = np.searchsorted(values, np.where(present, data, values[0]))
    counts = np.zeros((data.shape[1], len(values)))
    for rater_codes, rater_present in zip(codes, present):
        np.add.at(counts, (np.nonzero(rater_present)[0], rater_codes[rater_present]), 1)
    per_unit = counts.sum(axis=1)
    pairable = per_unit >= 2
    counts, per_unit = counts[pairable], per_unit[pairable]
    if not len(counts):
        return undefined("Krippendorff's alpha with no unit rated twice")
    weighted = counts / (per_unit - 1)[:, None]
    coincidence = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    delta = _distance(values, totals, level)
    observed = (coincidence * delta).sum() / n
    expected = (np.outer(totals, totals) * delta).sum() / (n * (n - 1))
    if expected == 0:
        return undefined("Krippendorff's alpha with no expected disagreement")
    return float(1 - observed / expected)
