"""Likert: a rating on a numeric scale, e.g. 1-5; several annotators' ratings are averaged."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from judgebench.judges import parse  # a module, not its names: parse imports judgebench.kinds too
from judgebench.kinds.base import Label, LabelError, ParseFailure, TaskKind, Verdict


@dataclass(frozen=True)
class Likert(TaskKind):
    name = "likert"
    main_metric = "spearman"
    headline_metrics = ("spearman", "kendall")
    level = "interval"
    estimand = "mean rating"
    scale: tuple[float, float] = (1, 5)      # inclusive

    def __post_init__(self):
        low, high = (float(v) for v in self.scale)
        if not low < high:
            raise ValueError(f"likert scale must go from low to high, got {list(self.scale)}")
        object.__setattr__(self, "scale", (_number(low), _number(high)))

    @property
    def points(self) -> tuple[int, ...]:
        """The whole numbers on the scale: what a judge or a person answers."""
        return tuple(range(int(math.ceil(self.scale[0])), int(math.floor(self.scale[1])) + 1))

    def label(self, raw: Any) -> Label:
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise LabelError("is not a number") from None
        low, high = self.scale
        if not low <= number <= high:
            raise LabelError(f"is outside the likert range {low:g}..{high:g}")
        return _number(number)

    def labels(self) -> None:
        return None

    def parse(self, text: str | None) -> Verdict | ParseFailure:
        return parse.read_rating(text, self.scale)

    def format(self, label: Label) -> str:
        return f"Rating: [[{round(float(label))}]]"

    def choices(self) -> dict[str, Label]:
        return {str(v): v for v in self.points}

    def snap(self, value: Label) -> Label:
        return round(float(value))

    def consensus(self, labels: Sequence[Label]) -> Label | None:
        """The mean rating (None without ratings); `snap` rounds it when a verdict is needed."""
        return sum(float(v) for v in labels) / len(labels) if labels else None

    def wrong(self, truth: Label) -> Label:
        """The end of the scale farther from the truth."""
        low, high = self.scale
        return low if abs(float(truth) - low) > abs(float(truth) - high) else high

    def battle(self, truth: Label, x: Label | None, y: Label | None) -> str:
        """The smaller absolute error from the humans' mean wins; a failed verdict has an infinite error."""
        error_x = abs(float(x) - float(truth)) if x is not None else float("inf")
        error_y = abs(float(y) - float(truth)) if y is not None else float("inf")
        return "x" if error_x < error_y else "y" if error_y < error_x else "tie"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "scale": list(self.scale)}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)
