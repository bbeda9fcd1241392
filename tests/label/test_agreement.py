import pytest
from scipy import stats

from judgebench.label.agreement import agreement_by_version, describe_agreement
from judgebench.label.records import Review


def reviews(version, pairs):
    return [Review(f"v{version}-{n}", label, judge, 1, version, 0.0) for n, (label, judge) in enumerate(pairs)]


def test_agreement_per_prompt_version_with_a_wilson_interval():
    v1 = reviews(1, [(1, 1)] * 11 + [(0, 1)] * 4 + [(1, None)])           # a failed verdict disagrees
    v2 = reviews(2, [(1, 1)] * 14 + [(0, 1)] * 2)
    newest, oldest = agreement_by_version(v1 + v2)
    assert (newest.prompt_version, newest.agreed, newest.reviewed) == (2, 14, 16)
    assert (oldest.prompt_version, oldest.agreed, oldest.reviewed) == (1, 11, 16)
    expected = stats.binomtest(14, 16).proportion_ci(confidence_level=0.95, method="wilson")
    assert (newest.low, newest.high) == pytest.approx((expected.low, expected.high))
    text = describe_agreement(v1 + v2)
    assert text.startswith("v2 agrees with you on 14/16 (95% interval") and "; v1 on 11/16 (" in text


def test_edges():
    assert describe_agreement([]).startswith("no reviews yet")
    [perfect] = agreement_by_version(reviews(1, [(0, 0)] * 5))
    assert perfect.rate == 1.0 and perfect.high == pytest.approx(1.0) and perfect.low < 1.0
    [none] = agreement_by_version(reviews(3, [(1, 0)] * 4))
    assert none.agreed == 0 and none.low == pytest.approx(0.0)


@pytest.mark.parametrize("p,n", [(0.8, 16), (0.6, 32)])
def test_the_interval_holds_a_planted_agreement_rate_about_95_percent_of_the_time(p, n):
    """Seeded simulation; the full table is benchmarks/review_agreement_coverage.py."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "review_agreement_coverage.py"
    spec = importlib.util.spec_from_file_location("review_agreement_coverage", path)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    assert 0.92 <= benchmark.coverage(p, n, trials=2000, seed=7) <= 0.985
