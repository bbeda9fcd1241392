from collections import Counter

import numpy as np
import pandas as pd
import pytest

from judgebench.juries.aggregate import AGGREGATORS, fitting, vote
from judgebench.kinds import kind_from

BINARY, PAIRWISE, LIKERT = kind_from("binary"), kind_from("pairwise"), kind_from("likert", scale=[1, 5])


def decide(name, kind, votes, weights=None, tie_break="first"):
    weights = weights or [[1.0] * len(v) for v in votes]
    return AGGREGATORS.get(name).decide(kind, votes, weights, tie_break)


def test_majority_is_counters_most_common_and_ties_follow_the_stated_rule():
    rng = np.random.default_rng(3)
    votes = [[None if rng.random() < 0.15 else int(rng.integers(0, 2)) for _ in range(5)] for _ in range(400)]
    for task, decision in zip(votes, decide("majority", BINARY, votes)):
        counts = Counter(v for v in task if v is not None).most_common()
        if not counts:
            assert decision.value is None and decision.failure == "no usable member verdict"
        elif len(counts) > 1 and counts[0][1] == counts[1][1]:
            earliest = next(v for v in task if v is not None)
            assert decision.value == earliest                        # tie_break first: the earliest member's
        else:
            assert decision.value == counts[0][0]
            assert decision.prob == pytest.approx(counts[0][1] / sum(c for _, c in counts))
    tied = decide("majority", BINARY, [[1, 0, None]], tie_break="fail")[0]
    assert tied.value is None and "tied" in tied.failure


def test_weighted_vote_is_the_heaviest_side():
    rng = np.random.default_rng(4)
    for _ in range(300):
        task = [int(v) for v in rng.integers(0, 2, 5)]
        weights = rng.random(5).tolist()
        heavier = int(sum(w for v, w in zip(task, weights) if v == 1) > sum(w for v, w in zip(task, weights) if v == 0))
        assert vote(task, weights, "first").value == heavier


def test_mean_and_median_round_onto_the_scale():
    votes = [[1, 2, 2, None], [5, 4, 4], [3, None, None]]
    mean = decide("mean", LIKERT, votes)
    median = decide("median", LIKERT, votes)
    assert [d.value for d in mean] == [round(np.mean([1, 2, 2])), round(np.mean([5, 4, 4])), 3]
    assert [d.value for d in median] == [round(np.median([1, 2, 2])), 4, 3]
    assert "mean 1.66667" in mean[0].detail


def test_borda_counts_points_over_members_and_orders():
    votes = [["A", "A", "B", "tie"], ["A", "B", "B", "A"], ["tie", "tie"]]
    decisions = decide("borda", PAIRWISE, votes)
    assert [d.value for d in decisions] == ["A", "tie", "tie"]
    assert decisions[0].choice_probs == {"A": 2.5 / 4, "B": 1.5 / 4}


def test_the_dawid_skene_jury_is_crowd_kits():
    from crowdkit.aggregation import DawidSkene

    rng = np.random.default_rng(5)
    truth = rng.integers(0, 2, 300)
    accuracy = [0.9, 0.75, 0.6, 0.55]
    votes = [[int(t) if rng.random() < a else int(1 - t) for a in accuracy] for t in truth]
    ours = [d.value for d in decide("dawid_skene", BINARY, votes)]
    frame = pd.DataFrame([(t, w, str(v)) for t, task in enumerate(votes) for w, v in enumerate(task)],
                         columns=["task", "worker", "label"])
    theirs = DawidSkene(n_iter=100).fit_predict(frame)
    assert [str(v) for v in ours] == [theirs.loc[t] for t in range(len(votes))]


def test_which_aggregators_fit_which_kind():
    assert fitting(BINARY) == ["dawid_skene", "majority", "weighted"]
    assert fitting(LIKERT) == ["majority", "mean", "median"]
    assert fitting(PAIRWISE) == ["borda", "dawid_skene", "majority", "weighted"]


def test_five_independent_judges_planted_truth():
    """One seed of benchmarks/juries_simulation.py: the majority of five is worse than its best member, the
    Dawid-Skene jury better than both, and the leave-one-out weighted vote close to Dawid-Skene."""
    from judgebench.juries.deliberate import member_weights
    from judgebench.juries.spec import JurySpec
    from judgebench.judges.spec import JudgeSpec
    from judgebench.run.records import Judgment

    rng = np.random.default_rng(0)
    planted = [0.9, 0.8, 0.7, 0.65, 0.6]
    truth = rng.integers(0, 2, 2000)
    said = np.array([np.where(rng.random(len(truth)) < a, truth, 1 - truth) for a in planted]).T
    votes = [[int(v) for v in row] for row in said]
    majority = np.mean([d.value for d in decide("majority", BINARY, votes)] == truth)
    best = max(np.mean(said[:, m] == truth) for m in range(5))
    dawid_skene = np.mean([d.value for d in decide("dawid_skene", BINARY, votes)] == truth)
    assert majority < best < dawid_skene
    jury = JurySpec("five", tuple(JudgeSpec(f"m{m}", "openai/x") for m in range(5)), aggregator="weighted")

    def judgment(m, i):
        return Judgment("r", f"{m}-{i}", str(i), f"m{m}", "p", "h", None, 0, votes[i][m], None, None, None, None,
                        None, None, None, None, False, None)

    known = {(f"m{m}", str(i), None): judgment(m, i) for i in range(len(votes)) for m in range(5)}
    weights = member_weights(jury, BINARY, known, {str(i): int(t) for i, t in enumerate(truth)})
    weighted = [decide("weighted", BINARY, [votes[i]], [[weights[str(i)][f"m{m}"] for m in range(5)]])[0].value
                for i in range(len(votes))]
    assert abs(np.mean(np.array(weighted) == truth) - dawid_skene) < 0.01
