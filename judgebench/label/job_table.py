"""The jobs part of the library (label/library.py): full labeling jobs and every judgment they made.

A mixin: `Library` provides `connect()`, `transaction()` and `path`."""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any, Iterable, Mapping, Sequence

from judgebench.kinds import Label
from judgebench.label.records import FINAL_STATES, JobInfo, LibraryError, new_id


class JobTable:
    def create_job(self, labeling_id: str, dataset_id: str, prompt_version: int, total: int,
                   examples: Sequence[tuple[str, Label]]) -> str:
        """`examples`: the reviewed (item_id, label) pairs the job shows the judge, fixed now so that a
        resumed job makes exactly the same calls. Submitting the same job again while it is queued or
        running (a double click, two tabs) returns that job instead of starting a second one."""
        job_id = new_id("job")
        encoded = json.dumps([list(e) for e in examples])
        with self.transaction() as db:
            same = db.execute("SELECT job_id FROM jobs WHERE labeling_id = ? AND prompt_version = ? AND examples = ? "
                              "AND status IN ('queued', 'running') ORDER BY created LIMIT 1",
                              (labeling_id, prompt_version, encoded)).fetchone()
            if same:
                return same[0]
            db.execute("INSERT INTO jobs (job_id, labeling_id, dataset_id, prompt_version, status, total, created, "
                       "examples) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)",
                       (job_id, labeling_id, dataset_id, prompt_version, total, time.time(), encoded))
        return job_id

    def job_examples(self, job_id: str) -> list[tuple[str, Label]]:
        with self.connect() as db:
            row = db.execute("SELECT examples FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        if row is None:
            raise LibraryError(f"no job {job_id!r} in {self.path}")
        return [(item_id, label) for item_id, label in json.loads(row[0])]

    def job(self, job_id: str) -> JobInfo:
        jobs = self._jobs("WHERE j.job_id = ?", (job_id,))
        if not jobs:
            raise LibraryError(f"no job {job_id!r} in {self.path}")
        return jobs[0]

    def job_status(self, job_id: str) -> str:
        """Just the status (no progress count): what a running job polls for a cancel."""
        with self.connect() as db:
            row = db.execute("SELECT status FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        if row is None:
            raise LibraryError(f"no job {job_id!r} in {self.path}")
        return row[0]

    def jobs(self, dataset_id: str | None = None) -> list[JobInfo]:
        return self._jobs("WHERE ? IS NULL OR j.dataset_id = ?", (dataset_id, dataset_id))

    def _jobs(self, where: str, args: tuple) -> list[JobInfo]:
        with self.connect() as db:
            rows = db.execute(
                "SELECT j.job_id, j.labeling_id, j.dataset_id, j.prompt_version, j.status, j.total, "
                "(SELECT COUNT(DISTINCT item_id) FROM job_judgments g WHERE g.job_id = j.job_id AND g.ok = 1), "
                f"j.created, j.started, j.finished, j.heartbeat, j.owner, j.error FROM jobs j {where} "
                "ORDER BY j.created", args).fetchall()
        return [JobInfo(*r) for r in rows]

    def set_job(self, job_id: str, **values: Any) -> None:
        unknown = set(values) - {"status", "started", "finished", "heartbeat", "owner", "error"}
        if unknown:
            raise ValueError(f"not job columns: {unknown}")
        with self.connect() as db:
            db.execute(f"UPDATE jobs SET {', '.join(f'{k} = ?' for k in values)} WHERE job_id = ?",
                       (*values.values(), job_id))

    def claim_job(self, job_id: str, owner: str, stale_after_s: float) -> bool:
        """Take a job to run it, unless a live owner holds it (its heartbeat is fresher than `stale_after_s`)."""
        now = time.time()
        with self.transaction() as db:
            row = db.execute("SELECT status, heartbeat, owner FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
            if row is None:
                raise LibraryError(f"no job {job_id!r}")
            status, heartbeat, current = row
            if status in FINAL_STATES:
                return False
            if status in ("running", "cancelling") and current != owner and heartbeat and \
                    now - heartbeat < stale_after_s:
                return False
            db.execute("UPDATE jobs SET status = CASE status WHEN 'cancelling' THEN 'cancelling' ELSE 'running' END, "
                       "owner = ?, heartbeat = ?, started = COALESCE(started, ?), error = NULL WHERE job_id = ?",
                       (owner, now, now, job_id))
        return True

    def record_judgments(self, db: sqlite3.Connection, job_id: str, records: Iterable[Mapping[str, Any]]) -> None:
        db.executemany("INSERT OR REPLACE INTO job_judgments VALUES (?, ?, ?, ?, ?)",
                       [(job_id, r["key"], r["item_id"], int(r.get("error") is None),
                         json.dumps(r, ensure_ascii=False)) for r in records])

    def job_judgments(self, job_id: str) -> list[dict[str, Any]]:
        with self.connect() as db:
            rows = db.execute("SELECT record FROM job_judgments WHERE job_id = ? ORDER BY rowid",
                              (job_id,)).fetchall()
        return [json.loads(r[0]) for r in rows]


