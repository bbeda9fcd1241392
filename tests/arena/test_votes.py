import math
import random

import pytest
from scipy import stats

from judgebench.arena.votes import (
    Vote, battle_records, choose_pair, current_ratings, pair_key, pair_weights, voter_position_bias, votes_per_judge,
)


def vote(n, left, right, choice, session="s1", item="i1"):
    return Vote(f"v{n}", float(n), session, "demo", item, left, right, choice)


def test_records_and_validation():
    votes = [vote(1, "a", "b", "left"), vote(2, "a", "b", "right"), vote(3, "b", "c", "tie"),
             vote(4, "c", "a", "both_bad")]
    assert battle_records(votes) == [("a", "b", "x"), ("a", "b", "y"), ("b", "c", "tie"), ("c", "a", "tie")]
    assert votes_per_judge(votes) == {"a": 3, "b": 3, "c": 2}
    with pytest.raises(ValueError, match="choice"):
        vote(5, "a", "b", "A")
    with pytest.raises(ValueError, match="itself"):
        vote(6, "a", "a", "tie")
    assert Vote.from_dict(votes[0].to_dict()) == votes[0]
    with pytest.raises(ValueError, match="schema version"):
        Vote.from_dict(votes[0].to_dict() | {"schema_version": 9})


def test_pairing_favours_few_votes_and_close_ratings():
    judges = ["a", "b", "c"]
    weights = pair_weights(judges, {"a": 10, "b": 0, "c": 0}, {"a": 1000, "b": 1000, "c": 1000})
    assert weights[("b", "c")] == pytest.approx(1.0) and weights[("a", "b")] == pytest.approx(1 / 11)
    close = pair_weights(judges, {}, {"a": 1000, "b": 1010, "c": 1400})
    assert close[("a", "b")] == pytest.approx(math.exp(-10 / 200))
    assert close[("a", "b")] > close[("b", "c")] > close[("a", "c")]
    assert ("a", "b") not in pair_weights(judges, {}, {}, excluded=[pair_key("b", "a")])


def test_choose_pair_follows_the_weights_and_the_exclusions():
    votes = [vote(i, "a", "b", "left") for i in range(30)]           # a and b have many votes, c none
    rng = random.Random(0)
    drawn = [choose_pair(["a", "b", "c"], votes, (), rng) for _ in range(2000)]
    with_c = sum("c" in pair for pair in drawn) / len(drawn)
    assert with_c > 0.9
    lefts = sum(pair[0] == "c" for pair in drawn if "c" in pair) / sum("c" in pair for pair in drawn)
    assert 0.45 < lefts < 0.55                                        # sides at random
    everything = [pair_key("a", "b"), pair_key("a", "c"), pair_key("b", "c")]
    assert choose_pair(["a", "b", "c"], votes, everything, rng) is None
    ratings = current_ratings(["a", "b", "c"], votes)
    assert ratings["a"] > ratings["b"] and ratings["c"] == 1000


def test_voter_position_bias_matches_scipy():
    votes = [vote(i, "a", "b", "left") for i in range(14)] + [vote(100 + i, "a", "b", "right") for i in range(6)] + \
        [vote(200, "a", "b", "tie")]
    bias = voter_position_bias(votes)
    reference = stats.binomtest(14, 20, 0.5)
    interval = reference.proportion_ci(method="wilson")
    assert (bias.decisive, bias.left_wins, bias.left_share) == (20, 14, 0.7)
    assert bias.low == pytest.approx(interval.low) and bias.high == pytest.approx(interval.high)
    assert bias.p_value == pytest.approx(reference.pvalue)
    assert math.isnan(voter_position_bias([vote(1, "a", "b", "tie")]).left_share)
