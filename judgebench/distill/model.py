"""Distill an evaluator from labels, report how well it agrees by cross-fitting, save it as a folder.

Quality is measured by cross-fitting: k folds, each item scored by a model that never saw it, with every
catalog metric of the task kind and its interval (`score.table.score_judge`), against the people's labels and
against the teacher judge's. Items that share `group_field` (by default the question) stay in one fold:
datasets often hold several answers to one question, and a model that has seen a sibling answer would be
scored on what it memorised about the question. Kinds judged in two orders (pairs) are learned in both (the
swapped example with its label flipped) and asked in both; the report then includes each order's accuracy and
the positional agreement.

An evaluator is a folder `<distilled>/<name>/`: `evaluator.json` (FORMAT, method, kind, report) beside the
method's weights. A folder of another format, or a `.pkl` file of the first judgebench, is refused with a
message to distill it again.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from judgebench.distill.inputs import JUDGED_WORDS, MAX_WORDS, encoder_pair
from judgebench.distill.labels import DistillError, Example
from judgebench.distill.methods import METHODS, Evaluator, TrainSettings
from judgebench.distill.target import Target
from judgebench.judges.prompts import swap_sides
from judgebench.kinds import TaskKind, kind_from

FORMAT = 2
MANIFEST = "evaluator.json"


def model_dir() -> Path:
    return Path(os.environ.get("JUDGEBENCH_DISTILLED_DIR", "distilled"))


@dataclass
class DistillReport:
    name: str
    dataset: str
    method: str
    kind: dict[str, Any]
    label_source: str
    teacher: str | None
    trained_on: int                   # labeled items
    human_labels: int                 # of them labeled by people (weighing HUMAN_WEIGHT each)
    folds: int
    grouped_by: str | None
    train_seconds: float
    created: float
    versus_humans: dict[str, Any] = field(default_factory=dict)
    versus_teacher: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=lambda: {"max_words": MAX_WORDS, "judged_words": JUDGED_WORDS})
    format: int = FORMAT


def views(kind: TaskKind, example: Example) -> list[tuple[str | None, tuple[str, str], Any]]:
    """(order, encoder input, label) for every order the kind judges in: a swapped pair with its label flipped."""
    out = []
    for order in kind.orders(True):
        swapped = order == "BA"
        fields = swap_sides(example.fields) if swapped else example.fields
        out.append((order, encoder_pair(fields, kind), kind.flip(example.label) if swapped else example.label))
    return out


def _folds(examples: Sequence[Example], folds: int, group_field: str | None, seed: int, target: Target):
    from sklearn.model_selection import GroupKFold, KFold, StratifiedGroupKFold, StratifiedKFold

    y = target.encode([e.label for e in examples])
    strata = np.rint(y).astype(int) if target.regression else y
    stratified = min(np.bincount(strata)) >= folds
    groups = [str(e.fields.get(group_field)) for e in examples] if group_field else None
    if groups is not None and len(set(groups)) >= folds and any(group_field in e.fields for e in examples):
        splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed) if stratified else GroupKFold(folds)
        return list(splitter.split(examples, strata, groups)), group_field
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed) if stratified \
        else KFold(folds, shuffle=True, random_state=seed)
    return list(splitter.split(examples, strata)), None


class Trainer:
    """Fits the method on examples (every order), with one progress bar over all the fits of a distillation."""

    def __init__(self, method: str, target: Target, settings: TrainSettings, fits: Sequence[Sequence[Example]],
                 progress: bool):
        self.method, self.target, self.settings = METHODS.get(method), target, settings
        self.bar = None
        if progress:
            from tqdm import tqdm

            steps = sum(self.method.steps(*self._rows(examples)[1:], target, settings) for examples in fits)
            self.bar = tqdm(total=steps or len(fits), unit="step" if steps else "fit",
                            desc=f"distilling ({method})", dynamic_ncols=True)
            self.settings = TrainSettings(**(asdict(settings) | {"on_step": self.bar.update if steps else None}))

    def _rows(self, examples: Sequence[Example]) -> tuple[list, np.ndarray, np.ndarray]:
        """Encoder inputs, encoded labels and weights of the examples in every order."""
        rows = [(pair, label, e.weight) for e in examples for _, pair, label in views(self.target.kind, e)]
        return [r[0] for r in rows], self.target.encode([r[1] for r in rows]), np.array([r[2] for r in rows])

    def fit(self, examples: Sequence[Example]) -> Evaluator:
        model = self.method.fit(*self._rows(examples), self.target, self.settings)
        if self.bar is not None and not self.method.fine_tuned:
            self.bar.update(1)
        return model

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def predictions(model: Evaluator, target: Target, examples: Sequence[Example]) -> dict[str | None, dict[str, Any]]:
    """order -> item -> the evaluator's label, in the dataset's orientation."""
    kind = target.kind
    out: dict[str | None, dict[str, Any]] = {}
    every_view = [views(kind, e) for e in examples]
    for n, order in enumerate(kind.orders(True)):
        pairs = [example_views[n][1] for example_views in every_view]
        outputs = model.predict(pairs) if pairs else []
        for example, output in zip(examples, outputs):
            label = target.verdict(output)[0]
            out.setdefault(order, {})[example.item_id] = kind.flip(label) if order == "BA" else label
    return out


def _report(kind: TaskKind, examples: Sequence[Example], predicted: dict, against: str, seed: int) -> dict[str, Any]:
    from judgebench.data.schema import Item
    from judgebench.score.table import JudgeVerdicts, ScoreOptions, score_judge

    chosen = [e for e in examples if getattr(e, against) is not None]
    if not chosen:
        return {}
    items = [Item(e.item_id, dict(e.fields), (getattr(e, against),)) for e in chosen]
    orders = list(predicted.values())
    verdicts = JudgeVerdicts("distilled", orders[0], orders[1] if len(orders) > 1 else None)
    scored = score_judge(kind, items, verdicts, ScoreOptions(resamples=1000, seed=seed))
    return {"items": len(items)} | {name: {"estimate": e.value, "low": e.low, "high": e.high}
                                    for name, e in scored.metrics.items()}


def distill(examples: Sequence[Example], kind: TaskKind, *, name: str, dataset: str, method: str = "tfidf",
            label_source: str = "human", teacher: str | None = None, folds: int = 5, seed: int = 0,
            limit: int | None = None, group_field: str | None = "input", settings: TrainSettings | None = None,
            progress: bool = False) -> tuple[Evaluator, DistillReport]:
    """Cross-fit and report, then fit the final evaluator on every label."""
    if method not in METHODS:
        raise DistillError(f"method must be one of {', '.join(METHODS.names())}, got {method!r}")
    settings = settings or TrainSettings(seed=seed)
    target = Target(kind)
    examples = list(examples)
    if limit is not None and limit < len(examples):
        examples = [examples[i] for i in sorted(np.random.default_rng(seed).permutation(len(examples))[:limit])]
    if len(examples) < 2 * folds:
        raise DistillError(f"{len(examples)} labelled items are too few for {folds}-fold cross-fitting "
                           f"(at least {2 * folds})")
    if not target.regression and len({e.label for e in examples}) < 2:
        raise DistillError("every training label is the same: there is nothing to learn")
    splits, grouped = _folds(examples, folds, group_field, seed, target)
    fits = [[examples[i] for i in train] for train, _ in splits] + [examples]
    trainer = Trainer(method, target, settings, fits, progress)
    started = time.perf_counter()
    try:
        out_of_fold: dict[str | None, dict[str, Any]] = {}
        for (_, test), train in zip(splits, fits):
            model = trainer.fit(train)
            for order, labels in predictions(model, target, [examples[i] for i in test]).items():
                out_of_fold.setdefault(order, {}).update(labels)
        final = trainer.fit(examples)
    finally:
        trainer.close()
    report = DistillReport(name, dataset, method, kind.to_dict(), label_source, teacher, len(examples),
                           sum(e.origin == "human" for e in examples), folds, grouped,
                           round(time.perf_counter() - started, 1), time.time())
    report.versus_humans = _report(kind, examples, out_of_fold, "human", seed)
    report.versus_teacher = _report(kind, examples, out_of_fold, "teacher", seed)
    return final, report


def save(model: Evaluator, report: DistillReport, directory: Path | None = None) -> Path:
    folder = (directory or model_dir()) / report.name
    folder.mkdir(parents=True, exist_ok=True)
    model.save(folder)
    (folder / MANIFEST).write_text(json.dumps(asdict(report), indent=2, default=str) + "\n")
    return folder


def load(name: str, directory: Path | None = None) -> tuple[Evaluator, dict[str, Any]]:
    """A saved evaluator and its report, on the CPU. Linear probes are pickled: load only folders you made."""
    base = directory or model_dir()
    folder = Path(name) if Path(name).is_dir() else base / name
    if (base / f"{name}.pkl").exists() and not folder.is_dir():
        raise DistillError(f"{base / f'{name}.pkl'} is an evaluator of the first judgebench (format 1), which this "
                           f"version does not read; distill it again (`judgebench distill ... --name {name}`)")
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise DistillError(f"no distilled evaluator at {folder}; train one with `judgebench distill`")
    saved = json.loads(manifest.read_text())
    if saved.get("format") != FORMAT:
        raise DistillError(f"{manifest}: evaluator format {saved.get('format')!r}; this judgebench reads format "
                           f"{FORMAT}: distill it again")
    target = Target(kind_from(saved["kind"]["name"], **{k: v for k, v in saved["kind"].items() if k != "name"}))
    return METHODS.get(saved["method"]).load(folder, target), saved
