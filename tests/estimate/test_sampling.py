import random

import numpy as np
import pytest

from judgebench.estimate.means import inclusion_probabilities
from judgebench.estimate.sampling import systematic_sample


def test_exactly_n_items_each_with_its_chance():
    pi = inclusion_probabilities(np.random.default_rng(0).random(40), 16)
    rng = random.Random(2)
    counts = np.zeros(40)
    for _ in range(20000):
        drawn = systematic_sample(list(pi), rng)
        assert len(drawn) == 16 and len(set(drawn)) == 16
        counts[drawn] += 1
    # 20,000 draws: each frequency within 5 standard errors of its chance
    assert np.all(np.abs(counts / 20000 - pi) <= 5 * np.sqrt(pi * (1 - pi) / 20000) + 1e-9)


def test_certain_items_are_always_drawn_and_bad_probabilities_are_refused():
    assert systematic_sample([1.0, 1.0, 0.5, 0.5], random.Random(0)) in ([0, 1, 2], [0, 1, 3])
    with pytest.raises(ValueError, match="whole number"):
        systematic_sample([0.5, 0.7], random.Random(0))
    with pytest.raises(ValueError):
        systematic_sample([1.5, 0.5], random.Random(0))
