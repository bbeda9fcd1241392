"""Does selective judging keep its guarantee? Seeded simulation with a planted truth (run by hand).

    python benchmarks/escalation_risk.py [--draws 200] [--test 20000]

A judge whose confidence c is uniform on [0.5, 1] is right with probability c (calibrated), or with
probability 0.5 + 0.6 (c - 0.5) (overconfident). Each draw calibrates λ̂ on n labeled items (fixed-sequence
testing, judgebench/trust/selective.py) and measures the kept verdicts' agreement on a fresh test set of
`--test` items: the share of draws where it is at least 1 - α (the guarantee asks for 1 - δ), the mean
coverage, and how often no threshold achieves α.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from judgebench.trust.selective import calibrate

JUDGES = {"calibrated": lambda c: c, "overconfident": lambda c: 0.5 + 0.6 * (c - 0.5)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--test", type=int, default=20000)
    parser.add_argument("--delta", type=float, default=0.1)
    args = parser.parse_args()
    start = time.perf_counter()
    print(f"{'judge':<15}{'alpha':>7}{'n':>6}{'P(agreement >= 1-alpha)':>25}{'coverage':>10}{'no threshold':>14}")
    for name, accuracy in JUDGES.items():
        for alpha in (0.05, 0.1, 0.2):
            for n in (200, 1000):
                rng = np.random.default_rng(0)
                safe, coverage, none = [], [], 0
                for _ in range(args.draws):
                    c = rng.uniform(0.5, 1, n)
                    chosen = calibrate(c, rng.random(n) < accuracy(c), alpha=alpha, delta=args.delta)
                    test_c = rng.uniform(0.5, 1, args.test)
                    test_right = rng.random(args.test) < accuracy(test_c)
                    kept = chosen.keeps(test_c)
                    none += chosen.threshold is None
                    coverage.append(kept.mean())
                    safe.append(not kept.any() or test_right[kept].mean() >= 1 - alpha)
                print(f"{name:<15}{alpha:>7.2f}{n:>6}{np.mean(safe):>25.3f}{np.mean(coverage):>10.3f}"
                      f"{none / args.draws:>14.3f}")
    print(f"delta {args.delta}, {args.draws} draws, {args.test} test items each ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
