"""Records and specs for human-annotated datasets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from judgebench.errors import UserError
# Human and judge labels share one value space per task kind (see judgebench.kinds).
from judgebench.kinds.base import Label, TaskKind


class DataError(UserError, ValueError):
    """Bad input data, located by file, row and column so the user can fix it."""

    def __init__(self, message: str, *, path: str | None = None, row: int | None = None,
                 column: str | None = None, row_unit: str = "line"):
        self.path, self.row, self.column, self.detail = path, row, column, message
        where = [part for part in (
            path,
            f"{row_unit} {row}" if row is not None else None,
            f"column {column!r}" if column is not None else None,
        ) if part]
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the task, taken from a (possibly nested) field of the raw row.

    `source` is a dotted path (`scores.overall`, `conversation_a.1.content`);
    `transform` names an entry of `judgebench.data.transforms.TRANSFORMS`;
    `pattern` is a regex whose first group is kept.
    """

    name: str
    source: str
    transform: str | None = None
    pattern: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class LabelSpec:
    """Where the human labels are.

    Exactly one of: `column` (one label, or a list of labels, per row), `columns`
    (one column per annotator, named after the column; null = not annotated) or
    `votes` (a mapping raw label -> count, e.g. {"model_a": 2, "tie": 1}).
    `mapping` translates raw values to labels (strings are stripped first).
    """

    column: str | None = None
    columns: tuple[str, ...] = ()
    votes: str | None = None
    mapping: Mapping[str, Label] = field(default_factory=dict)

    def __post_init__(self):
        given = [x for x in (self.column, self.columns, self.votes) if x]
        if len(given) != 1:
            raise ValueError("label: give exactly one of column, columns or votes")


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    kind: TaskKind                      # carries its parameters: a likert scale, categorical classes
    columns: tuple[ColumnSpec, ...]
    label: LabelSpec | None            # None: the items carry no human labels
    path: tuple[str, ...] = ()          # local files (globs allowed); empty when `hf` is set
    hf: str | None = None               # hub name or local dataset directory
    hf_split: str = "train"
    hf_config: str | None = None
    format: str | None = None           # jsonl | json | csv | parquet; inferred from suffix
    id_column: str | None = None        # a field or a list of fields joined by ":"
    id_fields: tuple[str, ...] = ()
    where: Mapping[str, Any] = field(default_factory=dict)
    default_prompt: str | None = None
    limit: int | None = None
    on_duplicate: str = "error"         # error | merge (labels of identical items pooled)
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @classmethod
    def of_columns(cls, name: str, kind: TaskKind, columns: Sequence[str]) -> "DatasetSpec":
        """Items that already have their columns (a library upload, an arena item): no source, no labels."""
        return cls(name=name, kind=kind, columns=tuple(ColumnSpec(c, c) for c in columns), label=None)


@dataclass(frozen=True)
class Item:
    """One thing to judge: its columns and every human label it has."""

    item_id: str
    fields: Mapping[str, Any]
    human: tuple[Label, ...]
    annotators: tuple[str, ...] | None = None
    source: str = ""                    # "file:line" the item came from


@dataclass(frozen=True)
class Dataset:
    spec: DatasetSpec
    items: tuple[Item, ...]

    @property
    def kind(self) -> TaskKind:
        return self.spec.kind

    def __len__(self) -> int:
        return len(self.items)
