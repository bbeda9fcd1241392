import pytest

from judgebench.label.select import (
    ReviewCandidate, SimilarExamples, combined_uncertainty, disagreement, pick_batch,
)


def test_disagreement_and_combination():
    assert disagreement([1, 1, 1]) == 0.0
    assert disagreement([1, 0]) == 1.0
    assert disagreement([1, 1, 0, 0]) == 1.0
    assert disagreement([1, 1, 1, 0]) == pytest.approx(0.5)
    assert disagreement([1, None]) is None
    assert combined_uncertainty([None, 0.5, 1.0]) == pytest.approx(0.75)
    assert combined_uncertainty([None]) == 0.0


def _candidates():
    # Three topics; the uncertain items all sit in one topic except one.
    out = []
    for i in range(30):
        topic = ["tax return deadline", "tomato garden soil", "mountain bike brakes"][i % 3]
        uncertainty = 0.9 - i * 0.001 if topic == "tax return deadline" else 0.1
        out.append(ReviewCandidate(f"id{i:02d}", f"{topic} question", uncertainty))
    out.append(ReviewCandidate("garden-unsure", "tomato garden soil question", 0.8))
    return out


def test_active_batch_prefers_uncertain_items_and_spreads_over_topics():
    candidates = _candidates()
    batch = pick_batch(candidates, 4, "active", seed=0)
    ids = [c.item_id for c in batch]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert ids[0] == "id00"                          # the most uncertain of all comes first
    assert "garden-unsure" in ids                    # another topic, though less uncertain than 10 tax items
    # by uncertainty alone the batch would be four tax items
    assert all(c.item_id.startswith("id") for c in sorted(candidates, key=lambda c: -c.uncertainty)[:4])


def test_random_and_small_pools():
    candidates = _candidates()
    first = pick_batch(candidates, 5, "random", seed=1)
    assert len({c.item_id for c in first}) == 5
    assert [c.item_id for c in pick_batch(candidates, 5, "random", seed=1)] == [c.item_id for c in first]
    assert pick_batch(candidates[:2], 5, "active") == candidates[:2]
    with pytest.raises(ValueError):
        pick_batch(candidates, 2, "smart")
    same_text = [ReviewCandidate(f"d{i}", "same words", 0.5) for i in range(10)]
    assert len(pick_batch(same_text, 4, "active")) == 4         # clusters collapse; filled up in order


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


def test_clearly_more_uncertain_items_win_over_diversity():
    unsure = [ReviewCandidate(f"u{i}", "the same confusing refund question", 0.9) for i in range(3)]
    others = [ReviewCandidate(f"o{i}", f"topic{i} alpha{i} beta{i}", 0.5 - i * 0.001) for i in range(20)]
    ids = {c.item_id for c in pick_batch(unsure + others, 6, "active")}
    assert {"u0", "u1", "u2"} <= ids                   # one cluster, yet all three are taken
    assert len(ids) == 6
