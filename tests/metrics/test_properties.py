"""Declared properties of every metric (symmetry, bounds, invariances) on generated inputs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judgebench.metrics import agreement as ag
from judgebench.metrics.krippendorff import krippendorff_alpha

pytestmark = pytest.mark.filterwarnings("ignore::judgebench.metrics.agreement.UndefinedMetricWarning")

labels = st.integers(min_value=2, max_value=60).flatmap(
    lambda n: st.tuples(st.lists(st.sampled_from([1, 2, 3, 4, 5]), min_size=n, max_size=n),
                        st.lists(st.sampled_from([1, 2, 3, 4, 5]), min_size=n, max_size=n)))


def same(a, b):
    return (np.isnan(a) and np.isnan(b)) or abs(a - b) < 1e-9


@settings(max_examples=150, deadline=None)
@given(labels)
def test_symmetric_metrics(pair):
    x, y = pair
    for metric in (ag.accuracy_score, ag.cohen_kappa_score, ag.matthews_corrcoef, ag.pearson_score,
                   ag.spearman_score, ag.kendall_tau_b_score, ag.mean_absolute_error):
        assert same(metric(x, y), metric(y, x)), metric.__name__
    for weights in ("linear", "quadratic"):
        assert same(ag.cohen_kappa_score(x, y, weights=weights), ag.cohen_kappa_score(y, x, weights=weights))


@settings(max_examples=150, deadline=None)
@given(labels)
def test_bounds_and_identity(pair):
    x, y = pair
    for metric in (ag.accuracy_score, ag.balanced_accuracy_score):
        assert 0 <= metric(x, y) <= 1
    for metric in (ag.cohen_kappa_score, ag.matthews_corrcoef, ag.pearson_score, ag.spearman_score,
                   ag.kendall_tau_b_score):
        value = metric(x, y)
        assert np.isnan(value) or -1 - 1e-9 <= value <= 1 + 1e-9, metric.__name__
    assert ag.accuracy_score(x, x) == 1.0 and ag.mean_absolute_error(x, x) == 0.0
    kappa = ag.cohen_kappa_score(x, x)
    assert np.isnan(kappa) == (len(set(x)) == 1) and (np.isnan(kappa) or kappa == 1.0)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 5), st.integers(2, 30), st.randoms(use_true_random=False))
def test_krippendorff_alpha_bounds_and_rater_order(raters, units, rnd):
    rng = np.random.default_rng(rnd.randint(0, 2 ** 32 - 1))
    data = rng.integers(1, 4, (raters, units)).astype(float)
    data[rng.random((raters, units)) < 0.3] = np.nan
    for level in ("nominal", "ordinal", "interval"):
        alpha = krippendorff_alpha(data, level=level)
        assert np.isnan(alpha) or alpha <= 1 + 1e-9
        assert same(alpha, krippendorff_alpha(data[::-1], level=level))          # raters in any order
        assert same(alpha, krippendorff_alpha(data[:, ::-1], level=level))       # units in any order
