import math

import pytest

from judgebench.kinds import (
    BINARY, KINDS, LIKERT, PAIRWISE, Categorical, LabelError, Likert, ParseFailure, TaskKind, Verdict, kind_from,
)

SAFETY = Categorical(("safe", "violence", "self-harm", "hate speech"))
# One instance of every registered kind, so a kind added to the registry is checked here too.
EXAMPLES = {"binary": BINARY, "likert": Likert((1, 7)), "pairwise": PAIRWISE, "categorical": SAFETY}


def test_every_registered_kind_has_an_example_here():
    assert set(KINDS.names()) == set(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_protocol_holds_for_every_kind(name):
    kind = EXAMPLES[name]
    assert kind.name == name and isinstance(kind, TaskKind)
    assert kind.level in ("nominal", "interval")
    assert kind.main_metric == kind.headline_metrics[0] and kind.main_metric in kind.metrics
    assert kind_from(kind.to_dict()) == kind                        # manifests round-trip
    for word, label in kind.choices().items():
        assert kind.parse(kind.format(label)) == Verdict(label)     # every answer reads back
        assert kind.label(label) == label
        assert kind.flip(kind.flip(label)) == label
        assert kind.wrong(label) != label and kind.label(kind.wrong(label)) == kind.wrong(label)
        assert kind.battle(label, label, kind.wrong(label)) == "x"
        assert kind.battle(label, None, label) == "y" and kind.battle(label, label, label) == "tie"
        assert kind.consensus([label, label]) == label
    assert isinstance(kind.parse("I cannot tell."), ParseFailure)
    assert isinstance(kind.parse(None), ParseFailure)
    assert kind.orders(False) and len(kind.orders(True)) in (1, 2)


def test_categorical_reads_and_writes_class_names():
    assert SAFETY.label("Violence") == "violence" and SAFETY.label(" hate speech ") == "hate speech"
    with pytest.raises(LabelError, match="not one of the classes"):
        SAFETY.label("spam")
    assert SAFETY.parse("The text threatens a person.\nClass: [[violence]]") == Verdict("violence")
    assert SAFETY.parse('{"label": "Self-Harm"}') == Verdict("self-harm")
    assert SAFETY.parse("Hate speech") == Verdict("hate speech")
    assert isinstance(SAFETY.parse("Class: [[spam]]"), ParseFailure)
    assert SAFETY.consensus(["safe", "violence", "safe"]) == "safe" and SAFETY.consensus(["safe", "violence"]) is None
    assert SAFETY.code("violence") == 1.0 and SAFETY.uncertainty({"safe": 0.25, "violence": 0.75}) < 1


@pytest.mark.parametrize("classes", [(), ("only",), ("a", "A"), ("a", "")])
def test_categorical_needs_distinct_classes(classes):
    with pytest.raises(ValueError, match="two or more distinct"):
        Categorical(classes)


def test_kind_from_names_and_parameters():
    assert kind_from("likert", scale=[1, 10]) == Likert((1, 10))
    assert kind_from("binary", scale=[1, 5], classes=None) == BINARY       # parameters it does not take
    assert kind_from({"name": "categorical", "classes": ["x", "y"]}).labels() == ("x", "y")
    with pytest.raises(LookupError, match="did you mean 'likert'"):
        kind_from("likart")
    with pytest.raises(ValueError, match="low to high"):
        Likert((5, 1))


def test_pairwise_orders_and_flips():
    assert PAIRWISE.orders(True) == ("AB", "BA") and PAIRWISE.orders(False) == ("AB",)
    assert BINARY.orders(True) == (None,)
    assert PAIRWISE.flip("A") == "B" and PAIRWISE.flip("tie") == "tie" and PAIRWISE.flip(None) is None


def test_likert_battle_and_snap():
    assert LIKERT.battle(4.5, 4, 5) == "tie" and LIKERT.battle(4.5, 4, 1) == "x" and LIKERT.battle(4.5, None, 1) == "y"
    assert LIKERT.snap(3.6) == 4 and LIKERT.snap(2.5) == 2       # Python's rounding: half to even


def test_uncertainty_of_a_verdict_distribution():
    assert BINARY.uncertainty({"0": 0.5, "1": 0.5}) == pytest.approx(1.0)
    assert BINARY.uncertainty({"0": 0.0, "1": 1.0}) == pytest.approx(0.0)
    assert BINARY.uncertainty({"0": 0.1, "1": 0.9}) == pytest.approx(0.2)
    assert BINARY.uncertainty({"0": 0.7}) == pytest.approx(0.6)   # P(yes) = 0.3
    assert BINARY.uncertainty(None) is None
    flat = {str(v): 0.2 for v in range(1, 6)}
    assert LIKERT.uncertainty(flat) == pytest.approx(1.0)
    peaked = {"1": 0.96, "2": 0.01, "3": 0.01, "4": 0.01, "5": 0.01}
    expected = -(0.96 * math.log(0.96) + 4 * 0.01 * math.log(0.01)) / math.log(5)
    assert LIKERT.uncertainty(peaked) == pytest.approx(expected)


def test_wrong_answers_per_kind():
    assert BINARY.wrong(1) == 0 and PAIRWISE.wrong("tie") == "A"
    assert LIKERT.wrong(4.5) == 1 and LIKERT.wrong(2) == 5


def test_consensus():
    assert BINARY.consensus([1, 1, 0]) == 1 and BINARY.consensus([1, 0]) is None
    assert PAIRWISE.consensus(["A", "tie", "A"]) == "A" and LIKERT.consensus([4, 5]) == 4.5


