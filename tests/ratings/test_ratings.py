import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from judgebench.ratings.battles import item_battles
from judgebench.ratings.bradley_terry import ANCHOR, BASE, SCALE, Battles, arena_ratings, fit_ratings, online_elo
from judgebench.data.schema import Item
from judgebench.kinds import BINARY, LIKERT


def simulate(strengths, n, seed=0, tie_rate=0.2):
    rng = np.random.default_rng(seed)
    names = [f"j{i}" for i in range(len(strengths))]
    records = []
    for _ in range(n):
        i, j = rng.choice(len(names), 2, replace=False)
        p = 1 / (1 + BASE ** ((strengths[j] - strengths[i]) / SCALE))
        r = rng.random()
        records.append((names[i], names[j], "tie" if r < tie_rate else "x" if rng.random() < p else "y"))
    return records


@pytest.mark.filterwarnings("ignore::FutureWarning")   # sklearn 1.8 renames penalty=None
def test_matches_chatbot_arena_logistic_regression():
    # Chatbot Arena's compute_mle_elo: unregularised logistic regression on +-log(BASE) columns,
    # every battle twice, a tie as one win and one loss.
    records = simulate([0, 80, 160, -120], 3000, seed=1)
    battles = Battles.from_records(records)
    ours = fit_ratings(battles.wins_matrix())
    index = {j: n for n, j in enumerate(battles.judges)}
    rows, labels = [], []
    for x, y, w in records:
        row = np.zeros(len(index))
        row[index[x]], row[index[y]] = np.log(BASE), -np.log(BASE)
        outcomes = {"x": (1, 1), "y": (0, 0), "tie": (1, 0)}[w]
        rows += [row, row]
        labels += list(outcomes)
    model = LogisticRegression(fit_intercept=False, penalty=None, tol=1e-8, max_iter=1000)
    model.fit(np.array(rows), np.array(labels))
    theirs = SCALE * model.coef_[0]
    theirs = theirs - theirs.mean() + ANCHOR
    assert ours == pytest.approx(theirs, abs=0.05)


def test_recovers_strengths_and_orders_the_ranks():
    strengths = [0, 100, 200, 300]
    ratings = arena_ratings(Battles.from_records(simulate(strengths, 20000, seed=2, tie_rate=0)), rounds=100)
    by_name = {r.judge: r for r in ratings}
    recovered = [by_name[f"j{i}"].rating for i in range(4)]
    assert np.diff(recovered) == pytest.approx([100, 100, 100], abs=15)
    assert [r.judge for r in ratings] == ["j3", "j2", "j1", "j0"]
    assert all(r.low < r.rating < r.high for r in ratings)
    assert [r.rank_best for r in ratings] == [1, 2, 3, 4] and [r.rank_worst for r in ratings] == [1, 2, 3, 4]


def test_overlapping_intervals_share_rank_bounds_and_the_bootstrap_is_seedable():
    records = simulate([0, 5, 400], 600, seed=3)
    battles = Battles.from_records(records)
    first = arena_ratings(battles, rounds=100, seed=5)
    assert first == arena_ratings(battles, rounds=100, seed=5)
    by_name = {r.judge: r for r in first}
    assert by_name["j2"].rank_best == 1
    assert {by_name["j0"].rank_best, by_name["j1"].rank_best} == {2} and by_name["j0"].rank_worst == 3
    assert sum(r.battles for r in first) == 2 * len(records)


def test_anchor_pins_a_judge():
    battles = Battles.from_records(simulate([0, 50], 500, seed=4))
    ratings = {r.judge: r.rating for r in arena_ratings(battles, rounds=10, anchor="j0")}
    assert ratings["j0"] == pytest.approx(ANCHOR)


def test_online_elo_moves_by_k():
    ratings = online_elo([("a", "b", "x")], k=4)
    assert ratings == {"a": pytest.approx(1002.0), "b": pytest.approx(998.0)}
    assert online_elo([("a", "b", "tie")]) == {"a": 1000.0, "b": 1000.0}


def test_item_battles_skip_absent_judges_and_items_without_consensus():
    items = [Item("i1", {}, (1,)), Item("i2", {}, (0, 1)), Item("i3", {}, (0,))]
    verdicts = {"good": {"i1": 1, "i2": 1, "i3": 0}, "bad": {"i1": 0, "i2": 0, "i3": None}, "late": {"i3": 0}}
    battles = item_battles(BINARY, items, verdicts)
    assert sorted(battles) == sorted([("bad", "good", "y"), ("bad", "good", "y"), ("bad", "late", "y"),
                                      ("good", "late", "tie")])
    likert = item_battles(LIKERT, [Item("i", {}, (4, 5))], {"a": {"i": 4}, "b": {"i": 5}, "c": {"i": 1}})
    assert sorted(likert) == [("a", "b", "tie"), ("a", "c", "x"), ("b", "c", "x")]


def test_connected_groups_split_judges_that_never_met():
    from judgebench.ratings.bradley_terry import connected_groups

    records = [("a", "b", "x"), ("b", "c", "tie"), ("d", "e", "y"), ("f", "f2", "x"), ("e", "g", "x")]
    assert connected_groups(records) == [["a", "b", "c"], ["d", "e", "g"], ["f", "f2"]]
    assert connected_groups([]) == []


def test_score_battles_follow_each_items_score():
    from judgebench.ratings.battles import score_battles

    scores = {"a": {"i1": 1.0, "i2": 0.5, "i3": 0.0}, "b": {"i1": 0.0, "i2": 0.5}, "c": {"i3": 1.0}}
    assert score_battles(scores) == [("a", "b", "x"), ("a", "b", "tie"), ("a", "c", "y")]
