"""The common metric test (in the style of scikit-learn's tests/test_common.py): every metric in the
catalog is checked against the properties it declares, on random inputs with ties, constant sides and
failed verdicts, so a metric cannot be added without them or with wrong ones."""

import dataclasses
import warnings

import numpy as np
import pytest

from judgebench.kinds import BINARY, KINDS, PAIRWISE, Categorical, Likert
from judgebench.metrics.agreement import UndefinedMetricWarning
from judgebench.metrics.catalog import CATALOG, INTERVALS, Metric, get, metrics_for
from judgebench.metrics.pairwise import PairwiseVerdicts, mt_bench_human_agreement

KIND_EXAMPLES = {"binary": BINARY, "likert": Likert((1, 5)), "pairwise": PAIRWISE,
                 "categorical": Categorical(("safe", "violence", "hate", "self-harm"))}
SEEDS = range(8)


def test_every_kind_has_an_example_here():
    assert set(KIND_EXAMPLES) == set(KINDS.names())


def labels_for(kind, rng, n, constant=False):
    """Human and judge labels of a kind: random, with agreement, optionally one constant side."""
    if kind.labels() is None:
        human = rng.integers(1, 6, n) + rng.choice([0, 1 / 3, 2 / 3], n)    # means of several ratings
        judge = np.clip(np.round(human + rng.normal(0, 1.2, n)), 1, 5)
        return human.astype(float), (np.full(n, 3.0) if constant else judge.astype(float))
    classes = list(kind.labels())
    human = rng.choice(len(classes), n)
    judge = np.where(rng.random(n) < 0.6, human, rng.choice(len(classes), n))
    to_labels = (lambda codes: np.array([classes[c] for c in codes], dtype=object))
    return to_labels(human), to_labels(np.zeros(n, dtype=int) if constant else judge)


def votes_for(rng, n):
    choices = ["A", "B", "tie"]
    votes = [list(rng.choice(choices, int(rng.integers(1, 4)))) for _ in range(n)]
    first = [None if rng.random() < 0.1 else str(rng.choice(choices)) for _ in range(n)]
    second = [None if rng.random() < 0.1 else str(rng.choice(choices)) for _ in range(n)]
    return PairwiseVerdicts(first, votes, second)


def value(metric, kind, data, order=None):
    """The metric on (a permutation of) the data, as score/ computes it."""
    order = np.arange(len(data[0])) if order is None else order
    if metric.interval == "ratio":
        v = data[0]
        pick = lambda column: [column[i] for i in order]  # noqa: E731
        rates = metric.function(PairwiseVerdicts(pick(v.first), pick(v.votes), pick(v.second), v.policy))
        counted = [r for r in rates if r is not None]
        total = sum(r.total for r in counted)
        return sum(r.hits for r in counted) / total if total else float("nan")
    human, judge = (np.asarray(a, dtype=object)[order] for a in data[:2])
    if metric.interval == "none":
        return metric.function(judge.astype(float), human.astype(float), list(np.asarray(data[2])[order]))
    return metric.score(human, judge, kind)


def make_data(metric, kind, rng, constant=False):
    n = int(rng.integers(8, 120))
    if metric.interval == "ratio":
        return (votes_for(rng, n),)
    human, judge = labels_for(kind, rng, n, constant)
    return (human, judge, rng.choice(["s1", "s2", "s3", "s4"], n)) if metric.interval == "none" else (human, judge)


def perfect(metric, kind, data):
    """The same data with a judge that agrees with the humans as well as possible."""
    if metric.interval == "ratio":
        v = data[0]
        answer = [votes[0] for votes in v.votes]
        return (PairwiseVerdicts(answer, [[a] for a in answer], answer),)
    return (data[0], data[0], *data[2:])


def close(a, b):
    return (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, abs=1e-9)


