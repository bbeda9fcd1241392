"""Coverage of the agreement interval LLM Judge++ shows after a review round (run by hand).

    python benchmarks/review_agreement_coverage.py [--trials 20000]

A planted agreement rate p; a round reviews n items, the judge agreeing on each with probability p;
the 95% Wilson interval from `label.agreement` should hold p in about 95% of the rounds.
"""

from __future__ import annotations

import argparse

import numpy as np

from judgebench.label.agreement import agreement_by_version
from judgebench.label.records import Review


def coverage(p: float, n: int, trials: int, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    hits = 0
    for agreed in rng.binomial(n, p, size=trials):
        reviews = [Review(str(i), 1, 1 if i < agreed else 0, 1, 1, 0.0) for i in range(n)]
        [version] = agreement_by_version(reviews)
        hits += version.low <= p <= version.high
    return hits / trials


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=20000)
    args = parser.parse_args()
    print(f"{'n':>4} " + " ".join(f"p={p:<5}" for p in (0.5, 0.7, 0.8, 0.9, 0.95)))
    for n in (16, 32, 64, 128):
        print(f"{n:>4} " + " ".join(f"{coverage(p, n, args.trials, seed=n):<7.3f}" for p in (0.5, 0.7, 0.8, 0.9, 0.95)))


if __name__ == "__main__":
    main()
