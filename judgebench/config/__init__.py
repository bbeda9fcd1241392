"""The one place where configuration (Hydra / OmegaConf, or plain dicts) becomes objects.

Library code takes `DatasetSpec`, `JudgeSpec`, `CriteriaPrompt` and `RunConfig`; only this
module and the CLI know about Hydra.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import yaml

from judgebench.data.schema import ColumnSpec, DatasetSpec, LabelSpec
from judgebench.config.schema import DatasetConf, RootConf
from judgebench.errors import UserError
from judgebench.kinds import KINDS, TaskKind, kind_from
from judgebench.judges.prompts import CriteriaPrompt
from judgebench.judges.spec import JudgeSpec
from judgebench.juries.spec import JurySpec
from judgebench.registry import unknown_name


class ConfigError(UserError, ValueError):
    pass


def conf_dir() -> Path:
    """The shipped conf/ folder (top level of the repo; `judgebench.conf` once installed)."""
    return Path(str(resources.files("judgebench.conf")))


def _plain(cfg: Any) -> Any:
    try:
        from omegaconf import DictConfig, ListConfig, OmegaConf
    except ImportError:  # pragma: no cover - omegaconf comes with hydra-core
        return cfg
    if isinstance(cfg, (DictConfig, ListConfig)):
        return OmegaConf.to_container(cfg, resolve=True)
    return cfg


def _checked(section: str, data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(f"{section}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


# --- named entries in conf/<group>/<name>.yaml ------------------------------------------------

def group_names(group: str, extra_dirs: tuple[str, ...] = ()) -> list[str]:
    names = set()
    for directory in (conf_dir() / group, *map(Path, extra_dirs)):
        names.update(p.stem for p in directory.glob("*.yaml"))
    return sorted(names)


def load_group_entry(group: str, name: str, extra_dirs: tuple[str, ...] = ()) -> dict[str, Any]:
    for directory in (*map(Path, extra_dirs), conf_dir() / group):
        path = directory / f"{name}.yaml"
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            data.setdefault("name", name)
            return data
    raise ConfigError(unknown_name(group, name, group_names(group, extra_dirs)))


def named_dataset_entry(name: str, *, data_root: str | None = None, overrides: Mapping[str, Any] | None = None,
                        extra_columns: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A shipped dataset config outside a Hydra run, with `${data_root}` resolved as conf/config.yaml does."""
    from omegaconf import OmegaConf

    entry = load_group_entry("dataset", name) | dict(overrides or {})
    if extra_columns:
        entry["columns"] = dict(entry.get("columns") or {}) | dict(extra_columns)
    default_root = yaml.safe_load((conf_dir() / "config.yaml").read_text())["data_root"]
    resolved = OmegaConf.to_container(OmegaConf.create({"data_root": data_root or default_root, "dataset": entry}),
                                      resolve=True)
    return resolved["dataset"]


def named_dataset(name: str, **options: Any) -> DatasetSpec:
    return dataset_spec(named_dataset_entry(name, **options))


# --- sections -> specs -----------------------------------------------------------------------

def dataset_spec(data: Mapping[str, Any]) -> DatasetSpec:
    data = dict(_plain(data))
    allowed = {f.name for f in fields(DatasetConf)}
    _checked(f"dataset {data.get('name', '?')}", data, allowed)
    kind = _kind(f"dataset {data.get('name')!r}", data.get("kind"), scale=data.get("scale"),
                 classes=data.get("classes"))
    columns = []
    for name, source in (data.get("columns") or {}).items():
        if isinstance(source, str):
            columns.append(ColumnSpec(name=name, source=source))
        else:
            _checked(f"dataset {data['name']} column {name}", source, {"source", "transform", "pattern", "optional"})
            columns.append(ColumnSpec(name=name, source=source.get("source", name), transform=source.get("transform"),
                                      pattern=source.get("pattern"), optional=bool(source.get("optional", False))))
    column_names = {c.name for c in columns}
    if not set(kind.required_columns) <= column_names:
        raise ConfigError(f"dataset {data['name']!r}: a {kind.name} dataset needs columns "
                          f"{' and '.join(kind.required_columns)}")
    limit = data.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ConfigError(f"dataset {data['name']!r}: limit must be a whole number of items >= 1 (or null for "
                          f"all), got {limit!r}")
    label = data.get("label")
    label_spec = None
    if label:
        _checked(f"dataset {data['name']} label", label, {"column", "columns", "votes", "mapping"})
        label_spec = LabelSpec(column=label.get("column"), columns=tuple(label.get("columns") or ()),
                               votes=label.get("votes"),
                               mapping={str(k): v for k, v in (label.get("mapping") or {}).items()})
    path = data.get("path") or ()
    id_column = data.get("id_column")
    return DatasetSpec(
        name=data["name"], kind=kind, columns=tuple(columns), label=label_spec,
        path=(path,) if isinstance(path, str) else tuple(path),
        hf=data.get("hf"), hf_split=data.get("hf_split") or "train",
        hf_config=data.get("hf_config"), format=data.get("format"),
        id_column=id_column if isinstance(id_column, str) else None,
        id_fields=tuple(id_column) if isinstance(id_column, list) else tuple(data.get("id_fields") or ()),
        where=dict(data.get("where") or {}),
        default_prompt=data.get("default_prompt"), limit=data.get("limit"),
        on_duplicate=data.get("on_duplicate", "error"), description=data.get("description", ""))


