"""How a jury turns its members' verdicts into one: each aggregator declared once, with the kinds it fits.

Pure functions: `votes[t]` holds one entry per voter on task t (a member, or a member in one order for an
aggregator that pools both orders), None where that voter gave no usable verdict; `weights[t]` the voters'
weights on that task (1 for an unweighted vote). Which aggregator fits which kind is read off the kind's
properties (`labels()`, `level`, `sides`), never its name.

- majority: the most common verdict. A tie is broken by `tie_break`: "first" takes the tied verdict of the
  earliest member in the jury's order, "fail" makes it a failed verdict.
- weighted: the same vote with each member weighted by log((K-1) a / (1-a)), a = its agreement with the
  humans on the other labeled items (leave-one-out, so an item's own label never weighs its verdict); the
  optimal weights for independent voters (Nitzan & Paroush 1982). Computed in `deliberate.member_weights`.
- mean / median: ratings averaged and rounded onto the scale; the unrounded value is kept in the detail.
- borda: pairs judged in both orders; each member x order gives a point to the side it prefers (half each
  for a tie); the side with more points wins, equal points are a tie.
- dawid_skene: the labels that Dawid-Skene's EM (crowd-kit) finds most likely from all tasks' votes, with
  their posterior probability; it weighs members by their estimated confusion matrices, without labels.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from judgebench.kinds import Label, TaskKind
from judgebench.registry import Registry

Votes = Sequence[Sequence[Label | None]]
Weights = Sequence[Sequence[float]]
TIE_BREAKS = ("first", "fail")


@dataclass(frozen=True)
class Decision:
    value: Label | None
    prob: float | None = None                       # share of the (weighted) vote behind `value`, or its posterior
    choice_probs: Mapping[str, float] | None = None
    detail: str = ""                                # how it was reached, for people
    failure: str | None = None                      # why there is no verdict


@dataclass(frozen=True)
class Aggregator:
    name: str
    decide: Callable[[TaskKind, Votes, Weights, str], list[Decision]]
    fits: Callable[[TaskKind], bool]
    needs: str                       # what the kind must have, in words (the error message)
    early_stop: bool = False         # the vote can be settled before every member is asked
    pools_orders: bool = False       # one decision per item from the members' verdicts in both orders
    weighted: bool = False           # weights come from the members' agreement with the humans
    description: str = ""


def _tally(votes: Sequence[Label | None], weights: Sequence[float]) -> tuple[dict, dict]:
    tally: dict = {}
    first: dict = {}
    for n, (vote, weight) in enumerate(zip(votes, weights, strict=True)):
        if vote is not None:
            tally[vote] = tally.get(vote, 0.0) + weight
            first.setdefault(vote, n)
    return tally, first


def vote(votes: Sequence[Label | None], weights: Sequence[float], tie_break: str) -> Decision:
    """A (weighted) plurality vote over one task."""
    tally, first = _tally(votes, weights)
    if not tally:
        return Decision(None, failure="no usable member verdict")
    total = sum(tally.values())
    top = max(tally.values())
    leaders = [v for v, w in tally.items() if math.isclose(w, top, rel_tol=1e-9, abs_tol=1e-12)]
    shares = {str(v): w / total for v, w in tally.items()} if total > 0 else None
    spelled = ", ".join(f"{v}: {w:g}" for v, w in sorted(tally.items(), key=lambda vw: -vw[1]))
    if len(leaders) > 1:
        if tie_break == "fail":
            return Decision(None, choice_probs=shares, detail=spelled,
                            failure=f"the vote is tied ({spelled}) and tie_break is 'fail'")
        winner = min(leaders, key=first.__getitem__)
        spelled += f"; tie broken by the earliest member ({winner})"
    else:
        winner = leaders[0]
    return Decision(winner, shares[str(winner)] if shares else None, shares, spelled)


def _majority(kind: TaskKind, votes: Votes, weights: Weights, tie_break: str) -> list[Decision]:
    return [vote(v, [1.0] * len(v), tie_break) for v in votes]


def _weighted(kind: TaskKind, votes: Votes, weights: Weights, tie_break: str) -> list[Decision]:
    return [vote(v, w, tie_break) for v, w in zip(votes, weights, strict=True)]


def _central(center: Callable[[list[float]], float], word: str):
    def decide(kind: TaskKind, votes: Votes, weights: Weights, tie_break: str) -> list[Decision]:
        out = []
        for task in votes:
            ratings = [float(v) for v in task if v is not None]
            if not ratings:
                out.append(Decision(None, failure="no usable member verdict"))
                continue
            value = center(ratings)
            out.append(Decision(kind.snap(value), detail=f"{word} {value:g} of {len(ratings)} ratings"))
        return out
    return decide


def _borda(kind: TaskKind, votes: Votes, weights: Weights, tie_break: str) -> list[Decision]:
    first, second = kind.labels()[:2]            # the two sides, as labels ("A", "B")
    out = []
    for task in votes:
        usable = [v for v in task if v is not None]
        if not usable:
            out.append(Decision(None, failure="no usable member verdict"))
            continue
        points = {first: 0.0, second: 0.0}
        for v in usable:
            if v in points:
                points[v] += 1.0
            else:                                # a tie: half a point to each side
                points[first] += 0.5
                points[second] += 0.5
        a, b = points[first], points[second]
        winner = first if a > b else second if b > a else kind.labels()[2] if len(kind.labels()) > 2 else None
        detail = f"{first} {a:g} points, {second} {b:g} points over {len(usable)} member x order verdicts"
        if winner is None:
            out.append(Decision(None, detail=detail, failure="equal points and the kind has no tie"))
        else:
            out.append(Decision(winner, max(a, b) / (a + b), {str(first): a / (a + b), str(second): b / (a + b)},
                                detail))
    return out


def _dawid_skene(kind: TaskKind, votes: Votes, weights: Weights, tie_break: str) -> list[Decision]:
    from judgebench.trust.unsupervised import crowdkit_dawid_skene

    import pandas as pd

    spelled = {str(v): v for task in votes for v in task if v is not None}
    rows = [(t, voter, str(v)) for t, task in enumerate(votes) for voter, v in enumerate(task) if v is not None]
    if not rows:
        return [Decision(None, failure="no usable member verdict") for _ in votes]
    model = crowdkit_dawid_skene()(n_iter=100).fit(pd.DataFrame(rows, columns=["task", "worker", "label"]))
    out = []
    for t, task in enumerate(votes):
        if t not in model.labels_.index:
            out.append(Decision(None, failure="no usable member verdict"))
            continue
        posterior = {str(k): float(p) for k, p in model.probas_.loc[t].items()}
        label = str(model.labels_.loc[t])
        out.append(Decision(spelled[label], posterior[label], posterior,
                            f"Dawid-Skene posterior {posterior[label]:.3f} over {sum(v is not None for v in task)} "
                            "member verdicts"))
    return out


AGGREGATORS: Registry[Aggregator] = Registry("aggregator")
for _aggregator in (
        Aggregator("majority", _majority, lambda kind: True, "any kind", early_stop=True,
                   description="the most common verdict; ties broken by tie_break"),
        Aggregator("weighted", _weighted, lambda kind: kind.labels() is not None, "a kind with fixed labels",
                   early_stop=True, weighted=True,
                   description="each member weighted by log((K-1)a/(1-a)), a its leave-one-out agreement with the "
                               "humans"),
        Aggregator("mean", _central(statistics.fmean, "mean"), lambda kind: kind.level == "interval",
                   "ratings on a scale", description="the mean rating, rounded onto the scale"),
        Aggregator("median", _central(statistics.median, "median"), lambda kind: kind.level == "interval",
                   "ratings on a scale", description="the median rating, rounded onto the scale"),
        Aggregator("borda", _borda, lambda kind: kind.sides is not None, "a kind that compares two sides",
                   pools_orders=True, description="points for each side over every member x order"),
        Aggregator("dawid_skene", _dawid_skene, lambda kind: kind.labels() is not None, "a kind with fixed labels",
                   description="Dawid-Skene's most likely label (crowd-kit), members weighed without labels")):
    AGGREGATORS.add(_aggregator.name, _aggregator)


def fitting(kind: TaskKind) -> list[str]:
    """The aggregators a kind allows."""
    return [name for name in AGGREGATORS.names() if AGGREGATORS.get(name).fits(kind)]


def majority_weight_needed(tally: Mapping[Label, float]) -> float:
    """The lead of the top verdict over the runner-up: later voters change the outcome only if they can close it."""
    ranked = sorted(tally.values(), reverse=True)
    return (ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)) if ranked else 0.0

