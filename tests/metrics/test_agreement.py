"""Every metric against scikit-learn / scipy / krippendorff, plus the undefined cases."""

import warnings

import krippendorff
import numpy as np
import pytest
from scipy import stats
from sklearn import metrics as sk

from judgebench.metrics.agreement import (
    UndefinedMetricWarning, accuracy_score, balanced_accuracy_score, cohen_kappa_score, confusion_matrix,
    grouped_correlation, kendall_tau_b_score, matthews_corrcoef, mean_absolute_error, pearson_score,
    precision_recall_f1, rounded_qwk_score, spearman_score,
)
from judgebench.metrics.krippendorff import krippendorff_alpha

SEEDS = range(25)


def random_labels(seed, n=None, classes=(0, 1)):
    rng = np.random.default_rng(seed)
    n = n or int(rng.integers(5, 300))
    truth = rng.choice(classes, n)
    noise = rng.random(n) < rng.uniform(0.1, 0.6)
    return truth, np.where(noise, rng.choice(classes, n), truth)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("classes", [(0, 1), ("A", "B", "tie"), (1, 2, 3, 4, 5)])
def test_classification_metrics_match_sklearn(seed, classes):
    y, p = random_labels(seed, classes=classes)
    if len(set(y)) < 2 or len(set(p)) < 2:
        pytest.skip("degenerate draw")
    labels = sorted(set(y) | set(p))
    assert accuracy_score(y, p) == pytest.approx(sk.accuracy_score(y, p))
    assert balanced_accuracy_score(y, p) == pytest.approx(sk.balanced_accuracy_score(y, p))
    assert matthews_corrcoef(y, p) == pytest.approx(sk.matthews_corrcoef(y, p))
    assert (confusion_matrix(y, p) == sk.confusion_matrix(y, p, labels=labels)).all()
    assert cohen_kappa_score(y, p) == pytest.approx(sk.cohen_kappa_score(y, p))
    if classes[0] == 1:
        for weights in ("linear", "quadratic"):
            assert cohen_kappa_score(y, p, weights=weights) == pytest.approx(
                sk.cohen_kappa_score(y, p, weights=weights))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = precision_recall_f1(y, p)
        theirs = sk.precision_recall_fscore_support(y, p, labels=labels, zero_division=np.nan)
    for index, label in enumerate(labels):
        for name, column in (("precision", 0), ("recall", 1), ("f1", 2)):
            expected = theirs[column][index]
            got = ours["per_class"][label][name]
            assert (np.isnan(expected) and np.isnan(got)) or got == pytest.approx(expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_correlations_and_errors_match_scipy(seed):
    rng = np.random.default_rng(seed)
    human = rng.integers(1, 6, 60).astype(float) + rng.choice([0, 1 / 3, 2 / 3], 60)
    judge = np.clip(human + rng.normal(0, 1.2, 60), 1, 5).round()          # many ties on the judge side
    assert pearson_score(human, judge) == pytest.approx(stats.pearsonr(human, judge)[0])
    assert spearman_score(human, judge) == pytest.approx(stats.spearmanr(human, judge)[0])
    assert kendall_tau_b_score(human, judge) == pytest.approx(stats.kendalltau(human, judge, variant="b")[0])
    assert mean_absolute_error(human, judge) == pytest.approx(sk.mean_absolute_error(human, judge))
    rounded = np.clip(np.floor(human + 0.5), 1, 5).astype(int)
    assert rounded_qwk_score(human, judge) == pytest.approx(
        sk.cohen_kappa_score(rounded, judge.astype(int), weights="quadratic", labels=[1, 2, 3, 4, 5]))


def test_unieval_topical_chat_correlations_reproduce(shared_data):
    """UniEval's published turn-level correlations, recomputed to 6 decimals (SOURCE.md)."""
    import json
    rows = json.loads((shared_data / "topical_chat_usr" / "unieval_predictions_topical_chat.json").read_text())
    human = [r["scores"]["overall"] for r in rows]
    judge = [r["predict_scores"]["overall"] for r in rows]
    assert round(pearson_score(human, judge), 6) == 0.632796
    assert round(spearman_score(human, judge), 6) == 0.662583
    assert round(kendall_tau_b_score(human, judge), 6) == 0.487272


def test_system_and_within_group_correlation():
    groups = ["s1"] * 3 + ["s2"] * 3 + ["s3"] * 3
    human = [1, 2, 3, 2, 3, 4, 4, 5, 5]
    judge = [2, 2, 3, 3, 3, 4, 5, 4, 5]
    means_h, means_j = [2, 3, 14 / 3], [7 / 3, 10 / 3, 14 / 3]
    assert grouped_correlation(judge, human, groups, method="pearson") == pytest.approx(
        stats.pearsonr(means_j, means_h)[0])
    within = np.mean([stats.spearmanr(judge[i:i + 3], human[i:i + 3])[0] for i in (0, 3, 6)])
    assert grouped_correlation(judge, human, groups, level="within") == pytest.approx(within)


# --- undefined cases: NaN with a warning, never a crash or a fake value -----------------------

@pytest.mark.parametrize("metric", [
    lambda: cohen_kappa_score([1, 1, 1], [1, 1, 1]),
    lambda: matthews_corrcoef([0, 1, 0], [1, 1, 1]),
    lambda: pearson_score([3, 3, 3], [1, 2, 3]),
    lambda: spearman_score([1, 2, 3], [4, 4, 4]),
    lambda: kendall_tau_b_score([1], [2]),
    lambda: accuracy_score([], []),
    lambda: krippendorff_alpha(np.array([[1, 1, 1], [1, 1, np.nan]])),
    lambda: krippendorff_alpha(np.array([[1, np.nan], [np.nan, 2]])),
])
def test_undefined_is_nan_with_a_warning(metric):
    with pytest.warns(UndefinedMetricWarning):
        assert np.isnan(metric())


def test_single_item_and_unknown_labels():
    assert accuracy_score(["A"], ["A"]) == 1.0
    assert confusion_matrix(["A"], ["weird"]).tolist() == [[0, 1], [0, 0]]
    with pytest.warns(UndefinedMetricWarning):
        result = precision_recall_f1([0, 0, 1], [0, 0, 0])
    assert np.isnan(result["per_class"][1]["precision"]) and result["per_class"][1]["recall"] == 0.0


# --- Krippendorff's alpha against the krippendorff package -------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_krippendorff_matches_the_reference_package(seed, level):
    rng = np.random.default_rng(seed)
    raters, units = int(rng.integers(2, 6)), int(rng.integers(3, 80))
    truth = rng.integers(1, 6, units)
    data = np.where(rng.random((raters, units)) < 0.7, truth, rng.integers(1, 6, (raters, units))).astype(float)
    data[rng.random((raters, units)) < 0.25] = np.nan                      # missing ratings
    if len(np.unique(data[~np.isnan(data)])) < 2 or ((~np.isnan(data)).sum(0) >= 2).sum() == 0:
        pytest.skip("degenerate draw")
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level=level) == pytest.approx(expected, abs=1e-9)


def test_krippendorff_published_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4 observers x 12 units
    # example: nominal alpha = 0.743, interval 0.849, ordinal 0.815.
    nan = np.nan
    data = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]])
    assert round(krippendorff_alpha(data, level="nominal"), 3) == 0.743
    assert round(krippendorff_alpha(data, level="interval"), 3) == 0.849
    assert round(krippendorff_alpha(data, level="ordinal"), 3) == 0.815
