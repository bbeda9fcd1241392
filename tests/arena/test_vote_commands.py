"""`judgebench arena export|import` and `judgebench leaderboard --votes`."""

import json

from judgebench.arena.ballots import BallotBox
from tests.conftest import REPO
from tests.test_cli import cli


def seed_votes(home, session, plan):
    box = BallotBox(home)
    for n, (left, right, choice) in enumerate(plan):
        made = box.add_match(session, "demo", f"i{n}", {"input": "q"}, left, right, "x", "y", None, None, None, "v")
        box.cast(made.match_id, session, choice)


def test_export_import_and_vote_leaderboard(tmp_path):
    seed_votes(tmp_path / "alice", "alice", [("good", "bad", "left")] * 6 + [("bad", "good", "right")] * 6)
    seed_votes(tmp_path / "bob", "bob", [("good", "meh", "left"), ("meh", "bad", "left"), ("bad", "meh", "tie")])
    out = cli("arena", "export", "-o", str(tmp_path / "bob.jsonl"), "--home", str(tmp_path / "bob"), cwd=REPO)
    assert "wrote 3 votes" in out.stdout
    merged = cli("arena", "import", str(tmp_path / "bob.jsonl"), "--home", str(tmp_path / "alice"), cwd=REPO)
    assert "3 votes added, 0 already here" in merged.stdout
    again = cli("arena", "import", str(tmp_path / "bob.jsonl"), "--home", str(tmp_path / "alice"), cwd=REPO)
    assert "0 votes added, 3 already here" in again.stdout

    board = cli("leaderboard", "--results", str(tmp_path / "no-runs"), "--votes", str(tmp_path / "alice"),
                "--out", str(tmp_path / "lb"), "--min-votes", "5", "--rounds", "30", cwd=REPO)
    assert "15 arena votes" in board.stdout
    data = json.loads((tmp_path / "lb" / "data.json").read_text())["votes"]
    assert data["votes"] == 15 and data["voters"] == 2
    ratings = {r["judge"]: r for r in data["ratings"]}
    assert ratings["good"]["rating"] > ratings["meh"]["rating"] > ratings["bad"]["rating"]
    assert ratings["meh"]["preliminary"] and not ratings["good"]["preliminary"]
    assert data["position_bias"]["decisive"] == 14 and data["position_bias"]["left_wins"] == 8
    markdown = (tmp_path / "lb" / "leaderboard.md").read_text()
    assert "## Judge Arena: people's votes" in markdown and "meh (preliminary)" in markdown


def test_no_runs_and_no_votes_is_an_error(tmp_path):
    result = cli("leaderboard", "--results", str(tmp_path / "none"), "--votes", str(tmp_path / "empty.jsonl"),
                 cwd=REPO, check=False)
    assert result.returncode == 2 and "not found" in result.stderr
