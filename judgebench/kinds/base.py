"""What every task kind knows, as one protocol: the only code that may tell binary from likert from pairwise.

A kind is a small frozen object (a Likert kind carries its scale, a categorical kind its classes).
Everything else in judgebench asks the dataset's kind instead of branching on its name:
raw value -> label, reading and writing verdicts, the answers a scoring judge chooses between,
the humans' consensus, what a failed verdict counts as, orders and flips, the arena's battle rule,
and which metric is the kind's main one.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping, Sequence

# A human or judge label: binary 0 | 1, likert a number on the scale, pairwise "A" | "B" | "tie",
# categorical one of the class names.
Label = int | float | str


class LabelError(ValueError):
    """A raw value that is not a label of this kind; the message says what would be."""


@dataclass(frozen=True)
class Verdict:
    value: Label


@dataclass(frozen=True)
class ParseFailure:
    reason: str


def majority(labels: Sequence[Label]) -> Label | None:
    """The most common label, or None when the top is tied (no clear answer)."""
    counts = Counter(labels).most_common()
    if not counts:
        return None
    return counts[0][0] if len(counts) == 1 or counts[0][1] > counts[1][1] else None


@dataclass(frozen=True)
class TaskKind(ABC):
    """One task kind. Subclasses set the class attributes and implement the abstract methods."""

    name: ClassVar[str]
    main_metric: ClassVar[str]          # the metric the leaderboard ranks by and judges are compared on
    headline_metrics: ClassVar[tuple[str, ...]]   # the leaderboard's columns, the main metric first
    level: ClassVar[str]                # how labels are compared: "nominal" or "interval" (Krippendorff)
    reviewable: ClassVar[bool] = True   # a person can give this label in LLM Judge++
    sides: ClassVar[tuple[str, str] | None] = None    # the two compared columns, for kinds that compare two
    estimand: ClassVar[str] = "mean score"  # what the mean of `score` is, in words

    # --- labels ---------------------------------------------------------------------------------
    @abstractmethod
    def label(self, raw: Any) -> Label:
        """A raw (already mapped) value as a label of this kind; LabelError if it is not one."""

    @abstractmethod
    def labels(self) -> tuple[Label, ...] | None:
        """Every label in a fixed order, or None when labels are numbers on a scale."""

    def describe(self, label: Label | None) -> str:
        """How a label is shown to a person."""
        return "none" if label is None else str(label)

    def score(self, label: Label) -> float | None:
        """The label as a score whose mean is what people estimate (a pass rate, a mean rating, a win rate);
        None for kinds without one (a class label)."""
        return float(label) if self.level == "interval" else None

    @property
    def scored(self) -> bool:
        """Whether labels of this kind have a score to average (`score` is not None)."""
        return self.score(self.labels()[0] if self.labels() else 1) is not None

    def code(self, label: Label) -> float:
        """A number for the label, for Krippendorff's alpha (nominal kinds: its index)."""
        return float(self.labels().index(label)) if self.level == "nominal" else float(label)

    # --- verdicts -------------------------------------------------------------------------------
    @abstractmethod
    def parse(self, text: str | None) -> Verdict | ParseFailure:
        """The verdict in a judge's reply, or why there is none (a failure is never scored)."""

    @abstractmethod
    def format(self, label: Label) -> str:
        """The canonical way to write a verdict (few-shot answers); `parse` reads it back."""

    @abstractmethod
    def choices(self) -> dict[str, Label]:
        """Single-token answers a scoring judge chooses between, and the label each stands for."""

    def verdict_words(self) -> Mapping[str, Label]:
        """Tokens (lower case, stripped) that spell a verdict, for reading verdict probabilities."""
        return {word.lower(): label for word, label in self.choices().items()}

    def snap(self, value: Label) -> Label:
        """The nearest label a judge could give (a mean of ratings rounds onto the scale)."""
        return value

    # --- several annotators, failures, battles --------------------------------------------------
    def consensus(self, labels: Sequence[Label]) -> Label | None:
        """The humans' answer: the majority label, None when the top is tied or there is no label."""
        return majority(list(labels))

    @abstractmethod
    def wrong(self, truth: Label) -> Label:
        """The verdict a failed one counts as under count_as_wrong: as wrong as possible."""

    def battle(self, truth: Label, x: Label | None, y: Label | None) -> str:
        """'x', 'y' or 'tie' on one item: right beats wrong (a failed verdict is wrong)."""
        right_x, right_y = x is not None and x == truth, y is not None and y == truth
        return "x" if right_x and not right_y else "y" if right_y and not right_x else "tie"

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Columns every dataset of this kind must have."""
        return self.sides or ()

    # --- orders ---------------------------------------------------------------------------------
    def orders(self, both_orders: bool) -> tuple[str | None, ...]:
        """The orders each item is judged in; kinds without sides have one, unnamed."""
        return (None,)

    def flip(self, label: Label | None) -> Label | None:
        """The same label seen with the sides swapped (unchanged for kinds without sides)."""
        return label

    # --- verdict probabilities ------------------------------------------------------------------
    def uncertainty(self, choice_probs: Mapping[str, float] | None) -> float | None:
        """How unsure a verdict distribution is, in [0, 1]: normalised entropy over its choices."""
        if not choice_probs:
            return None
        if len(choice_probs) < 2:
            return 0.0
        probs = [p for p in choice_probs.values() if p > 0]
        return -sum(p * math.log(p) for p in probs) / math.log(len(choice_probs))

    # --- records --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The kind as written into manifests; `judgebench.kinds.kind_from(d)` reads it back."""
        return {"name": self.name}

    @property
    def metrics(self) -> tuple[str, ...]:
        """The names of the catalog's metrics that apply to this kind, in the catalog's order."""
        from judgebench.metrics.catalog import metrics_for

        return tuple(m.name for m in metrics_for(self))
