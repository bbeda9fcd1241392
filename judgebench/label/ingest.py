"""An uploaded file (JSONL / CSV / Parquet) becomes items, or a DataError naming file, row and column."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from judgebench.data.readers import read_file
from judgebench.data.schema import DataError, Item


def read_upload(path: str, fmt: str | None = None, id_column: str | None = None,
                display_name: str | None = None) -> tuple[list[Item], list[str]]:
    """Items and column names. Every row needs every column (the first row sets them); a blank cell (an
    empty CSV cell, `""`, JSON null, a Parquet null) is an empty string; nested values are kept as JSON
    text so that `{column}` renders them readably. `display_name` replaces the path in errors
    (the web page shows the name of the file the person chose, not a temporary file)."""
    items: list[Item] = []
    columns: list[str] = []
    first_row_of: dict[str, int] = {}        # id -> row where it first appeared (id column given)
    copies: dict[str, int] = {}              # content hash -> times seen (no id column)
    try:
        rows = list(read_file(path, fmt))
    except DataError as exc:
        if display_name and exc.path == path:
            raise DataError(exc.detail, path=display_name, row=exc.row, column=exc.column) from None
        raise
    for raw in rows:
        where = dict(path=display_name or raw.path, row=raw.row, row_unit=raw.row_unit)
        record = raw.record
        if not columns:
            columns = [str(c) for c in record]
            if id_column and id_column not in columns:
                raise DataError(f"id column not found (columns: {', '.join(columns)})", column=id_column, **where)
        fields: dict[str, Any] = {}
        for column in columns:
            if column not in record:
                raise DataError("missing column: every row needs the columns of the first row", column=column,
                                **where)
            value = record[column]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                value = ""
            elif isinstance(value, (list, dict)):
                value = json.dumps(value, ensure_ascii=False, default=str)
            elif not isinstance(value, (str, int, float, bool)):
                value = str(value)
            fields[column] = value
        extra = [c for c in record if c not in fields]
        if extra:
            raise DataError(f"column not in the first row ({', '.join(columns)})", column=str(extra[0]), **where)
        if id_column:
            item_id = str(fields[id_column])
            if item_id in first_row_of:
                raise DataError(f"duplicate id {item_id!r} (first seen in row {first_row_of[item_id]})",
                                column=id_column, **where)
            first_row_of[item_id] = raw.row
        else:
            # A hash of the content keeps ids stable across uploads; repeated rows are numbered.
            base = hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False,
                                             default=str).encode()).hexdigest()[:16]
            count = copies[base] = copies.get(base, 0) + 1
            item_id = base if count == 1 else f"{base}-{count}"
        items.append(Item(item_id=item_id, fields=fields, human=(), source=f"{raw.path}:{raw.row}"))
    if not items:
        raise DataError("the file has no rows", path=display_name or path)
    return items, columns
