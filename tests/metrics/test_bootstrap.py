import numpy as np
import pytest
from sklearn import metrics as sk

from judgebench.metrics.agreement import accuracy_score, cohen_kappa_score
from judgebench.kinds import BINARY
from judgebench.metrics.bootstrap import bootstrap_ci, resample_indices
from judgebench.metrics.catalog import confusion_intervals, metrics_for
from judgebench.metrics.paired import holm, mcnemar_exact, paired_bootstrap_difference


def noisy(seed, n=2000, flip=0.2):
    rng = np.random.default_rng(seed)
    truth = (rng.random(n) < 0.4).astype(int)
    return truth, np.where(rng.random(n) < flip, 1 - truth, truth)


def test_bootstrap_interval_is_seedable_and_covers_the_estimate():
    y, p = noisy(0)
    a = bootstrap_ci(accuracy_score, y, p, resamples=300, seed=7)
    assert a == bootstrap_ci(accuracy_score, y, p, resamples=300, seed=7)
    assert a != bootstrap_ci(accuracy_score, y, p, resamples=300, seed=8)
    assert a.low < a.estimate < a.high and a.estimate == pytest.approx(sk.accuracy_score(y, p))
    # Normal approximation of a proportion's 95% interval: half-width ~ 1.96 sqrt(p(1-p)/n).
    assert (a.high - a.low) / 2 == pytest.approx(1.96 * np.sqrt(0.8 * 0.2 / 2000), rel=0.2)


def test_cluster_bootstrap_resamples_whole_groups():
    groups = np.repeat(np.arange(50), 4)
    rng = np.random.default_rng(0)
    for idx in resample_indices(200, 20, rng, clusters=groups):
        picked = groups[idx]
        assert all(np.sum(picked == g) % 4 == 0 for g in np.unique(picked))
    # Items that share a group's fate: the clustered interval is wider than the naive one.
    truth = np.ones(200, dtype=int)
    pred = np.repeat(np.random.default_rng(1).random(50) < 0.7, 4).astype(int)
    naive = bootstrap_ci(accuracy_score, truth, pred, resamples=400)
    clustered = bootstrap_ci(accuracy_score, truth, pred, resamples=400, clusters=groups)
    assert clustered.high - clustered.low > 1.5 * (naive.high - naive.low)


def binary_metrics_from_counts(tp, fp, fn, tn):
    matrix = np.array([[tn, fp], [fn, tp]])
    return {m.name: m.function(matrix) for m in metrics_for(BINARY) if m.interval == "confusion"}


def binary_bootstrap(y_true, y_pred, **ci):
    return confusion_intervals(BINARY, y_true, y_pred, **ci)


@pytest.mark.parametrize("seed", range(10))
def test_binary_metrics_from_counts_match_sklearn(seed):
    y, p = noisy(seed, n=500, flip=0.3)
    tn, fp, fn, tp = sk.confusion_matrix(y, p, labels=[0, 1]).ravel()
    got = binary_metrics_from_counts(tp, fp, fn, tn)
    assert got["accuracy"] == pytest.approx(sk.accuracy_score(y, p))
    assert got["balanced_accuracy"] == pytest.approx(sk.balanced_accuracy_score(y, p))
    assert got["precision"] == pytest.approx(sk.precision_score(y, p))
    assert got["recall"] == pytest.approx(sk.recall_score(y, p))
    assert got["f1"] == pytest.approx(sk.f1_score(y, p))
    assert got["mcc"] == pytest.approx(sk.matthews_corrcoef(y, p))
    assert got["kappa"] == pytest.approx(sk.cohen_kappa_score(y, p))
    assert got["macro_f1"] == pytest.approx(sk.f1_score(y, p, average="macro"))
    assert got["macro_precision"] == pytest.approx(sk.precision_score(y, p, average="macro"))
    assert got["macro_recall"] == pytest.approx(sk.recall_score(y, p, average="macro"))


def test_counts_bootstrap_agrees_with_item_bootstrap():
    y, p = noisy(3)
    fast = binary_bootstrap(y, p, resamples=2000, seed=1)
    slow = bootstrap_ci(cohen_kappa_score, y, p, resamples=2000, seed=2)
    assert fast["kappa"].estimate == pytest.approx(slow.estimate)
    assert fast["kappa"].low == pytest.approx(slow.low, abs=0.01)
    assert fast["kappa"].high == pytest.approx(slow.high, abs=0.01)


def test_counts_bootstrap_with_a_constant_side_is_nan_not_a_number():
    got = binary_bootstrap([1, 1, 1, 1], [1, 1, 0, 1], resamples=50)
    assert np.isnan(got["mcc"].estimate) and got["accuracy"].estimate == 0.75
    assert got["kappa"].estimate == sk.cohen_kappa_score([1, 1, 1, 1], [1, 1, 0, 1]) == 0.0
    both_constant = binary_bootstrap([1, 1, 1], [1, 1, 1], resamples=50)
    assert np.isnan(both_constant["kappa"].estimate) and np.isnan(both_constant["kappa"].low)


def test_paired_bootstrap_difference():
    y, better = noisy(4, flip=0.1)
    _, worse = noisy(4, flip=0.3)
    diff = paired_bootstrap_difference(accuracy_score, y, better, worse, resamples=500)
    assert diff.estimate == pytest.approx(sk.accuracy_score(y, better) - sk.accuracy_score(y, worse))
    assert diff.low > 0


def test_mcnemar_exact_and_holm():
    x = [True] * 10 + [False] * 2 + [True] * 5
    y = [False] * 10 + [True] * 2 + [True] * 5
    result = mcnemar_exact(x, y)
    # b = 10, c = 2: p = 2 * (C(12,10) + C(12,11) + C(12,12)) / 2^12 = 158 / 4096
    assert (result.only_x_right, result.only_y_right) == (10, 2)
    assert result.p_value == pytest.approx(158 / 4096)
    assert mcnemar_exact([True, False], [True, False]).p_value == 1.0
    # sorted p: .005 .01 .03 .04 -> x4 x3 x2 x1 -> .02 .03 .06 .04, made monotone: .02 .03 .06 .06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
