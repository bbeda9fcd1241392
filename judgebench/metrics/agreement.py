"""Agreement between a judge and human labels: pure functions over arrays.

Conventions (as in scikit-learn): `f(y_true, y_pred, *, options) -> float`; `*_score`
is higher-is-better, `*_error` lower-is-better. A value that is undefined for the input
(a constant input for a correlation, no expected disagreement for kappa, a class that is
never predicted for precision) is NaN with an `UndefinedMetricWarning`, never a crash or
a made-up 0 or 1.
"""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
from scipy import stats


class UndefinedMetricWarning(UserWarning):
    pass


def undefined(what: str) -> float:
    warnings.warn(f"{what} is undefined for this input; returning NaN", UndefinedMetricWarning, stacklevel=3)
    return float("nan")


def label_set(*arrays: Sequence, labels: Sequence | None = None) -> list:
    """Sorted union of the labels seen (or the given order)."""
    if labels is not None:
        return list(labels)
    seen = set()
    for array in arrays:
        seen.update(np.asarray(array, dtype=object).tolist())
    return sorted(seen, key=lambda v: (str(type(v)), v))


def confusion_matrix(y_true: Sequence, y_pred: Sequence, *, labels: Sequence | None = None) -> np.ndarray:
    """C[i, j] = number of items whose true label is labels[i] and predicted label is labels[j]."""
    labels = label_set(y_true, y_pred, labels=labels)
    index = {label: i for i, label in enumerate(labels)}
    true = np.fromiter((index[v] for v in y_true), dtype=np.int64, count=len(y_true))
    pred = np.fromiter((index[v] for v in y_pred), dtype=np.int64, count=len(y_pred))
    return np.bincount(true * len(labels) + pred, minlength=len(labels) ** 2).reshape(len(labels), len(labels))


def accuracy_score(y_true: Sequence, y_pred: Sequence) -> float:
    if len(y_true) == 0:
        return undefined("accuracy of no items")
    return float(np.mean(np.asarray(y_true, dtype=object) == np.asarray(y_pred, dtype=object)))


def balanced_accuracy_score(y_true: Sequence, y_pred: Sequence) -> float:
    """Mean recall over the classes present in y_true (Brodersen et al. 2010)."""
    cm = confusion_matrix(y_true, y_pred)
    support = cm.sum(axis=1)
    present = support > 0
    if not present.any():
        return undefined("balanced accuracy of no items")
    return float(np.mean(np.diag(cm)[present] / support[present]))


def precision_recall_f1(y_true: Sequence, y_pred: Sequence, *, labels: Sequence | None = None) -> dict:
    """Per-class precision, recall, F1 and support, plus their unweighted (macro) means.

    A class never predicted has undefined precision; never present, undefined recall:
    those are NaN (with a warning) and left out of the macro means.
    """
    labels = label_set(y_true, y_pred, labels=labels)
    cm = confusion_matrix(y_true, y_pred, labels=labels)
    tp = np.diag(cm).astype(float)
    predicted, actual = cm.sum(axis=0), cm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, tp / predicted, np.nan)
        recall = np.where(actual > 0, tp / actual, np.nan)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall),
                      np.where(np.isnan(precision) | np.isnan(recall), np.nan, 0.0))
    if np.isnan(precision).any() or np.isnan(recall).any():
        undefined("precision or recall of a class that is never predicted or never present")
    per_class = {label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                 for label, p, r, f, s in zip(labels, precision, recall, f1, actual)}

    def macro(values):
        return float(np.nanmean(values)) if not np.isnan(values).all() else float("nan")

    return {"per_class": per_class, "macro": {"precision": macro(precision), "recall": macro(recall),
                                              "f1": macro(f1)}}


def matthews_corrcoef(y_true: Sequence, y_pred: Sequence) -> float:
    """Multiclass MCC (Gorodkin 2004) from the confusion matrix; NaN when a side is constant."""
    cm = confusion_matrix(y_true, y_pred).astype(float)
    t, p = cm.sum(axis=1), cm.sum(axis=0)
    n, correct = cm.sum(), np.trace(cm)
    denominator = np.sqrt((n ** 2 - p @ p) * (n ** 2 - t @ t))
    if denominator == 0:
        return undefined("Matthews correlation with a constant side")
    return float((correct * n - t @ p) / denominator)


