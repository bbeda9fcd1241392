"""Failed verdicts (None) are never dropped silently, and the human ceiling.

`apply_policy` makes the choice explicit for the per-item metrics: `count_as_wrong`
(default) replaces a failure by a wrong answer, `exclude` removes the item; both report
the coverage, the share of items that had a usable verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from judgebench.kinds import Label, TaskKind
from judgebench.metrics.agreement import confusion_matrix, kappa_from_confusion
from judgebench.metrics.pairwise import POLICIES


@dataclass(frozen=True)
class Aligned:
    human: np.ndarray
    judge: np.ndarray
    coverage: float
    items: int


def apply_policy(kind: TaskKind, human: Sequence[Label], judge: Sequence[Label | None], *,
                 policy: str = "count_as_wrong") -> Aligned:
    """Under count_as_wrong a failure becomes the kind's wrong answer (the other class, the far end
    of the scale); under exclude its item goes."""
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}, got {policy!r}")
    usable = np.array([v is not None and not (isinstance(v, float) and np.isnan(v)) for v in judge], dtype=bool)
    coverage = float(usable.mean()) if len(usable) else float("nan")
    if policy == "exclude":
        keep = np.flatnonzero(usable)
        return Aligned(np.asarray(human, dtype=object)[keep], np.asarray(judge, dtype=object)[keep], coverage,
                       len(judge))
    filled = [v if ok else kind.wrong(h) for v, h, ok in zip(judge, human, usable)]
    return Aligned(np.asarray(human, dtype=object), np.asarray(filled, dtype=object), coverage, len(judge))


@dataclass(frozen=True)
class Ceiling:
    value: float                 # mean over annotators of their leave-one-out score
    per_annotator: dict[str, float]
    items: int                   # items with at least two labels


def human_ceiling(labels: Sequence[Sequence[Label]], annotators: Sequence[Sequence[str] | None], kind: TaskKind,
                  metric: Callable[[np.ndarray, np.ndarray], float]) -> Ceiling:
    """Each annotator scored against the consensus of the others on the items they share,
    with the same metric the judges get: what humans achieve with each other.

    Without annotator ids the label's position stands in for the annotator."""
    per: dict[str, tuple[list, list]] = {}
    multi = 0
    for item_labels, names in zip(labels, annotators):
        if len(item_labels) < 2:
            continue
        multi += 1
        names = list(names) if names else [f"annotator {i + 1}" for i in range(len(item_labels))]
        for index, (name, label) in enumerate(zip(names, item_labels)):
            others = kind.consensus([v for i, v in enumerate(item_labels) if i != index])
            if others is not None:
                per.setdefault(name, ([], []))
                per[name][0].append(others)
                per[name][1].append(label)
    scores = {name: float(metric(np.asarray(truth, dtype=object), np.asarray(given, dtype=object)))
              for name, (truth, given) in per.items() if len(truth) >= 2}
    defined = [v for v in scores.values() if not np.isnan(v)]
    return Ceiling(float(np.mean(defined)) if defined else float("nan"), scores, multi)


def annotator_kappas(labels: Sequence[Sequence[Label]], annotators: Sequence[Sequence[str] | None],
                     classes: Sequence[Label]) -> dict[str, dict[str, float]]:
    """Cohen's kappa (Cohen 1960) between every two named annotators on the items both labeled:
    table[a][b] for a before b in order of appearance; NaN when they share no item or kappa is undefined.
    Items without annotator ids do not take part (a label's position is no person)."""
    given: dict[str, dict[int, Label]] = {}
    for index, (item_labels, names) in enumerate(zip(labels, annotators)):
        for name, label in zip(names or (), item_labels):
            given.setdefault(name, {})[index] = label
    names = list(given)
    table: dict[str, dict[str, float]] = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            common = sorted(set(given[a]) & set(given[b]))
            C = confusion_matrix([given[a][n] for n in common], [given[b][n] for n in common], labels=classes)
            table.setdefault(a, {})[b] = float(kappa_from_confusion(C)) if common else float("nan")
    return table
