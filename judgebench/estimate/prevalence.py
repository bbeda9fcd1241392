"""A binary pass rate corrected for the judge's errors: the Rogan–Gladen estimator. Pure function.

Rogan and Gladen, "Estimating prevalence from the results of a screening test", Am. J. Epidemiology 1978:
with the judge's true positive rate TPR and true negative rate TNR measured on the labeled items and the
rate p̂ at which it says 1 on the unlabeled items,

    θ̂ = (p̂ + TNR − 1) / (TPR + TNR − 1),   clipped to [0, 1].

The interval is the percentile interval of θ̂ over bootstrap resamples of the labeled items (TPR and TNR
drawn again each time, p̂ fixed: its own error is small when N ≫ n), resamples without both classes
skipped, as the `judgy` package does (`judgy.estimate_success_rate`); with the same `numpy` RandomState
the two agree exactly (checked in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np


class PrevalenceError(ValueError):
    pass


@dataclass(frozen=True)
class PrevalenceEstimate:
    estimate: float
    low: float
    high: float
    tpr: float
    tnr: float
    observed: float             # the judge's rate of 1 on the unlabeled items


def rogan_gladen(human: Sequence[int], judge_labeled: Sequence[int], judge_unlabeled: Sequence[int],
                 level: float = 0.95, resamples: int = 20000,
                 rng: np.random.RandomState | None = None) -> PrevalenceEstimate:
    human, judged = np.asarray(human, dtype=int), np.asarray(judge_labeled, dtype=int)
    unlabeled = np.asarray(judge_unlabeled, dtype=int)
    if len(human) != len(judged) or not len(human) or not len(unlabeled):
        raise PrevalenceError("Rogan-Gladen needs labeled items (human and judge label) and unlabeled judge labels")
    positives, negatives = int(human.sum()), int(len(human) - human.sum())
    if not positives or not negatives:
        raise PrevalenceError("the labeled items need both classes to measure the judge's TPR and TNR")
    tpr = float(((human == 1) & (judged == 1)).sum() / positives)
    tnr = float(((human == 0) & (judged == 0)).sum() / negatives)
    if tpr + tnr - 1 <= 0:
        raise PrevalenceError(f"the judge is no better than chance on the labeled items (TPR + TNR = "
                              f"{tpr + tnr:.3f} <= 1): its labels cannot be corrected")
    observed = float(unlabeled.mean())
    estimate = float(np.clip((observed + tnr - 1) / (tpr + tnr - 1), 0, 1))
    rng = rng if rng is not None else np.random.RandomState(0)
    draws = rng.randint(0, len(human), size=(resamples, len(human)))
    labels, preds = human[draws], judged[draws]
    pos = labels.sum(axis=1)
    neg = len(human) - pos
    with np.errstate(divide="ignore", invalid="ignore"):
        tprs = ((labels == 1) & (preds == 1)).sum(axis=1) / pos
        tnrs = ((labels == 0) & (preds == 0)).sum(axis=1) / neg
        denominators = tprs + tnrs - 1
        valid = (pos > 0) & (neg > 0) & (denominators > 0)
        thetas = np.clip((observed + tnrs[valid] - 1) / denominators[valid], 0, 1)
    if not len(thetas):
        raise PrevalenceError("no bootstrap resample had both classes and a better-than-chance judge")
    alpha = 1 - level
    low, high = np.percentile(thetas, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return PrevalenceEstimate(estimate, float(low), float(high), tpr, tnr, observed)
