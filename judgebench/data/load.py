"""Turn raw rows into validated `Item`s; every problem is reported before any model is called."""

from __future__ import annotations

import hashlib
import json
import math
import re
from importlib import resources
from typing import Any, Iterator

from judgebench.data.readers import RawRow, expand_paths, read_file, read_hf
from judgebench.data.schema import ColumnSpec, DataError, Dataset, DatasetSpec, Item, Label
from judgebench.kinds import LabelError
from judgebench.data.transforms import TRANSFORMS
from judgebench.registry import unknown_name

PACKAGE_PREFIX = "pkg://"
_MISSING = object()


def resolve_path(path: str) -> str:
    """`pkg://judgebench.data/demo/x.jsonl` names a file shipped inside an installed package."""
    if not path.startswith(PACKAGE_PREFIX):
        return path
    package, _, rest = path[len(PACKAGE_PREFIX):].partition("/")
    return str(resources.files(package).joinpath(rest))


def load_dataset(spec: DatasetSpec) -> Dataset:
    rows = _filtered_rows(spec)
    if spec.limit is not None:
        rows = rows[: spec.limit]
    items: dict[str, Item] = {}
    first_seen: dict[str, RawRow] = {}
    for row in rows:
        item = _make_item(spec, row)
        if item.item_id in items:
            items[item.item_id] = _on_duplicate(spec, items[item.item_id], item, row, first_seen[item.item_id])
        else:
            items[item.item_id] = item
            first_seen[item.item_id] = row
    return Dataset(spec, tuple(items.values()))


def _raw_rows(spec: DatasetSpec) -> Iterator[RawRow]:
    if spec.hf:
        yield from read_hf(resolve_path(spec.hf), spec.hf_split, spec.hf_config)
        return
    if not spec.path:
        raise DataError(f"dataset {spec.name!r} has neither `path` nor `hf`")
    for path in expand_paths(tuple(resolve_path(p) for p in spec.path)):
        yield from read_file(path, spec.format)


def _filtered_rows(spec: DatasetSpec) -> list[RawRow]:
    rows = list(_raw_rows(spec))
    source = spec.hf or ", ".join(resolve_path(p) for p in spec.path)
    if not rows:
        raise DataError("the dataset is empty (no rows)", path=source)
    if spec.where:
        rows = [r for r in rows if all(_matches(field_value(r.record, k), v) for k, v in spec.where.items())]
        if not rows:
            raise DataError(f"no row matches where={dict(spec.where)}", path=source)
    return rows


def _matches(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, (list, tuple)):
        return any(_matches(value, w) for w in wanted)
    return value == wanted or str(value) == str(wanted)


def field_value(record: Any, dotted: str, default: Any = _MISSING) -> Any:
    """Follow `a.b.0.c` through dicts and lists; a missing step gives `default` (or raises KeyError)."""
    if isinstance(record, dict) and dotted in record:
        return record[dotted]
    value = record
    for step in dotted.split("."):
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and re.fullmatch(r"-?\d+", step) and -len(value) <= int(step) < len(value):
            value = value[int(step)]
        elif default is _MISSING:
            raise KeyError(dotted)
        else:
            return default
    return value


def _make_item(spec: DatasetSpec, row: RawRow) -> Item:
    fields = {c.name: _column_value(c, row) for c in spec.columns}
    human, annotators = _human_labels(spec, row)
    return Item(item_id=_item_id(spec, row, fields), fields=fields, human=human,
                annotators=annotators, source=row.location)


def _column_value(column: ColumnSpec, row: RawRow) -> Any:
    try:
        value = field_value(row.record, column.source)
    except KeyError:
        if column.optional:
            return None
        known = ", ".join(sorted(row.record)) or "none"
        raise row.error(f"missing column (the row has: {known})", column.source) from None
    if _is_missing(value):
        # A blank cell (empty in a CSV, null in JSON or Parquet) is an empty text; `optional` keeps None.
        return None if column.optional else ""
    if column.transform:
        transform = TRANSFORMS.get(column.transform)
        if transform is None:
            raise row.error(unknown_name("transform", column.transform, TRANSFORMS), column.source)
        try:
            value = transform(value)
        except ValueError as exc:
            raise row.error(f"{column.transform}: {exc}", column.source) from None
    if column.pattern:
        match = re.search(column.pattern, str(value), flags=re.DOTALL)
        if not match:
            raise row.error(f"value does not match pattern {column.pattern!r}", column.source)
        value = match.group(1) if match.groups() else match.group(0)
    _check_text(value, row, column.source)
    return value


