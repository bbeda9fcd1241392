"""Battles between judges: on each item, the judge that agrees with the humans beats the one that does not."""

from __future__ import annotations

from itertools import combinations
from typing import Mapping, Sequence

from judgebench.data.schema import Item, Label
from judgebench.kinds import TaskKind


def item_battles(kind: TaskKind, items: Sequence[Item],
                 verdicts: Mapping[str, Mapping[str, Label | None]]) -> list[tuple[str, str, str]]:
    """(judge_x, judge_y, winner) for every pair of judges that both judged an item.

    The kind's battle rule decides each item against the humans' consensus (items without
    one give no battles): for labels, right beats wrong; for ratings, the smaller error wins.
    A failed verdict (None) is wrong; a judge that never saw the item takes no part, so a
    judge missing from a dataset is not penalised for it.
    """
    records = []
    for item in items:
        truth = kind.consensus(item.human)
        if truth is None:
            continue
        present = sorted(name for name, given in verdicts.items() if item.item_id in given)
        for x, y in combinations(present, 2):
            records.append((x, y, kind.battle(truth, verdicts[x][item.item_id], verdicts[y][item.item_id])))
    return records


def score_battles(scores: Mapping[str, Mapping[str, float]]) -> list[tuple[str, str, str]]:
    """Battles from each judge's score on each item (a published metric's per-item value): on an item both
    scored, the higher score wins and equal scores tie."""
    records = []
    items = sorted({item for given in scores.values() for item in given})
    for item in items:
        present = sorted(name for name, given in scores.items() if item in given)
        for x, y in combinations(present, 2):
            a, b = scores[x][item], scores[y][item]
            records.append((x, y, "x" if a > b else "y" if b > a else "tie"))
    return records
