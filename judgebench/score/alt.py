"""The alternative-annotator test for every judge of a scoring, from the items' named annotators."""

from __future__ import annotations

from typing import Sequence

from judgebench.data.schema import Item
from judgebench.kinds import TaskKind
from judgebench.score.table import JudgeVerdicts
from judgebench.trust.alt_test import AltTestError, AltTestResult, alt_test


def annotator_labels(items: Sequence[Item]) -> dict[str, dict[str, object]]:
    """annotator -> item -> label; items without annotator ids cannot take part (a position is no person)."""
    if not any(item.annotators for item in items):
        raise AltTestError("the items carry no annotator ids (the dataset config's label `columns` name one "
                           "annotator each); the alternative-annotator test compares the judge with named people")
    humans: dict[str, dict[str, object]] = {}
    for item in items:
        for name, label in zip(item.annotators or (), item.human):
            humans.setdefault(name, {})[item.item_id] = label
    return humans


def alt_tests(kind: TaskKind, items: Sequence[Item], judges: Sequence[JudgeVerdicts], *, epsilon: float = 0.2,
              q: float = 0.05) -> dict[str, AltTestResult]:
    """Per judge (its verdict with both orders combined); AltTestError says why the test does not apply."""
    humans = annotator_labels(items)
    scoring = "neg_rmse" if kind.level == "interval" else "accuracy"
    out = {}
    for judge in judges:
        out[judge.name] = alt_test(judge.combined(i.item_id for i in items), humans, scoring=scoring,
                                   epsilon=epsilon, q=q)
    return out


def format_alt_tests(results: dict[str, AltTestResult]) -> str:
    lines = []
    for name, r in results.items():
        lines.append(f"alternative-annotator test, {name}: {'PASSES' if r.passed else 'fails'} at epsilon "
                     f"{r.epsilon:g} (winning rate {r.winning_rate:.2f} of {len(r.annotators)} annotators, "
                     f"advantage probability {r.advantage_probability:.3f}, {r.scoring}, BY q = {r.q:g})")
        for a in r.annotators:
            lines.append(f"    vs {a.annotator}: {a.items} items, judge {a.judge_advantage:.3f} vs annotator "
                         f"{a.annotator_advantage:.3f}, p = {a.p_value:.3g}, adjusted {a.p_adjusted:.3g}"
                         f"{'  (judge wins)' if a.judge_wins else ''}")
        lines += [f"    {n}: only {k} items (under 30), left out" for n, k in r.skipped]
    return "\n".join(lines)
