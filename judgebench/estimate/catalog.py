"""Every estimator of a mean score that judgebench reports, declared once (as metrics/catalog.py declares
the agreement metrics): what it uses, for which kinds, whether its interval is valid, and its reference.

Each is called the same way, on a `Sample`: N items with the judge's score on each, the items a person
labeled (and with what probability each was drawn), and the person's score on those. The common test
(tests/estimate/test_catalog.py) checks every entry's declared properties, its validity by a seeded
simulation with a planted truth."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from judgebench.estimate.means import MeanEstimate, active_mean, human_mean, judge_mean, ppi_mean
from judgebench.estimate.prevalence import rogan_gladen
from judgebench.kinds import TaskKind
from judgebench.registry import Registry

USES = ("human", "judge", "inclusion")


@dataclass(frozen=True)
class Sample:
    """`judge`: the judge's score on each of N items; `labeled`: which a person labeled; `human`: their
    scores, in the order of the labeled items; `probabilities`: each item's chance of being labeled
    (None: a uniform draw without replacement)."""

    judge: np.ndarray
    labeled: np.ndarray
    human: np.ndarray
    probabilities: np.ndarray | None = None

    @property
    def labeled_judge(self) -> np.ndarray:
        return self.judge[self.labeled]

    @property
    def unlabeled_judge(self) -> np.ndarray:
        return self.judge[~self.labeled]


@dataclass(frozen=True)
class Estimator:
    name: str
    title: str
    function: Callable[[Sample, float], Any]    # (sample, level) -> an estimate with .estimate, .low, .high
    kinds: frozenset[str] | None                # None: every kind whose labels have a score
    uses: frozenset[str]
    valid: bool                                 # its interval covers the truth at its level (checked by simulation)
    reference: str

    def __post_init__(self):
        if not self.uses <= set(USES) or not self.reference:
            raise ValueError(f"estimator {self.name}: uses must be among {USES}, and a reference is required")

    def applies(self, kind: TaskKind) -> bool:
        return kind.scored and (self.kinds is None or kind.name in self.kinds)


ESTIMATORS: Registry[Estimator] = Registry("estimator")


def _uniform(sample: Sample) -> np.ndarray:
    return np.full(len(sample.judge), sample.labeled.mean())


def _prevalence(sample: Sample, level: float):
    return rogan_gladen(sample.human.astype(int), sample.labeled_judge.astype(int),
                        sample.unlabeled_judge.astype(int), level)


for _estimator in (
    Estimator("human_only", "human only", lambda s, level: human_mean(s.human, level), None,
              frozenset({"human"}), True, "the sample mean with a normal interval"),
    Estimator("judge_only", "judge only", lambda s, level: judge_mean(s.judge, level), None,
              frozenset({"judge"}), False, "the judge's mean: its interval ignores the judge's bias (naive)"),
    Estimator("ppi", "corrected (PPI++)",
              lambda s, level: ppi_mean(s.human, s.labeled_judge, s.unlabeled_judge, level), None,
              frozenset({"human", "judge"}), True,
              "Angelopoulos, Duchi and Zrnic 2023 (PPI++); ppi_py.ppi_mean_ci with lam=None"),
    Estimator("active", "corrected (active inference)",
              lambda s, level: active_mean(s.human, s.labeled, s.judge,
                                           _uniform(s) if s.probabilities is None else s.probabilities, level),
              None, frozenset({"human", "judge", "inclusion"}), True,
              "Zrnic and Candes, Active statistical inference, ICML 2024"),
    Estimator("rogan_gladen", "corrected prevalence (Rogan-Gladen)", _prevalence, frozenset({"binary"}),
              frozenset({"human", "judge"}), True,
              "Rogan and Gladen 1978, with a bootstrap over TPR and TNR as judgy.estimate_success_rate"),
):
    ESTIMATORS.add(_estimator.name, _estimator)


def estimators_for(kind: TaskKind) -> list[Estimator]:
    return [ESTIMATORS.get(name) for name in ESTIMATORS if ESTIMATORS.get(name).applies(kind)]


__all__ = ["ESTIMATORS", "Estimator", "MeanEstimate", "Sample", "estimators_for"]
