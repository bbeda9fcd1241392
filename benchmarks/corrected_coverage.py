"""Do the corrected intervals cover the truth? Seeded simulation with a planted truth (run by hand).

    python benchmarks/corrected_coverage.py [--draws 1000] [--items 5000] [--labels 100]

A binary pass rate over N items; a judge whose errors differ by class (it passes 30% of the failures and
fails 5% of the passes) and whose probability p says how sure it is. Each draw asks people about n items:
  uniform: n items at random; PPI++ on them, Rogan-Gladen, the human-only mean, the judge-only mean;
  active:  each item with probability ∝ the judge's uncertainty sqrt(p(1-p)) (floor 0.1 of the mean),
           n on average; the active-inference estimate (Zrnic and Candès 2024), beside the same estimator
           with every item asked with probability n/N.
  LLM Judge++ rounds: n/16 rounds, each a uniform pool of 128 of the items not yet reviewed and 16 drawn
           from it ∝ uncertainty by systematic sampling; the rounds' estimates averaged (label/estimate.py).
Reported: coverage of the 95% intervals (target 93-97%) and their mean half-width.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from judgebench.estimate.means import active_mean, human_mean, inclusion_probabilities, judge_mean, ppi_mean
from judgebench.estimate.prevalence import rogan_gladen
from judgebench.testing.review_rounds import simulate_rounds


def population(rng: np.random.Generator, size: int):
    truth = (rng.random(size) < 0.55).astype(float)
    # The judge's probability of "pass": high for most passes, spread out for failures.
    p = np.where(truth == 1, rng.beta(8, 1.2, size), rng.beta(1.6, 3.0, size))
    judge = (rng.random(size) < p).astype(float)
    return truth, judge, p


def llm_judge_rounds(truth, p, rounds: int, seed: int) -> tuple[bool, float]:
    estimate = simulate_rounds(truth, p, rounds, seed)
    return estimate.low <= truth.mean() <= estimate.high, estimate.half_width


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--labels", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    truth, judge, p = population(rng, args.items)
    target = truth.mean()
    pi = inclusion_probabilities(np.sqrt(p * (1 - p)), args.labels)
    uniform = np.full(args.items, args.labels / args.items)
    rows: dict[str, list[tuple[bool, float]]] = {k: [] for k in
                                                  ("judge-only", "human-only", "PPI++", "Rogan-Gladen",
                                                   "PPI++ on p", "uniform, p (AI estimator)",
                                                   "active, p (AI estimator)")}
    started = time.perf_counter()
    naive = judge_mean(judge)
    for _ in range(args.draws):
        labeled = rng.choice(args.items, args.labels, replace=False)
        rest = np.setdiff1d(np.arange(args.items), labeled)
        for name, estimate in (("judge-only", naive), ("human-only", human_mean(truth[labeled])),
                               ("PPI++", ppi_mean(truth[labeled], judge[labeled], judge[rest])),
                               ("PPI++ on p", ppi_mean(truth[labeled], p[labeled], p[rest]))):
            rows[name].append((estimate.low <= target <= estimate.high, estimate.half_width))
        rg = rogan_gladen(truth[labeled].astype(int), judge[labeled].astype(int), judge[rest].astype(int),
                          resamples=2000, rng=np.random.RandomState(int(rng.integers(2 ** 31))))
        rows["Rogan-Gladen"].append((rg.low <= target <= rg.high, (rg.high - rg.low) / 2))
        for name, chances in (("uniform, p (AI estimator)", uniform), ("active, p (AI estimator)", pi)):
            asked = rng.random(args.items) < chances
            estimate = active_mean(truth[asked], asked, p, chances)
            rows[name].append((estimate.low <= target <= estimate.high, estimate.half_width))
    rows["LLM Judge++ rounds"] = [llm_judge_rounds(truth, p, args.labels // 16, seed) for seed in range(args.draws)]
    print(f"N={args.items} items, n={args.labels} human labels, {args.draws} draws, true pass rate {target:.4f}, "
          f"judge says pass on {judge.mean():.4f} ({time.perf_counter() - started:.0f} s)")
    print(f"{'estimate':<26} {'coverage':>9} {'mean half-width':>16}")
    for name, results in rows.items():
        covered = np.mean([c for c, _ in results])
        width = np.mean([w for _, w in results])
        print(f"{name:<26} {covered:>9.3f} {width:>16.4f}")
    uniform_width = np.mean([w for _, w in rows["uniform, p (AI estimator)"]])
    active_width = np.mean([w for _, w in rows["active, p (AI estimator)"]])
    print(f"active sampling: intervals {100 * (1 - active_width / uniform_width):.1f}% narrower than uniform "
          f"sampling at the same expected number of labels")


if __name__ == "__main__":
    main()
