"""Score every judge and the humans, and print the result as a table."""

from __future__ import annotations

from typing import Any, Sequence

from judgebench.data.schema import Item
from judgebench.kinds import TaskKind
from judgebench.score.table import JudgeVerdicts, ScoreOptions, compare_judges, score_humans, score_judge


def score_all(kind: TaskKind, items: Sequence[Item], judges: Sequence[JudgeVerdicts],
              options: ScoreOptions) -> dict[str, Any]:
    return {"kind": kind.name, "items": len(items), "policy": options.policy,
            "confidence": options.level, "resamples": options.resamples,
            "judges": {j.name: score_judge(kind, items, j, options) for j in judges},
            "humans": score_humans(kind, items, options),
            "comparisons": compare_judges(kind, items, judges, options)}


def format_scores(result: dict[str, Any]) -> str:
    names = list(result["judges"])
    metrics = list(dict.fromkeys(m for j in result["judges"].values() for m in j["metrics"]))
    width = max([len("human ceiling")] + [len(n) for n in names]) + 2
    level = round(100 * result["confidence"])
    lines = [f"{result['items']} items ({result['kind']}); failed verdicts: {result['policy']}; "
             f"[low, high] = {level}% bootstrap interval, {result['resamples']} resamples"]
    header = f"{'':<{width}}{'coverage':>9}  " + "  ".join(f"{m:>24}" for m in metrics)
    lines.append(header)
    for name in names:
        entry = result["judges"][name]
        cells = []
        for metric in metrics:
            value = entry["metrics"].get(metric)
            if value is None:
                cells.append(f"{'-':>24}")
            elif value["low"] != value["low"]:      # no interval
                cells.append(f"{value['estimate']:>24.3f}")
            else:
                cells.append(f"{value['estimate']:.3f} [{value['low']:.3f}, {value['high']:.3f}]".rjust(24))
        lines.append(f"{name:<{width}}{entry['coverage']:>9.1%}  " + "  ".join(cells))
    humans = result["humans"]["metrics"]
    if humans:
        cells = [f"{humans[m]:>24.3f}" if m in humans else f"{'-':>24}" for m in metrics]
        lines.append(f"{'human ceiling':<{width}}{'':>9}  " + "  ".join(cells))
        lines.append(f"(human ceiling: annotators against each other on "
                     f"{result['humans']['items_with_several_labels']} items with several labels; "
                     f"Krippendorff's alpha among them {humans.get('krippendorff_alpha', float('nan')):.3f})")
    for row in result.get("comparisons", []):
        diff = row["difference"]
        test = (f"; McNemar {row['only_x_right']} vs {row['only_y_right']}, p = {row['p_value']:.3g}, "
                f"Holm {row['p_holm']:.3g}") if "p_value" in row else ""
        lines.append(f"{row['judge_x']} - {row['judge_y']}: {row['metric']} {diff['estimate']:+.3f} "
                     f"[{diff['low']:+.3f}, {diff['high']:+.3f}]{test}")
    return "\n".join(lines)
