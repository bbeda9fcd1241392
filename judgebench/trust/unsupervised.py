"""How good are the judges when nobody labeled anything? Dawid-Skene on the judges' verdicts alone.

Dawid and Skene (1979) model each judge by a confusion matrix e[k, c] = P(says k | truth c) and the classes
by priors p[c]; EM on the verdicts alone estimates both and each item's label (crowd-kit's `DawidSkene`, not a
hand-written EM). A judge's estimated accuracy is Σ_c p[c] e[c, c]. Intervals: percentiles over `resamples`
bootstrap draws of the items, each refitted. It needs three or more judges whose errors are not all alike;
where human labels exist, the measured accuracy is shown beside the estimate, so a reader can see whether the
model's assumption (judges err independently given the truth) held.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Mapping

import numpy as np

from judgebench.errors import UserError

MIN_JUDGES = 3


class UnsupervisedError(UserError, ValueError):
    pass


@dataclass(frozen=True)
class EstimatedJudge:
    judge: str
    accuracy: float
    low: float
    high: float
    confusion: Mapping[str, Mapping[str, float]]    # truth -> said -> probability
    measured_accuracy: float | None                 # against the humans' labels, where there are some
    measured_items: int


@dataclass(frozen=True)
class UnsupervisedAssessment:
    items: int
    judges: tuple[EstimatedJudge, ...]
    priors: Mapping[str, float]
    labels: Mapping[Hashable, object]               # each item's most likely label
    resamples: int
    level: float


def crowdkit_dawid_skene():
    try:
        from crowdkit.aggregation import DawidSkene
    except ImportError:
        raise UnsupervisedError("label-free assessment uses crowd-kit's Dawid-Skene: pip install "
                                "'judgebench[juries]' (crowd-kit pulls transformers)") from None
    return DawidSkene


def _frame(verdicts: Mapping[str, Mapping[Hashable, object]], draw: np.ndarray | None, items: list):
    import pandas as pd

    chosen = items if draw is None else [items[i] for i in draw]
    rows = [(f"{n}", judge, str(given[item])) for n, item in enumerate(chosen)
            for judge, given in verdicts.items() if given.get(item) is not None]
    return pd.DataFrame(rows, columns=["task", "worker", "label"])


def _fit(frame, judges):
    model = crowdkit_dawid_skene()(n_iter=100).fit(frame)
    priors, errors = model.priors_, model.errors_
    accuracy = {j: float(sum(priors[c] * errors.loc[(j, c), c] for c in priors.index if (j, c) in errors.index))
                for j in judges}
    return model, accuracy


def dawid_skene(verdicts: Mapping[str, Mapping[Hashable, object]], *, truth: Mapping[Hashable, object] | None = None,
                resamples: int = 100, level: float = 0.95, seed: int = 0) -> UnsupervisedAssessment:
    """`verdicts`: judge -> item -> label (None: no verdict). `truth`: item -> the people's label, optional."""
    judges = sorted(verdicts)
    if len(judges) < MIN_JUDGES:
        raise UnsupervisedError(f"Dawid-Skene needs at least {MIN_JUDGES} judges to tell them apart without labels; "
                                f"there are {len(judges)}")
    items = sorted({item for given in verdicts.values() for item, v in given.items() if v is not None}, key=str)
    model, accuracy = _fit(_frame(verdicts, None, items), judges)
    rng = np.random.default_rng(seed)
    draws = np.array([list(_fit(_frame(verdicts, rng.integers(0, len(items), len(items)), items), judges)[1].values())
                      for _ in range(resamples)])
    alpha = (1 - level) / 2
    low, high = (np.nanquantile(draws, alpha, axis=0), np.nanquantile(draws, 1 - alpha, axis=0)) if resamples else \
        (np.full(len(judges), np.nan), np.full(len(judges), np.nan))
    spelled = {str(v): v for given in verdicts.values() for v in given.values() if v is not None}
    labels = {items[int(task)]: spelled[label] for task, label in model.labels_.items()}
    out = []
    for n, judge in enumerate(judges):
        confusion = {str(c): {str(k): float(model.errors_.loc[(judge, k), c]) for k in model.priors_.index
                              if (judge, k) in model.errors_.index} for c in model.priors_.index}
        checked = [(str(verdicts[judge].get(i)), str(t)) for i, t in (truth or {}).items()
                   if t is not None and verdicts[judge].get(i) is not None]
        measured = float(np.mean([a == b for a, b in checked])) if checked else None
        out.append(EstimatedJudge(judge, accuracy[judge], float(low[n]), float(high[n]), confusion, measured,
                                  len(checked)))
    return UnsupervisedAssessment(len(items), tuple(out), {str(k): float(v) for k, v in model.priors_.items()},
                                  labels, resamples, level)


def format_assessment(a: UnsupervisedAssessment) -> str:
    lines = [f"estimated without human labels (Dawid-Skene on {a.items} items, {len(a.judges)} judges; "
             f"{round(100 * a.level)}% bootstrap intervals, {a.resamples} resamples of the items):",
             f"{'judge':<28}{'estimated accuracy':>28}{'measured':>12}"]
    for j in sorted(a.judges, key=lambda j: -j.accuracy):
        measured = "-" if j.measured_accuracy is None else f"{j.measured_accuracy:.3f} ({j.measured_items})"
        lines.append(f"{j.judge:<28}{f'{j.accuracy:.3f} [{j.low:.3f}, {j.high:.3f}]':>28}{measured:>12}")
    lines.append("class priors: " + ", ".join(f"{k} {v:.3f}" for k, v in a.priors.items()))
    return "\n".join(lines)
