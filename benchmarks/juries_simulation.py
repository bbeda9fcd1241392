"""Judging the judges without labels, and juries: seeded simulation with a planted truth (run by hand).

    python benchmarks/juries_simulation.py [--seeds 20] [--items 2000]

Five judges with accuracies 0.9, 0.8, 0.7, 0.65, 0.6 and independent errors label binary items. Per seed:
Dawid-Skene (crowd-kit) estimates each judge's accuracy from their verdicts alone; reported: the largest
error of those estimates, whether they rank the judges right, and, against the planted truth, the accuracy
of the majority vote of the five, of the best single judge and of the Dawid-Skene-weighted jury; and, made by
judgebench's own jury code (juries/deliberate.py), the leave-one-out weighted jury of the five and the
majority of the three best with early stopping (the third asked only where the first two disagree), with its
member calls per verdict.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from judgebench.judges.spec import JudgeSpec
from judgebench.juries.deliberate import Voter, deliberate, tasks_of
from judgebench.juries.spec import JurySpec
from judgebench.kinds import kind_from
from judgebench.run.records import Judgment
from judgebench.trust.unsupervised import dawid_skene

PLANTED = {"j90": 0.9, "j80": 0.8, "j70": 0.7, "j65": 0.65, "j60": 0.6}
BINARY = kind_from("binary")


def jury_run(spec: JurySpec, said: dict, truth: np.ndarray) -> tuple[float, float]:
    """The jury's accuracy against the truth and its member calls per verdict."""
    known = {(n, str(i), None): Judgment("sim", f"{n}-{i}", str(i), n, "p", "h", None, 0, int(v), None, None, None,
                                         None, None, None, None, None, False, None)
             for n, values in said.items() for i, v in enumerate(values)}
    items = [str(i) for i in range(len(truth))]
    everyone = {Voter(n, None) for n in said}
    result = deliberate(spec, BINARY, tasks_of(spec, items, [None]), known, dict.fromkeys(items, everyone), {},
                        {str(i): int(t) for i, t in enumerate(truth)})
    right = [v.decision.value == truth[int(v.task.item_id)] for v in result.verdicts]
    return float(np.mean(right)), float(np.mean([len(v.judgments) for v in result.verdicts]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=2000)
    args = parser.parse_args()
    start = time.perf_counter()
    worst, ranked, majority, best, weighted, loo, early, calls = [], [], [], [], [], [], [], []
    members = tuple(JudgeSpec(n, f"sim/{n}") for n in PLANTED)
    for seed in range(args.seeds):
        rng = np.random.default_rng(seed)
        truth = rng.integers(0, 2, args.items)
        said = {n: np.where(rng.random(args.items) < a, truth, 1 - truth) for n, a in PLANTED.items()}
        assessment = dawid_skene({n: dict(enumerate(v.tolist())) for n, v in said.items()}, resamples=0)
        estimated = {j.judge: j.accuracy for j in assessment.judges}
        worst.append(max(abs(estimated[n] - a) for n, a in PLANTED.items()))
        ranked.append(sorted(PLANTED, key=lambda n: -estimated[n]) == list(PLANTED))
        majority.append(np.mean((sum(said.values()) >= 3) == truth))
        best.append(max(np.mean(v == truth) for v in said.values()))
        weighted.append(np.mean(np.array([assessment.labels[i] for i in range(args.items)]) == truth))
        loo.append(jury_run(JurySpec("five", members, aggregator="weighted"), said, truth)[0])
        accuracy, per_verdict = jury_run(JurySpec("three", members[:3], early_stop=True), said, truth)
        early.append(accuracy)
        calls.append(per_verdict)
    print(f"{args.seeds} seeds x {args.items} items, five judges at {list(PLANTED.values())} "
          f"({time.perf_counter() - start:.0f} s)")
    print(f"Dawid-Skene accuracy estimates: largest error per seed, mean {np.mean(worst):.4f}, max {np.max(worst):.4f};"
          f" judges ranked right in {np.mean(ranked):.0%} of seeds")
    print(f"accuracy against the truth: majority of five {np.mean(majority):.4f}, best single judge "
          f"{np.mean(best):.4f}, Dawid-Skene-weighted jury {np.mean(weighted):.4f}, leave-one-out weighted jury "
          f"{np.mean(loo):.4f}")
    print(f"majority of the three best with early stopping: {np.mean(early):.4f} at {np.mean(calls):.3f} member "
          "calls per verdict (3 without early stopping)")


if __name__ == "__main__":
    main()
