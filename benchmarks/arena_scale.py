"""Bradley-Terry with bootstrap at scale (run by hand).

    python benchmarks/arena_scale.py [--battles 1000000] [--judges 50] [--rounds 100]

Target on a 2-core machine: the fit plus 100 bootstrap rounds on 1,000,000 battles among
50 judges in < 5 s.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from judgebench.ratings.bradley_terry import BASE, SCALE, Battles, arena_ratings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--battles", type=int, default=1_000_000)
    parser.add_argument("--judges", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    strengths = np.linspace(0, 600, args.judges)
    first = rng.integers(0, args.judges, args.battles)
    second = (first + rng.integers(1, args.judges, args.battles)) % args.judges
    p_first = 1 / (1 + BASE ** ((strengths[second] - strengths[first]) / SCALE))
    # No ties in the simulation: ties that ignore strength would pull every rating towards the
    # mean (BT counts a tie as half a win) and hide whether the fit recovers the strengths.
    outcome = np.where(rng.random(args.battles) < p_first, 0, 1)
    judges = [f"judge{i:02d}" for i in range(args.judges)]
    started = time.perf_counter()
    battles = Battles.from_arrays(judges, first, second, outcome)
    aggregated = time.perf_counter() - started
    ratings = arena_ratings(battles, rounds=args.rounds, seed=0)
    total = time.perf_counter() - started
    by_name = {r.judge: r for r in ratings}
    recovered = np.array([by_name[j].rating for j in judges])
    error = np.abs((recovered - recovered.mean()) - (strengths - strengths.mean())).max()
    print(f"{args.battles} battles, {args.judges} judges, {args.rounds} bootstrap rounds: {total:.2f} s "
          f"(aggregating {aggregated:.2f} s); largest rating error vs the simulated strengths {error:.1f} Elo; "
          f"mean 95% interval width {np.mean([r.high - r.low for r in ratings]):.1f} Elo")


if __name__ == "__main__":
    main()
