"""Battles between judges: on each item, the judge that agrees with the humans beats the one that does not."""

from __future__ import annotations

from itertools import combinations
from typing import Mapping, Sequence

from judgebench.data.schema import Item, Label, TaskKind
from judgebench.metrics.coverage import consensus


def item_battles(kind: TaskKind, items: Sequence[Item],
                 verdicts: Mapping[str, Mapping[str, Label | None]]) -> list[tuple[str, str, str]]:
    """(judge_x, judge_y, winner) for every pair of judges that both judged an item.

    Binary and pairwise: a verdict is right when it equals the human consensus (items
    without one give no battles); right beats wrong, and both right or both wrong is a
    tie. Likert: the smaller absolute error from the human mean wins. A failed verdict
    (None) is wrong; a judge that never saw the item takes no part, so a judge missing
    from a dataset is not penalised for it.
    """
    records = []
    for item in items:
        truth = consensus(list(item.human), kind.value)
        if truth is None:
            continue
        present = sorted(name for name, given in verdicts.items() if item.item_id in given)
        for x, y in combinations(present, 2):
            vx, vy = verdicts[x][item.item_id], verdicts[y][item.item_id]
            if kind is TaskKind.LIKERT:
                ex = abs(float(vx) - truth) if vx is not None else float("inf")
                ey = abs(float(vy) - truth) if vy is not None else float("inf")
                winner = "x" if ex < ey else "y" if ey < ex else "tie"
            else:
                rx, ry = vx is not None and vx == truth, vy is not None and vy == truth
                winner = "x" if rx and not ry else "y" if ry and not rx else "tie"
            records.append((x, y, winner))
    return records
