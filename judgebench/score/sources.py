"""Where verdicts come from: a run folder, a column of the dataset, or a file of recorded verdicts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from judgebench.data.load import field_value
from judgebench.data.readers import read_file
from judgebench.data.schema import DataError, Dataset, Item, Label
from judgebench.errors import UserError
from judgebench.kinds import LabelError, TaskKind, kind_from
from judgebench.run.records import READABLE_VERSIONS, Judgment
from judgebench.run.store import RunStore
from judgebench.score.table import JudgeVerdicts


def to_verdict(kind: TaskKind, raw: Any, mapping: Mapping[str, Label]) -> Label | None:
    """A recorded verdict as a label; null is a failed verdict; anything else unknown is an error."""
    if raw is None or (isinstance(raw, float) and raw != raw):
        return None
    key = raw.strip() if isinstance(raw, str) else raw
    if str(key) in mapping:
        return mapping[str(key)]
    try:
        return kind.label(key)
    except LabelError as exc:
        raise ValueError(f"verdict {raw!r} {exc}; add a mapping (--map {raw}=...)") from None


@dataclass(frozen=True)
class RunFolder:
    """A run folder read once: its manifest, items, judgments and the per-judge verdicts."""

    manifest: dict[str, Any]
    kind: TaskKind
    items: list[Item]
    judgments: list[Judgment]
    verdicts: list[JudgeVerdicts]

    @property
    def families(self) -> dict[str, str]:
        """judge -> model family, for the judges whose spec names one."""
        return {j["name"]: j["family"] for j in self.manifest.get("judges", []) if j.get("family")}


def read_run(directory: str | Path) -> RunFolder:
    """Sample 0 of each judge x prompt becomes its verdicts (the AB order, and BA flipped back)."""
    directory = Path(directory)
    if not (directory / "manifest.json").is_file():
        what = "does not exist" if not directory.exists() else "holds no manifest.json"
        raise DataError(f"{directory} is not a run folder: it {what}. A run folder is what `judgebench run` writes "
                        "(results/<run_id>/ with manifest.json, items.jsonl and judgments.jsonl)")
    manifest = json.loads((directory / "manifest.json").read_text())
    if manifest.get("schema_version") not in READABLE_VERSIONS:
        raise DataError(f"schema version {manifest.get('schema_version')!r} is not supported",
                        path=str(directory / "manifest.json"))
    # The kind's parameters (a scale, classes) are in the dataset's resolved config.
    kind = kind_from(manifest["dataset"]["kind"], **(manifest.get("config", {}).get("dataset") or {}))
    items = []
    with open(directory / "items.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            annotators = tuple(row["annotators"]) if row.get("annotators") else None
            items.append(Item(row["item_id"], row["fields"], tuple(row["human"]), annotators, row.get("source", "")))
    judges: dict[tuple[str, str], dict[str, dict]] = {}
    judgments = RunStore(directory).load()
    prompts = {j.prompt_id for j in judgments}
    # a member that an early-stopping jury asked only on disputed items is not a judge of the whole dataset
    partial = _partial(manifest, items, judgments)
    for judgment in judgments:
        if judgment.sample == 0 and judgment.judge_id not in partial:
            orders = judges.setdefault((judgment.judge_id, judgment.prompt_id), {"AB": {}, "BA": {}})
            orders["BA" if judgment.order == "BA" else "AB"][judgment.item_id] = judgment.value
    verdicts = [JudgeVerdicts(judge if len(prompts) == 1 else f"{judge}/{prompt}", o["AB"], o["BA"] or None, judge,
                              prompt) for (judge, prompt), o in sorted(judges.items())]
    return RunFolder(manifest, kind, items, judgments, verdicts)


def _partial(manifest: dict[str, Any], items: list[Item], judgments: list[Judgment]) -> set[str]:
    """The early-stopping juries' members that were not asked on every item."""
    candidates = set(manifest.get("early_stop_members") or ())
    seen: dict[str, set[str]] = {}
    for judgment in judgments:
        if judgment.judge_id in candidates:
            seen.setdefault(judgment.judge_id, set()).add(judgment.item_id)
    everything = {i.item_id for i in items}
    return {m for m in candidates if seen.get(m, set()) != everything}


def from_run(directory: str | Path) -> tuple[TaskKind, list[Item], list[JudgeVerdicts]]:
    run = read_run(directory)
    return run.kind, run.items, run.verdicts


def matching(items: Sequence[Item], where: Mapping[str, str]) -> list[Item]:
    """The items whose fields have these values (compared as text); an unknown field is an error."""
    for name in where:
        if items and all(name not in i.fields for i in items):
            raise DataError(f"--where {name}=...: the items have no field {name!r} (they have "
                            f"{', '.join(sorted(items[0].fields))})")
    kept = [i for i in items if all(str(i.fields.get(k)) == v for k, v in where.items())]
    if where and not kept:
        raise DataError(f"no item matches {' and '.join(f'{k}={v}' for k, v in where.items())}")
    return kept


def from_dataset_column(dataset: Dataset, column: str, mapping: Mapping[str, Label]) -> JudgeVerdicts:
    """A column of the dataset itself (added to the spec's columns as `column`) read as a judge."""
    first = {}
    for item in dataset.items:
        try:
            first[item.item_id] = to_verdict(dataset.kind, item.fields.get(column), mapping)
        except ValueError as exc:
            raise DataError(str(exc), path=item.source, column=column) from None
    return JudgeVerdicts(column, first)


def from_file(path: str, kind: TaskKind, *, id_column: str, column: str, mapping: Mapping[str, Label],
              second_column: str | None = None, second_is_raw: bool = False,
              where: Mapping[str, str] | None = None, name: str | None = None) -> JudgeVerdicts:
    """Recorded verdicts in JSONL / CSV / Parquet: one row per item, keyed by `id_column`.

    `second_column` holds the verdict on the swapped order; `second_is_raw` when it is as the
    judge said it (A meaning the response shown first), so it is flipped back here."""
    first: dict[str, Label | None] = {}
    second: dict[str, Label | None] = {}
    for row in read_file(path):
        record = row.record
        if where and any(str(field_value(record, k, None)) != v for k, v in where.items()):
            continue
        item_id = field_value(record, id_column, None)
        if item_id is None:
            raise row.error("missing id", id_column)
        for target, source, raw_order in ((first, column, False), (second, second_column, second_is_raw)):
            if source is None:
                continue
            try:
                value = to_verdict(kind, field_value(record, source, None), mapping)
            except ValueError as exc:
                raise row.error(str(exc), source) from None
            target[str(item_id)] = kind.flip(value) if raw_order else value
    if not first:
        raise DataError("no verdicts found (check --where and the column names)", path=path)
    return JudgeVerdicts(name or column, first, second or None)


def parse_pairs(pairs: Sequence[str], what: str) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.rpartition("=")
        if not sep:
            raise UserError(f"{what} takes KEY=VALUE, got {pair!r}")
        out[key] = value
    return out
