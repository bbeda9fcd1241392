"""The Alternative Annotator Test (Calderon, Reichart and Dror, "The Alternative Annotator Test for
LLM-as-a-Judge: How to Statistically Justify Replacing Human Annotators with LLMs", ACL 2025). Pure.

For each annotator j in turn (leave one out), on each item i that j labeled and that at least one other
annotator labeled, score how well the judge and how well j agree with the remaining annotators' labels on i,
S(·, i) = mean over the others of 1[label = other's] (accuracy, for labels) or −sqrt(mean (x − other)²)
(negative RMSE, for ratings). Then W_judge = 1[S(judge) ≥ S(j)], W_j = 1[S(j) ≥ S(judge)], and per annotator

    H0_j: ρ_judge ≤ ρ_j − ε   against   H1_j: ρ_judge > ρ_j − ε

by a one-sided one-sample t-test of d_i = W_j − W_judge against ε (`scipy.stats.ttest_1samp(d, ε,
alternative="less")`), ε being the cost-benefit margin granted to the judge (the paper suggests 0.2 for
experts, 0.15 for skilled annotators, 0.1 for crowd workers). The p-values are adjusted across annotators by
Benjamini–Yekutieli at q (`scipy.stats.false_discovery_control(method="by")`); the winning rate ω is the share
of annotators whose H0 is rejected, and the judge passes when ω ≥ 0.5. The advantage probability ρ (the mean
of ρ_judge = mean W_judge over annotators) compares judges. As in the paper's code, an annotator needs at
least 30 such items (the t-test's normality) and an item at least two annotators; the paper asks for three or
more annotators, so fewer is refused here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Hashable, Mapping, Sequence

import numpy as np
from scipy.stats import false_discovery_control, ttest_1samp

from judgebench.errors import UserError

MIN_ANNOTATORS = 3
MIN_ITEMS = 30          # per annotator: the paper's minimum for the t-test
SCORINGS = ("accuracy", "neg_rmse")


class AltTestError(UserError, ValueError):
    """The test does not apply to these labels; the message says why."""


@dataclass(frozen=True)
class AnnotatorTest:
    annotator: str
    items: int
    judge_advantage: float          # ρ_judge: share of items where the judge is at least as aligned
    annotator_advantage: float      # ρ_j
    p_value: float
    p_adjusted: float               # Benjamini-Yekutieli
    judge_wins: bool


@dataclass(frozen=True)
class AltTestResult:
    epsilon: float
    q: float
    scoring: str
    annotators: tuple[AnnotatorTest, ...]
    skipped: tuple[tuple[str, int], ...]    # annotators with fewer than MIN_ITEMS items, and how many they had
    winning_rate: float                     # ω
    advantage_probability: float            # ρ

    @property
    def passed(self) -> bool:
        return self.winning_rate >= 0.5


def _score(scoring: str, label: float | Hashable, others: Sequence) -> float:
    if scoring == "accuracy":
        return float(np.mean([label == other for other in others]))
    return -math.sqrt(float(np.mean([(float(label) - float(other)) ** 2 for other in others])))


def one_sided_p(differences: Sequence[float], epsilon: float) -> float:
    """P-value of H0: mean(d) ≥ ε against mean(d) < ε. With no spread the t statistic is undefined; the
    answer is then certain: 0 when every d is below ε, else 1."""
    d = np.asarray(differences, dtype=float)
    if np.ptp(d) == 0:
        return 0.0 if d[0] < epsilon else 1.0
    return float(ttest_1samp(d, epsilon, alternative="less").pvalue)


def alt_test(judge: Mapping[Hashable, object], humans: Mapping[str, Mapping[Hashable, object]], *,
             scoring: str = "accuracy", epsilon: float = 0.2, q: float = 0.05,
             min_items: int = MIN_ITEMS) -> AltTestResult:
    """`judge`: item -> the judge's label; `humans`: annotator -> item -> label (missing items allowed)."""
    if scoring not in SCORINGS:
        raise ValueError(f"scoring must be one of {SCORINGS}, got {scoring!r}")
    if len(humans) < MIN_ANNOTATORS:
        raise AltTestError(f"the alternative-annotator test needs labels from at least {MIN_ANNOTATORS} named "
                           f"annotators; these items have {len(humans)}")
    per_item: dict[Hashable, list[str]] = {}
    for name, labels in humans.items():
        for item in labels:
            per_item.setdefault(item, []).append(name)
    usable = {item for item, names in per_item.items() if len(names) >= 2 and judge.get(item) is not None}
    tests, skipped, p_values = [], [], []
    for name, labels in humans.items():
        items = [item for item in labels if item in usable]
        if len(items) < min_items:
            skipped.append((name, len(items)))
            continue
        wins_judge, wins_human = [], []
        for item in items:
            others = [humans[h][item] for h in per_item[item] if h != name]
            s_judge, s_human = _score(scoring, judge[item], others), _score(scoring, labels[item], others)
            wins_judge.append(float(s_judge >= s_human))
            wins_human.append(float(s_human >= s_judge))
        p_values.append(one_sided_p(np.subtract(wins_human, wins_judge), epsilon))
        tests.append((name, len(items), float(np.mean(wins_judge)), float(np.mean(wins_human))))
    if len(tests) < MIN_ANNOTATORS:
        few = ", ".join(f"{name} ({count})" for name, count in skipped)
        raise AltTestError(f"only {len(tests)} annotator(s) labeled at least {min_items} items that another "
                           f"annotator and the judge also labeled (the paper's minimum for its t-test); too few: {few}")
    adjusted = false_discovery_control(p_values, method="by")
    annotators = tuple(AnnotatorTest(name, n, rho_j, rho_h, float(p), float(a), bool(a <= q))
                       for (name, n, rho_j, rho_h), p, a in zip(tests, p_values, adjusted))
    return AltTestResult(epsilon, q, scoring, annotators, tuple(skipped),
                         float(np.mean([a.judge_wins for a in annotators])),
                         float(np.mean([a.judge_advantage for a in annotators])))
