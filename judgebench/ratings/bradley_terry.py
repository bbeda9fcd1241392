"""Bradley-Terry ratings of judges from battles, on the Elo scale, with bootstrap intervals.

As Chatbot Arena computes them (Chiang et al. 2024): maximum likelihood of
P(i beats j) = 1 / (1 + 10 ** ((R_j - R_i) / 400)), a tie counted as half a win for each
side; intervals from resampling battles; rank bounds from non-overlapping intervals.

Battles are first aggregated into a wins matrix (W[i, j] = wins of i over j, ties
counting 1/2), so the fit costs the same for a thousand or a million battles, and a
bootstrap resample is one multinomial draw over the distinct (pair, outcome) cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.optimize import minimize

SCALE = 400.0
BASE = 10.0
ANCHOR = 1000.0
_K = math.log(BASE) / SCALE      # Elo points -> natural log-odds


@dataclass(frozen=True)
class Battles:
    """Battles as counts: outcome 0 = first judge wins, 1 = second wins, 2 = tie."""

    judges: tuple[str, ...]
    first: np.ndarray
    second: np.ndarray
    outcome: np.ndarray
    count: np.ndarray

    @classmethod
    def from_records(cls, records: Sequence[tuple[str, str, str]]) -> "Battles":
        """Records (judge_x, judge_y, winner) with winner "x", "y" or "tie"."""
        judges = tuple(sorted({r[0] for r in records} | {r[1] for r in records}))
        index = {j: n for n, j in enumerate(judges)}
        code = {"x": 0, "y": 1, "tie": 2}
        return cls.from_arrays(judges, np.fromiter((index[r[0]] for r in records), np.int64, len(records)),
                               np.fromiter((index[r[1]] for r in records), np.int64, len(records)),
                               np.fromiter((code[r[2]] for r in records), np.int64, len(records)))

    @classmethod
    def from_arrays(cls, judges: Sequence[str], first: np.ndarray, second: np.ndarray,
                    outcome: np.ndarray) -> "Battles":
        """One entry per battle: judge indices and the outcome code; aggregated into distinct cells."""
        n = len(judges)
        keys = (np.asarray(first, np.int64) * n + np.asarray(second, np.int64)) * 3 + np.asarray(outcome, np.int64)
        cells, counts = np.unique(keys, return_counts=True)
        return cls(tuple(judges), cells // 3 // n, cells // 3 % n, cells % 3, counts.astype(float))

    @property
    def total(self) -> int:
        return int(self.count.sum())

    def wins_matrix(self, count: np.ndarray | None = None) -> np.ndarray:
        count = self.count if count is None else count
        n = len(self.judges)
        wins = np.zeros((n, n))
        first_share = np.select([self.outcome == 0, self.outcome == 1], [1.0, 0.0], 0.5)
        np.add.at(wins, (self.first, self.second), count * first_share)
        np.add.at(wins, (self.second, self.first), count * (1 - first_share))
        return wins


def fit_ratings(wins: np.ndarray, anchor: int | None = None) -> np.ndarray:
    """Elo-scale ratings maximising sum W_ij log sigma(k (R_i - R_j)).

    Ratings are defined up to a shift: the mean is ANCHOR, or judge `anchor` is pinned at
    ANCHOR. A judge that never battled gets NaN. A tiny ridge keeps ratings finite for a
    judge that won (or lost) every battle, as a logistic regression solver's tolerance does."""
    n = len(wins)
    played = (wins.sum(axis=0) + wins.sum(axis=1)) > 0
    total = wins + wins.T

    def objective(theta):
        diff = theta[:, None] - theta[None, :]
        log_p = -np.logaddexp(0.0, -diff)
        p = np.exp(log_p)
        value = -(wins * log_p).sum() + 1e-6 * (theta ** 2).sum()
        gradient = -(wins - total * p).sum(axis=1) + 2e-6 * theta
        return value, gradient

    result = minimize(objective, np.zeros(n), jac=True, method="L-BFGS-B", options={"gtol": 1e-9, "maxiter": 1000})
    ratings = result.x / _K
    ratings[~played] = np.nan
    shift = ratings[anchor] if anchor is not None else np.nanmean(ratings)
    return ratings - shift + ANCHOR


@dataclass(frozen=True)
class Rating:
    judge: str
    rating: float
    low: float
    high: float
    rank_best: int        # 1 + judges whose lower bound is above this one's upper bound (Arena's "rank (UB)")
    rank_worst: int       # judges whose upper bound is not below this one's lower bound
    battles: int


def arena_ratings(battles: Battles, *, rounds: int = 100, level: float = 0.95, seed: int | None = 0,
                  anchor: str | None = None) -> list[Rating]:
    """BT ratings with percentile intervals over `rounds` bootstrap resamples of the battles."""
    anchor_index = battles.judges.index(anchor) if anchor is not None else None
    estimate = fit_ratings(battles.wins_matrix(), anchor_index)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(battles.total, battles.count / battles.total, size=rounds)
    samples = np.array([fit_ratings(battles.wins_matrix(draw.astype(float)), anchor_index) for draw in draws])
    alpha = (1 - level) / 2
    low, high = np.nanquantile(samples, alpha, axis=0), np.nanquantile(samples, 1 - alpha, axis=0)
    per_judge = np.zeros(len(battles.judges))
    np.add.at(per_judge, battles.first, battles.count)
    np.add.at(per_judge, battles.second, battles.count)
    ratings = []
    for i, judge in enumerate(battles.judges):
        best = 1 + int(np.sum(low > high[i]))
        worst = int(np.sum(high >= low[i]))
        ratings.append(Rating(judge, float(estimate[i]), float(low[i]), float(high[i]), best, worst,
                              int(per_judge[i])))
    return sorted(ratings, key=lambda r: -r.rating)


def online_elo(records: Sequence[tuple[str, str, str]], *, k: float = 4.0, initial: float = ANCHOR) -> dict[str, float]:
    """Sequential Elo over battles in the order given (Chatbot Arena's K = 4), for comparison:
    unlike Bradley-Terry it depends on the order and weighs recent battles more."""
    ratings: dict[str, float] = {}
    for x, y, winner in records:
        rx, ry = ratings.setdefault(x, initial), ratings.setdefault(y, initial)
        expected_x = 1 / (1 + BASE ** ((ry - rx) / SCALE))
        score_x = {"x": 1.0, "y": 0.0, "tie": 0.5}[winner]
        ratings[x] = rx + k * (score_x - expected_x)
        ratings[y] = ry + k * ((1 - score_x) - (1 - expected_x))
    return ratings


def connected_groups(records: Sequence[tuple[str, str, str]]) -> list[list[str]]:
    """The judges that battles connect, directly or through others, largest group first. Bradley-Terry puts
    judges on one scale only within such a group: between groups no battle says how they compare."""
    parent: dict[str, str] = {}

    def root(judge: str) -> str:
        while parent.setdefault(judge, judge) != judge:
            parent[judge] = parent[parent[judge]]
            judge = parent[judge]
        return judge

    for x, y, _ in records:
        parent[root(x)] = root(y)
    groups: dict[str, list[str]] = {}
    for judge in sorted(parent):
        groups.setdefault(root(judge), []).append(judge)
    return sorted(groups.values(), key=lambda g: (-len(g), g))
