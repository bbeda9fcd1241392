"""The common estimator test: every entry of estimate/catalog.py is checked against what it declares, on
samples of every kind it applies to; a valid estimator's interval must cover a planted truth by simulation,
and the naive judge-only one must not (that is why it is declared invalid)."""

import dataclasses

import numpy as np
import pytest

from judgebench.estimate.catalog import ESTIMATORS, Estimator, Sample, estimators_for
from judgebench.kinds import BINARY, PAIRWISE, Categorical, Likert

KINDS = {"binary": BINARY, "likert": Likert((1, 5)), "pairwise": PAIRWISE}
POPULATION, LABELS, DRAWS = 2000, 150, 200


def population(kind_name, rng):
    """Human scores and a judge that errs more on one class (a biased, informative judge)."""
    if kind_name == "likert":
        human = rng.integers(1, 6, POPULATION).astype(float)
        judge = np.clip(np.round(human + 0.6 + rng.normal(0, 0.8, POPULATION)), 1, 5)
        return human, judge
    values = np.array([0.0, 1.0]) if kind_name == "binary" else np.array([0.0, 0.5, 1.0])
    human = rng.choice(values, POPULATION, p=[0.35, 0.65] if len(values) == 2 else [0.4, 0.2, 0.4])
    flip = rng.random(POPULATION) < np.where(human == values[0], 0.3, 0.05)
    return human, np.where(flip, rng.choice(values, POPULATION), human)


def draw(human, judge, rng, active=False):
    if active:                      # more labels where the judge is near the middle, each with a known chance
        weight = 1 + 2 * (np.abs(judge - judge.mean()) < judge.std())
        probabilities = np.minimum(1, LABELS * weight / weight.sum())
        labeled = rng.random(POPULATION) < probabilities
        return Sample(judge, labeled, human[labeled], probabilities)
    labeled = np.zeros(POPULATION, dtype=bool)
    labeled[rng.choice(POPULATION, LABELS, replace=False)] = True
    return Sample(judge, labeled, human[labeled])


def cases():
    for name in ESTIMATORS:
        for kind_name, kind in KINDS.items():
            if ESTIMATORS.get(name).applies(kind):
                yield name, kind_name


@pytest.mark.parametrize("name,kind_name", list(cases()))
def test_declared_properties_hold(name, kind_name):
    estimator = ESTIMATORS.get(name)
    rng = np.random.default_rng(7)
    human, judge = population(kind_name, rng)
    truth = human.mean()
    covered = 0
    for _ in range(DRAWS):
        sample = draw(human, judge, rng, active="inclusion" in estimator.uses)
        result = estimator.function(sample, 0.95)
        assert result.low <= result.estimate <= result.high
        covered += result.low <= truth <= result.high
    coverage = covered / DRAWS
    if estimator.valid:
        assert 0.91 <= coverage <= 0.99, f"{name} on {kind_name}: coverage {coverage:.3f}"
    else:
        assert coverage < 0.5, f"{name} is declared invalid but covered the truth {coverage:.3f} of the time"


def test_which_kinds_have_which_estimators():
    assert {e.name for e in estimators_for(BINARY)} == {"human_only", "judge_only", "ppi", "active", "rogan_gladen"}
    assert "rogan_gladen" not in [e.name for e in estimators_for(Likert())]
    assert estimators_for(Categorical(("a", "b"))) == []           # a class is not a score


def test_an_estimator_cannot_be_declared_without_its_properties():
    declared = {f.name: getattr(ESTIMATORS.get("ppi"), f.name) for f in dataclasses.fields(Estimator)}
    with pytest.raises(ValueError, match="reference"):
        Estimator(**declared | {"reference": ""})
    with pytest.raises(ValueError, match="uses"):
        Estimator(**declared | {"uses": frozenset({"oracle"})})
    with pytest.raises(ValueError, match="registered twice"):
        ESTIMATORS.add("ppi", ESTIMATORS.get("ppi"))
