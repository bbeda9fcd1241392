"""`judgebench estimate`: a system's true score from the judge's labels on every item and the humans' on some."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from pathlib import Path

from judgebench.cli.score import add_source_arguments, read_source

WIDTH = 22


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="judgebench estimate", description=(
        "The mean score (pass rate, mean rating, win rate with ties as half) from the judge's labels on every "
        "item, corrected with the human labels where there are some (PPI++; Rogan-Gladen for pass rates). "
        "No model is called."))
    add_source_arguments(parser)
    parser.add_argument("--by", help="also per value of this column (`system`: each system of a comparison)")
    parser.add_argument("--human-budget", type=int, help="use only this many human labels, drawn at random")
    parser.add_argument("--budget-per-group", action="store_true", help="--human-budget labels within each --by group")
    parser.add_argument("--seed", type=int, default=0, help="for --human-budget")
    parser.add_argument("--half-width", type=float, default=0.02, help="target for the label budget")
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--json", help="also write the estimates here (strict JSON)")
    return parser


def _interval(estimate) -> str:
    if estimate is None:
        return f"{'-':>{WIDTH}}"
    return f"{estimate.estimate:.3f} [{estimate.low:.3f}, {estimate.high:.3f}]".rjust(WIDTH)


def _count(value: float | None) -> str:
    return "-" if value is None else ("unreachable" if math.isinf(value) else f"{value:,.0f}")


def format_estimates(results, half_width: float, confidence: float) -> str:
    lines = [f"mean score with {confidence:.0%} intervals; corrected = PPI++ (judge on every item, humans on the "
             "labeled ones); worth = human labels alone as precise as the corrected estimate"]
    for result in results:
        lines.append(f"\njudge {result.judge}" + (f" ({result.left_out} unlabeled items without a verdict left out)"
                                                 if result.left_out else ""))
        lines.append(f"{'group':<18} {'labeled':>7} {'others':>7} {'judge-only':>{WIDTH}} {'human-only':>{WIDTH}} "
                     f"{'corrected':>{WIDTH}} {'Rogan-Gladen':>{WIDTH}} {'bias (judge-human)':>{WIDTH}} "
                     f"{'worth':>7} {'rank':>5}")
        for g in result.groups:
            rank = f"{g.rank[0]}-{g.rank[1]}" if g.rank else ""
            lines.append(f"{g.group[:18]:<18} {g.labeled:>7} {g.unlabeled:>7} {_interval(g.judge_only)} "
                         f"{_interval(g.human_only)} {_interval(g.corrected)} {_interval(g.prevalence)} "
                         f"{_interval(g.bias)} {_count(g.effective_labels):>7} {rank:>5}"
                         + (f"   ({g.note})" if g.note else ""))
        overall = result.groups[0]
        if overall.budget:
            with_judge, alone = overall.budget
            lines.append(f"for ±{half_width:g}: {_count(with_judge)} human labels with this judge, {_count(alone)} "
                         "without it (from the variances seen so far)")
        if result.kendall_tau is not None:
            lines.append(f"Kendall's tau between the judge's ranking of the groups and the humans': "
                         f"{result.kendall_tau:.3f}")
    return "\n".join(lines)


def _strict(value):
    """Infinity and NaN are not JSON: written as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict(v) for v in value]
    return value


def main(argv: list[str]) -> int:
    command = parser()
    args = command.parse_args(argv)
    from judgebench.estimate.report import estimate_judge, labeled_ids

    kind, items, judges = read_source(command, args)
    labeled = labeled_ids(kind, items, args.human_budget, args.seed, args.by if args.budget_per_group else None)
    results = [estimate_judge(kind, items, j.first, j.name, labeled, by=args.by, level=args.confidence,
                              half_width=args.half_width) for j in judges]
    print(format_estimates(results, args.half_width, args.confidence))
    if args.json:
        Path(args.json).write_text(json.dumps(_strict([dataclasses.asdict(r) for r in results]), indent=1,
                                              allow_nan=False), encoding="utf-8")
    return 0
