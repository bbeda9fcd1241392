"""A run's folder: manifest, items, append-only judgments, summary.

    results/<run_id>/
        manifest.json     what ran: config, judge specs, prompt texts, versions, git SHA
        items.jsonl       the items with their human labels
        judgments.jsonl   one Judgment per line, appended as calls finish
        summary.json      counts, tokens, cost, latency per judge

`pandas.read_json("results/<run_id>/judgments.jsonl", lines=True)` reads the judgments.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any, Iterable

from judgebench.data.schema import Item
from judgebench.errors import UserError
from judgebench.run.records import READABLE_VERSIONS, SCHEMA_VERSION, Judgment, SchemaError

JUDGMENTS = "judgments.jsonl"


class RunConflict(UserError, RuntimeError):
    pass


def provenance() -> dict[str, Any]:
    versions = {}
    for package in ("judgebench", "litellm", "llama-cpp-python", "hydra-core", "datasets"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).parent).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        sha = None
    return {"versions": versions, "git_sha": sha, "python": platform.python_version()}


class RunStore:
    def __init__(self, directory: str | Path):
        self.dir = Path(directory)
        self._fh = None
        self._created = False

    @property
    def judgments_path(self) -> Path:
        return self.dir / JUDGMENTS

    def open(self, manifest: dict[str, Any], items: Iterable[Item]) -> None:
        """Start or resume: a resumed run must be the same experiment (same fingerprint)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        manifest_path = self.dir / "manifest.json"
        if manifest_path.exists():
            existing = json.loads(manifest_path.read_text())
            if existing.get("schema_version") not in READABLE_VERSIONS:
                raise SchemaError(f"{manifest_path}: schema version {existing.get('schema_version')!r} "
                                  f"is not supported (this judgebench reads {READABLE_VERSIONS})")
            if existing.get("fingerprint") != manifest.get("fingerprint"):
                raise RunConflict(f"{self.dir} holds a different experiment (other judges, prompts or data); "
                                  "choose another run_id or delete that folder")
        else:
            self._created = True
            _write_json(manifest_path, manifest | {"schema_version": SCHEMA_VERSION})
            with open(self.dir / "items.jsonl", "w", encoding="utf-8") as fh:
                for item in items:
                    fh.write(json.dumps({"item_id": item.item_id, "human": list(item.human),
                                         "annotators": item.annotators, "source": item.source,
                                         "fields": item.fields}, ensure_ascii=False, default=str) + "\n")
        self._drop_torn_tail()
        self._fh = open(self.judgments_path, "a", encoding="utf-8")

    def _drop_torn_tail(self) -> None:
        # A run killed in the middle of a write leaves half a line; cut it before appending.
        path = self.judgments_path
        if not path.exists() or path.stat().st_size == 0:
            return
        with open(path, "rb+") as fh:
            data = fh.read()
            if not data.endswith(b"\n"):
                fh.truncate(data.rfind(b"\n") + 1)

    def load(self) -> list[Judgment]:
        """The latest record per key: a retried call's success replaces its earlier error."""
        latest: dict[str, Judgment] = {}
        if self.judgments_path.exists():
            with open(self.judgments_path, encoding="utf-8") as fh:
                for line in fh:
                    if line.endswith("\n"):
                        judgment = Judgment.from_dict(json.loads(line))
                        latest[judgment.key] = judgment
        return list(latest.values())

    def completed_keys(self) -> set[str]:
        return {j.key for j in self.load() if j.ok}

    def append(self, judgment: Judgment) -> None:
        self._fh.write(json.dumps(judgment.to_dict(), ensure_ascii=False) + "\n")
        self._fh.flush()

    def finish(self, summary: dict[str, Any]) -> None:
        self.close()
        judgments = self.load()
        with open(self.judgments_path, encoding="utf-8") as fh:
            lines = sum(1 for _ in fh)
        if lines != len(judgments):
            # Rewrite without superseded records so the file has one line per judgment.
            tmp = self.judgments_path.with_suffix(".tmp")
            with open(tmp, "w", encoding="utf-8") as fh:
                for judgment in judgments:
                    fh.write(json.dumps(judgment.to_dict(), ensure_ascii=False) + "\n")
            os.replace(tmp, self.judgments_path)
        _write_json(self.dir / "summary.json", summary | {"schema_version": SCHEMA_VERSION})

    def abandon(self) -> None:
        """Close, and if `open` started this run, remove what it wrote (a run refused before any call
        leaves nothing behind; a resumed one keeps everything)."""
        self.close()
        if self._created:
            for name in ("manifest.json", "items.jsonl", JUDGMENTS):
                (self.dir / name).unlink(missing_ok=True)
            if not any(self.dir.iterdir()):
                self.dir.rmdir()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
