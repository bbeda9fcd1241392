"""MT-Bench: GPT-4's recorded verdicts corrected with a budget of human labels (run by hand; ../shared/data).

    python benchmarks/mt_bench_estimate.py [--budget 100] [--seeds 600]

Humans: the dataset's `human_majority` on each comparison; a system's score: its win rate over all its
comparisons, ties as half. For each seed, `--budget` comparisons per system get their human label (the rest
only GPT-4's), as `judgebench estimate --human-budget B --budget-per-group --by system` does; reported per
system: how often the corrected (PPI++) interval covers the all-human win rate, against the judge-only
interval, and the mean half-widths of the corrected and the human-only intervals.
"""

from __future__ import annotations

import argparse
import time
from types import SimpleNamespace

import numpy as np

from judgebench.cli.score import recorded
from judgebench.estimate.report import estimate_judge, labeled_ids


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--seeds", type=int, default=600)
    args = parser.parse_args()
    source = SimpleNamespace(dataset="mt_bench", data_root=None, where=[], dataset_column="gpt4_pair_winner",
                             human_column="human_majority", verdicts=None, map=["model_a=A", "model_b=B", "tie=tie"],
                             name="gpt-4")
    kind, items, judges = recorded(source)
    verdicts = judges[0].first
    everything = estimate_judge(kind, items, verdicts, "gpt-4", labeled_ids(kind, items), by="system")
    truth = {g.group: g.human_only.estimate for g in everything.groups[1:]}
    judge_only = {g.group: g.judge_only for g in everything.groups[1:]}
    covered = {s: 0 for s in truth}
    widths = {s: [] for s in truth}
    human_widths = {s: [] for s in truth}
    started = time.perf_counter()
    for seed in range(args.seeds):
        labeled = labeled_ids(kind, items, args.budget, seed, per_group="system")
        result = estimate_judge(kind, items, verdicts, "gpt-4", labeled, by="system")
        for g in result.groups[1:]:
            covered[g.group] += g.corrected.low <= truth[g.group] <= g.corrected.high
            widths[g.group].append(g.corrected.half_width)
            human_widths[g.group].append(g.human_only.half_width)
    print(f"MT-Bench, GPT-4 verdicts, {args.budget} human labels per system, {args.seeds} seeds "
          f"({time.perf_counter() - started:.0f} s)")
    print(f"{'system':<17} {'all-human':>9} {'judge-only':>10} {'judge covers':>12} {'corrected covers':>16} "
          f"{'half-width':>10} {'human-only half-width':>21}")
    for system in sorted(truth):
        j = judge_only[system]
        print(f"{system:<17} {truth[system]:>9.4f} {j.estimate:>10.4f} {str(j.low <= truth[system] <= j.high):>12} "
              f"{covered[system] / args.seeds:>16.3f} {np.mean(widths[system]):>10.4f} "
              f"{np.mean(human_widths[system]):>21.4f}")


if __name__ == "__main__":
    main()
