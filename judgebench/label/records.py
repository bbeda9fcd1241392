"""The library's records: what a dataset version, a labeling, a review batch entry, a review and a
job are, as frozen dataclasses the library returns and the loop, the pages and the CLI read."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Mapping

from judgebench.errors import UserError
from judgebench.kinds import Label, TaskKind
from judgebench.run.progress import describe_progress, eta_seconds

class LibraryError(UserError, ValueError):
    pass


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


JOB_STATES = ("queued", "running", "cancelling", "cancelled", "completed", "failed")
FINAL_STATES = ("cancelled", "completed", "failed")


@dataclass(frozen=True)
class DatasetInfo:
    dataset_id: str
    name: str
    version: int
    source: str
    columns: tuple[str, ...]
    n_items: int
    created: float
    column_map: Mapping[str, str] = field(default_factory=dict)   # placeholder -> column (see data/column_map)


@dataclass(frozen=True)
class PromptVersion:
    version: int
    name: str
    template: str
    system: str


@dataclass(frozen=True)
class LabelingInfo:
    labeling_id: str
    dataset_id: str
    kind: TaskKind
    judges: tuple[dict[str, Any], ...]   # judge specs as dicts; the first labels, the others help select
    few_shot_k: int
    selection: str                       # active | random
    pool_size: int
    seed: int
    created: float


@dataclass(frozen=True)
class BatchEntry:
    round: int
    position: int
    item_id: str
    prompt_version: int
    judge_label: Label | None
    judge_prob: float | None
    reason: str | None
    uncertainty: float | None


@dataclass(frozen=True)
class PoolEntry:
    """A candidate of a review round: the judge's value on it (fixed before the draw), its chance of being
    drawn for review from the pool, and how many items were open when the pool was drawn from them."""
    item_id: str
    judge_score: float | None
    inclusion: float
    open_count: int


@dataclass(frozen=True)
class Review:
    item_id: str
    label: Label
    judge_label: Label | None
    round: int
    prompt_version: int
    reviewed: float


@dataclass(frozen=True)
class JobInfo:
    job_id: str
    labeling_id: str
    dataset_id: str
    prompt_version: int
    status: str
    total: int
    done: int
    created: float
    started: float | None
    finished: float | None
    heartbeat: float | None
    owner: str | None
    error: str | None

    @property
    def eta_s(self) -> float | None:
        """Time left at the pace since the job (first) started; None when it is not running."""
        if self.status != "running" or not self.started:
            return None
        return eta_seconds(self.done, self.total, time.time() - self.started)

    @property
    def progress_text(self) -> str:
        return describe_progress(self.done, self.total, self.eta_s, unit="labeled")

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "eta_s": self.eta_s, "progress_text": self.progress_text}
