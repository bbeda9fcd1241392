"""Binary: 1 (yes, pass, the criterion holds) or 0."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from judgebench.judges import parse  # a module, not its names: parse imports judgebench.kinds too
from judgebench.kinds.base import Label, LabelError, ParseFailure, TaskKind, Verdict

# Spellings of a binary label, in a dataset's label column, a recorded verdict or a judge's reply.
WORDS: Mapping[str, int] = {"yes": 1, "pass": 1, "true": 1, "1": 1, "correct": 1,
                            "no": 0, "fail": 0, "false": 0, "0": 0, "incorrect": 0}


@dataclass(frozen=True)
class Binary(TaskKind):
    name = "binary"
    main_metric = "accuracy"
    headline_metrics = ("accuracy", "kappa")
    level = "nominal"
    estimand = "pass rate"

    def label(self, raw: Any) -> Label:
        if isinstance(raw, bool):
            return int(raw)
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return int(raw)
        if isinstance(raw, str) and raw.strip().lower() in WORDS:
            return WORDS[raw.strip().lower()]
        raise LabelError("is not binary (0/1)")

    def score(self, label: Label) -> float:
        """1 for a pass: the mean is the pass rate."""
        return float(label)

    def labels(self) -> tuple[Label, ...]:
        return (0, 1)

    def describe(self, label: Label | None) -> str:
        return "none" if label is None else "Yes (1)" if label == 1 else "No (0)"

    def parse(self, text: str | None) -> Verdict | ParseFailure:
        return parse.read_word_verdict(text, WORDS, "binary verdict (yes/no, pass/fail, 0/1)")

    def format(self, label: Label) -> str:
        return f"Verdict: {'Yes' if label == 1 else 'No'}"

    def choices(self) -> dict[str, Label]:
        return {"Yes": 1, "No": 0}

    def verdict_words(self) -> Mapping[str, Label]:
        return WORDS

    def wrong(self, truth: Label) -> Label:
        return 1 - int(truth)

    def uncertainty(self, choice_probs: Mapping[str, float] | None) -> float | None:
        """1 - |2 P(yes) - 1|: 0 when sure, 1 at even odds."""
        if not choice_probs:
            return None
        p_yes = float(choice_probs.get("1", 1.0 - float(choice_probs.get("0", 0.0))))
        return 1.0 - abs(2.0 * p_yes - 1.0)
