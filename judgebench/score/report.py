"""Score every judge and the humans into a Scorecard, and print it as a table."""

from __future__ import annotations

from typing import Sequence

from judgebench.data.schema import Item
from judgebench.kinds import TaskKind
from judgebench.metrics import catalog
from judgebench.score.scorecard import Estimate, Scorecard
from judgebench.score.table import JudgeVerdicts, ScoreOptions, compare_judges, score_humans, score_judge

CELL = 24


def score_all(kind: TaskKind, items: Sequence[Item], judges: Sequence[JudgeVerdicts],
              options: ScoreOptions) -> Scorecard:
    return Scorecard(kind=kind.name, main_metric=kind.main_metric, items=len(items), policy=options.policy,
                     confidence=options.level, resamples=options.resamples,
                     judges=tuple(score_judge(kind, items, j, options) for j in judges),
                     humans=score_humans(kind, items, options),
                     comparisons=tuple(compare_judges(kind, items, judges, options)))


def _cell(value: Estimate | float | None) -> str:
    if value is None:
        return f"{'-':>{CELL}}"
    if isinstance(value, Estimate):
        if value.value is None:
            return f"{'undefined':>{CELL}}"
        if value.low is None:
            return f"{value.value:>{CELL}.3f}"
        return f"{value.value:.3f} [{value.low:.3f}, {value.high:.3f}]".rjust(CELL)
    return f"{value:>{CELL}.3f}"


def _number(value: float | None) -> str:
    return "undefined" if value is None or value != value else f"{value:.3f}"


def _coverage(value: float | None) -> str:
    return f"{value:>9.1%}" if value is not None and value == value else f"{'-':>9}"


def format_headline(card: Scorecard, metrics: Sequence[str]) -> str:
    """The kind's headline metrics per judge with their intervals, the human ceiling, and notes."""
    width = max([len("human ceiling")] + [len(j.name) for j in card.judges]) + 2
    lines = [f"agreement with the humans on {card.items} items ({round(100 * card.confidence)}% bootstrap "
             "intervals):", f"{'':<{width}}{'coverage':>9}  " + "  ".join(f"{catalog.get(m).title:>{CELL}}"
                                                                           for m in metrics)]
    for judge in card.judges:
        lines.append(f"{judge.name:<{width}}{_coverage(judge.coverage)}  "
                     + "  ".join(_cell(judge.metrics.get(m)) for m in metrics))
    if any(card.humans.metrics.get(m) is not None for m in metrics):
        lines.append(f"{'human ceiling':<{width}}{'':>9}  "
                     + "  ".join(_cell(card.humans.metrics.get(m)) for m in metrics))
    lines += [f"note: {note}" for note in (j.one_answer_note() for j in card.judges) if note]
    return "\n".join(lines)


def format_scores(card: Scorecard) -> str:
    metrics = list(dict.fromkeys(m for j in card.judges for m in j.metrics))
    width = max([len("human ceiling")] + [len(j.name) for j in card.judges]) + 2
    lines = [f"{card.items} items ({card.kind}); failed verdicts: {card.policy}; [low, high] = "
             f"{round(100 * card.confidence)}% bootstrap interval, {card.resamples} resamples; "
             f"main metric: {catalog.get(card.main_metric).title}",
             f"{'':<{width}}{'coverage':>9}  " + "  ".join(f"{m:>{CELL}}" for m in metrics)]
    for judge in card.judges:
        lines.append(f"{judge.name:<{width}}{_coverage(judge.coverage)}  "
                     + "  ".join(_cell(judge.metrics.get(m)) for m in metrics))
    lines += [f"note: {note}" for note in (j.one_answer_note() for j in card.judges) if note]
    humans = card.humans
    if humans.metrics:
        cells = [_cell(humans.metrics[m]) if humans.metrics.get(m) is not None else _cell(None) for m in metrics]
        lines.append(f"{'human ceiling':<{width}}{'':>9}  " + "  ".join(cells))
        alpha = humans.metrics.get("krippendorff_alpha")
        lines.append(f"(human ceiling: annotators against each other on {humans.items_with_several_labels} items "
                     f"with several labels; Krippendorff's alpha among them "
                     f"{_number(alpha)})")
    pairs = [f"{a} ~ {b} {_number(v)}" for a, row in humans.annotator_kappa.items() for b, v in row.items()]
    if pairs:
        lines.append("Cohen's kappa between annotators: " + ", ".join(pairs))
    for row in card.comparisons:
        diff = row.difference
        test = (f"; McNemar {row.only_x_right} vs {row.only_y_right}, p = {row.p_value:.3g}, "
                f"Holm {row.p_holm:.3g}") if row.p_value is not None else ""
        shown = "undefined" if diff.value is None else f"{diff.value:+.3f}" + (
            f" [{diff.low:+.3f}, {diff.high:+.3f}]" if diff.low is not None else "")
        lines.append(f"{row.judge_x} - {row.judge_y}: {row.metric} {shown}{test}")
    return "\n".join(lines)
