"""Judge Arena votes: people compare two anonymous judges' evaluations of one item (pure, no I/O).

Pairing rule (who is shown next):
    every unordered pair of judges that this voter has not yet voted on for this item is a
    candidate, drawn with weight  1 / (1 + n_i + n_j) * exp(-|R_i - R_j| / 200),
    n = votes a judge has so far, R = its Bradley-Terry rating from all votes so far (1000
    without votes). Judges with few votes and pairs with close ratings come up more often; the
    sides are then assigned at random, left or right with probability 1/2.

In the ratings, "left better" and "right better" are wins; "tie" and "both bad" count as ties,
as in Chatbot Arena and Judge Arena.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from scipy import stats

from judgebench.ratings.bradley_terry import ANCHOR, Battles, fit_ratings

CHOICES = ("left", "right", "tie", "both_bad")
RATING_TEMPERATURE = 200.0
VOTE_SCHEMA_VERSION = 2


@dataclass(frozen=True)
class Vote:
    vote_id: str
    created: float               # unix time
    session: str                 # the voter's browser session (a random id, not a person's name)
    dataset: str
    item_id: str
    left: str                    # judge shown on the left
    right: str
    choice: str                  # left | right | tie | both_bad
    left_score: float | None = None
    right_score: float | None = None
    prompt_hash: str = ""         # the arena prompt's CriteriaPrompt.hash
    schema_version: int = VOTE_SCHEMA_VERSION

    def __post_init__(self):
        if self.choice not in CHOICES:
            raise ValueError(f"vote {self.vote_id}: choice must be one of {CHOICES}, got {self.choice!r}")
        if self.left == self.right:
            raise ValueError(f"vote {self.vote_id}: a judge cannot face itself")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Vote":
        if data.get("schema_version") not in (1, VOTE_SCHEMA_VERSION):
            raise ValueError(f"vote schema version {data.get('schema_version')!r} is not supported "
                             f"(this judgebench reads versions 1 and {VOTE_SCHEMA_VERSION})")
        if data.get("schema_version") == 1:        # version 1 called the prompt's hash prompt_version
            data = {k: v for k, v in data.items() if k != "prompt_version"} | {
                "prompt_hash": data.get("prompt_version", ""), "schema_version": VOTE_SCHEMA_VERSION}
        names = {f.name for f in dataclasses.fields(cls)}
        missing = [n for n in ("vote_id", "created", "session", "dataset", "item_id", "left", "right", "choice")
                   if n not in data]
        if missing:
            raise ValueError(f"vote record lacks {', '.join(missing)}")
        return cls(**{k: v for k, v in data.items() if k in names})


def pair_key(a: str, b: str) -> str:
    return "\x00".join(sorted((a, b)))


def battle_records(votes: Iterable[Vote]) -> list[tuple[str, str, str]]:
    """(left, right, winner) records for Bradley-Terry: winner "x" (left), "y" (right) or "tie"."""
    winner = {"left": "x", "right": "y", "tie": "tie", "both_bad": "tie"}
    return [(v.left, v.right, winner[v.choice]) for v in votes]


def current_ratings(judges: Sequence[str], votes: Sequence[Vote]) -> dict[str, float]:
    """Point ratings from the votes so far (no bootstrap); ANCHOR for judges without votes."""
    records = [r for r in battle_records(votes) if r[0] in judges and r[1] in judges]
    out = {j: ANCHOR for j in judges}
    if records:
        battles = Battles.from_records(records)
        for judge, rating in zip(battles.judges, fit_ratings(battles.wins_matrix())):
            if math.isfinite(rating):
                out[judge] = float(rating)
    return out


def pair_weights(judges: Sequence[str], vote_counts: Mapping[str, int], ratings: Mapping[str, float],
                 excluded: Iterable[str] = ()) -> dict[tuple[str, str], float]:
    """The weight of every allowed unordered pair (see the module's pairing rule)."""
    excluded = set(excluded)
    weights = {}
    for i, a in enumerate(judges):
        for b in judges[i + 1:]:
            if pair_key(a, b) in excluded:
                continue
            closeness = math.exp(-abs(ratings.get(a, ANCHOR) - ratings.get(b, ANCHOR)) / RATING_TEMPERATURE)
            weights[(a, b)] = closeness / (1 + vote_counts.get(a, 0) + vote_counts.get(b, 0))
    return weights


def choose_pair(judges: Sequence[str], votes: Sequence[Vote], excluded: Iterable[str],
                rng: random.Random) -> tuple[str, str] | None:
    """(left, right) for the next match, or None when every pair is excluded."""
    counts: dict[str, int] = {}
    for v in votes:
        counts[v.left] = counts.get(v.left, 0) + 1
        counts[v.right] = counts.get(v.right, 0) + 1
    weights = pair_weights(list(judges), counts, current_ratings(judges, votes), excluded)
    if not weights:
        return None
    pairs = list(weights)
    a, b = rng.choices(pairs, weights=[weights[p] for p in pairs])[0]
    return (a, b) if rng.random() < 0.5 else (b, a)


@dataclass(frozen=True)
class VoterPositionBias:
    decisive: int                # votes for one side (not tie / both bad)
    left_wins: int
    left_share: float            # 0.5 = voters do not favour a side
    low: float
    high: float
    p_value: float               # exact binomial test of left_share = 0.5


def voter_position_bias(votes: Sequence[Vote], level: float = 0.95) -> VoterPositionBias:
    decisive = [v for v in votes if v.choice in ("left", "right")]
    left = sum(v.choice == "left" for v in decisive)
    if not decisive:
        return VoterPositionBias(0, 0, float("nan"), float("nan"), float("nan"), float("nan"))
    test = stats.binomtest(left, len(decisive), 0.5)
    interval = test.proportion_ci(confidence_level=level, method="wilson")
    return VoterPositionBias(len(decisive), left, left / len(decisive), float(interval.low), float(interval.high),
                        float(test.pvalue))


def votes_per_judge(votes: Sequence[Vote]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in votes:
        for judge in (v.left, v.right):
            counts[judge] = counts.get(judge, 0) + 1
    return counts
