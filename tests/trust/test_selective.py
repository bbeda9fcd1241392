"""Selective judging: the exact binomial test, fixed-sequence calibration, and its guarantee by simulation."""

import numpy as np
import pytest
from scipy.stats import binom, binomtest

from judgebench.trust.selective import (
    CascadeOutcome, calibrate, calibrate_cascade, risk_p_value, run_cascade, start_size,
)


def draw(rng, n):
    """A calibrated judge: confidence c uniform on [0.5, 1], right with probability c. Keeping c >= t, the
    population risk is (1 - t) / 2."""
    c = rng.uniform(0.5, 1, n)
    return c, rng.random(n) < c


def test_the_p_value_is_the_exact_binomial_one():
    assert risk_p_value(50, 2, 0.1) == pytest.approx(binom.cdf(2, 50, 0.1))
    assert risk_p_value(50, 2, 0.1) == pytest.approx(binomtest(2, 50, 0.1, alternative="less").pvalue)
    assert risk_p_value(0, 0, 0.1) == 1.0


def test_fixed_sequence_stops_at_the_first_threshold_it_cannot_certify():
    # the sequence starts where 38 items are kept (alpha = delta = 0.1): 0.9 keeps 40 with 1 error
    # (p = P(Bin(40, 0.1) <= 1) = 0.080), 0.8 adds 20 wrong ones: stop there
    confidence = [0.9] * 40 + [0.8] * 20 + [0.7] * 300
    correct = [True] * 39 + [False] * 21 + [True] * 300
    chosen = calibrate(confidence, correct, alpha=0.1, delta=0.1)
    assert (start_size(0.1, 0.1), chosen.threshold, chosen.kept, chosen.wrong) == (38, 0.9, 40, 1)
    assert chosen.p_value == pytest.approx(binom.cdf(1, 40, 0.1))
    # at delta 0.05 the sequence starts at 76 kept items: 0.7 (all 360, 21 wrong) is the first test, and passes
    strict = calibrate(confidence, correct, alpha=0.1, delta=0.05)
    assert (start_size(0.1, 0.05), strict.threshold, strict.kept, strict.wrong) == (76, 0.7, 360, 21)
    nothing = calibrate([0.9] * 100, [True] * 80 + [False] * 20, alpha=0.1, delta=0.1)
    assert nothing.threshold is None and not nothing.keeps([0.95]).any()          # no threshold achieves alpha


def test_the_guarantee_holds_over_calibration_draws():
    alpha, delta, draws = 0.1, 0.1, 200
    rng = np.random.default_rng(0)
    safe, coverage = 0, []
    for _ in range(draws):
        threshold = calibrate(*draw(rng, 500), alpha=alpha, delta=delta).threshold
        risk = 0.0 if threshold is None else (1 - threshold) / 2
        safe += risk <= alpha
        coverage.append(0.0 if threshold is None else (1 - threshold) / 0.5)
    assert safe / draws >= 1 - delta
    assert 0.12 < np.mean(coverage) < 0.4         # the best threshold, 0.8, keeps 40% of the items


def test_a_cascade_sends_only_the_abstentions_on_and_keeps_the_guarantee():
    rng = np.random.default_rng(1)
    n = 4000
    hard = rng.random(n) < 0.5              # the weak judge is sure and right on easy items only
    weak_c = np.where(hard, rng.uniform(0.5, 0.7, n), rng.uniform(0.9, 1.0, n))
    weak_right = np.where(hard, rng.random(n) < 0.55, rng.random(n) < 0.98)
    strong_c = rng.uniform(0.6, 1.0, n)
    strong_right = rng.random(n) < strong_c
    half = n // 2
    stages = calibrate_cascade([weak_c[:half], strong_c[:half]], [weak_right[:half], strong_right[:half]],
                               alpha=0.1, delta=0.1)
    assert stages[0].threshold is not None and stages[0].delta == pytest.approx(0.05)
    outcome = run_cascade(stages, [weak_c[half:], strong_c[half:]], [weak_right[half:], strong_right[half:]])
    alone = calibrate(strong_c[:half], strong_right[:half], alpha=0.1, delta=0.1)
    strong_only = run_cascade([alone], [strong_c[half:]], [strong_right[half:]])
    assert outcome.coverage > strong_only.coverage and outcome.agreement >= 0.9
    assert sum(outcome.decided_by) + outcome.escalated == half


def test_clopper_pearson_interval():
    from statsmodels.stats.proportion import proportion_confint

    outcome = CascadeOutcome((40,), 10, 36, 40)
    assert outcome.agreement_interval() == pytest.approx(proportion_confint(36, 40, method="beta"))
    assert CascadeOutcome((5,), 0, 5, 5).agreement_interval()[1] == 1.0
