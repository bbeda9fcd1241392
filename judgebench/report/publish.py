"""Write the leaderboard folder: index.html, leaderboard.md, data.json and plots/*.png."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import matplotlib.pyplot as plt

from judgebench.arena.votes import Vote
from judgebench.report import plots
from judgebench.report.leaderboard import RunData, build_leaderboard, load_run
from judgebench.report.render import PLOTS, render_html, render_markdown, slug


def find_runs(results: str | Path) -> list[Path]:
    return sorted(p.parent for p in Path(results).glob("*/manifest.json") if (p.parent / "judgments.jsonl").exists())


def publish(run_dirs: Sequence[str | Path], out: str | Path, *, resamples: int = 1000, rounds: int = 100,
            seed: int = 0, votes: Sequence[Vote] = (), min_votes: int = 20, labelings: Sequence[RunData] = (),
            unsupervised: bool = False) -> dict:
    """`labelings`: LLM Judge++ labelings as boards of their own (`label_board.labeling_run`)."""
    data = build_leaderboard([load_run(d) for d in run_dirs] + list(labelings), resamples=resamples, rounds=rounds,
                             seed=seed, votes=votes, min_votes=min_votes, unsupervised=unsupervised)
    out = Path(out)
    (out / "plots").mkdir(parents=True, exist_ok=True)
    written: dict[str, dict[str, str]] = {}
    for name, board in data["datasets"].items():
        main = board["main_metrics"][0]
        figures = {"ci": lambda: plots.ci_bars(board, main), "agreement": lambda: plots.agreement_heatmap(board),
                   "confusion": lambda: plots.confusion_matrices(board),
                   "pareto": lambda: plots.cost_pareto(board, main),
                   "reliability": lambda: plots.reliability_diagrams(board), "bias": lambda: plots.bias_chart(board),
                   "systems": lambda: plots.systems_scatter(board)}
        written[name] = {}
        # An empty cost axis, a plot of no systems, one judge agreeing with itself, or a reliability diagram
        # without any verdict probability says nothing.
        empty = {"pareto": not plots.has_costs(board), "systems": not board["systems"],
                 "agreement": len(board["judges"]) < 2,
                 "reliability": not any(j["bias"].get("reliability") for j in board["judges"].values())}
        for plot in PLOTS:
            if empty.get(plot):
                continue
            relative = f"plots/{slug(name)}_{plot}.png"
            figure = figures[plot]()
            figure.savefig(out / relative, dpi=110)
            plt.close(figure)
            written[name][plot] = relative
    (out / "index.html").write_text(render_html(data, written), encoding="utf-8")
    (out / "leaderboard.md").write_text(render_markdown(data), encoding="utf-8")
    (out / "data.json").write_text(json.dumps(_json_safe(data), indent=1), encoding="utf-8")
    return data


def _json_safe(value):
    """NaN is not JSON: undefined numbers are written as null."""
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item"):          # numpy scalars
        return _json_safe(value.item())
    return value
