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
