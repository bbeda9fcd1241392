"""Which judged outputs come from a judge's own model family (the risk of self-preference).

One membership rule for the whole of judgebench: a model belongs to a family when its name starts with
the family's name, case aside (family "gpt-4o" holds gpt-4o-2024-08-06, family "gpt-4" holds gpt-4-0613
and also gpt-4o: name families as narrowly as you mean them). The systems of an item are its `system`
field (one judged output) or its `model_a` / `model_b` fields (a pair).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

SYSTEM_FIELDS = ("system", "model_a", "model_b")


def in_family(model: Any, family: str | None) -> bool:
    return bool(family) and isinstance(model, str) and model.strip().lower().startswith(family.strip().lower())


def own_systems(fields: Mapping[str, Any], family: str | None) -> tuple[str, ...]:
    """The systems of an item that belong to `family`."""
    return tuple(str(fields[f]) for f in SYSTEM_FIELDS if f in fields and in_family(fields[f], family))


@dataclass(frozen=True)
class FamilyOverlap:
    judge: str
    family: str
    items: int                     # items with an output of the judge's own family
    of: int                        # items looked at
    systems: tuple[str, ...]       # which of the family's systems, sorted

    def warning(self) -> str:
        return (f"judge {self.judge} (family {self.family}) judges {self.items} of {self.of} items with outputs of "
                f"its own family ({', '.join(self.systems)}): its verdicts there may favour its own family")


def family_overlaps(judges: Mapping[str, str | None], items: Sequence[Any]) -> list[FamilyOverlap]:
    """For each judge with a known family (judge name -> family), the items that judge its own family's outputs.
    `items`: anything with a `fields` mapping."""
    out = []
    for judge, family in judges.items():
        if not family:
            continue
        found = [own_systems(item.fields, family) for item in items]
        hits = [systems for systems in found if systems]
        if hits:
            out.append(FamilyOverlap(judge, family, len(hits), len(items),
                                     tuple(sorted({s for systems in hits for s in systems}))))
    return out
