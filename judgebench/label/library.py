"""The LLM Judge++ store: datasets, labelings, reviews and labeling jobs in one SQLite file.

    datasets / items        uploads, one version per upload of a name
    column_maps             per dataset version: which column fills which prompt placeholder
    labelings               a dataset + criteria (prompt versions) + judge(s)
    batch_items             the review batches: 16 items per round, with the judge's label and reason
    round_pools             per round, the candidates the judge labeled and each one's chance of review
    reviews                 what a person decided, per item (the few-shot pool)
    jobs / job_judgments    full labeling jobs and every judgment they made (key = the runner's call key)

WAL mode: a committed row survives the process being killed, and the web server, the
terminal review and a background job can use the file at the same time.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from judgebench.data.column_map import check_column_map, suggest_column_map
from judgebench.data.schema import Item, Label
from judgebench.home import default_home
from judgebench.kinds import TaskKind, kind_from
from judgebench.label.job_table import JobTable
from judgebench.label.records import (
    FINAL_STATES, BatchEntry, DatasetInfo, LabelingInfo, LibraryError, PoolEntry, PromptVersion, Review, new_id,
)
from judgebench.sqlite import connect

SCHEMA_VERSION = 1
DB_NAME = "library.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (
    dataset_id TEXT PRIMARY KEY, name TEXT NOT NULL, version INTEGER NOT NULL, source TEXT NOT NULL,
    columns TEXT NOT NULL, n_items INTEGER NOT NULL, created REAL NOT NULL, UNIQUE (name, version));
CREATE TABLE IF NOT EXISTS items (
    dataset_id TEXT NOT NULL, position INTEGER NOT NULL, item_id TEXT NOT NULL, fields TEXT NOT NULL,
    PRIMARY KEY (dataset_id, item_id));
CREATE TABLE IF NOT EXISTS column_maps (
    dataset_id TEXT NOT NULL, placeholder TEXT NOT NULL, column_name TEXT NOT NULL,
    PRIMARY KEY (dataset_id, placeholder));
CREATE TABLE IF NOT EXISTS labelings (
    labeling_id TEXT PRIMARY KEY, dataset_id TEXT NOT NULL, kind TEXT NOT NULL, judges TEXT NOT NULL,
    few_shot_k INTEGER NOT NULL, selection TEXT NOT NULL, pool_size INTEGER NOT NULL, seed INTEGER NOT NULL,
    created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS prompt_versions (
    labeling_id TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, template TEXT NOT NULL,
    system TEXT NOT NULL, created REAL NOT NULL, PRIMARY KEY (labeling_id, version));
CREATE TABLE IF NOT EXISTS batch_items (
    labeling_id TEXT NOT NULL, round INTEGER NOT NULL, position INTEGER NOT NULL, item_id TEXT NOT NULL,
    prompt_version INTEGER NOT NULL, judge_label TEXT, judge_prob REAL, reason TEXT, uncertainty REAL,
    PRIMARY KEY (labeling_id, round, position));
CREATE TABLE IF NOT EXISTS round_pools (
    labeling_id TEXT NOT NULL, round INTEGER NOT NULL, item_id TEXT NOT NULL, judge_score REAL, inclusion REAL NOT NULL,
    open_count INTEGER NOT NULL, PRIMARY KEY (labeling_id, round, item_id));
CREATE TABLE IF NOT EXISTS reviews (
    labeling_id TEXT NOT NULL, item_id TEXT NOT NULL, label TEXT NOT NULL, judge_label TEXT,
    round INTEGER NOT NULL, prompt_version INTEGER NOT NULL, reviewed REAL NOT NULL,
    PRIMARY KEY (labeling_id, item_id));
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY, labeling_id TEXT NOT NULL, dataset_id TEXT NOT NULL, prompt_version INTEGER NOT NULL,
    status TEXT NOT NULL, total INTEGER NOT NULL, created REAL NOT NULL, started REAL, finished REAL,
    heartbeat REAL, owner TEXT, error TEXT, examples TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS guarantees (
    labeling_id TEXT PRIMARY KEY, alpha REAL NOT NULL, delta REAL NOT NULL);
CREATE TABLE IF NOT EXISTS job_judgments (
    job_id TEXT NOT NULL, key TEXT NOT NULL, item_id TEXT NOT NULL, ok INTEGER NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY (job_id, key));
"""



