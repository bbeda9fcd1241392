"""What a set of recorded verdicts is: where its file is, how its rows map onto a dataset, who made it.

`config.recorded_sets` turns the YAML files of conf/recorded/ (or the command line) into these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from judgebench.data.schema import Label

NULL = "null"       # the value of --fail that declares a missing verdict a failed one


@dataclass(frozen=True)
class Provenance:
    """Where the verdicts come from, written into the run's manifest and linked from the leaderboard."""

    citation: str = ""
    url: str = ""                     # the paper
    source: str = ""                  # the repository or page the file comes from
    commit: str = ""
    note: str = ""                    # prompt or strategy, where known

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class RecordedSet:
    """One file of recorded verdicts against one dataset.

    Rows meet items by `id_column` (one field, or several joined by ":"), or by position: `row_order`
    takes each judge's k-th row as the dataset's k-th item (the counts must match), `position_column`
    names a field holding that position. One judge per file (`judge`) or per distinct value of
    `judge_columns` (joined by "/")."""

    name: str                                   # the run folder
    board: str                                  # the dataset's name on the leaderboard (sets may share one)
    dataset: str                                # a dataset config in conf/dataset
    file: str
    column: str
    dataset_overrides: Mapping[str, Any] = field(default_factory=dict)
    second_column: str | None = None            # the verdict on the swapped order (pairwise)
    second_raw: bool = False                    # second_column as the judge said it: flipped back on import
    id_column: str | tuple[str, ...] | None = None
    row_order: bool = False
    position_column: str | None = None
    judge: str | None = None
    judge_columns: tuple[str, ...] = ()
    where: Mapping[str, str] = field(default_factory=dict)       # keep matching verdict rows
    mapping: Mapping[str, Label] = field(default_factory=dict)   # raw value -> label
    fail: tuple[str, ...] = ()                  # raw values that are failed verdicts ("null": a missing one)
    raw_scale: tuple[float, float] | None = None    # numbers on this scale, mapped linearly onto the kind's
    provenance: Provenance = Provenance()
    confidence_column: str | None = None        # the judge's probability of its verdict (0-1), where recorded
    metrics: tuple[str, ...] = ()               # the metrics the source published: leaderboard columns
    families: Mapping[str, str] = field(default_factory=dict)    # judge -> model family (self-preference)

    def __post_init__(self):
        ways = [self.id_column is not None, self.row_order, self.position_column is not None]
        if sum(ways) != 1:
            raise ValueError(f"recorded set {self.name}: give exactly one of id_column, row_order, position_column")
        if (self.judge is None) == (not self.judge_columns):
            raise ValueError(f"recorded set {self.name}: give either judge (one judge) or judge_columns")
