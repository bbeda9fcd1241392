"""The ways to distill an evaluator, declared once: a name, what it is, and where its code is (imported
only when used, so TF-IDF never loads torch).

An evaluator reads pairs of texts (distill/inputs.py) and returns, per pair, the class probabilities (kinds
with fixed labels) or one rating (Likert). Every method trains with per-example weights (a person's label
weighs more than a judge's), saves itself into a folder and loads from it on a CPU-only machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from judgebench.distill.target import Target
from judgebench.registry import Registry


@dataclass(frozen=True)
class TrainSettings:
    seed: int = 0
    epochs: int = 1
    max_steps: int | None = None    # caps each fine-tuning (None: the epochs decide)
    batch_size: int = 16
    on_step: Callable[[], None] | None = None    # called after every optimiser step (the progress bar)


class Evaluator(Protocol):
    target: Target               # what it predicts: the kind's classes or its rating scale

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """(n, classes) probabilities, or (n,) ratings."""

    def save(self, directory: Path) -> None: ...


@dataclass(frozen=True)
class Method:
    name: str
    entry: str                   # "module:attr" of a class with fit(pairs, y, weights, target, settings) and load
    description: str
    fine_tuned: bool             # trains the encoder (optimiser steps, a GPU helps)

    def _impl(self) -> Any:
        module, _, attr = self.entry.partition(":")
        return getattr(import_module(module), attr)

    def fit(self, pairs: Sequence[tuple[str, str]], y: np.ndarray, weights: np.ndarray, target: Target,
            settings: TrainSettings) -> Evaluator:
        return self._impl().fit(pairs, y, weights, target, settings)

    def load(self, directory: Path, target: Target) -> Evaluator:
        return self._impl().load(directory, target)

    def steps(self, y: np.ndarray, weights: np.ndarray, target: Target, settings: TrainSettings) -> int:
        """Optimiser steps one fit makes on these examples (repeated by weight and class): what progress counts."""
        if not self.fine_tuned:
            return 0
        return self._impl().steps(int(repetitions(y, weights, not target.regression).sum()), settings)


METHODS: Registry[Method] = Registry("method")
for _method in (
        Method("tfidf", "judgebench.distill.linear:TfidfProbe",
               "TF-IDF word 1-2 and char 3-5 grams; logistic regression (ratings: ridge)", fine_tuned=False),
        Method("minilm", "judgebench.distill.linear:MiniLMProbe",
               "frozen all-MiniLM-L6-v2 sentence embeddings; logistic regression (ratings: ridge)", fine_tuned=False),
        Method("setfit", "judgebench.distill.finetuned:SetFitEvaluator",
               "SetFit: all-MiniLM-L6-v2 fine-tuned on contrastive pairs, then a logistic (ratings: ridge) head",
               fine_tuned=True),
        Method("cross-encoder", "judgebench.distill.finetuned:CrossEncoderEvaluator",
               "all-MiniLM-L6-v2 as a cross-encoder over (input, output), fine-tuned with a classification "
               "(ratings: regression) head", fine_tuned=True)):
    METHODS.add(_method.name, _method)


def repeated(pairs: Sequence[tuple[str, str]], y: np.ndarray, weights: np.ndarray, balance: bool):
    """Whole-number weights as repetitions, for trainers that take no per-example weight. `balance` (classes)
    also repeats the rarer classes until each class weighs as much as the most common one, as the linear
    probes' class_weight="balanced" does: otherwise a few steps teach an encoder to always say the majority."""
    index = np.repeat(np.arange(len(pairs)), repetitions(y, weights, balance))
    return [pairs[i] for i in index], y[index]


def repetitions(y: np.ndarray, weights: np.ndarray, balance: bool) -> np.ndarray:
    """How many times each example is shown to a trainer that takes no weights (see `repeated`)."""
    if balance:
        classes, counts = np.unique(y, return_counts=True)
        share = dict(zip(classes.tolist(), (counts.max() / counts).tolist()))
        weights = weights * np.array([share[v] for v in y.tolist()])
    return np.maximum(1, np.rint(weights).astype(int))