def safe_name(name: str) -> str:
    """A dataset name usable in paths and URLs: letters, digits, `_ . -`; nothing else survives."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(str(name)).name).strip("._-")[:64]
    if not cleaned:
        raise LibraryError(f"dataset name {name!r} has no usable characters (letters, digits, _ . -)")
    return cleaned


def dump_label(label: Label | None) -> str | None:
    return None if label is None else json.dumps(label)


def load_label(text: str | None) -> Label | None:
    return None if text is None else json.loads(text)


class Library(JobTable):
    def __init__(self, home: str | Path | None = None):
        self.home = Path(home) if home is not None else default_home()
        self.home.mkdir(parents=True, exist_ok=True)
        self.path = self.home / DB_NAME
        with self.connect() as db:
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) != SCHEMA_VERSION:
                raise LibraryError(f"{self.path}: schema version {row[0]} is not supported "
                                   f"(this judgebench reads version {SCHEMA_VERSION})")

    @property
    def cache_path(self) -> Path:
        return self.home / "cache.sqlite"

    def connect(self):
        return connect(self.path)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # --- datasets ---------------------------------------------------------------------------

    def add_dataset(self, name: str, items: Sequence[Item], columns: Sequence[str], source: str,
                    column_map: Mapping[str, str] | None = None) -> DatasetInfo:
        """A new version of `name`. Its column map starts as the one suggested by the column names,
        with `column_map`'s entries over it."""
        name = safe_name(name)
        if not items:
            raise LibraryError(f"{source}: no rows to add")
        chosen = {**suggest_column_map(columns), **check_column_map(column_map or {}, columns, name)}
        chosen = {p: c for p, c in chosen.items() if c}
        dataset_id = new_id("ds")
        created = time.time()
        with self.transaction() as db:
            version = db.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM datasets WHERE name = ?",
                                 (name,)).fetchone()[0]
            db.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (dataset_id, name, version, source, json.dumps(list(columns)), len(items), created))
            db.executemany("INSERT INTO items VALUES (?, ?, ?, ?)",
                           [(dataset_id, i, item.item_id, json.dumps(dict(item.fields), ensure_ascii=False,
                                                                     default=str))
                            for i, item in enumerate(items)])
            db.executemany("INSERT INTO column_maps VALUES (?, ?, ?)",
                           [(dataset_id, p, c) for p, c in chosen.items()])
        return DatasetInfo(dataset_id, name, version, source, tuple(columns), len(items), created, chosen)

    def set_column_map(self, dataset_id: str, changes: Mapping[str, str | None]) -> dict[str, str]:
        """Change the dataset version's column map (an empty column, or the placeholder's own name, removes the
        entry); returns the new map."""
        info = self.dataset(dataset_id)
        checked = check_column_map(changes, info.columns, info.name)
        with self.transaction() as db:
            for placeholder, column in checked.items():
                db.execute("DELETE FROM column_maps WHERE dataset_id = ? AND placeholder = ?",
                           (info.dataset_id, placeholder))
                if column and column != placeholder:
                    db.execute("INSERT INTO column_maps VALUES (?, ?, ?)", (info.dataset_id, placeholder, column))
        return self.dataset(info.dataset_id).column_map

    def datasets(self) -> list[DatasetInfo]:
        with self.connect() as db:
            rows = db.execute("SELECT * FROM datasets ORDER BY name, version").fetchall()
            return [_dataset_info(db, r) for r in rows]

    def dataset(self, ref: str) -> DatasetInfo:
        """By id (`ds-...`), by name (its latest version) or by `name@version`."""
        name, _, version = ref.partition("@")
        with self.connect() as db:
            row = db.execute("SELECT * FROM datasets WHERE dataset_id = ?", (ref,)).fetchone()
            if row is None and version:
                if not version.isdigit():
                    raise LibraryError(f"dataset {ref!r}: the version after @ must be a number")
                row = db.execute("SELECT * FROM datasets WHERE name = ? AND version = ?",
                                 (name, int(version))).fetchone()
            elif row is None:
                row = db.execute("SELECT * FROM datasets WHERE name = ? ORDER BY version DESC LIMIT 1",
                                 (name,)).fetchone()
            if row is not None:
                return _dataset_info(db, row)
        known = ", ".join(sorted({d.name for d in self.datasets()})) or "none yet"
        raise LibraryError(f"no dataset {ref!r} in {self.path} (datasets: {known}); "
                           "add one with `judgebench data add FILE --name NAME`")

    def items(self, dataset_id: str) -> list[Item]:
        with self.connect() as db:
            rows = db.execute("SELECT item_id, fields FROM items WHERE dataset_id = ? ORDER BY position",
                              (dataset_id,)).fetchall()
        return [Item(item_id=r[0], fields=json.loads(r[1]), human=(), source=f"{dataset_id}#{i}")
                for i, r in enumerate(rows)]

    def item(self, dataset_id: str, item_id: str) -> Item:
        with self.connect() as db:
            row = db.execute("SELECT position, fields FROM items WHERE dataset_id = ? AND item_id = ?",
                             (dataset_id, item_id)).fetchone()
        if row is None:
            raise LibraryError(f"no item {item_id!r} in dataset {dataset_id}")
        return Item(item_id=item_id, fields=json.loads(row[1]), human=(), source=f"{dataset_id}#{row[0]}")

    def remove_dataset(self, dataset_id: str) -> None:
        with self.transaction() as db:
            labelings = [r[0] for r in db.execute("SELECT labeling_id FROM labelings WHERE dataset_id = ?",
                                                  (dataset_id,))]
            _remove_labelings(db, "dataset_id", dataset_id, labelings, "dataset")
            db.execute("DELETE FROM items WHERE dataset_id = ?", (dataset_id,))
            db.execute("DELETE FROM column_maps WHERE dataset_id = ?", (dataset_id,))
            db.execute("DELETE FROM datasets WHERE dataset_id = ?", (dataset_id,))

    def remove_labeling(self, labeling_id: str) -> None:
        """A labeling with its prompt versions, batches, reviews and jobs (a broken one, say); the dataset stays."""
        self.labeling(labeling_id)
        with self.transaction() as db:
            _remove_labelings(db, "labeling_id", labeling_id, [labeling_id], "labeling")

    # --- labelings and prompt versions --------------------------------------------------------

    def create_labeling(self, dataset_id: str, kind: TaskKind, judges: Sequence[Mapping[str, Any]],
                        prompt: PromptVersion, *, few_shot_k: int, selection: str, pool_size: int,
                        seed: int) -> LabelingInfo:
        info = LabelingInfo(new_id("lb"), dataset_id, kind, tuple(dict(j) for j in judges), few_shot_k,
                            selection, pool_size, seed, time.time())
        with self.transaction() as db:
            db.execute("INSERT INTO labelings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (info.labeling_id, dataset_id, kind.name, json.dumps(info.judges), few_shot_k, selection,
                        pool_size, seed, info.created))
            _insert_prompt(db, info.labeling_id, 1, prompt)
        return info

    def set_guarantee(self, labeling_id: str, alpha: float, delta: float) -> None:
        """The agreement an escalating labeling guarantees: at least 1 - alpha, with probability 1 - delta."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO guarantees VALUES (?, ?, ?)", (labeling_id, alpha, delta))

    def guarantee(self, labeling_id: str) -> tuple[float, float] | None:
        with self.connect() as db:
            row = db.execute("SELECT alpha, delta FROM guarantees WHERE labeling_id = ?", (labeling_id,)).fetchone()
        return (float(row[0]), float(row[1])) if row else None

    def labeling(self, labeling_id: str) -> LabelingInfo:
        with self.connect() as db:
            row = db.execute("SELECT * FROM labelings WHERE labeling_id = ?", (labeling_id,)).fetchone()
        if row is None:
            raise LibraryError(f"no labeling {labeling_id!r} in {self.path}")
        return LabelingInfo(row[0], row[1], kind_from(row[2]), tuple(json.loads(row[3])), row[4], row[5], row[6],
                            row[7], row[8])

    def labelings(self, dataset_id: str | None = None) -> list[LabelingInfo]:
        with self.connect() as db:
            ids = [r[0] for r in db.execute(
                "SELECT labeling_id FROM labelings WHERE ? IS NULL OR dataset_id = ? ORDER BY created",
                (dataset_id, dataset_id))]
        return [self.labeling(i) for i in ids]

    def add_prompt_version(self, labeling_id: str, prompt: PromptVersion) -> PromptVersion:
        with self.transaction() as db:
            version = db.execute("SELECT MAX(version) + 1 FROM prompt_versions WHERE labeling_id = ?",
                                 (labeling_id,)).fetchone()[0]
            if version is None:
                raise LibraryError(f"no labeling {labeling_id!r}")
            _insert_prompt(db, labeling_id, version, prompt)
        return PromptVersion(version, prompt.name, prompt.template, prompt.system)

    def prompt_version(self, labeling_id: str, version: int | None = None) -> PromptVersion:
        with self.connect() as db:
            row = db.execute("SELECT version, name, template, system FROM prompt_versions WHERE labeling_id = ? "
                             "AND (? IS NULL OR version = ?) ORDER BY version DESC LIMIT 1",
                             (labeling_id, version, version)).fetchone()
        if row is None:
            raise LibraryError(f"labeling {labeling_id!r} has no prompt version {version}")
        return PromptVersion(*row)

    # --- review batches and reviews -----------------------------------------------------------

    def save_batch(self, labeling_id: str, round_: int, entries: Sequence[BatchEntry]) -> None:
        """Replace the round's batch (a relabel after a prompt change rewrites it)."""
        with self.transaction() as db:
            db.execute("DELETE FROM batch_items WHERE labeling_id = ? AND round = ?", (labeling_id, round_))
            db.executemany("INSERT INTO batch_items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(labeling_id, round_, e.position, e.item_id, e.prompt_version, dump_label(e.judge_label),
                             e.judge_prob, e.reason, e.uncertainty) for e in entries])

    def save_pool(self, labeling_id: str, round_: int, pool: Sequence[PoolEntry]) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM round_pools WHERE labeling_id = ? AND round = ?", (labeling_id, round_))
            db.executemany("INSERT INTO round_pools VALUES (?, ?, ?, ?, ?, ?)",
                           [(labeling_id, round_, e.item_id, e.judge_score, e.inclusion, e.open_count) for e in pool])

    def pools(self, labeling_id: str) -> dict[int, list[PoolEntry]]:
        """Round -> its pool, in item order."""
        with self.connect() as db:
            rows = db.execute("SELECT round, item_id, judge_score, inclusion, open_count FROM round_pools "
                              "WHERE labeling_id = ? ORDER BY round, item_id", (labeling_id,)).fetchall()
        out: dict[int, list[PoolEntry]] = {}
        for row in rows:
            out.setdefault(row[0], []).append(PoolEntry(*row[1:]))
        return out

    def batch(self, labeling_id: str, round_: int | None = None) -> list[BatchEntry]:
        """The given round's batch; by default the latest one."""
        with self.connect() as db:
            if round_ is None:
                round_ = db.execute("SELECT MAX(round) FROM batch_items WHERE labeling_id = ?",
                                    (labeling_id,)).fetchone()[0]
            rows = db.execute("SELECT round, position, item_id, prompt_version, judge_label, judge_prob, reason, "
                              "uncertainty FROM batch_items WHERE labeling_id = ? AND round = ? ORDER BY position",
                              (labeling_id, round_)).fetchall()
        return [BatchEntry(r[0], r[1], r[2], r[3], load_label(r[4]), r[5], r[6], r[7]) for r in rows]

    def save_reviews(self, labeling_id: str, round_: int, prompt_version: int,
                     decisions: Mapping[str, tuple[Label, Label | None]]) -> None:
        """`decisions`: item_id -> (the person's label, the judge's label). A later review of an item wins."""
        now = time.time()
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [(labeling_id, item_id, dump_label(label), dump_label(judge_label), round_,
                             prompt_version, now) for item_id, (label, judge_label) in decisions.items()])

    def reviews(self, labeling_id: str) -> list[Review]:
        with self.connect() as db:
            rows = db.execute("SELECT item_id, label, judge_label, round, prompt_version, reviewed FROM reviews "
                              "WHERE labeling_id = ? ORDER BY reviewed, item_id", (labeling_id,)).fetchall()
        return [Review(r[0], load_label(r[1]), load_label(r[2]), r[3], r[4], r[5]) for r in rows]


