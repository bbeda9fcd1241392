"""The judgment record, one per item x judge x prompt x order x sample, versioned on disk."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from judgebench.data.schema import Label
from judgebench.errors import UserError

SCHEMA_VERSION = 3
# Version 1 called the prompt's hash `prompt_version`, the name the label library gives its integer
# prompt revisions; it is read as `prompt_hash`, so runs written then still score and resume.
# Version 3 adds `members` (a jury's judgment: each member's verdict and what became of it).
READABLE_VERSIONS = (1, 2, 3)


class SchemaError(UserError, ValueError):
    pass


@dataclass(frozen=True)
class Judgment:
    run_id: str
    key: str                      # hash of model + messages + params + sample: the cache / resume key
    item_id: str
    judge_id: str
    prompt_id: str
    prompt_hash: str              # CriteriaPrompt.hash: changes whenever the wording does
    order: str | None             # "AB" | "BA" for pairwise, else None
    sample: int
    value: Label | None           # in the dataset's orientation: a BA verdict is flipped back
    prob: float | None            # probability of `value`, from logprobs where available
    choice_probs: dict[str, float] | None
    raw_text: str | None
    parse_error: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    cost_usd: float | None
    latency_s: float | None
    cached: bool
    error: str | None
    attempts: int = 1
    schema_version: int = SCHEMA_VERSION
    # a jury's judgment: per member (and order, for a jury that pools both), {"judge", "order", "value",
    # "status": used | failed | excluded | not asked, "note"}; None for a judge's own call
    members: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Judgment":
        version = data.get("schema_version")
        if version not in READABLE_VERSIONS:
            raise SchemaError(f"judgment schema version {version!r} is not supported "
                              f"(this judgebench reads versions {', '.join(map(str, READABLE_VERSIONS))})")
        if version == 1:
            data = {k: v for k, v in data.items() if k != "prompt_version"} | {"prompt_hash": data.get("prompt_version")}
        data = data | {"schema_version": SCHEMA_VERSION}
        return cls(**{f.name: data.get(f.name) for f in dataclasses.fields(cls)})

    @property
    def ok(self) -> bool:
        """A final outcome: a verdict or a parse failure. A call error is retried on resume."""
        return self.error is None
