"""Pairwise: which of two responses is better, "A", "B" or "tie"; judged in one or both orders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from judgebench.judges import parse  # a module, not its names: parse imports judgebench.kinds too
from judgebench.kinds.base import Label, LabelError, ParseFailure, TaskKind, Verdict

VALUES = ("A", "B", "tie")
# Spellings of a pairwise label (MT-Bench's [[C]] is a tie, Arena-Hard's [[A>>B]] a win for A).
WORDS: Mapping[str, str] = {"a": "A", "b": "B", "c": "tie", "tie": "tie", "a>b": "A", "a>>b": "A",
                            "b>a": "B", "b>>a": "B", "a=b": "tie"}
_SWAP = {"A": "B", "B": "A"}


@dataclass(frozen=True)
class Pairwise(TaskKind):
    name = "pairwise"
    main_metric = "mt_bench_with_ties"
    headline_metrics = ("mt_bench_with_ties", "mt_bench_without_ties")
    level = "nominal"
    estimand = "win rate of the first response (ties as half)"
    reviewable = False
    sides = ("response_a", "response_b")

    def label(self, raw: Any) -> Label:
        if isinstance(raw, str) and raw.strip().lower() in WORDS:
            return WORDS[raw.strip().lower()]
        raise LabelError(f"is not one of {list(VALUES)}")

    def score(self, label: Label) -> float:
        """Side A's score: 1 for a win, 0.5 for a tie, 0 for a loss; the mean is A's win rate with ties as half."""
        return {"A": 1.0, "tie": 0.5, "B": 0.0}[str(label)]

    def labels(self) -> tuple[Label, ...]:
        return VALUES

    def parse(self, text: str | None) -> Verdict | ParseFailure:
        return parse.read_word_verdict(text, WORDS, "pairwise verdict ([[A]], [[B]] or [[C]] for a tie)")

    def format(self, label: Label) -> str:
        return "[[" + {"A": "A", "B": "B", "tie": "C"}[str(label)] + "]]"

    def choices(self) -> dict[str, Label]:
        return {"A": "A", "B": "B", "C": "tie"}

    def verdict_words(self) -> Mapping[str, Label]:
        return WORDS

    def wrong(self, truth: Label) -> Label:
        return "B" if truth == "A" else "A"

    def orders(self, both_orders: bool) -> tuple[str | None, ...]:
        return ("AB", "BA") if both_orders else ("AB",)

    def flip(self, label: Label | None) -> Label | None:
        return _SWAP.get(label, label) if isinstance(label, str) else label


def combine_orders(first: Label | None, second: Label | None) -> Label | None:
    """MT-Bench's pair verdict from both orders (the second flipped back): agreeing orders keep it,
    disagreeing ones become a tie; a failed order leaves the other."""
    if first is None or second is None:
        return first if second is None else second if first is None else None
    return first if first == second else "tie"
