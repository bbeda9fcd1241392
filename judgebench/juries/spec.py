"""What a jury is: member judges, asked in the listed order, and the rule that makes their verdicts one."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from judgebench.judges.spec import JudgeSpec


@dataclass(frozen=True)
class JurySpec:
    name: str
    members: tuple[JudgeSpec, ...]     # asked in this order (early stopping asks the first ones first)
    aggregator: str = "majority"       # a name in juries.aggregate.AGGREGATORS
    tie_break: str = "first"           # majority / weighted: "first" (the earliest member's verdict) or "fail"
    min_members: int = 1               # fewer usable member verdicts than this: a failed verdict with the reason
    early_stop: bool = False           # ask a later member only while it could still change the verdict
    exclude_same_family: bool = False  # leave a member out of an item's vote when it judges its own family
    description: str = ""

    @property
    def member_names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.members)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"kind": "jury", "members": [m.to_dict() for m in self.members]}

    def describe(self, saved: int | None = None) -> str:
        """`jury of a + b + c (majority; 12 member calls saved)`."""
        extra = f"; {saved} member calls saved" if saved else ""
        return f"jury of {' + '.join(self.member_names)} ({self.aggregator}{extra})"
