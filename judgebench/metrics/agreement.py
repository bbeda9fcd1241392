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


# --- from confusion matrices --------------------------------------------------------------------
# Every classification metric is defined once, on a confusion matrix C[..., true, predicted]; the
# leading axes are a batch, so one definition serves the point estimate and B bootstrap resamples
# of the counts at once. NaN marks an undefined value (no item, a constant side, an unseen class).

def _ratio(numerator, denominator):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def _diagonal(C: np.ndarray) -> np.ndarray:
    return np.diagonal(C, axis1=-2, axis2=-1)


def accuracy_from_confusion(C: np.ndarray) -> np.ndarray:
    C = np.asarray(C, dtype=float)
    return _ratio(_diagonal(C).sum(-1), C.sum((-2, -1)))


def class_precision_from_confusion(C: np.ndarray) -> np.ndarray:
    """Per class: C_kk / (items predicted k); NaN for a class never predicted."""
    C = np.asarray(C, dtype=float)
    return _ratio(_diagonal(C), C.sum(-2))


def class_recall_from_confusion(C: np.ndarray) -> np.ndarray:
    """Per class: C_kk / (items truly k); NaN for a class never present."""
    C = np.asarray(C, dtype=float)
    return _ratio(_diagonal(C), C.sum(-1))


def class_f1_from_confusion(C: np.ndarray) -> np.ndarray:
    """Per class: 2 C_kk / (truly k + predicted k), as scikit-learn >= 1.3; NaN when neither side has k."""
    C = np.asarray(C, dtype=float)
    return _ratio(2 * _diagonal(C), C.sum(-1) + C.sum(-2))


def _nanmean(values: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # every class undefined -> NaN
        return np.nanmean(values, axis=-1)


def balanced_accuracy_from_confusion(C: np.ndarray) -> np.ndarray:
    """Mean recall over the classes present in the truth (Brodersen et al. 2010)."""
    return _nanmean(class_recall_from_confusion(C))


def macro_precision_from_confusion(C: np.ndarray) -> np.ndarray:
    return _nanmean(class_precision_from_confusion(C))


def macro_recall_from_confusion(C: np.ndarray) -> np.ndarray:
    return _nanmean(class_recall_from_confusion(C))


def macro_f1_from_confusion(C: np.ndarray) -> np.ndarray:
    """Unweighted mean of the per-class F1 over the classes that occur on either side."""
    return _nanmean(class_f1_from_confusion(C))


def mcc_from_confusion(C: np.ndarray) -> np.ndarray:
    """Multiclass Matthews correlation (Gorodkin 2004); NaN when a side is constant."""
    C = np.asarray(C, dtype=float)
    t, p = C.sum(-1), C.sum(-2)
    n, correct = C.sum((-2, -1)), _diagonal(C).sum(-1)
    tp, tt, pp = (t * p).sum(-1), (t * t).sum(-1), (p * p).sum(-1)
    return _ratio(correct * n - tp, np.sqrt(np.maximum((n ** 2 - pp) * (n ** 2 - tt), 0)))


def kappa_from_confusion(C: np.ndarray, weights: str | None = None) -> np.ndarray:
    """Cohen's kappa, 1 - sum(w O) / sum(w E), with w = 0/1 (None), |i - j| ('linear') or (i - j)^2
    ('quadratic') over the label order (Cohen 1960, 1968); NaN when chance disagreement is zero."""
    C = np.asarray(C, dtype=float)
    k = C.shape[-1]
    n = C.sum((-2, -1))
    expected = C.sum(-1)[..., :, None] * C.sum(-2)[..., None, :] / np.where(n > 0, n, 1)[..., None, None]
    i, j = np.indices((k, k))
    w = {None: (i != j).astype(float), "linear": np.abs(i - j).astype(float),
         "quadratic": ((i - j) ** 2).astype(float)}[weights]
    disagreement_expected = (w * expected).sum((-2, -1))
    return 1 - _ratio((w * C).sum((-2, -1)), disagreement_expected)


def precision_from_confusion(C: np.ndarray) -> np.ndarray:
    """Precision of the positive class, the last label (1 for binary)."""
    return class_precision_from_confusion(C)[..., -1]


def recall_from_confusion(C: np.ndarray) -> np.ndarray:
    return class_recall_from_confusion(C)[..., -1]


def f1_from_confusion(C: np.ndarray) -> np.ndarray:
    return class_f1_from_confusion(C)[..., -1]


def _defined(value: np.ndarray, what: str) -> float:
    value = float(value)
    return undefined(what) if np.isnan(value) else value


# --- the same metrics on label arrays (scikit-learn's signatures) -------------------------------

def accuracy_score(y_true: Sequence, y_pred: Sequence) -> float:
    if len(y_true) == 0:
        return undefined("accuracy of no items")
    return float(np.mean(np.asarray(y_true, dtype=object) == np.asarray(y_pred, dtype=object)))


def balanced_accuracy_score(y_true: Sequence, y_pred: Sequence) -> float:
    return _defined(balanced_accuracy_from_confusion(confusion_matrix(y_true, y_pred)),
                    "balanced accuracy of no items")


def precision_recall_f1(y_true: Sequence, y_pred: Sequence, *, labels: Sequence | None = None) -> dict:
    """Per-class precision, recall, F1 and support, plus their unweighted (macro) means.

    A class never predicted has undefined precision; never present, undefined recall:
    those are NaN (with a warning) and left out of the macro means.
    """
    labels = label_set(y_true, y_pred, labels=labels)
    cm = confusion_matrix(y_true, y_pred, labels=labels)
    precision, recall = class_precision_from_confusion(cm), class_recall_from_confusion(cm)
    f1 = class_f1_from_confusion(cm)
    if np.isnan(precision).any() or np.isnan(recall).any():
        undefined("precision or recall of a class that is never predicted or never present")
    per_class = {label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                 for label, p, r, f, s in zip(labels, precision, recall, f1, cm.sum(axis=1))}
    return {"per_class": per_class, "macro": {"precision": float(_nanmean(precision)),
                                              "recall": float(_nanmean(recall)), "f1": float(_nanmean(f1))}}


def matthews_corrcoef(y_true: Sequence, y_pred: Sequence) -> float:
    return _defined(mcc_from_confusion(confusion_matrix(y_true, y_pred)), "Matthews correlation with a constant side")


def cohen_kappa_score(y_true: Sequence, y_pred: Sequence, *, weights: str | None = None,
                      labels: Sequence | None = None) -> float:
    if len(y_true) == 0:
        return undefined("kappa of no items")
    return _defined(kappa_from_confusion(confusion_matrix(y_true, y_pred, labels=labels), weights),
                    "kappa when chance disagreement is zero (constant labels)")


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
