"""A jury's verdicts from its members' judgments: pure (judgments in, decisions and the calls still needed out).

A task is what the jury gives one verdict on: an item in one order, or, for an aggregator that pools both
orders (Borda), an item. Its voters are the members (in the jury's order), or each member in each order.
`walk` goes through the voters of one task in order and says what became of each: used (a usable verdict),
failed (a failed call or an unparsable reply), excluded (it judges its own family's output), or not asked (an
early-stopping jury was settled before its turn); and which voters must still be asked. With early stopping
a member is asked only while the members still to come could change the vote: after the known votes, and
assuming that the members asked in the same round agree with the leader, the remaining weight must reach
the leader's lead (or `min_members` usable verdicts are not yet in hand).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

from judgebench.juries.aggregate import AGGREGATORS, Decision, majority_weight_needed
from judgebench.juries.spec import JurySpec
from judgebench.kinds import Label, TaskKind
from judgebench.run.records import Judgment

USED, FAILED, EXCLUDED, NOT_ASKED = "used", "failed", "excluded", "not asked"
_PHANTOM = object()        # the leader's label before any vote is known


@dataclass(frozen=True)
class Voter:
    member: str
    order: str | None


@dataclass(frozen=True)
class Task:
    item_id: str
    order: str | None                  # the order the jury's judgment is stored under
    voters: tuple[Voter, ...]


@dataclass(frozen=True)
class MemberVote:
    voter: Voter
    value: Label | None
    status: str
    note: str = ""

    def to_dict(self) -> dict:
        return {"judge": self.voter.member, "order": self.voter.order, "value": self.value, "status": self.status,
                "note": self.note}


@dataclass(frozen=True)
class Walk:
    votes: tuple[MemberVote, ...]
    ask: tuple[Voter, ...]             # voters whose calls must still be made before the task is settled

    @property
    def usable(self) -> list[Label]:
        return [v.value for v in self.votes if v.status == USED]


def tasks_of(jury: JurySpec, item_ids: Sequence[str], orders: Sequence[str | None]) -> list[Task]:
    pooled = AGGREGATORS.get(jury.aggregator).pools_orders
    if pooled:
        voters = tuple(Voter(m, o) for m in jury.member_names for o in orders)
        return [Task(item, orders[0], voters) for item in item_ids]
    return [Task(item, order, tuple(Voter(m, order) for m in jury.member_names))
            for item in item_ids for order in orders]


def _failure_note(judgment: Judgment) -> str:
    text = judgment.error or judgment.parse_error or "no verdict"
    return text if len(text) <= 200 else text[:197] + "..."


def walk(jury: JurySpec, task: Task, known: Mapping[tuple[str, str, str | None], Judgment],
         callable_voters: frozenset[Voter] | set[Voter], excluded: Mapping[str, str],
         weights: Mapping[str, float]) -> Walk:
    """What became of each voter of `task`, and whom to ask next. `known`: (member, item, order) -> its
    judgment; `callable_voters`: voters with a planned call; `excluded`: member -> the own-family system."""
    votes: list[MemberVote] = []
    ask: list[Voter] = []
    tally: dict = {}
    usable = 0
    live = [v for v in task.voters if v.member not in excluded]
    for voter in task.voters:
        if voter.member in excluded:
            votes.append(MemberVote(voter, None, EXCLUDED, f"judges its own family's output ({excluded[voter.member]})"))
            continue
        position = live.index(voter)
        if jury.early_stop and usable + len(ask) >= jury.min_members:
            later = sum(weights.get(v.member, 1.0) for v in live[position:])
            if later < majority_weight_needed(tally) or (tally and math.isclose(later, 0.0)):
                votes.append(MemberVote(voter, None, NOT_ASKED, "the vote was settled before its turn"))
                continue
        judgment = known.get((voter.member, task.item_id, voter.order))
        if judgment is None:
            if voter in callable_voters:
                ask.append(voter)
                leader = max(tally, key=tally.get) if tally else _PHANTOM
                tally[leader] = tally.get(leader, 0.0) + weights.get(voter.member, 1.0)
                votes.append(MemberVote(voter, None, NOT_ASKED, "to be asked"))
            else:
                votes.append(MemberVote(voter, None, FAILED, "no call was planned for it (it judges one order only)"))
            continue
        if judgment.value is None:
            votes.append(MemberVote(voter, None, FAILED, _failure_note(judgment)))
            continue
        usable += 1
        tally[judgment.value] = tally.get(judgment.value, 0.0) + weights.get(voter.member, 1.0)
        votes.append(MemberVote(voter, judgment.value, USED))
    return Walk(tuple(votes), tuple(ask))


def member_weights(jury: JurySpec, kind: TaskKind, known: Mapping[tuple[str, str, str | None], Judgment],
                   truth: Mapping[str, Label | None]) -> dict[str, dict[str, float]]:
    """item -> member -> log((K-1) a / (1-a)), a = the member's agreement with the humans on the *other*
    labeled items (a clipped to [0.001, 0.999]; a member no better than chance weighs 0). Where every member
    weighs 0 on an item (no other labeled items, say) they weigh 1 each: a plain majority."""
    k = len(kind.labels() or ()) or 2
    right: dict[str, dict[str, list[int]]] = {}
    for (member, item, _order), judgment in known.items():
        if member in jury.member_names and judgment.value is not None and truth.get(item) is not None:
            counts = right.setdefault(member, {}).setdefault(item, [0, 0])
            counts[0] += judgment.value == truth[item]
            counts[1] += 1
    totals = {m: [sum(c[0] for c in items.values()), sum(c[1] for c in items.values())] for m, items in right.items()}
    out: dict[str, dict[str, float]] = {}
    for item in {item for (_, item, _) in known}:
        weights = {}
        for member in jury.member_names:
            correct, seen = totals.get(member, [0, 0])
            own = right.get(member, {}).get(item, [0, 0])
            n = seen - own[1]
            a = min(0.999, max(0.001, (correct - own[0]) / n)) if n else 1 / k
            weights[member] = max(0.0, math.log((k - 1) * a / (1 - a)))
        out[item] = weights if any(w > 0 for w in weights.values()) else {m: 1.0 for m in weights}
    return out


@dataclass(frozen=True)
class Verdict:
    task: Task
    walk: Walk
    decision: Decision
    judgments: tuple[Judgment, ...]     # the member calls this verdict was made from (used and failed)


@dataclass(frozen=True)
class Deliberation:
    verdicts: tuple[Verdict, ...]       # the settled tasks
    ask: tuple[tuple[Voter, str], ...]  # (voter, item) calls still to make before the others are settled
    not_needed: int                     # member calls an early stop made unnecessary
    excluded: int                       # member votes left out for their own family


def walks(jury: JurySpec, kind: TaskKind, tasks: Sequence[Task],
          known: Mapping[tuple[str, str, str | None], Judgment], callable_voters: Mapping[str, set[Voter]],
          excluded: Mapping[str, Mapping[str, str]], truth: Mapping[str, Label | None]
          ) -> tuple[list[Walk], dict[str, dict[str, float]]]:
    """Every task's walk, and the members' weights per item (empty for an unweighted aggregator).
    `callable_voters`: item -> voters with a planned call; `excluded`: item -> member -> own-family system."""
    weights = member_weights(jury, kind, known, truth) if AGGREGATORS.get(jury.aggregator).weighted else {}
    return [walk(jury, t, known, callable_voters.get(t.item_id, set()), excluded.get(t.item_id, {}),
                 weights.get(t.item_id, {})) for t in tasks], weights


def deliberate(jury: JurySpec, kind: TaskKind, tasks: Sequence[Task],
               known: Mapping[tuple[str, str, str | None], Judgment], callable_voters: Mapping[str, set[Voter]],
               excluded: Mapping[str, Mapping[str, str]], truth: Mapping[str, Label | None]) -> Deliberation:
    """Walk every task; aggregate the settled ones (an aggregator like Dawid-Skene sees all of them at once)."""
    aggregator = AGGREGATORS.get(jury.aggregator)
    walked, weights = walks(jury, kind, tasks, known, callable_voters, excluded, truth)
    settled = [(t, w) for t, w in zip(tasks, walked) if not w.ask]
    ballots = [[v.value if v.status == USED else None for v in w.votes] for _, w in settled]
    ballot_weights = [[weights.get(t.item_id, {}).get(v.voter.member, 1.0) for v in w.votes] for t, w in settled]
    decisions = aggregator.decide(kind, ballots, ballot_weights, jury.tie_break) if settled else []
    verdicts = []
    for (task, w), decision in zip(settled, decisions):
        if len(w.usable) < jury.min_members:
            failed = sum(v.status == FAILED for v in w.votes)
            left_out = sum(v.status == EXCLUDED for v in w.votes)
            decision = Decision(None, detail=decision.detail, failure=(
                f"{len(w.usable)} usable member verdicts of {len(w.votes)} ({failed} failed, {left_out} excluded); "
                f"min_members is {jury.min_members}"))
        calls = tuple(known[(v.voter.member, task.item_id, v.voter.order)] for v in w.votes
                      if v.status in (USED, FAILED) and (v.voter.member, task.item_id, v.voter.order) in known)
        verdicts.append(Verdict(task, w, decision, calls))
    return Deliberation(tuple(verdicts), tuple((v, t.item_id) for t, w in zip(tasks, walked) for v in w.ask),
                        sum(v.status == NOT_ASKED for _, w in settled for v in w.votes),
                        sum(v.status == EXCLUDED for w in walked for v in w.votes))
