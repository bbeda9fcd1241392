"""Juries and label-free estimates on real judges' recorded verdicts (run by hand).

    judgebench import --catalog --results /tmp/recorded
    python benchmarks/juries_recorded.py /tmp/recorded [--resamples 20]

Two boards: LLMBar's Natural and four Adversarial subsets (five judge configurations, both orders) and
JudgeBench's GPT-4o pairs (o1-mini in both orders, five reward models in one). A task is an item in one order,
as LLMBar scores; a failed verdict counts as wrong. Per judge: Dawid-Skene's accuracy estimated without the
labels (crowd-kit, bootstrap interval over tasks; on the tasks three or more judges saw) beside the measured
one (on all its tasks), and Kendall's tau between the two
rankings. Then juries made by judgebench's own aggregators (juries/deliberate.py) against the best single judge:
majority of all, Dawid-Skene of all, the leave-one-out weighted vote of all, and the majority of the three best
(by measured accuracy) with early stopping, with its member calls per verdict.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from scipy.stats import kendalltau

from judgebench.judges.spec import JudgeSpec
from judgebench.juries.deliberate import Voter, deliberate, tasks_of
from judgebench.juries.spec import JurySpec
from judgebench.score.sources import read_run
from judgebench.trust.unsupervised import dawid_skene

# Each board is groups of runs; the runs of one group judge the same items (their ids meet).
BOARDS = {
    "LLMBar (Natural + 4 Adversarial)": [["llmbar_natural"], ["llmbar_neighbor"], ["llmbar_gptinst"],
                                         ["llmbar_gptout"], ["llmbar_manual"]],
    "JudgeBench, GPT-4o pairs": [["judgebench_gpt4o_arena_hard", "judgebench_gpt4o_reward_models"]],
}
ORDERS = ("AB", "BA")


def load_board(results: Path, groups: list[list[str]]):
    """Every judgment of the board's runs, with item ids made unique per group, and the humans' labels."""
    known, truth, kind = {}, {}, None
    for n, group in enumerate(groups):
        for name in group:
            run = read_run(results / name)
            kind = run.kind
            for item in run.items:
                truth[f"{n}:{item.item_id}"] = kind.consensus(item.human)
            for j in run.judgments:
                if j.sample == 0:
                    known[(j.judge_id, f"{n}:{j.item_id}", j.order or "AB")] = j
    return kind, known, truth


def accuracy(values: dict, truth: dict) -> float:
    return float(np.mean([values.get(t) is not None and values.get(t) == truth[t[0]] for t in values]))


def jury_accuracy(spec: JurySpec, kind, known: dict, truth: dict) -> tuple[float, float, float, float]:
    """Accuracy over the tasks every member could have judged, its first (best) member's accuracy on the same
    tasks, member calls per verdict, and the share of verdicts that needed more than two members."""
    items = sorted({item for (_, item, _) in known})
    callable_voters: dict[str, set] = {}
    for judge, item, order in known:
        callable_voters.setdefault(item, set()).add(Voter(judge, order))
    tasks = [t for t in tasks_of(spec, items, ORDERS)
             if all(Voter(m, t.order) in callable_voters.get(t.item_id, ()) for m in spec.member_names)]
    result = deliberate(spec, kind, tasks, known, callable_voters, {}, truth)
    right = [v.decision.value is not None and v.decision.value == truth[v.task.item_id] for v in result.verdicts]
    calls = [len(v.judgments) for v in result.verdicts]
    first = spec.member_names[0]
    alone = [known[(first, t.item_id, t.order)].value == truth[t.item_id] for t in tasks]
    return float(np.mean(right)), float(np.mean(alone)), float(np.mean(calls)), float(np.mean([c > 2 for c in calls]))


def board(title: str, results: Path, runs: list[str], resamples: int) -> None:
    kind, known, truth = load_board(results, runs)
    judges = sorted({j for (j, _, _) in known})
    said = {j: {(item, order): known[(j, item, order)].value for (jj, item, order) in known if jj == j}
            for j in judges}
    measured = {j: accuracy(said[j], truth) for j in judges}
    tasks = {t: truth[t[0]] for v in said.values() for t in v}
    # Dawid-Skene learns from agreement: tasks seen by fewer than three judges (JudgeBench's BA order, which
    # only o1-mini judged) would teach it that a lone judge is always right
    voters = {t: sum(t in said[j] for j in judges) for t in tasks}
    assessment = dawid_skene({j: {f"{i}|{o}": v for (i, o), v in said[j].items() if voters[(i, o)] >= 3}
                              for j in judges}, resamples=resamples, seed=0)
    estimated = {e.judge: e for e in assessment.judges}
    print(f"\n## {title}: {len(truth)} items, {len(tasks)} tasks, {len(judges)} judges\n")
    print("| judge | estimated without labels [95%] | measured | error |\n|---|---|---|---|")
    for j in sorted(judges, key=lambda j: -measured[j]):
        e = estimated[j]
        print(f"| {j} | {e.accuracy:.3f} [{e.low:.3f}, {e.high:.3f}] | {measured[j]:.3f} | "
              f"{e.accuracy - measured[j]:+.3f} |")
    tau = kendalltau([estimated[j].accuracy for j in judges], [measured[j] for j in judges])
    print(f"\nKendall's tau between the label-free and the measured ranking: {tau.statistic:.3f} "
          f"(p {tau.pvalue:.3f})\n")
    best = max(judges, key=measured.get)
    members = tuple(JudgeSpec(j, f"recorded/{j}") for j in sorted(judges, key=lambda j: -measured[j]))
    print(f"best single judge: {best}, {measured[best]:.3f} on all its tasks\n")
    print("| jury | its accuracy on the tasks all its members judged | its best member's there | member calls "
          "per verdict |\n|---|---|---|---|")
    for label, spec in (("majority of all", JurySpec("all", members)),
                        ("Dawid-Skene jury of all (no labels)", JurySpec("all", members, aggregator="dawid_skene")),
                        ("weighted jury of all (leave-one-out labels)", JurySpec("all", members, aggregator="weighted")),
                        ("majority of the best three", JurySpec("three", members[:3])),
                        ("majority of the best three, early stopping", JurySpec("three", members[:3],
                                                                                early_stop=True))):
        value, alone, calls, third = jury_accuracy(spec, kind, known, truth)
        extra = f" (third asked on {third:.1%})" if spec.early_stop else ""
        print(f"| {label} | {value:.3f} | {alone:.3f} | {calls:.2f}{extra} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", type=Path, help="where `judgebench import --catalog` wrote the run folders")
    parser.add_argument("--resamples", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    for title, runs in BOARDS.items():
        if all((args.results / r).is_dir() for group in runs for r in group):
            board(title, args.results, runs, args.resamples)
        else:
            print(f"skipped {title}: import the recorded verdicts first")
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
