import pytest

from judgebench.label.select import SimilarExamples, combined_uncertainty, disagreement


def test_disagreement_and_combination():
    assert disagreement([1, 1, 1]) == 0.0
    assert disagreement([1, 0]) == 1.0
    assert disagreement([1, 1, 0, 0]) == 1.0
    assert disagreement([1, 1, 1, 0]) == pytest.approx(0.5)
    assert disagreement([1, None]) is None
    assert combined_uncertainty([None, 0.5, 1.0]) == pytest.approx(0.75)
    assert combined_uncertainty([None]) == 0.0


def test_similar_examples_are_balanced_and_nearest_first():
    texts = {"q": "refund for a broken blender", "a1": "broken blender refund request", "a2": "garden hose",
             "b1": "blender refund was refused", "b2": "weather in paris", "b3": "paris museum tickets"}
    similar = SimilarExamples(texts)
    reviewed = [("a1", 1), ("a2", 1), ("b1", 0), ("b2", 0), ("b3", 0), ("q", 1)]
    assert similar.pick("q", reviewed, 2) in ([("a1", 1), ("b1", 0)], [("b1", 0), ("a1", 1)])
    four = similar.pick("q", reviewed, 4)
    assert sorted(label for _, label in four) == [0, 0, 1, 1]        # balanced across labels
    assert "q" not in {rid for rid, _ in similar.pick("q", reviewed, 10)}   # never the item itself
    assert len(similar.pick("q", reviewed, 10)) == 5
    assert similar.pick("q", reviewed, 0) == []
    assert similar.pick("q", [], 3) == []
