"""A run's juries: which member calls wait for an early stop, the follow-up rounds, and the jury judgments.

Members' calls are planned like any judge's and go through the same runner, cache and store. A member that
only early-stopping juries use is not called up front: after each round the juries are walked again over
what the store holds, and only the calls that could still change a vote are made in the next round. When
the calls are done, each jury's verdicts are made from the stored member judgments and stored as the jury's
own judgments (recomputed on every run, so a resumed run's jury sees its members' latest verdicts).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Sequence

from judgebench.config import RunConfig
from judgebench.data.schema import Dataset
from judgebench.judges.families import own_systems
from judgebench.juries.deliberate import Task, Verdict, Voter, deliberate, tasks_of, walks
from judgebench.juries.spec import JurySpec
from judgebench.run.plan import PlannedCall
from judgebench.run.records import Judgment
from judgebench.run.runner import SessionStats
from judgebench.run.store import RunStore


def early_stop_members(config: RunConfig) -> set[str]:
    """Members asked only where an early-stopping jury needs them (a member not asked on every item is not
    scored alone)."""
    full = {j.name for j in config.judges} - set(config.jury_members_only)
    full |= {m for jury in config.juries if not jury.early_stop for m in jury.member_names}
    return {j.name for j in config.judges} - full


@dataclass
class JuryRounds:
    config: RunConfig
    dataset: Dataset
    calls: Sequence[PlannedCall]

    def __post_init__(self):
        self.partial = early_stop_members(self.config)
        self.by_voter = {(c.judge.name, c.item_id, c.order): c for c in self.calls if c.sample == 0}
        self.callable: dict[str, set[Voter]] = {}
        for member, item, order in self.by_voter:
            self.callable.setdefault(item, set()).add(Voter(member, order))
        kind = self.dataset.kind
        self.truth = {i.item_id: kind.consensus(i.human) for i in self.dataset.items}
        orders = {jury.name: kind.orders(any(m.both_orders for m in jury.members)) for jury in self.config.juries}
        ids = [i.item_id for i in self.dataset.items]
        self.tasks = {jury.name: tasks_of(jury, ids, orders[jury.name]) for jury in self.config.juries}
        self.excluded = {jury.name: self._excluded(jury) for jury in self.config.juries}
        self._issued: set[str] = set()

    def _excluded(self, jury: JurySpec) -> dict[str, dict[str, str]]:
        if not jury.exclude_same_family:
            return {}
        out: dict[str, dict[str, str]] = {}
        for item in self.dataset.items:
            for member in jury.members:
                if systems := own_systems(item.fields, member.family):
                    out.setdefault(item.item_id, {})[member.name] = ", ".join(systems)
        return out

    def initial(self) -> list[PlannedCall]:
        """The calls made up front: all but the partial members'."""
        return [c for c in self.calls if c.judge.name not in self.partial]

    def _inputs(self, jury: JurySpec, judgments: Sequence[Judgment]) -> tuple:
        known = {(j.judge_id, j.item_id, j.order): j for j in judgments if j.sample == 0 and j.judge_id in
                 jury.member_names}
        return (jury, self.dataset.kind, self.tasks[jury.name], known, self.callable, self.excluded[jury.name],
                self.truth)

    def follow_up(self, judgments: Sequence[Judgment]) -> list[PlannedCall]:
        """The partial members' calls that the early-stopping juries still need, each made at most once per session
        (a call that was made and failed is a failed member verdict, not a reason to ask again)."""
        done = {j.key for j in judgments if j.ok}
        wanted: dict[str, PlannedCall] = {}
        for jury in self.config.juries:
            if not jury.early_stop:
                continue
            walked, _ = walks(*self._inputs(jury, judgments))
            for task, walk in zip(self.tasks[jury.name], walked):
                for voter in walk.ask:
                    call = self.by_voter.get((voter.member, task.item_id, voter.order))
                    if call is not None and call.key not in done and call.key not in self._issued:
                        wanted.setdefault(call.key, call)
        # every sample of a wanted call, so that a member with samples > 1 is asked as it would be up front
        keys = {(c.judge.name, c.item_id, c.order) for c in wanted.values()}
        more = [c for c in self.calls if (c.judge.name, c.item_id, c.order) in keys and c.key not in done]
        self._issued |= {c.key for c in more}
        return more

    def store_verdicts(self, store: RunStore, stats: SessionStats) -> dict[str, Any]:
        """Append the juries' judgments to the run, count them in the session's stats, and say per jury what its
        member calls were. The judgments are made here, from the members' verdicts, with no model call."""
        judgments = store.load()
        made, report = self.verdicts(judgments, self.config.run_id)
        for judgment in made:
            store.append(judgment)
        # the partial members' judgments that an earlier session made are part of the run, though not planned now
        extra = len(made) + sum(j.judge_id in self.partial and j.key not in self._issued for j in judgments)
        stats.planned += extra
        stats.already_done += extra
        return report

    def verdicts(self, judgments: Sequence[Judgment], run_id: str) -> tuple[list[Judgment], dict[str, Any]]:
        """The juries' judgments, and per jury what its member calls were (for the summary)."""
        out, report = [], {}
        for jury in self.config.juries:
            deliberation = deliberate(*self._inputs(jury, judgments))
            out += [jury_judgment(jury, v, run_id, self.config) for v in deliberation.verdicts]
            asked = sum(len(v.judgments) for v in deliberation.verdicts)
            report[jury.name] = {"members": list(jury.member_names), "aggregator": jury.aggregator,
                                 "early_stop": jury.early_stop, "member_calls": asked,
                                 "not_needed": deliberation.not_needed, "excluded": deliberation.excluded,
                                 "unsettled": len(deliberation.ask),
                                 "description": jury.describe(deliberation.not_needed)}
        return out, report


def _sum(values: list[float | None]) -> float | None:
    return None if not values or any(v is None for v in values) else float(sum(values))


def jury_judgment(jury: JurySpec, verdict: Verdict, run_id: str, config: RunConfig) -> Judgment:
    task: Task = verdict.task
    identity = json.dumps([jury.to_dict(), task.item_id, task.order], sort_keys=True, default=str)
    decision = verdict.decision
    calls = verdict.judgments
    tokens = [j.prompt_tokens for j in calls], [j.completion_tokens for j in calls]
    return Judgment(
        run_id=run_id, key="jury-" + hashlib.sha256(identity.encode()).hexdigest()[:40], item_id=task.item_id,
        judge_id=jury.name, prompt_id=config.prompt.name, prompt_hash=config.prompt.hash, order=task.order, sample=0,
        value=decision.value, prob=decision.prob if decision.value is not None else None,
        choice_probs=dict(decision.choice_probs) if decision.choice_probs else None,
        raw_text=f"{jury.aggregator}: {decision.detail}" if decision.detail else None,
        parse_error=decision.failure, prompt_tokens=sum(t or 0 for t in tokens[0]) if calls else None,
        completion_tokens=sum(t or 0 for t in tokens[1]) if calls else None,
        cost_usd=_sum([j.cost_usd for j in calls]), latency_s=None, cached=bool(calls) and all(j.cached for j in calls),
        error=None, members=[v.to_dict() for v in verdict.walk.votes])