def _remove_labelings(db: sqlite3.Connection, column: str, value: str, labelings: Sequence[str], what: str) -> None:
    """Delete labelings and the jobs whose `column` is `value`, unless one of those jobs is still running."""
    running = db.execute(f"SELECT job_id FROM jobs WHERE {column} = ? AND status NOT IN "
                         f"({','.join('?' * len(FINAL_STATES))})", (value, *FINAL_STATES)).fetchall()
    if running:
        raise LibraryError(f"job {running[0][0]} is still labeling this {what}; cancel it first")
    for table in ("batch_items", "round_pools", "reviews", "prompt_versions", "guarantees", "labelings"):
        db.executemany(f"DELETE FROM {table} WHERE labeling_id = ?", [(x,) for x in labelings])
    jobs = [r[0] for r in db.execute(f"SELECT job_id FROM jobs WHERE {column} = ?", (value,))]
    db.executemany("DELETE FROM job_judgments WHERE job_id = ?", [(x,) for x in jobs])
    db.execute(f"DELETE FROM jobs WHERE {column} = ?", (value,))


def _insert_prompt(db: sqlite3.Connection, labeling_id: str, version: int, prompt: PromptVersion) -> None:
    db.execute("INSERT INTO prompt_versions VALUES (?, ?, ?, ?, ?, ?)",
               (labeling_id, version, prompt.name, prompt.template, prompt.system, time.time()))


def _dataset_info(db: sqlite3.Connection, row: Sequence[Any]) -> DatasetInfo:
    column_map = dict(db.execute("SELECT placeholder, column_name FROM column_maps WHERE dataset_id = ? "
                                 "ORDER BY placeholder", (row[0],)).fetchall())
    return DatasetInfo(row[0], row[1], row[2], row[3], tuple(json.loads(row[4])), row[5], row[6], column_map)
