"""Read a file of recorded verdicts against a dataset: every row checked before anything is written."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from judgebench.data.load import field_value
from judgebench.data.readers import RawRow, read_file
from judgebench.data.schema import DataError, Dataset, Label
from judgebench.kinds import TaskKind
from judgebench.recorded.spec import NULL, RecordedSet
from judgebench.score.sources import to_verdict


@dataclass(frozen=True)
class RecordedVerdict:
    item_id: str
    order: str | None               # "AB" | "BA" for kinds that compare two sides, else None
    value: Label | None             # in the dataset's orientation; None for a failed verdict
    raw: Any
    failure: str | None = None      # why it is a failed verdict
    prob: float | None = None       # the judge's probability of its verdict, where the file records one


@dataclass(frozen=True)
class RecordedJudge:
    name: str
    columns: Mapping[str, str]      # the judge columns' values (a model, a prompting strategy)
    verdicts: tuple[RecordedVerdict, ...]


def _missing(raw: Any) -> bool:
    return raw is None or (isinstance(raw, float) and math.isnan(raw)) or (isinstance(raw, str) and not raw.strip())


def _rescaled(spec: RecordedSet, kind: TaskKind, raw: Any) -> Any:
    """A number on the file's scale moved linearly onto the kind's (correlations do not change)."""
    low, high = spec.raw_scale
    to_low, to_high = getattr(kind, "scale", (None, None))
    if to_low is None:
        raise ValueError(f"raw_scale needs a kind with a scale, not {kind.name}")
    number = float(raw)
    if not low <= number <= high:
        raise ValueError(f"verdict {raw!r} is outside the declared raw scale {low:g}..{high:g}")
    return to_low + (number - low) * (to_high - to_low) / (high - low)


def _verdict(spec: RecordedSet, kind: TaskKind, row: RawRow, column: str, item_id: str, order: str | None,
             flip: bool) -> RecordedVerdict:
    raw = field_value(row.record, column, None)
    if _missing(raw):
        if NULL not in spec.fail:
            raise row.error("no verdict recorded; if the judge failed here, declare it with --fail null", column)
        return RecordedVerdict(item_id, order, None, None, "no verdict recorded (declared failed: null)")
    if str(raw).strip() in spec.fail:
        return RecordedVerdict(item_id, order, None, raw, f"recorded value {str(raw).strip()!r} declared failed")
    try:
        value = to_verdict(kind, _rescaled(spec, kind, raw) if spec.raw_scale else raw, spec.mapping)
    except ValueError as exc:
        raise row.error(f"{exc}; or declare it failed (--fail {raw})", column) from None
    return RecordedVerdict(item_id, order, kind.flip(value) if flip else value, raw,
                           prob=_probability(spec, row) if order in (None, kind.orders(True)[0]) else None)


def _probability(spec: RecordedSet, row: RawRow) -> float | None:
    if spec.confidence_column is None:
        return None
    raw = field_value(row.record, spec.confidence_column, None)
    if _missing(raw):
        return None
    try:
        prob = float(raw)
    except (TypeError, ValueError):
        raise row.error(f"confidence {raw!r} is not a number", spec.confidence_column) from None
    if not 0 <= prob <= 1:
        raise row.error(f"confidence {prob:g} is not a probability between 0 and 1", spec.confidence_column)
    return prob


def _item_id(spec: RecordedSet, row: RawRow, ids: list[str], seen: int) -> str:
    if spec.row_order:
        return ids[seen] if seen < len(ids) else ""
    if spec.position_column:
        raw = field_value(row.record, spec.position_column, None)
        try:
            position = int(raw)
        except (TypeError, ValueError):
            raise row.error(f"position {raw!r} is not a whole number", spec.position_column) from None
        if not 0 <= position < len(ids):
            raise row.error(f"position {position} is outside the dataset's {len(ids)} items", spec.position_column)
        return ids[position]
    columns = (spec.id_column,) if isinstance(spec.id_column, str) else spec.id_column
    parts = [field_value(row.record, c, None) for c in columns]
    if any(_missing(p) for p in parts):
        raise row.error("missing id", columns[[_missing(p) for p in parts].index(True)])
    return ":".join(str(p) for p in parts)


def read_recorded(spec: RecordedSet, dataset: Dataset) -> list[RecordedJudge]:
    """Each judge's verdicts, in the order judges first appear in the file."""
    kind = dataset.kind
    ids = [i.item_id for i in dataset.items]
    known = set(ids)
    orders = [(spec.column, kind.orders(True)[0], False)]
    if spec.second_column:
        if not kind.sides:
            raise DataError(f"a {kind.name} dataset has no swapped order; remove second_column", path=spec.file)
        orders.append((spec.second_column, kind.orders(True)[1], spec.second_raw))
    judges: dict[str, tuple[dict[str, str], dict[tuple[str, str | None], RecordedVerdict]]] = {}
    for row in read_file(spec.file):
        if any(str(field_value(row.record, k, None)) != str(v) for k, v in spec.where.items()):
            continue
        columns = {c: str(field_value(row.record, c, "")) for c in spec.judge_columns}
        name = spec.judge or "/".join(columns.values())
        values, verdicts = judges.setdefault(name, (columns, {}))
        item_id = _item_id(spec, row, ids, len({k[0] for k in verdicts}))
        if spec.row_order and not item_id:
            raise row.error(f"row order: judge {name} has more rows than the dataset has items ({len(ids)})")
        if item_id not in known:
            raise row.error(f"no item of dataset {dataset.spec.name} has id {item_id!r}",
                            spec.id_column if isinstance(spec.id_column, str) else None)
        for column, order, flip in orders:
            if (item_id, order) in verdicts:
                raise row.error(f"judge {name} has a second verdict for item {item_id!r}", column)
            verdicts[(item_id, order)] = _verdict(spec, kind, row, column, item_id, order, flip)
    if not judges:
        raise DataError("no verdict rows (check `where` and the file)", path=spec.file)
    if spec.row_order:
        for name, (_, verdicts) in judges.items():
            rows = len(verdicts) // len(orders)
            if rows != len(ids):
                raise DataError(f"row order: judge {name} has {rows} rows but dataset {dataset.spec.name} has "
                                f"{len(ids)} items; the k-th row must be the k-th item", path=spec.file)
    return [RecordedJudge(name, values, tuple(verdicts.values())) for name, (values, verdicts) in judges.items()]
