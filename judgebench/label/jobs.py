"""Full labeling jobs: the whole dataset labeled by the refined judge, in the background.

A job's judgments are written to the library database as they finish (one row per call key, so a
call can never be counted twice); a job that dies is resumed by running it again: it skips the keys
it has, and its few-shot examples were fixed when it was submitted, so the keys are the same.

    python -m judgebench.label.jobs --home DIR JOB_ID     run (or resume) one job in this process
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import threading
import traceback
from contextlib import ExitStack
import time
from pathlib import Path
from typing import Sequence

from judgebench.label.library import Library, LibraryError
from judgebench.label.records import FINAL_STATES, JobInfo
from judgebench.label.workflow import Labeling
from judgebench.run.records import Judgment
from judgebench.run.session import judge_calls

HEARTBEAT_S = 1.0
STALE_AFTER_S = 15.0


class JobSink:
    """Judgments go straight into the database, one committed row per finished call, through one
    connection held for the job (the runner calls from a single thread)."""

    def __init__(self, library: Library, job_id: str):
        self.library, self.job_id = library, job_id
        self._connection = ExitStack()
        self._db = self._connection.enter_context(library.connect())

    def completed_keys(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT key FROM job_judgments WHERE job_id = ? AND ok = 1",
                                               (self.job_id,))}

    def append(self, judgment: Judgment) -> None:
        self.library.record_judgments(self._db, self.job_id, [judgment.to_dict()])

    def close(self) -> None:
        self._connection.close()


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def owner_alive(owner: str | None) -> bool:
    """False only when the owner is surely gone: a process of this host that no longer exists."""
    if not owner:
        return False
    host, _, rest = owner.partition(":")
    pid = rest.split(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed process whose parent has not reaped it yet still answers kill(0): a zombie.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def submit_job(library: Library, labeling_id: str) -> str:
    """A queued job over every item, with the labeling's latest prompt and reviews as they are now."""
    labeling = Labeling(library, labeling_id)
    stored, _ = labeling.prompt()
    return library.create_job(labeling_id, labeling.info.dataset_id, stored.version, len(labeling.items),
                              labeling.reviewed())


def run_job(library: Library, job_id: str, *, stale_after_s: float = STALE_AFTER_S) -> JobInfo:
    """Run or resume a job here until it completes, is cancelled or fails (its status says which and why)."""
    owner = owner_id()
    current = library.job(job_id)
    if current.owner and not owner_alive(current.owner):
        stale_after_s = 0.0          # its process is gone: no need to wait for the heartbeat to age
    if not library.claim_job(job_id, owner, stale_after_s):
        return library.job(job_id)
    info = library.job(job_id)
    try:
        labeling = Labeling(library, info.labeling_id)
        _, prompt = labeling.prompt(info.prompt_version)
        # Only the first judge labels; the others help choose what a person reviews.
        calls = labeling.plan(labeling.items, prompt, library.job_examples(job_id), labeling.judges[:1])
        outcome = asyncio.run(_run(library, job_id, calls))
    except Exception as exc:  # noqa: BLE001 - any failure is the job's outcome, shown in its status
        traceback.print_exc()
        library.set_job(job_id, status="failed", error=f"{type(exc).__name__}: {exc}", finished=time.time())
        return library.job(job_id)
    library.set_job(job_id, status=outcome, finished=time.time(), heartbeat=time.time())
    return library.job(job_id)


async def _run(library: Library, job_id: str, calls: Sequence) -> str:
    sink = JobSink(library, job_id)
    runner = asyncio.ensure_future(judge_calls(calls, sink, library.cache_path, job_id))
    try:
        while not runner.done():
            await asyncio.wait([runner], timeout=HEARTBEAT_S)
            # sqlite calls here are short; the heartbeat says the job is alive, the status carries a cancel.
            library.set_job(job_id, heartbeat=time.time())
            if library.job_status(job_id) == "cancelling":
                runner.cancel()
                try:
                    await runner
                except asyncio.CancelledError:
                    pass
                return "cancelled"
        stats = runner.result()
        missing = stats.planned - len(sink.completed_keys())
    finally:
        sink.close()
    if stats.aborted:
        judge, reason = next(iter(stats.aborted.items()))
        raise RuntimeError(f"judge {judge} stopped: {reason}")
    if missing:
        raise RuntimeError(f"{missing} calls failed after retries; resume the job to try them again")
    return "completed"


def cancel_job(library: Library, job_id: str) -> JobInfo:
    info = library.job(job_id)
    if info.status in FINAL_STATES:
        return info
    if info.status == "queued" or not owner_alive(info.owner):
        library.set_job(job_id, status="cancelled", finished=time.time())
    else:
        library.set_job(job_id, status="cancelling")
    return library.job(job_id)


def reopen_job(library: Library, job_id: str) -> JobInfo:
    """A cancelled or failed job goes back to the queue, to be resumed where it stopped."""
    info = library.job(job_id)
    if info.status in ("cancelled", "failed"):
        library.set_job(job_id, status="queued", finished=None, error=None)
    return library.job(job_id)


def spawn_job(library: Library, job_id: str) -> subprocess.Popen:
    """Run the job in a process of its own that outlives the command that started it."""
    logs = library.home / "logs"
    logs.mkdir(exist_ok=True)
    log = open(logs / f"{job_id}.log", "ab")
    return subprocess.Popen([sys.executable, "-m", "judgebench.label.jobs", "--home", str(library.home), job_id],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)


def orphaned_jobs(library: Library) -> list[JobInfo]:
    """Jobs that should be running but whose owner is gone (or that never started)."""
    now = time.time()
    return [j for j in library.jobs() if j.status == "queued" or (
        j.status in ("running", "cancelling") and
        (not owner_alive(j.owner) or not j.heartbeat or now - j.heartbeat > STALE_AFTER_S))]


def wait_for_job(library: Library, job_id: str, timeout_s: float | None = None, poll_s: float = 0.5) -> JobInfo:
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    while True:
        info = library.job(job_id)
        if info.status in FINAL_STATES:
            return info
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"job {job_id} is still {info.status} ({info.done}/{info.total}) after {timeout_s} s")
        time.sleep(poll_s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m judgebench.label.jobs", description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("job_id")
    args = parser.parse_args(argv)
    try:
        info = run_job(Library(args.home), args.job_id)
    except LibraryError as exc:
        print(f"judgebench: {exc}", file=sys.stderr)
        return 2
    print(f"{info.job_id}: {info.status} ({info.done}/{info.total})")
    return 0 if info.status in ("completed", "cancelled") else 1


if __name__ == "__main__":
    sys.exit(main())
