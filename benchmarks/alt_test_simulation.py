"""How often does a judge pass the alternative-annotator test? Seeded simulation with a planted truth.

    python benchmarks/alt_test_simulation.py [--seeds 200] [--items 100] [--annotators 5]

Five annotators copy a hidden truth (4 classes) with accuracy 0.8, else pick another class at random; a
judge does the same with a planted accuracy, or copies one annotator. Reported per judge and ε: the share of
seeds where the judge passes (ω ≥ 0.5), the mean winning rate ω and advantage probability ρ.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from judgebench.trust.alt_test import alt_test

CLASSES = 4


def annotate(truth, accuracy, rng):
    wrong = (truth + rng.integers(1, CLASSES, len(truth))) % CLASSES
    return np.where(rng.random(len(truth)) < accuracy, truth, wrong)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--annotators", type=int, default=5)
    parser.add_argument("--human-accuracy", type=float, default=0.8)
    args = parser.parse_args()
    judges = ["0.6", "0.7", "0.8", "0.9", "copy of one annotator"]
    start = time.perf_counter()
    rows = {}
    for epsilon in (0.1, 0.2):
        for name in judges:
            passed, omega, rho = [], [], []
            for seed in range(args.seeds):
                rng = np.random.default_rng(seed)
                truth = rng.integers(0, CLASSES, args.items)
                humans = {f"h{k}": dict(enumerate(annotate(truth, args.human_accuracy, rng).tolist()))
                          for k in range(args.annotators)}
                judge = dict(humans["h0"]) if name.startswith("copy") else \
                    dict(enumerate(annotate(truth, float(name), rng).tolist()))
                result = alt_test(judge, humans, epsilon=epsilon)
                passed.append(result.passed)
                omega.append(result.winning_rate)
                rho.append(result.advantage_probability)
            rows[(epsilon, name)] = (np.mean(passed), np.mean(omega), np.mean(rho))
    print(f"{args.annotators} annotators at accuracy {args.human_accuracy}, {args.items} items, {args.seeds} seeds "
          f"({time.perf_counter() - start:.0f} s)")
    print(f"{'judge accuracy':<24}{'epsilon':>8}{'passes':>9}{'mean omega':>12}{'mean rho':>10}")
    for (epsilon, name), (passed, omega, rho) in rows.items():
        print(f"{name:<24}{epsilon:>8.2f}{passed:>9.3f}{omega:>12.3f}{rho:>10.3f}")


if __name__ == "__main__":
    main()
