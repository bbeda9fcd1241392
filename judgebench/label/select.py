"""How sure the judge is of an item, and which reviewed items to show the judge (pure, no I/O).

  uncertainty = mean of the signals available for an item, each in [0, 1]:
    - verdict probability: the kind's uncertainty (binary 1 - |2 P(yes) - 1|, else normalised entropy)
    - disagreement across samples: share of samples not in the majority, scaled so that a 50/50 split is 1
    - disagreement across judges: the same over the judges' labels
  Active selection draws the review batch with chances proportional to it (label/workflow.py,
  estimate/means.inclusion_probabilities, estimate/sampling.systematic_sample).
"""

from __future__ import annotations

from collections import Counter
from typing import Mapping, Sequence

import numpy as np

from judgebench.data.schema import Label


def item_text(fields: Mapping[str, object]) -> str:
    return "\n".join(str(v) for v in fields.values())


def disagreement(values: Sequence[Label | None]) -> float | None:
    """0 when all agree, 1 at an even split between two labels; None with fewer than two values."""
    values = [v for v in values if v is not None]
    if len(values) < 2:
        return None
    majority = Counter(values).most_common(1)[0][1]
    return min(1.0, 2.0 * (1.0 - majority / len(values)))


def combined_uncertainty(signals: Sequence[float | None]) -> float:
    present = [s for s in signals if s is not None]
    return float(np.mean(present)) if present else 0.0


class SimilarExamples:
    """Per item, the k most similar reviewed items (TF-IDF cosine), balanced across labels."""

    def __init__(self, texts: Mapping[str, str]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._ids = {item_id: i for i, item_id in enumerate(texts)}
        try:
            self._matrix = TfidfVectorizer(sublinear_tf=True, max_features=50000).fit_transform(list(texts.values()))
        except ValueError:
            self._matrix = None

    def pick(self, item_id: str, reviewed: Sequence[tuple[str, Label]], k: int) -> list[tuple[str, Label]]:
        """`reviewed`: (item_id, label). Round-robin over labels, each label's items most similar first;
        never the item itself."""
        pool = [(rid, label) for rid, label in reviewed if rid != item_id and rid in self._ids]
        if k <= 0 or not pool:
            return []
        if self._matrix is not None and item_id in self._ids:
            rows = self._matrix[[self._ids[rid] for rid, _ in pool]]
            similarity = (rows @ self._matrix[self._ids[item_id]].T).toarray().ravel()
        else:
            similarity = np.zeros(len(pool))
        by_label: dict[str, list[tuple[float, str, Label]]] = {}
        for (rid, label), score in zip(pool, similarity):
            by_label.setdefault(str(label), []).append((-float(score), rid, label))
        queues = [sorted(entries) for _, entries in sorted(by_label.items())]
        chosen: list[tuple[str, Label]] = []
        depth = 0
        while len(chosen) < k and any(depth < len(q) for q in queues):
            # At each depth, the more similar of the labels' candidates goes first.
            layer = sorted(q[depth] for q in queues if depth < len(q))
            chosen.extend((rid, label) for _, rid, label in layer[:k - len(chosen)])
            depth += 1
        return chosen
