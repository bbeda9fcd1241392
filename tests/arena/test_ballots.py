import pytest

from judgebench.arena.ballots import BallotBox, VoteError, merge_votes, read_votes


def match(box, session="s1", item="i1", left="a", right="b"):
    return box.add_match(session, "demo", item, {"input": "q"}, left, right, "left text", "right text", 4, 2, 0.001,
                         "v1")


def test_votes_are_durable_and_unique(tmp_path):
    box = BallotBox(tmp_path)
    first = match(box)
    vote = box.cast(first.match_id, "s1", "left")
    assert (vote.left, vote.right, vote.left_score, vote.right_score) == ("a", "b", 4, 2)
    with pytest.raises(VoteError, match="already"):
        box.cast(first.match_id, "s1", "right")
    again = match(box, left="b", right="a")                    # same pair, same item, same session
    with pytest.raises(VoteError, match="already voted on this pair"):
        box.cast(again.match_id, "s1", "tie")
    with pytest.raises(VoteError, match="another session"):
        box.cast(match(box, session="s2").match_id, "s1", "tie")
    with pytest.raises(VoteError, match="one of"):
        box.cast(match(box, session="s3").match_id, "s3", "A")
    assert BallotBox(tmp_path).voted_pairs("s1", "demo", "i1") == {"a\x00b"}
    assert [v.vote_id for v in BallotBox(tmp_path / "arena.sqlite").votes()] == [vote.vote_id]


def test_export_import_merge(tmp_path):
    mine, theirs = BallotBox(tmp_path / "me"), BallotBox(tmp_path / "them")
    mine.cast(match(mine).match_id, "s1", "left")
    theirs.cast(match(theirs, session="s9").match_id, "s9", "right")
    theirs.cast(match(theirs, session="s9", item="i2").match_id, "s9", "both_bad")
    assert theirs.export(tmp_path / "theirs.jsonl") == 2
    assert mine.import_votes(read_votes(tmp_path / "theirs.jsonl")) == (2, 0)
    assert mine.import_votes(read_votes(tmp_path / "theirs.jsonl")) == (0, 2)       # idempotent
    assert len(mine.votes()) == 3
    assert len(merge_votes([tmp_path / "theirs.jsonl", tmp_path / "them" / "arena.sqlite"])) == 2
    (tmp_path / "bad.jsonl").write_text('{"vote_id": "x", "schema_version": 1}\n')
    with pytest.raises(VoteError, match="bad.jsonl, line 1"):
        read_votes(tmp_path / "bad.jsonl")
    with pytest.raises(VoteError, match="not found"):
        read_votes(tmp_path / "missing.jsonl")
