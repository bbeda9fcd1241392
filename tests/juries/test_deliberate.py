import math

import numpy as np
import pytest

from judgebench.judges.spec import JudgeSpec
from judgebench.juries.deliberate import (
    EXCLUDED, FAILED, NOT_ASKED, USED, Voter, deliberate, member_weights, tasks_of, walk,
)
from judgebench.juries.spec import JurySpec
from judgebench.kinds import kind_from
from judgebench.run.records import Judgment

BINARY = kind_from("binary")


def jury(**options) -> JurySpec:
    return JurySpec("panel", tuple(JudgeSpec(n, f"openai/{n}") for n in ("a", "b", "c")), **options)


def said(member, item, value, order=None, error=None, parse_error=None) -> Judgment:
    return Judgment("r", f"{member}-{item}-{order}", item, member, "p", "h", order, 0, value, None, None, None,
                    parse_error, 10, 1, 0.001, 0.1, False, error)


def known(*judgments):
    return {(j.judge_id, j.item_id, j.order): j for j in judgments}


EVERYONE = {Voter(m, None) for m in "abc"}


def test_early_stop_asks_the_first_two_then_the_third_only_on_a_split():
    spec = jury(early_stop=True)
    task = tasks_of(spec, ["x"], [None])[0]
    first = walk(spec, task, {}, EVERYONE, {}, {})
    assert first.ask == (Voter("a", None), Voter("b", None))
    agree = walk(spec, task, known(said("a", "x", 1), said("b", "x", 1)), EVERYONE, {}, {})
    assert agree.ask == () and [v.status for v in agree.votes] == [USED, USED, NOT_ASKED]
    split = walk(spec, task, known(said("a", "x", 1), said("b", "x", 0)), EVERYONE, {}, {})
    assert split.ask == (Voter("c", None),)
    failed = walk(spec, task, known(said("a", "x", None, error="HTTP 500"), said("b", "x", 1)), EVERYONE, {}, {})
    assert failed.ask == (Voter("c", None),)                   # a failed member's vote is made up by the next
    assert failed.votes[0].status == FAILED and failed.votes[0].note == "HTTP 500"


def test_without_early_stop_every_member_is_needed():
    spec = jury()
    task = tasks_of(spec, ["x"], [None])[0]
    walked = walk(spec, task, known(said("a", "x", 1), said("b", "x", 1)), EVERYONE, {}, {})
    assert walked.ask == (Voter("c", None),)


def test_min_members_makes_a_failed_verdict_with_the_counts():
    spec = jury(min_members=2)
    tasks = tasks_of(spec, ["x", "y"], [None])
    judgments = known(said("a", "x", 1), said("b", "x", None, parse_error="no binary verdict"),
                      said("c", "x", None, error="HTTP 500"), said("a", "y", 1), said("b", "y", 0), said("c", "y", 0))
    result = deliberate(spec, BINARY, tasks, judgments, {"x": EVERYONE, "y": EVERYONE}, {}, {})
    x, y = result.verdicts
    assert x.decision.value is None
    assert x.decision.failure == "1 usable member verdicts of 3 (2 failed, 0 excluded); min_members is 2"
    assert len(x.judgments) == 3                                # the failed calls are part of what it cost
    assert y.decision.value == 0 and y.decision.prob == 2 / 3


def test_same_family_members_are_left_out_per_item():
    spec = jury(exclude_same_family=True)
    tasks = tasks_of(spec, ["x"], [None])
    judgments = known(said("a", "x", 1), said("b", "x", 0), said("c", "x", 0))
    result = deliberate(spec, BINARY, tasks, judgments, {"x": EVERYONE}, {"x": {"b": "gpt-4o-mini"}}, {})
    verdict = result.verdicts[0]
    assert [v.status for v in verdict.walk.votes] == [USED, EXCLUDED, USED]
    assert "gpt-4o-mini" in verdict.walk.votes[1].note
    assert verdict.decision.value == 1                          # a 1-1 tie, broken by the earliest member
    assert result.excluded == 1


def test_leave_one_out_weights_match_a_direct_count():
    rng = np.random.default_rng(1)
    spec = jury(aggregator="weighted")
    items = [str(i) for i in range(30)]
    truth = {i: int(rng.integers(0, 2)) for i in items}
    truth["0"] = None                                           # an unlabeled item weighs nobody
    votes = {(m, i): (int(rng.integers(0, 2)) if rng.random() > 0.1 else None) for m in "abc" for i in items}
    judgments = known(*(said(m, i, v) for (m, i), v in votes.items()))
    weights = member_weights(spec, BINARY, judgments, truth)
    for item in ("0", "5", "17"):
        expected = {}
        for m in "abc":
            others = [votes[(m, i)] == truth[i] for i in items if i != item and truth[i] is not None
                      and votes[(m, i)] is not None]
            a = min(0.999, max(0.001, float(np.mean(others))))
            expected[m] = max(0.0, math.log(a / (1 - a)))
        if not any(expected.values()):
            expected = dict.fromkeys("abc", 1.0)           # nobody better than chance: a plain majority
        assert weights[item] == pytest.approx(expected)


def test_borda_pools_both_orders_into_one_verdict():
    spec = JurySpec("pair", tuple(JudgeSpec(n, f"openai/{n}") for n in ("a", "b")), aggregator="borda")
    tasks = tasks_of(spec, ["x"], ["AB", "BA"])
    assert len(tasks) == 1 and len(tasks[0].voters) == 4 and tasks[0].order == "AB"
    judgments = known(said("a", "x", "A", "AB"), said("a", "x", "A", "BA"), said("b", "x", "B", "AB"),
                      said("b", "x", "A", "BA"))
    callable_voters = {"x": {Voter(m, o) for m in "ab" for o in ("AB", "BA")}}
    result = deliberate(spec, kind_from("pairwise"), tasks, judgments, callable_voters, {}, {})
    assert result.verdicts[0].decision.value == "A"
