import numpy as np
import pytest

from judgebench.estimate.prevalence import PrevalenceError, rogan_gladen

judgy = pytest.importorskip("judgy")


@pytest.mark.parametrize("seed", range(5))
def test_rogan_gladen_equals_judgy(seed):
    rng = np.random.default_rng(seed)
    truth = (rng.random(80 + 20 * seed) < 0.6).astype(int)
    judged = np.where(rng.random(len(truth)) < 0.85, truth, 1 - truth)
    unlabeled = (rng.random(2000) < 0.55).astype(int)
    np.random.seed(100 + seed)
    reference = judgy.estimate_success_rate(truth, judged, unlabeled, bootstrap_iterations=2000)
    ours = rogan_gladen(truth, judged, unlabeled, resamples=2000, rng=np.random.RandomState(100 + seed))
    assert (ours.estimate, ours.low, ours.high) == tuple(pytest.approx(v, abs=1e-6) for v in reference)


def test_what_cannot_be_corrected_says_why():
    with pytest.raises(PrevalenceError, match="both classes"):
        rogan_gladen([1, 1, 1], [1, 0, 1], [1, 0])
    with pytest.raises(PrevalenceError, match="no better than chance"):
        rogan_gladen([1, 0, 1, 0], [0, 1, 0, 1], [1, 0])


def test_a_perfect_judge_needs_no_correction():
    estimate = rogan_gladen([1, 0, 1, 0, 1], [1, 0, 1, 0, 1], [1, 1, 0, 1])
    assert estimate.estimate == pytest.approx(0.75) and estimate.low == estimate.high == pytest.approx(0.75)
