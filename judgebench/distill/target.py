"""What an evaluator learns for a task kind, read off the kind's properties: classes for kinds with fixed
labels (binary, pairwise, categorical), a number on the scale for ratings (Likert)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from judgebench.kinds import Label, TaskKind


@dataclass(frozen=True)
class Target:
    kind: TaskKind

    @property
    def regression(self) -> bool:
        return self.kind.labels() is None

    @property
    def classes(self) -> tuple[Label, ...]:
        return tuple(self.kind.labels() or ())

    def encode(self, labels: Sequence[Label]) -> np.ndarray:
        """Labels as what the model fits: class indices, or ratings as floats."""
        if self.regression:
            return np.array([float(v) for v in labels])
        return np.array([self.classes.index(v) for v in labels])

    def scale(self) -> tuple[float, float]:
        """The range a rating is clipped to: the lowest and highest answer a judge can give."""
        values = [float(v) for v in self.kind.choices().values()]
        return min(values), max(values)

    def verdict(self, output: np.ndarray) -> tuple[Label, float | None, dict[str, float] | None, float | None]:
        """One prediction as (label, its probability, every label's probability, expected rating): `output` is
        the class probabilities, or the one predicted rating."""
        if self.regression:
            low, high = self.scale()
            expected = float(np.clip(float(np.ravel(output)[0]), low, high))
            return self.kind.snap(expected), None, None, expected
        probs = np.asarray(output, dtype=float)
        best = int(np.argmax(probs))
        return self.classes[best], float(probs[best]), {str(c): float(p) for c, p in zip(self.classes, probs)}, None
