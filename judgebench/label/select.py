"""Which items a person should review, and which reviewed items to show the judge (pure, no I/O).

Active selection: the items the judge is least sure about, spread over the dataset.
  uncertainty = mean of the signals available for an item, each in [0, 1]:
    - verdict probability: the kind's uncertainty (binary 1 - |2 P(yes) - 1|, else normalised entropy)
    - disagreement across samples: share of samples not in the majority, scaled so that a 50/50 split is 1
    - disagreement across judges: the same over the judges' labels
  The 3 x batch most uncertain candidates, less those clearly (by more than 0.1) more certain than the
  16th, are clustered (k-means on TF-IDF, one cluster per slot) and the most uncertain item of each
  cluster is taken, so a batch is not 16 variants of one confusing item; then any left-out item more
  than 0.1 less certain than a picked one replaces it. Diversity decides only among near-equals.
  With no signal at all (one sample, one judge, no probabilities) selection is by diversity alone.
"""

from __future__ import annotations

import random
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from judgebench.data.schema import Label

SELECTIONS = ("active", "random")
SHORTLIST_FACTOR = 3
UNCERTAINTY_TOLERANCE = 0.1


@dataclass(frozen=True)
class ReviewCandidate:
    item_id: str
    text: str
    uncertainty: float


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


def pick_batch(candidates: Sequence[ReviewCandidate], size: int, selection: str, seed: int = 0) -> list[ReviewCandidate]:
    if selection not in SELECTIONS:
        raise ValueError(f"selection must be one of {SELECTIONS}, got {selection!r}")
    if len(candidates) <= size:
        return list(candidates)
    if selection == "random":
        return random.Random(seed).sample(list(candidates), size)
    ranked = sorted(candidates, key=lambda c: (-c.uncertainty, c.item_id))
    threshold = ranked[size - 1].uncertainty - UNCERTAINTY_TOLERANCE
    shortlist = [c for c in ranked[:SHORTLIST_FACTOR * size] if c.uncertainty >= threshold]
    labels = _clusters([c.text for c in shortlist], size, seed)
    chosen: dict[int, ReviewCandidate] = {}
    for candidate, cluster in zip(shortlist, labels):
        chosen.setdefault(int(cluster), candidate)      # shortlist is ranked: the first is the most uncertain
    picked = list(chosen.values())
    # k-means can leave clusters empty on repeated texts; fill up with the next most uncertain.
    picked += [c for c in shortlist if c not in picked][:size - len(picked)]
    # Diversity only decides between near-equals: an item clearly more uncertain than a picked one
    # (two unsure items in one cluster, say) takes its place.
    for candidate in shortlist:
        weakest = min(picked, key=lambda c: c.uncertainty)
        if candidate not in picked and candidate.uncertainty > weakest.uncertainty + UNCERTAINTY_TOLERANCE:
            picked[picked.index(weakest)] = candidate
    return sorted(picked[:size], key=lambda c: (-c.uncertainty, c.item_id))


def _clusters(texts: Sequence[str], k: int, seed: int) -> np.ndarray:
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        matrix = TfidfVectorizer(sublinear_tf=True, max_features=20000).fit_transform(texts)
    except ValueError:          # no words at all (empty or numeric-only texts)
        return np.arange(len(texts)) % k
    k = min(k, matrix.shape[0])
    with warnings.catch_warnings():
        # Repeated texts give fewer distinct clusters than asked for; pick_batch fills up the batch.
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        return KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(matrix)


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
