"""The alternative-annotator test against a planted truth, and its statistics against scipy."""

import numpy as np
import pytest
from scipy.stats import false_discovery_control, ttest_rel

from judgebench.trust.alt_test import AltTestError, alt_test, one_sided_p

CLASSES = 4


def annotate(truth, accuracy, rng):
    """Each label copies the truth with probability `accuracy`, else another class at random."""
    wrong = (truth + rng.integers(1, CLASSES, len(truth))) % CLASSES
    return np.where(rng.random(len(truth)) < accuracy, truth, wrong)


def panel(seed, items=150, annotators=5, accuracy=0.8):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, CLASSES, items)
    humans = {f"h{k}": dict(enumerate(annotate(truth, accuracy, rng).tolist())) for k in range(annotators)}
    return truth, humans, rng


def judge_of(truth, accuracy, rng):
    return dict(enumerate(annotate(truth, accuracy, rng).tolist()))


def test_a_better_judge_passes_a_worse_one_fails_and_a_copy_of_one_annotator_passes_against_the_others():
    truth, humans, rng = panel(0)
    strong = alt_test(judge_of(truth, 0.9, rng), humans, epsilon=0.1)
    weak = alt_test(judge_of(truth, 0.6, rng), humans, epsilon=0.1)
    assert strong.passed and strong.winning_rate >= 0.8 and strong.advantage_probability > 0.8
    assert not weak.passed and weak.winning_rate <= 0.2 and weak.advantage_probability < strong.advantage_probability
    copy = alt_test(dict(humans["h0"]), humans, epsilon=0.1)
    assert copy.passed and {a.annotator for a in copy.annotators if a.judge_wins} >= {"h0"}
    assert len(copy.annotators) == 5 and copy.skipped == ()


def test_p_values_are_a_paired_t_test_and_the_adjustment_is_benjamini_yekutieli():
    truth, humans, rng = panel(3, items=60)
    judge = judge_of(truth, 0.75, rng)
    result = alt_test(judge, humans, epsilon=0.15)
    for test in result.annotators:
        name = test.annotator
        wins_judge, wins_human = [], []
        for item, label in humans[name].items():
            others = [humans[h][item] for h in humans if h != name]
            s_judge = np.mean([judge[item] == o for o in others])
            s_human = np.mean([label == o for o in others])
            wins_judge.append(float(s_judge >= s_human))
            wins_human.append(float(s_human >= s_judge))
        direct = ttest_rel(wins_human, np.add(wins_judge, 0.15), alternative="less").pvalue
        assert test.p_value == pytest.approx(direct, abs=1e-12) and test.judge_advantage == np.mean(wins_judge)
    p = [t.p_value for t in result.annotators]
    np.testing.assert_allclose([t.p_adjusted for t in result.annotators], false_discovery_control(p, method="by"))
    # the adjusted p-values reject exactly what the step-up procedure of the paper's code rejects
    order, m = np.argsort(p), len(p)
    thresholds = np.arange(1, m + 1) / m * 0.05 / np.sum(1 / np.arange(1, m + 1))
    passing = [i for i in range(m) if np.asarray(p)[order][i] <= thresholds[i]]
    step_up = set(order[: max(passing) + 1]) if passing else set()
    assert {i for i, t in enumerate(result.annotators) if t.judge_wins} == step_up


def test_ratings_use_negative_rmse():
    rng = np.random.default_rng(5)
    truth = rng.integers(1, 6, 80).astype(float)
    humans = {f"h{k}": dict(enumerate(np.clip(truth + rng.normal(0, 1, 80), 1, 5).tolist())) for k in range(4)}
    close = alt_test(dict(enumerate(truth.tolist())), humans, scoring="neg_rmse")
    far = alt_test(dict(enumerate(np.clip(truth + rng.normal(0, 2.5, 80), 1, 5).tolist())), humans,
                   scoring="neg_rmse")
    assert close.passed and not far.passed


def test_no_spread_gives_a_certain_answer():
    assert one_sided_p([0, 0, 0], 0.1) == 0.0 and one_sided_p([1, 1], 0.1) == 1.0


def test_fewer_than_three_annotators_or_too_few_items_is_refused_with_the_reason():
    truth, humans, rng = panel(1, items=40, annotators=2)
    with pytest.raises(AltTestError, match="at least 3 named annotators; these items have 2"):
        alt_test(judge_of(truth, 0.9, rng), humans)
    truth, humans, rng = panel(2, items=20, annotators=3)
    with pytest.raises(AltTestError, match="at least 30 items .* h0 \\(20\\)"):
        alt_test(judge_of(truth, 0.9, rng), humans)
