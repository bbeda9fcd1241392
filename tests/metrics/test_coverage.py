import numpy as np
import pytest

from judgebench.metrics.agreement import accuracy_score, spearman_score
from judgebench.kinds import BINARY, LIKERT
from judgebench.metrics.coverage import apply_policy, human_ceiling


def test_failures_count_as_wrong_by_default_or_are_excluded():
    human, judge = [1, 0, 1, 1], [1, 0, None, 1]
    wrong = apply_policy(BINARY, human, judge)
    assert wrong.coverage == 0.75 and accuracy_score(wrong.human, wrong.judge) == 0.75
    excluded = apply_policy(BINARY, human, judge, policy="exclude")
    assert excluded.coverage == 0.75 and accuracy_score(excluded.human, excluded.judge) == 1.0
    every = apply_policy(BINARY, [1, 0], [None, None])
    assert every.coverage == 0.0 and accuracy_score(every.human, every.judge) == 0.0
    with pytest.raises(ValueError):
        apply_policy(BINARY, human, judge, policy="drop")


def test_human_ceiling_leave_one_out():
    labels = [[1, 1], [0, 1], [0, 0], [1, 1], [1]]
    names = [["x", "y"], ["x", "y"], ["x", "y"], ["x", "y"], ["x"]]
    ceiling = human_ceiling(labels, names, BINARY, accuracy_score)
    # x vs y on 4 shared items: 3 agree; symmetric for y.
    assert ceiling.per_annotator == {"x": 0.75, "y": 0.75} and ceiling.value == 0.75 and ceiling.items == 4
    ratings = [[1, 2, 1], [4, 5, 4], [3, 3, 2], [5, 4, 5]]
    likert = human_ceiling(ratings, [None] * 4, LIKERT, spearman_score)
    assert set(likert.per_annotator) == {"annotator 1", "annotator 2", "annotator 3"}
    assert likert.per_annotator["annotator 1"] == pytest.approx(
        spearman_score([1.5, 4.5, 2.5, 4.5], [1, 4, 3, 5]))
    assert np.isnan(human_ceiling([[1], [0]], [None, None], BINARY, accuracy_score).value)


def test_annotator_kappas_worked_example_and_scikit_learn():
    from sklearn.metrics import cohen_kappa_score

    from judgebench.metrics.coverage import annotator_kappas

    # x and y share four items (agree on 3): p_o = 3/4; x says 1 on 2, y on 3 -> p_e = (2*3 + 2*1)/16 = 1/2
    labels = [[1, 1, 0], [0, 1], [0, 0], [1, 1], [1], [0, 1]]
    names = [["x", "y", "z"], ["x", "y"], ["x", "y"], ["x", "y"], ["w"], None]
    table = annotator_kappas(labels, names, (0, 1))
    assert table["x"]["y"] == pytest.approx(0.5) == pytest.approx(cohen_kappa_score([1, 0, 0, 1], [1, 1, 0, 1]))
    assert table["x"]["z"] == pytest.approx(cohen_kappa_score([1], [0]))
    assert np.isnan(table["x"]["w"]) and np.isnan(table["z"]["w"])         # no shared item
    assert "w" not in table and set(table["x"]) == {"y", "z", "w"}         # each pair once
    rng = np.random.default_rng(3)
    a = rng.choice(["A", "B", "tie"], 80)
    b = np.where(rng.random(80) < 0.6, a, rng.choice(["A", "B", "tie"], 80))
    random = annotator_kappas([[u, v] for u, v in zip(a, b)], [["a", "b"]] * 80, ("A", "B", "tie"))
    assert random["a"]["b"] == pytest.approx(cohen_kappa_score(a, b))
