"""Categorical: one of N named classes (a safety taxonomy, an error type, a topic)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from judgebench.judges import parse  # a module, not its names: parse imports judgebench.kinds too
from judgebench.kinds.base import Label, LabelError, ParseFailure, TaskKind, Verdict


@dataclass(frozen=True)
class Categorical(TaskKind):
    name = "categorical"
    main_metric = "macro_f1"          # classes are rarely balanced; accuracy would reward the majority class
    headline_metrics = ("macro_f1", "accuracy", "kappa")
    level = "nominal"
    reviewable = False                # the review pages have no class picker yet
    classes: tuple[str, ...] = ()

    def __post_init__(self):
        classes = tuple(str(c).strip() for c in self.classes)
        lowered = [c.lower() for c in classes]
        if len(classes) < 2 or "" in classes or len(set(lowered)) != len(lowered):
            raise ValueError(f"a categorical kind needs two or more distinct, non-empty class names; "
                             f"got {list(self.classes)}")
        object.__setattr__(self, "classes", classes)

    def label(self, raw: Any) -> Label:
        key = str(raw).strip().lower() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
        if key in self.verdict_words():
            return self.verdict_words()[key]
        raise LabelError(f"is not one of the classes {list(self.classes)}")

    def labels(self) -> tuple[Label, ...]:
        return self.classes

    def parse(self, text: str | None) -> Verdict | ParseFailure:
        return parse.read_word_verdict(text, self.verdict_words(), f"class ({', '.join(self.classes)})")

    def format(self, label: Label) -> str:
        return f"Class: [[{label}]]"

    def choices(self) -> dict[str, Label]:
        return {c: c for c in self.classes}

    def verdict_words(self) -> Mapping[str, Label]:
        return {c.lower(): c for c in self.classes}

    def wrong(self, truth: Label) -> Label:
        return next(c for c in self.classes if c != truth)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "classes": list(self.classes)}
