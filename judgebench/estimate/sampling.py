"""Drawing exactly n items with given inclusion probabilities (pure).

Systematic sampling with probabilities proportional to size (Madow 1949): the items in a random order,
their probabilities laid end to end on [0, n), and the items under the points u, u + 1, ..., u + n − 1 for
one uniform u in [0, 1). Item i is drawn with probability exactly π_i (each π_i <= 1, Σ π_i = n), and
exactly n items are drawn: a review batch of 16 whose every item's chance is known.
"""

from __future__ import annotations

import math
import random
from typing import Sequence


def systematic_sample(probabilities: Sequence[float], rng: random.Random) -> list[int]:
    total = float(sum(probabilities))
    size = round(total)
    if abs(total - size) > 1e-6 or any(p < 0 or p > 1 + 1e-9 for p in probabilities):
        raise ValueError("inclusion probabilities must each be in [0, 1] and sum to a whole number")
    order = list(range(len(probabilities)))
    rng.shuffle(order)
    start = rng.random()
    chosen, cumulative, point = [], 0.0, start
    for index in order:
        cumulative += probabilities[index]
        # Floating sums can fall a hair short of the last point; the tolerance keeps the count exact.
        while point < cumulative - 1e-12 or (math.isclose(point, cumulative) and len(chosen) < size and
                                              index == order[-1]):
            chosen.append(index)
            point += 1.0
    return sorted(chosen[:size])