def check_metric(metric: Metric) -> None:
    """Every declared property, on random inputs of every kind the metric applies to."""
    assert metric.interval in INTERVALS and metric.reference and metric.title
    assert metric.kinds <= set(KINDS.names()), f"{metric.name}: unknown kinds {metric.kinds}"
    for kind_name in sorted(metric.kinds):
        kind = KIND_EXAMPLES[kind_name]
        for seed in SEEDS:
            rng = np.random.default_rng(seed)
            for constant in (False, True):
                data = make_data(metric, kind, rng, constant)
                got = value(metric, kind, data)
                low, high = metric.bounds
                assert np.isnan(got) or low - 1e-9 <= got <= high + 1e-9, f"{metric.name}={got} outside {metric.bounds}"
                shuffled = rng.permutation(len(data[0]))
                assert close(value(metric, kind, data, shuffled), got), f"{metric.name} depends on item order"
                if metric.symmetric and metric.interval != "ratio":
                    swapped = (data[1], data[0], *data[2:])
                    assert close(value(metric, kind, swapped), got), f"{metric.name} declared symmetric but is not"
                best = value(metric, kind, perfect(metric, kind, data))
                if not (np.isnan(best) or np.isnan(got)):
                    better = best >= got - 1e-9 if metric.greater_is_better else best <= got + 1e-9
                    assert better, f"{metric.name}: perfect agreement {best} is not better than {got}"


@pytest.mark.parametrize("name", CATALOG.names())
def test_declared_properties_hold(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)      # undefined values are NaN, checked as such
        check_metric(get(name))


def test_a_metric_cannot_be_declared_without_its_properties():
    with pytest.raises(TypeError):
        Metric(name="new", title="new", function=lambda c: c, kinds=frozenset({"binary"}))   # noqa
    declared = {f.name: getattr(get("accuracy"), f.name) for f in dataclasses.fields(Metric)}
    with pytest.raises(ValueError, match="reference"):
        Metric(**declared | {"name": "new", "reference": ""})
    with pytest.raises(ValueError, match="interval"):
        Metric(**declared | {"name": "new", "interval": "jackknife"})
    with pytest.raises(ValueError, match="registered twice"):
        CATALOG.add("accuracy", get("accuracy"))


@pytest.mark.parametrize("wrong", [
    {"name": "balanced_accuracy", "symmetric": True},          # recall of the truth's classes: not symmetric
    {"name": "accuracy", "bounds": (0, 0.5)},
    {"name": "mae", "greater_is_better": True},
    {"name": "mt_bench_with_ties", "bounds": (0.9, 1)},
])
def test_the_common_test_catches_a_wrong_declaration(wrong):
    metric = dataclasses.replace(get(wrong["name"]), **{k: v for k, v in wrong.items() if k != "name"})
    with pytest.raises(AssertionError):
        check_metric(metric)


def test_confusion_metrics_take_a_batch_of_matrices():
    rng = np.random.default_rng(0)
    batch = rng.integers(0, 20, size=(50, 4, 4))
    batch[0] = 0                                                  # no items: undefined, not an error
    for metric in (get(n) for n in CATALOG if get(n).interval == "confusion"):
        together = np.asarray(metric.function(batch), dtype=float)
        one_by_one = np.array([float(metric.function(matrix)) for matrix in batch])
        np.testing.assert_allclose(together, one_by_one, equal_nan=True, err_msg=metric.name)


def test_every_kind_headline_metric_is_in_the_catalog():
    for kind in KIND_EXAMPLES.values():
        for name in kind.headline_metrics:
            assert kind.name in get(name).kinds and name in kind.metrics


def test_needs_filter_what_the_data_cannot_give():
    names = {m.name for m in metrics_for(PAIRWISE, has=set())}
    assert "positional_agreement" not in names and "mt_bench_with_ties" in names
    assert "system_spearman" in {m.name for m in metrics_for(Likert(), has={"system"})}


@pytest.mark.parametrize("seed", SEEDS)
def test_vote_ceiling_is_mt_bench_human_agreement(seed):
    """score/ scores each vote against the other votes of its item; that counts every pair of votes
    twice in hits and totals alike, so it equals MT-Bench's human-human agreement."""
    from judgebench.score.table import _votes_among_themselves

    votes = votes_for(np.random.default_rng(seed), 60).votes
    for ties in (True, False):
        metric = get("mt_bench_with_ties" if ties else "mt_bench_without_ties")
        assert _votes_among_themselves(metric, votes).value == pytest.approx(
            mt_bench_human_agreement(votes, ties=ties).value)
