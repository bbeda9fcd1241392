"""Judge Arena storage: matches shown to voters and the votes they cast, in `arena.sqlite`.

A match holds the two judges' names on the server only; a page gets them back after the vote.
Votes are unique per (voter session, item, pair of judges), and by vote_id, so importing the same
export twice, or merging several people's exports, never counts a vote twice.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from judgebench.arena.votes import CHOICES, Vote, pair_key
from judgebench.errors import UserError
from judgebench.sqlite import connect

DB_NAME = "arena.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS matches (
    match_id TEXT PRIMARY KEY, created REAL NOT NULL, session TEXT NOT NULL, dataset TEXT NOT NULL,
    item_id TEXT NOT NULL, fields TEXT NOT NULL, left_judge TEXT NOT NULL, right_judge TEXT NOT NULL,
    left_text TEXT, right_text TEXT, left_score REAL, right_score REAL, cost_usd REAL, prompt_version TEXT,
    voted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS votes (
    vote_id TEXT PRIMARY KEY, created REAL NOT NULL, session TEXT NOT NULL, dataset TEXT NOT NULL,
    item_id TEXT NOT NULL, pair TEXT NOT NULL, record TEXT NOT NULL, UNIQUE (session, dataset, item_id, pair));
"""


class VoteError(UserError, ValueError):
    pass


@dataclass(frozen=True)
class Match:
    match_id: str
    session: str
    dataset: str
    item_id: str
    fields: Mapping[str, Any]
    left: str
    right: str
    left_text: str
    right_text: str
    left_score: float | None
    right_score: float | None
    cost_usd: float | None
    prompt_hash: str              # stored in the column prompt_version (named so before v2 of the votes)
    voted: bool


class BallotBox:
    def __init__(self, location: str | Path):
        """`location`: a folder (the library home; the file is arena.sqlite in it) or a .sqlite file."""
        location = Path(location)
        self.path = location if location.suffix == ".sqlite" else location / DB_NAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    def _connect(self):
        return connect(self.path)

    def add_match(self, session: str, dataset: str, item_id: str, fields: Mapping[str, Any], left: str, right: str,
                  left_text: str, right_text: str, left_score: float | None, right_score: float | None,
                  cost_usd: float | None, prompt_hash: str) -> Match:
        match = Match(f"m-{secrets.token_hex(8)}", session, dataset, item_id, dict(fields), left, right, left_text,
                      right_text, left_score, right_score, cost_usd, prompt_hash, False)
        with self._connect() as db:
            db.execute("INSERT INTO matches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                       (match.match_id, time.time(), session, dataset, item_id, json.dumps(match.fields), left, right,
                        left_text, right_text, left_score, right_score, cost_usd, prompt_hash))
        return match

    def match(self, match_id: str) -> Match:
        with self._connect() as db:
            row = db.execute("SELECT match_id, session, dataset, item_id, fields, left_judge, right_judge, left_text, "
                             "right_text, left_score, right_score, cost_usd, prompt_version, voted FROM matches "
                             "WHERE match_id = ?", (match_id,)).fetchone()
        if row is None:
            raise VoteError(f"no match {match_id!r}")
        return Match(*row[:4], json.loads(row[4]), *row[5:13], bool(row[13]))

    def cast(self, match_id: str, session: str, choice: str) -> Vote:
        if choice not in CHOICES:
            raise VoteError(f"a vote is one of {', '.join(CHOICES)}, not {choice!r}")
        match = self.match(match_id)
        if match.session != session:
            raise VoteError("this match was shown to another session")
        vote = Vote(f"v-{secrets.token_hex(8)}", time.time(), session, match.dataset, match.item_id, match.left,
                    match.right, choice, match.left_score, match.right_score, match.prompt_hash)
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                if db.execute("SELECT voted FROM matches WHERE match_id = ?", (match_id,)).fetchone()[0]:
                    raise VoteError("this match has been voted on already")
                _insert_vote(db, vote)
                db.execute("UPDATE matches SET voted = 1 WHERE match_id = ?", (match_id,))
            except sqlite3.IntegrityError:
                db.execute("ROLLBACK")
                raise VoteError("you have already voted on this pair of judges for this item") from None
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        return vote

    def voted_pairs(self, session: str, dataset: str, item_id: str) -> set[str]:
        with self._connect() as db:
            return {r[0] for r in db.execute("SELECT pair FROM votes WHERE session = ? AND dataset = ? AND item_id = ?",
                                             (session, dataset, item_id))}

    def votes(self) -> list[Vote]:
        with self._connect() as db:
            rows = db.execute("SELECT record FROM votes ORDER BY created, vote_id").fetchall()
        return [Vote.from_dict(json.loads(r[0])) for r in rows]

    def export(self, path: str | Path) -> int:
        votes = self.votes()
        Path(path).write_text(votes_jsonl(votes), encoding="utf-8")
        return len(votes)

    def import_votes(self, votes: Iterable[Vote]) -> tuple[int, int]:
        """(added, skipped): a vote already here (same id, or same voter, item and pair) is skipped."""
        added = skipped = 0
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            for vote in votes:
                try:
                    _insert_vote(db, vote)
                    added += 1
                except sqlite3.IntegrityError:
                    skipped += 1
            db.execute("COMMIT")
        return added, skipped


def votes_jsonl(votes: Iterable[Vote]) -> str:
    return "".join(json.dumps(v.to_dict(), ensure_ascii=False) + "\n" for v in votes)


def read_votes(path: str | Path) -> list[Vote]:
    """Votes from a JSONL export, or from an arena.sqlite; errors name the file and line."""
    path = Path(path)
    if not path.exists():
        raise VoteError(f"{path}: not found")
    if path.suffix == ".sqlite" or path.is_dir():
        return BallotBox(path).votes()
    votes = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            votes.append(Vote.from_dict(json.loads(line)))
        except (ValueError, TypeError) as exc:
            raise VoteError(f"{path}, line {number}: {exc}") from None
    return votes


def _insert_vote(db: sqlite3.Connection, vote: Vote) -> None:
    db.execute("INSERT INTO votes VALUES (?, ?, ?, ?, ?, ?, ?)",
               (vote.vote_id, vote.created, vote.session, vote.dataset, vote.item_id, pair_key(vote.left, vote.right),
                json.dumps(vote.to_dict(), ensure_ascii=False)))


def merge_votes(sources: Iterable[str | Path]) -> list[Vote]:
    """Votes from several files, each counted once (by vote id)."""
    seen: dict[str, Vote] = {}
    for source in sources:
        for vote in read_votes(source):
            seen.setdefault(vote.vote_id, vote)
    return sorted(seen.values(), key=lambda v: (v.created, v.vote_id))


def default_votes(home: str | Path | None = None) -> list[Vote]:
    """The votes in the library's arena.sqlite (`home`, else the default library), if there is one."""
    from judgebench.home import default_home

    path = Path(home or default_home()) / DB_NAME
    return BallotBox(path).votes() if path.exists() else []