def _check_text(value: Any, row: RawRow, column: str) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise row.error(f"undecodable text at character {exc.start}", column) from None
    elif isinstance(value, list):
        for v in value:
            _check_text(v, row, column)
    elif isinstance(value, dict):
        for v in value.values():
            _check_text(v, row, column)


def _human_labels(spec: DatasetSpec, row: RawRow) -> tuple[tuple[Label, ...], tuple[str, ...] | None]:
    label = spec.label
    if label is None:
        return (), None
    if label.votes:
        counts = _required(row, label.votes)
        if not isinstance(counts, dict):
            raise row.error("expected a mapping of label -> vote count", label.votes)
        votes: list[Label] = []
        for raw, count in counts.items():
            if not isinstance(count, int) or count < 0:
                raise row.error(f"vote count for {raw!r} must be a non-negative integer", label.votes)
            votes += [_to_label(spec, raw, row, label.votes)] * count
        if not votes:
            raise row.error("no votes", label.votes)
        return tuple(votes), None
    if label.columns:
        pairs = [(c, field_value(row.record, c, None)) for c in label.columns]
        present = [(c, v) for c, v in pairs if not _is_missing(v)]
        if not present:
            raise row.error("no annotator gave a label", " / ".join(label.columns))
        return tuple(_to_label(spec, v, row, c) for c, v in present), tuple(c for c, _ in present)
    try:
        value = field_value(row.record, label.column)
    except KeyError:
        raise row.error(f"missing label column (the row has: {', '.join(sorted(row.record))})",
                        label.column) from None
    # A blank label cell is a missing label: the item is judged, and has no human answer to score against.
    values = value if isinstance(value, (list, tuple)) else [value]
    return tuple(_to_label(spec, v, row, label.column) for v in values if not _is_missing(v)), None


def _required(row: RawRow, column: str) -> Any:
    try:
        value = field_value(row.record, column)
    except KeyError:
        raise row.error(f"missing label column (the row has: {', '.join(sorted(row.record))})", column) from None
    if _is_missing(value):
        raise row.error("no label", column)
    return value


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _to_label(spec: DatasetSpec, raw: Any, row: RawRow, column: str) -> Label:
    key = raw.strip() if isinstance(raw, str) else raw
    mapping = spec.label.mapping
    if mapping:
        if str(key) not in mapping:
            raise row.error(f"label {raw!r} is not one of the mapped values {sorted(mapping)}", column)
        key = mapping[str(key)]
    try:
        return spec.kind.label(key)
    except LabelError as exc:
        hint = "; add a `mapping` to the label config" if spec.kind.labels() is not None and not mapping else ""
        raise row.error(f"label {raw!r} {exc}{hint}", column) from None


def _item_id(spec: DatasetSpec, row: RawRow, fields: dict[str, Any]) -> str:
    id_fields = spec.id_fields or ((spec.id_column,) if spec.id_column else ())
    if id_fields:
        parts = []
        for name in id_fields:
            value = field_value(row.record, name, None)
            if _is_missing(value) or value == "":
                raise row.error("missing id", name)
            parts.append(str(value))
        return ":".join(parts)
    # Stable across runs and machines: a hash of the task's own columns.
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _on_duplicate(spec: DatasetSpec, kept: Item, new: Item, row: RawRow, first: RawRow) -> Item:
    if spec.on_duplicate == "merge" and kept.fields == new.fields:
        annotators = None
        if kept.annotators and new.annotators:
            annotators = kept.annotators + new.annotators
        return Item(kept.item_id, kept.fields, kept.human + new.human, annotators, kept.source)
    what = "id" if (spec.id_column or spec.id_fields) else "content (no id column is set)"
    raise row.error(f"duplicate item: same {what} as {first.location} (item_id {kept.item_id!r}); "
                    "remove it, set an id column, or set on_duplicate: merge to pool their labels")
