"""conf/recorded/<name>.yaml (or the command line's options) -> RecordedSet, one per part.

A file may split into `parts` (one run folder each, e.g. one per subset of a benchmark): each part gives
its `name` and what it changes; `where` and `dataset_overrides` add to the file's. `${data_root}` is resolved as in
conf/config.yaml."""

from __future__ import annotations

from typing import Any, Mapping

from judgebench.config import ConfigError, _checked, conf_dir, group_names, load_group_entry
from judgebench.recorded.spec import Provenance, RecordedSet

GROUP = "recorded"
KEYS = {"name", "dataset", "dataset_overrides", "file", "column", "second_column", "second_raw", "id_column",
        "row_order", "position_column", "judge", "judge_columns", "where", "map", "fail", "raw_scale",
        "provenance", "parts", "description", "board", "metrics", "families", "confidence_column"}
PART_KEYS = KEYS - {"parts", "provenance", "description"}


def recorded_names() -> list[str]:
    return group_names(GROUP)


def _resolved(data: Mapping[str, Any], data_root: str | None) -> dict[str, Any]:
    import yaml
    from omegaconf import OmegaConf

    root = data_root or yaml.safe_load((conf_dir() / "config.yaml").read_text())["data_root"]
    return OmegaConf.to_container(OmegaConf.create({"data_root": root, "entry": dict(data)}), resolve=True)["entry"]


def _metric(where: str, name: str) -> str:
    from judgebench.metrics.catalog import CATALOG

    if name not in CATALOG:
        raise ConfigError(f"{where}: metric {name!r} is not in the catalog (judgebench/metrics/catalog.py)")
    return name


def _one(data: Mapping[str, Any]) -> RecordedSet:
    where = f"recorded set {data.get('name', '?')}"
    for required in ("name", "dataset", "file", "column"):
        if not data.get(required):
            raise ConfigError(f"{where}: `{required}` is required")
    _checked(f"{where} provenance", data.get("provenance") or {}, set(Provenance.__dataclass_fields__))
    id_column = data.get("id_column")
    scale = data.get("raw_scale")
    try:
        return RecordedSet(
            name=str(data["name"]), board=str(data.get("board") or data["name"]), dataset=str(data["dataset"]), file=str(data["file"]), column=str(data["column"]),
            dataset_overrides=dict(data.get("dataset_overrides") or {}), second_column=data.get("second_column"),
            second_raw=bool(data.get("second_raw", False)),
            id_column=tuple(id_column) if isinstance(id_column, list) else id_column,
            row_order=bool(data.get("row_order", False)), position_column=data.get("position_column"),
            judge=data.get("judge"), judge_columns=tuple(data.get("judge_columns") or ()),
            where={str(k): str(v) for k, v in (data.get("where") or {}).items()},
            mapping={str(k): v for k, v in (data.get("map") or {}).items()},
            fail=tuple("null" if v is None else str(v) for v in data.get("fail") or ()),
            raw_scale=(float(scale[0]), float(scale[1])) if scale else None,
            provenance=Provenance(**(data.get("provenance") or {})),
            confidence_column=data.get("confidence_column"),
            metrics=tuple(_metric(where, m) for m in data.get("metrics") or ()),
            families={str(k): str(v) for k, v in (data.get("families") or {}).items()})
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def recorded_sets(data: Mapping[str, Any] | str, *, data_root: str | None = None) -> list[RecordedSet]:
    """The sets a YAML entry (by name, or as a mapping) declares: itself, or each of its parts."""
    entry = load_group_entry(GROUP, data) if isinstance(data, str) else dict(data)
    _checked(f"recorded set {entry.get('name', '?')}", entry, KEYS)
    entry = _resolved(entry, data_root)
    parts = entry.pop("parts", None) or [{}]
    sets = []
    for part in parts:
        _checked(f"recorded set {entry.get('name')} part {part.get('name', '?')}", part, PART_KEYS)
        merged = entry | part | {"name": part.get("name", entry.get("name")),
                          "where": dict(entry.get("where") or {}) | dict(part.get("where") or {}),
                          "dataset_overrides": dict(entry.get("dataset_overrides") or {})
                          | dict(part.get("dataset_overrides") or {})}
        sets.append(_one(merged))
    return sets
