"""Escalation on labeled items: a seeded calibration / held-out split, the cascade calibrated on one half
and measured on the other, with its cost. Pure: verdicts and confidences in, a report out."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from judgebench.data.schema import Label
from judgebench.trust.confidence import Confidences
from judgebench.trust.selective import CascadeOutcome, Threshold, calibrate_cascade, run_cascade


@dataclass(frozen=True)
class Stage:
    judge: str
    source: str | None
    threshold: Threshold
    cost_per_1k_usd: float | None       # per judged item


@dataclass(frozen=True)
class EscalationReport:
    stages: tuple[Stage, ...]
    calibration_items: int
    held_out_items: int
    outcome: CascadeOutcome             # on the held-out items
    cost_per_1k_items_usd: float | None  # judges only; the people's time is not priced


def split(items: Sequence[str], fraction: float, seed: int) -> tuple[list[str], list[str]]:
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    cut = round(fraction * len(shuffled))
    return shuffled[:cut], shuffled[cut:]


def _arrays(stages: Sequence[Confidences], truth: Mapping[str, Label], items: Sequence[str]):
    confidence = [[s.confidence.get(i, 0.0) for i in items] for s in stages]
    correct = [[s.verdict.get(i) is not None and s.verdict.get(i) == truth[i] for i in items] for s in stages]
    return confidence, correct


def escalate(stages: Sequence[Confidences], truth: Mapping[str, Label], costs: Mapping[str, float | None], *,
             alpha: float, delta: float, calibration: float = 0.5, seed: int = 0) -> EscalationReport:
    """`truth`: item -> the people's label (items without one take no part); `costs`: judge -> $ per 1k items."""
    calibration_ids, held_out = split(sorted(truth), calibration, seed)
    thresholds = calibrate_cascade(*_arrays(stages, truth, calibration_ids), alpha=alpha, delta=delta)
    outcome = run_cascade(thresholds, *_arrays(stages, truth, held_out))
    reached = len(held_out) - np.concatenate([[0], np.cumsum(outcome.decided_by)[:-1]])
    prices = [costs.get(s.judge) for s in stages]
    cost = None if not held_out or any(p is None for p in prices) else \
        float(sum(p * r for p, r in zip(prices, reached)) / len(held_out))
    return EscalationReport(tuple(Stage(s.judge, s.source, t, costs.get(s.judge)) for s, t in zip(stages, thresholds)),
                            len(calibration_ids), len(held_out), outcome, cost)


def format_report(report: EscalationReport) -> str:
    first = report.stages[0].threshold
    lines = [f"escalation at alpha {first.alpha:g}, delta {first.delta * len(report.stages):g}: with probability "
             f">= {1 - first.delta * len(report.stages):g} the kept verdicts agree with people >= "
             f"{1 - first.alpha:g} of the time; calibrated on {report.calibration_items} items, measured on "
             f"{report.held_out_items} held-out items"]
    held = report.outcome
    for stage, decided in zip(report.stages, held.decided_by):
        t = stage.threshold
        where = "no threshold achieves alpha: abstains on every item" if t.threshold is None else \
            f"keeps confidence >= {t.threshold:.4g} ({t.kept} of {t.calibration_items} calibration items, " \
            f"{t.wrong} wrong, p = {t.p_value:.3g})"
        lines.append(f"  {stage.judge} (confidence from {stage.source or 'nothing: one verdict per item'}): "
                     f"{where}; decided {decided} held-out items")
    low, high = held.agreement_interval()
    agreement = "-" if not held.kept else f"{held.agreement:.3f} [{low:.3f}, {high:.3f}]"
    cost = "unknown (a judge has no price)" if report.cost_per_1k_items_usd is None else \
        f"${report.cost_per_1k_items_usd:.4f}"
    lines += [f"coverage {held.coverage:.3f} (decided without a person); kept verdicts' agreement {agreement} "
              "(95% Clopper-Pearson; the held-out half is a sample too, so this moves with it)",
              f"left for people: {held.escalated} of {report.held_out_items}; judges' cost per 1,000 items, each "
              f"judge called only on the items that reach it: {cost}"]
    return "\n".join(lines)