def _kind(where: str, name: Any, **params: Any) -> TaskKind:
    try:
        return kind_from(name, **params)
    except LookupError:
        raise ConfigError(f"{where}: kind must be one of {KINDS.names()}, got {name!r}") from None
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def prompt_spec(data: Mapping[str, Any] | str, extra_dirs: tuple[str, ...] = ()) -> CriteriaPrompt:
    if isinstance(data, str):
        data = load_group_entry("prompt", data, extra_dirs)
    data = dict(_plain(data))
    _checked(f"prompt {data.get('name', '?')}", data, {"name", "kind", "template", "system", "description"})
    if not data.get("template"):
        raise ConfigError(f"prompt {data.get('name')!r} has no template")
    kind = data.get("kind", "binary")
    if kind not in KINDS:
        raise ConfigError(f"prompt {data.get('name')!r}: kind must be one of {KINDS.names()}, got {kind!r}")
    return CriteriaPrompt(name=data.get("name") or "custom", kind=kind,
                          template=data["template"], system=data.get("system", ""),
                          description=data.get("description", ""))


def judge_spec(data: Mapping[str, Any] | str, extra_dirs: tuple[str, ...] = ()) -> JudgeSpec:
    if isinstance(data, str):
        data = load_group_entry("judge", data, extra_dirs)
    data = dict(_plain(data))
    if data.get("kind") == "jury":
        raise ConfigError(f"{data.get('name', 'jury')!r} is a jury: juries judge in `judgebench run`; "
                          "here one judge is needed")
    if "model" in data and "name" not in data:
        data["name"] = re.sub(r"[^\w.-]+", "_", data["model"])
    _checked(f"judge {data.get('name', '?')}", data, {f.name for f in fields(JudgeSpec)})
    try:
        return JudgeSpec(**data)
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(exc)) from None


# --- the whole run ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RunConfig:
    run_id: str
    dataset: DatasetSpec
    judges: tuple[JudgeSpec, ...]      # every judge that is called, the juries' members included
    prompt: CriteriaPrompt
    few_shot_k: int
    few_shot_seed: int
    output_dir: Path
    cache_path: Path
    dry_run: bool
    progress: bool
    workers: int | None          # processes for remote calls; None = decide from the workload
    raw: dict[str, Any]
    executor: str = "local"      # local | ray: where model calls run; results are the same either way
    ray: RaySettings | None = None   # when executor == "ray"
    juries: tuple[JurySpec, ...] = ()  # judges made of other judges' verdicts (their members are in `judges`)
    jury_members_only: tuple[str, ...] = ()   # members of juries that were not listed as judges themselves

    def fingerprint(self) -> str:
        """Identity of the experiment: a resumed run must have the same one."""
        blob = json.dumps({"dataset": _spec_dict(self.dataset), "judges": [j.to_dict() for j in self.judges],
                           "prompt": [self.prompt.name, self.prompt.hash],
                           "few_shot": [self.few_shot_k, self.few_shot_seed]}
                          # only a run with juries names them, so runs of earlier versions keep their fingerprint
                          | ({"juries": [j.to_dict() for j in self.juries]} if self.juries else {}),
                          sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _spec_dict(spec: DatasetSpec) -> dict[str, Any]:
    # Written as before kinds were objects (kind name, scale at the top), so runs started
    # by an earlier version keep their fingerprint and still resume.
    kind = spec.kind.to_dict()
    return dataclasses.asdict(spec) | {"kind": kind.pop("name"), "scale": kind.pop("scale", (1, 5))} | kind


def run_config(cfg: Any, output_dir: str | Path | None = None) -> RunConfig:
    raw = dict(_plain(cfg))
    raw.pop("hydra", None)
    judge_dirs = tuple(raw.get("judge_dirs") or ())
    prompt_dirs = tuple(raw.get("prompt_dirs") or ())
    if not raw.get("dataset"):
        raise ConfigError("no dataset selected; e.g. dataset=demo_binary")
    dataset = dataset_spec(raw["dataset"])
    judges_raw = raw.get("judges") or []
    if isinstance(judges_raw, (str, dict)):
        judges_raw = [judges_raw]
    if not judges_raw:
        raise ConfigError("no judges selected; e.g. judges='[local_smollm2]'")
    from judgebench.config.juries import judges_and_juries

    judges, juries, members_only = judges_and_juries(judges_raw, dataset.kind, judge_dirs)
    prompt_raw = raw.get("prompt") or dataset.default_prompt
    if not prompt_raw:
        raise ConfigError(f"dataset {dataset.name!r} has no default_prompt; choose one, e.g. prompt=faithfulness "
                          f"(available: {', '.join(group_names('prompt', prompt_dirs))})")
    prompt = prompt_spec(prompt_raw, prompt_dirs)
    few_shot = raw.get("few_shot") or {}
    run_id = raw.get("run_id") or default_run_id(raw)
    results_dir = Path(raw.get("results_dir") or "results")
    return RunConfig(
        run_id=run_id, dataset=dataset, judges=judges, prompt=prompt,
        few_shot_k=int(few_shot.get("k", 0)), few_shot_seed=int(few_shot.get("seed", 0)),
        juries=juries, jury_members_only=members_only, output_dir=Path(output_dir) if output_dir else results_dir / run_id,
        cache_path=Path(raw.get("cache_path") or results_dir / "cache.sqlite"),
        dry_run=bool(raw.get("dry_run", False)), progress=bool(raw.get("progress", True)),
        workers=_workers(raw.get("workers", "auto")), raw=raw, **_executor(raw))


def _executor(raw: Mapping[str, Any]) -> dict[str, Any]:
    executor = raw.get("executor") or "local"
    if executor not in ("local", "ray"):
        raise ConfigError(f"executor must be local or ray, got {executor!r}")
    if executor == "local":
        return {"executor": "local", "ray": None}
    try:
        return {"executor": "ray", "ray": settings_from(raw.get("ray"))}
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(exc)) from None


