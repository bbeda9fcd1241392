"""LLM Judge++'s review design simulated on a planted truth (for the estimate's tests and benchmark).

Each round: a uniform pool of the items not yet reviewed, 16 drawn from it by systematic sampling with
chances ∝ the judge's uncertainty sqrt(p(1-p)), as label/workflow.py draws them."""

from __future__ import annotations

import random

import numpy as np

from judgebench.estimate.means import MeanEstimate, RoundDraw, inclusion_probabilities, rounds_mean
from judgebench.estimate.sampling import systematic_sample


def simulate_rounds(truth: np.ndarray, p: np.ndarray, rounds: int, seed: int, pool_size: int = 128,
                    batch: int = 16) -> MeanEstimate:
    pick = random.Random(seed)
    open_items, known, draws = list(range(len(truth))), 0.0, []
    for _ in range(rounds):
        pool = pick.sample(open_items, pool_size)
        pi = inclusion_probabilities(np.sqrt(p[pool] * (1 - p[pool])), batch)
        chosen = {pool[i] for i in systematic_sample(list(pi), pick)}
        draws.append(RoundDraw(len(open_items), list(p[pool]), list(pi),
                               [truth[i] if i in chosen else None for i in pool], known))
        known += sum(truth[i] for i in chosen)
        open_items = [i for i in open_items if i not in chosen]
    return rounds_mean(draws, len(truth))