def cohen_kappa_score(y_true: Sequence, y_pred: Sequence, *, weights: str | None = None,
                      labels: Sequence | None = None) -> float:
    """Cohen's kappa, 1 - sum(w * O) / sum(w * E), with w = 0/1 (None), |i - j| ('linear')
    or (i - j)^2 ('quadratic') over the label order (Cohen 1960, 1968)."""
    labels = label_set(y_true, y_pred, labels=labels)
    observed = confusion_matrix(y_true, y_pred, labels=labels).astype(float)
    n = observed.sum()
    if n == 0:
        return undefined("kappa of no items")
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / n
    i, j = np.indices(observed.shape)
    w = {None: (i != j).astype(float), "linear": np.abs(i - j).astype(float),
         "quadratic": ((i - j) ** 2).astype(float)}[weights]
    disagreement_expected = (w * expected).sum()
    if disagreement_expected == 0:
        return undefined("kappa when chance disagreement is zero (constant labels)")
    return float(1 - (w * observed).sum() / disagreement_expected)


# --- ordinal / continuous ---------------------------------------------------------------------

def _pair(x: Sequence, y: Sequence) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"arrays differ in length: {len(x)} vs {len(y)}")
    return x, y


def _correlation(name: str, function, x: Sequence, y: Sequence) -> float:
    x, y = _pair(x, y)
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return undefined(f"{name} correlation of fewer than two items or a constant input")
    return float(function(x, y)[0])


def pearson_score(x: Sequence, y: Sequence) -> float:
    return _correlation("Pearson", stats.pearsonr, x, y)


def spearman_score(x: Sequence, y: Sequence) -> float:
    return _correlation("Spearman", stats.spearmanr, x, y)


def kendall_tau_b_score(x: Sequence, y: Sequence) -> float:
    """Kendall's tau-b, which corrects for ties on either side (Kendall 1945)."""
    return _correlation("Kendall", lambda a, b: stats.kendalltau(a, b, variant="b"), x, y)


def mean_absolute_error(y_true: Sequence, y_pred: Sequence) -> float:
    x, y = _pair(y_true, y_pred)
    if len(x) == 0:
        return undefined("mean absolute error of no items")
    return float(np.mean(np.abs(x - y)))


def rounded_qwk_score(y_true: Sequence, y_pred: Sequence, *, scale: tuple[int, int] = (1, 5)) -> float:
    """Quadratic-weighted kappa after rounding both sides to the integer scale (half up)."""
    low, high = scale
    x, y = _pair(y_true, y_pred)
    x, y = np.clip(np.floor(x + 0.5), low, high), np.clip(np.floor(y + 0.5), low, high)
    return cohen_kappa_score(x.astype(int), y.astype(int), weights="quadratic", labels=list(range(low, high + 1)))


CORRELATIONS = {"pearson": pearson_score, "spearman": spearman_score, "kendall": kendall_tau_b_score}


def grouped_correlation(judge: Sequence, human: Sequence, groups: Sequence, *, method: str = "spearman",
                        level: str = "system") -> float:
    """Correlation above the item level, as the SummEval / Topical-Chat literature reports it.

    level="system": average judge and human scores per group (e.g. per generating model),
    then correlate the group means. level="within": correlate inside each group (e.g. the
    summaries of one document) and average the defined correlations ("summary-level").
    """
    judge, human = _pair(judge, human)
    groups = np.asarray(groups, dtype=object)
    keys = list(dict.fromkeys(groups.tolist()))
    correlate = CORRELATIONS[method]
    if level == "system":
        means = [(judge[groups == k].mean(), human[groups == k].mean()) for k in keys]
        return correlate([m[0] for m in means], [m[1] for m in means])
    if level == "within":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            values = [correlate(judge[groups == k], human[groups == k]) for k in keys]
        defined = [v for v in values if not np.isnan(v)]
        return float(np.mean(defined)) if defined else undefined("within-group correlation")
    raise ValueError(f"level must be 'system' or 'within', got {level!r}")
