"""Read raw rows from files or the HF hub, each with the place it came from.

Every reader yields `RawRow`s whose location (file + line, or file + record/row
number) ends up in error messages, so a bad value can be found in an editor.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from judgebench.data.schema import DataError

FORMATS_BY_SUFFIX = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv",
                     ".parquet": "parquet", ".pq": "parquet"}


@dataclass(frozen=True)
class RawRow:
    path: str
    row: int
    row_unit: str          # "line" for text formats, "record"/"row" otherwise
    record: dict[str, Any]

    def error(self, message: str, column: str | None = None) -> DataError:
        return DataError(message, path=self.path, row=self.row, column=column, row_unit=self.row_unit)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.row}" if self.row_unit == "line" else f"{self.path}#{self.row}"


def expand_paths(patterns: tuple[str, ...]) -> list[str]:
    paths: list[str] = []
    for pattern in patterns:
        if glob.has_magic(pattern):
            matched = sorted(glob.glob(pattern, recursive=True))
            if not matched:
                raise DataError(f"no file matches {pattern!r}")
            paths.extend(matched)
        elif not os.path.exists(pattern):
            raise DataError("file not found", path=pattern)
        else:
            paths.append(pattern)
    return paths


def read_file(path: str, fmt: str | None = None) -> Iterator[RawRow]:
    fmt = fmt or FORMATS_BY_SUFFIX.get(Path(path).suffix.lower())
    reader = READERS.get(fmt or "")
    if reader is None:
        raise DataError(f"unknown file format {fmt or Path(path).suffix!r}; "
                        f"use one of {sorted(READERS)} (set `format:` in the dataset config)", path=path)
    return reader(path)


def _decode(path: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(f"text is not valid UTF-8 (byte {exc.start})", path=path, row=line) from None


def _read_jsonl(path: str) -> Iterator[RawRow]:
    with open(path, "rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            try:
                text = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise DataError(f"text is not valid UTF-8 (byte {exc.start} of the line)",
                                path=path, row=line_no) from None
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DataError(f"malformed JSON: {exc.msg} at character {exc.pos + 1}",
                                path=path, row=line_no) from None
            if not isinstance(record, dict):
                raise DataError(f"expected a JSON object, got {type(record).__name__}", path=path, row=line_no)
            yield RawRow(path, line_no, "line", record)


def _read_json(path: str) -> Iterator[RawRow]:
    with open(path, "rb") as fh:
        data = fh.read()
    text = _decode(path, data)
    if not text.lstrip().startswith("["):
        # Many ".json" files in the wild are JSON Lines.
        yield from _read_jsonl(path)
        return
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"malformed JSON: {exc.msg}", path=path, row=exc.lineno) from None
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise DataError(f"expected a JSON object, got {type(record).__name__}",
                            path=path, row=index, row_unit="record")
        yield RawRow(path, index, "record", record)


def _read_csv(path: str) -> Iterator[RawRow]:
    with open(path, "rb") as fh:
        text = _decode(path, fh.read())
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return
    start = reader.line_num + 1
    for values in reader:
        if values:
            if len(values) != len(header):
                raise DataError(f"expected {len(header)} fields, found {len(values)}", path=path, row=start)
            # An empty CSV cell is a missing value, not an empty string.
            yield RawRow(path, start, "line", {k: (v if v != "" else None) for k, v in zip(header, values)})
        start = reader.line_num + 1


def _read_parquet(path: str) -> Iterator[RawRow]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise DataError(f"cannot read Parquet: {exc}", path=path) from None
    for index, record in enumerate(table.to_pylist(), start=1):
        yield RawRow(path, index, "row", record)


def read_hf(name: str, split: str = "train", config: str | None = None) -> Iterator[RawRow]:
    """Rows of a HF dataset: a hub name, a local dataset repo folder, or a `save_to_disk` folder."""
    import datasets

    try:
        saved = ("state.json", "dataset_dict.json")  # written by save_to_disk
        if os.path.isdir(name) and any(os.path.exists(os.path.join(name, f)) for f in saved):
            loaded = datasets.load_from_disk(name)
            dataset = loaded[split] if isinstance(loaded, datasets.DatasetDict) else loaded
        else:
            dataset = datasets.load_dataset(name, config, split=split)
    except (FileNotFoundError, ValueError, KeyError, ConnectionError) as exc:
        raise DataError(f"cannot load dataset {name!r} (split {split!r}): {exc}", path=name) from None
    label = f"{name}[{split}]"
    for index, record in enumerate(dataset, start=1):
        yield RawRow(label, index, "row", dict(record))


READERS: dict[str, Callable[[str], Iterator[RawRow]]] = {
    "jsonl": _read_jsonl,
    "json": _read_json,
    "csv": _read_csv,
    "parquet": _read_parquet,
}
