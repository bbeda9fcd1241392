"""A judge's confidence in each verdict, from what its judgments hold (pure: judgments in, numbers out).

In order of preference: the verdict's probability (logprobs, the embedded judge), else the share of its
samples that agree with their majority, else for a judge that saw both orders of a pair, 1 when the two
orders agree and 0.5 when they do not. `source` says which was used."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

from judgebench.data.schema import Label
from judgebench.kinds import combine_orders
from judgebench.run.records import Judgment

SOURCES = ("probability", "samples", "orders")


@dataclass(frozen=True)
class Confidences:
    judge: str
    source: str | None                      # one of SOURCES; None when the judgments give no confidence
    verdict: Mapping[str, Label | None]     # per item: the verdict (orders combined, samples' majority)
    confidence: Mapping[str, float]         # per item; a failed verdict has 0 (never kept)


def confidences(judge: str, judgments: Sequence[Judgment]) -> Confidences:
    mine = [j for j in judgments if j.judge_id == judge and j.ok]
    first = [j for j in mine if j.order in (None, "AB")]
    by_item: dict[str, list[Judgment]] = {}
    for j in first:
        by_item.setdefault(j.item_id, []).append(j)
    if any(j.prob is not None for j in first):
        lead = {k: min(js, key=lambda j: j.sample) for k, js in by_item.items()}
        return Confidences(judge, "probability", {k: j.value for k, j in lead.items()},
                           {k: float(j.prob) if j.value is not None and j.prob is not None else 0.0
                            for k, j in lead.items()})
    if any(len(js) > 1 for js in by_item.values()):
        verdict, confidence = {}, {}
        for item, js in by_item.items():
            counts = Counter(j.value for j in js if j.value is not None)
            top = counts.most_common(1)
            verdict[item] = top[0][0] if top else None
            confidence[item] = top[0][1] / len(js) if top else 0.0
        return Confidences(judge, "samples", verdict, confidence)
    second = {j.item_id: j.value for j in mine if j.order == "BA" and j.sample == 0}
    lead = {k: min(js, key=lambda j: j.sample).value for k, js in by_item.items()}
    if second:
        verdict = {k: combine_orders(v, second.get(k)) for k, v in lead.items()}
        return Confidences(judge, "orders", verdict,
                           {k: 0.0 if verdict[k] is None else 1.0 if v == second.get(k) else 0.5
                            for k, v in lead.items()})
    return Confidences(judge, None, lead, {k: 0.0 if v is None else 1.0 for k, v in lead.items()})