def _workers(value: Any) -> int | None:
    if value in (None, "auto"):
        return None
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = -1
    if count < 0:
        raise ConfigError(f"workers must be 'auto' or a number >= 0, got {value!r}")
    return count


def default_run_id(raw: Mapping[str, Any]) -> str:
    """`<dataset>-<prompt>-<judges>-<hash>`: the same command resumes the same folder."""
    dataset = raw.get("dataset") or {}
    prompt = raw.get("prompt") or dataset.get("default_prompt") or "prompt"
    prompt_name = prompt if isinstance(prompt, str) else prompt.get("name", "custom")
    judges = raw.get("judges") or []
    judges = [judges] if isinstance(judges, (str, dict)) else judges
    judge_names = "+".join(j if isinstance(j, str) else str(j.get("name") or j.get("model")) for j in judges)
    digest = hashlib.sha256(json.dumps({k: raw.get(k) for k in ("dataset", "judges", "prompt", "few_shot")},
                                       sort_keys=True, default=str).encode()).hexdigest()[:8]
    slug = re.sub(r"[^\w.+-]+", "_", f"{dataset.get('name', 'data')}-{prompt_name}-{judge_names}")[:80]
    return f"{slug}-{digest}"


@dataclass(frozen=True)
class RaySettings:
    address: str | None = None        # None: a new local Ray instance; "auto" or "ray://host:10001": a cluster
    workers: int = 2                  # actors
    concurrency: int = 32             # calls in flight per actor
    cpus_per_worker: float = 0.5      # scheduling only: the calls wait on the network, not the CPU
    gpus_per_worker: float = 0.0      # for local models on GPU nodes


def settings_from(options: dict[str, Any] | None) -> RaySettings:
    options = dict(options or {})
    unknown = set(options) - set(RaySettings.__dataclass_fields__)
    if unknown:
        raise ValueError(f"ray: unknown option(s) {', '.join(sorted(unknown))}; "
                         f"allowed: {', '.join(RaySettings.__dataclass_fields__)}")
    settings = RaySettings(**options)
    if settings.workers < 1 or settings.concurrency < 1:
        raise ValueError("ray: workers and concurrency must be >= 1")
    return settings


def register_hydra() -> None:
    """The config schema, and `${jb_run_id:}`: the default run id, also Hydra's output folder."""
    from hydra.core.config_store import ConfigStore
    from omegaconf import OmegaConf

    ConfigStore.instance().store(name="judgebench_schema", node=RootConf)

    def _run_id(*, _root_) -> str:
        return default_run_id({k: _plain(_root_.get(k)) for k in ("dataset", "judges", "prompt", "few_shot")})

    if not OmegaConf.has_resolver("jb_run_id"):
        OmegaConf.register_new_resolver("jb_run_id", _run_id)
