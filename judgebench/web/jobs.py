"""The web API's full labeling jobs: they run in threads of the server; a job left behind by a
server that died is resumed when the next server starts."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from judgebench.label.export import EXPORT_FORMATS, labeled_frame, latest_job, write_frame
from judgebench.label.jobs import cancel_job, orphaned_jobs, reopen_job, run_job, submit_job
from judgebench.label.estimate import job_estimate
from judgebench.label.library import Library, LibraryError


class JobThreads:
    """Runs jobs in daemon threads of the server; one thread per job at most."""

    def __init__(self, library: Library):
        self.library = library
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def start(self, job_id: str) -> None:
        with self._lock:
            if job_id in self._threads and self._threads[job_id].is_alive():
                return
            # run_job records any failure in the job's status.
            thread = threading.Thread(target=run_job, args=(self.library, job_id), name=f"job-{job_id}",
                                      daemon=True)
            self._threads[job_id] = thread
            thread.start()

    def resume_orphans(self) -> list[str]:
        ids = [job.job_id for job in orphaned_jobs(self.library)]
        for job_id in ids:
            self.start(job_id)
        return ids


def download(library: Library, job_id: str, fmt: str, columns: str = "dataset") -> Response:
    """The labeled dataset of a job as a file (CSV cells are spreadsheet-safe); `columns=prompt` names
    mapped columns after the placeholders they fill."""
    if fmt not in EXPORT_FORMATS:
        raise LibraryError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
    if columns not in ("dataset", "prompt"):
        raise LibraryError("columns must be dataset (your names) or prompt (the placeholders' names)")
    info = library.job(job_id)
    dataset = library.dataset(info.dataset_id)
    with tempfile.TemporaryDirectory() as tmp:
        data = write_frame(labeled_frame(library, job_id, columns == "prompt"), Path(tmp) / f"labeled.{fmt}", fmt).read_bytes()
    filename = f"{dataset.name}-v{dataset.version}-{job_id}.{fmt}"
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def jobs_router(library: Library, jobs: JobThreads) -> APIRouter:
    router = APIRouter(prefix="/api")

    @router.post("/labelings/{labeling_id}/jobs")
    def submit(labeling_id: str):
        job_id = submit_job(library, labeling_id)
        jobs.start(job_id)
        return library.job(job_id).to_dict()

    @router.get("/jobs")
    def job_list():
        names = {d.dataset_id: f"{d.name}@{d.version}" for d in library.datasets()}
        return [{**j.to_dict(), "dataset": names.get(j.dataset_id, j.dataset_id)} for j in library.jobs()]

    @router.get("/jobs/{job_id}")
    def job(job_id: str):
        info = library.job(job_id)
        estimate = None
        if info.status == "completed":
            estimate = job_estimate(library, job_id).describe(library.labeling(info.labeling_id).kind.estimand)
        return {**info.to_dict(), "estimate": estimate}

    @router.post("/jobs/{job_id}/cancel")
    def cancel(job_id: str):
        return cancel_job(library, job_id).to_dict()

    @router.post("/jobs/{job_id}/resume")
    def resume(job_id: str):
        reopen_job(library, job_id)
        jobs.start(job_id)
        return library.job(job_id).to_dict()

    @router.get("/jobs/{job_id}/download")
    def download_job(job_id: str, format: str = "csv", columns: str = "dataset"):
        return download(library, job_id, format, columns)

    @router.get("/datasets/{dataset_id}/download")
    def download_dataset(dataset_id: str, format: str = "csv", columns: str = "dataset"):
        return download(library, latest_job(library, library.dataset(dataset_id).dataset_id).job_id, format,
                        columns)

    return router
