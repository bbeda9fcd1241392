"""The web page of `judgebench serve`: dataset library, review of a batch, full labeling jobs.

A JSON API under /api and static pages that fill themselves from it (dataset text is always
inserted as text, never as HTML). Full jobs run in threads of this process; a job left behind by
a server that died is resumed when the next server starts.
"""

from __future__ import annotations

import secrets
import tempfile
import threading
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

from fastapi import Body, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from judgebench.arena.ballots import VoteError
from judgebench.config import ConfigError, group_names, load_group_entry
from judgebench.data.schema import DataError
from judgebench.judges.prompts import PromptError
from judgebench.label.export import EXPORT_FORMATS, labeled_frame, latest_job, write_frame
from judgebench.data.readers import FORMATS_BY_SUFFIX
from judgebench.label.ingest import read_upload
from judgebench.label.jobs import cancel_job, orphaned_jobs, reopen_job, run_job, submit_job
from judgebench.label.library import Library, LibraryError, safe_name
from judgebench.label.workflow import Labeling, builtin_metrics, criteria, judges_from, start_labeling
from judgebench.web.arena import arena_router
from judgebench.web.guard import LOOPBACK_NAMES, RequestGuard, too_large

MAX_UPLOAD_MB = 50
TOKEN_COOKIE = "judgebench_token"
_CHUNK = 1 << 20


def static_file(name: str) -> Path:
    return Path(str(resources.files("judgebench.web") / "static" / name))


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


def create_app(library: Library, *, token: str | None = None, judge_dirs: Sequence[str] = (),
               max_upload_mb: float = MAX_UPLOAD_MB, resume_jobs: bool = True,
               arena_judges: Sequence[str] = (), arena_seed: int | None = None,
               allowed_hosts: Sequence[str] | None = LOOPBACK_NAMES) -> FastAPI:
    """`allowed_hosts`: the names the server answers to (None: any, for a token-protected wildcard bind)."""
    jobs = JobThreads(library)
    judge_dirs = tuple(judge_dirs)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if resume_jobs:
            jobs.resume_orphans()
        yield

    app = FastAPI(title="judgebench", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.library, app.state.jobs = library, jobs
    app.add_middleware(RequestGuard, allowed_hosts=allowed_hosts, max_upload_mb=max_upload_mb)

    @app.middleware("http")
    async def _auth(request: Request, call_next):
        if token is None:
            return await call_next(request)
        supplied = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or \
            request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        if not secrets.compare_digest(supplied.encode(), token.encode()):
            return JSONResponse({"error": "a token is required: open the address printed by `judgebench serve`"},
                                status_code=401)
        response = await call_next(request)
        if request.query_params.get("token"):
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        return response

    app.include_router(arena_router(library, judges_from(list(arena_judges), judge_dirs) if arena_judges else [],
                                    static_file, arena_seed))

    @app.exception_handler(VoteError)
    @app.exception_handler(LibraryError)
    @app.exception_handler(DataError)
    @app.exception_handler(PromptError)
    @app.exception_handler(ConfigError)
    async def _bad_input(request: Request, exc: Exception):
        return JSONResponse({"error": str(exc)}, status_code=400)

    # --- pages ------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    def library_page():
        return FileResponse(static_file("library.html"), media_type="text/html")

    @app.get("/label/{labeling_id}", response_class=HTMLResponse)
    def labeling_page(labeling_id: str):
        library.labeling(labeling_id)
        return FileResponse(static_file("label.html"), media_type="text/html")

    @app.get("/static/{name}")
    def static(name: str):
        if name not in ("app.js", "arena.js", "style.css"):
            raise HTTPException(404)
        return FileResponse(static_file(name), media_type="text/javascript" if name.endswith(".js") else "text/css")

    # --- datasets ---------------------------------------------------------------------------

    @app.get("/api/datasets")
    def datasets():
        return [d.__dict__ for d in library.datasets()]

    @app.post("/api/datasets")
    async def upload(file: UploadFile = File(...), name: str = Form("")):
        original = Path(file.filename or "upload").name
        suffix = Path(original).suffix.lower()
        if suffix not in FORMATS_BY_SUFFIX:
            raise LibraryError(f"{safe_name(original)}: upload a file ending in .jsonl, .json, .csv or .parquet")
        limit = int(max_upload_mb * (1 << 20))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{suffix}"          # never the client's name on disk
            size = 0
            with open(path, "wb") as fh:
                while chunk := await file.read(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        return JSONResponse({"error": too_large(max_upload_mb)}, status_code=413)
                    fh.write(chunk)
            display = safe_name(original)
            items, columns = read_upload(str(path), display_name=display)
        info = library.add_dataset(name or Path(display).stem, items, columns, display)
        return info.__dict__

    @app.delete("/api/datasets/{dataset_id}")
    def remove(dataset_id: str):
        library.remove_dataset(library.dataset(dataset_id).dataset_id)
        return {"removed": dataset_id}

    @app.get("/api/datasets/{dataset_id}/download")
    def download_dataset(dataset_id: str, format: str = "csv"):
        return _download(latest_job(library, library.dataset(dataset_id).dataset_id).job_id, format)

    # --- choices for the forms --------------------------------------------------------------

    @app.get("/api/options")
    def options():
        metrics = [{"name": name, "description": description,
                    "template": load_group_entry("prompt", name)["template"]}
                   for name, description in builtin_metrics().items()]
        return {"metrics": metrics, "judges": group_names("judge", judge_dirs)}

    # --- labelings --------------------------------------------------------------------------

    @app.get("/api/labelings")
    def labelings():
        return [_labeling_summary(library, info.labeling_id) for info in library.labelings()]

    @app.post("/api/labelings")
    def start(body: dict[str, Any] = Body(...)):
        prompt = criteria(body.get("metric") or None, template=body.get("template") or None,
                          system=body.get("system") or "", kind=body.get("kind") or "binary")
        names = body.get("judges") or body.get("judge") or None
        names = [names] if isinstance(names, str) else names
        if names is not None and not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
            # Inline specs could send a server-side API key to any api_base: names of configured judges only.
            raise ConfigError("choose judges by name (conf/judge or --judge-dir)")
        judges = judges_from(names, judge_dirs)
        labeling, _ = start_labeling(library, body["dataset_id"], prompt, judges,
                                     selection=body.get("selection") or "active",
                                     few_shot_k=int(body.get("few_shot_k", 4)),
                                     batch_size=int(body.get("batch_size", 16)))
        return _labeling_state(labeling)

    @app.get("/api/labelings/{labeling_id}")
    def labeling_state(labeling_id: str):
        return _labeling_state(Labeling(library, labeling_id))

    @app.post("/api/labelings/{labeling_id}/prompt")
    def change_prompt(labeling_id: str, body: dict[str, Any] = Body(...)):
        labeling = Labeling(library, labeling_id)
        labeling.change_prompt(str(body.get("template") or ""), body.get("system"))
        return _labeling_state(labeling)

    @app.post("/api/labelings/{labeling_id}/reviews")
    def submit_reviews(labeling_id: str, body: dict[str, Any] = Body(...)):
        labeling = Labeling(library, labeling_id)
        changed = labeling.submit_reviews(dict(body.get("labels") or {}))
        return {"changed": changed, **_labeling_state(labeling)}

    @app.post("/api/labelings/{labeling_id}/next")
    def next_batch(labeling_id: str):
        labeling = Labeling(library, labeling_id)
        labeling.next_batch()
        return _labeling_state(labeling)

    @app.post("/api/labelings/{labeling_id}/jobs")
    def submit(labeling_id: str):
        job_id = submit_job(library, labeling_id)
        jobs.start(job_id)
        return library.job(job_id).to_dict()

    # --- jobs -------------------------------------------------------------------------------

    @app.get("/api/jobs")
    def job_list():
        return [j.to_dict() for j in library.jobs()]

    @app.get("/api/jobs/{job_id}")
    def job(job_id: str):
        return library.job(job_id).to_dict()

    @app.post("/api/jobs/{job_id}/cancel")
    def cancel(job_id: str):
        return cancel_job(library, job_id).to_dict()

    @app.post("/api/jobs/{job_id}/resume")
    def resume(job_id: str):
        reopen_job(library, job_id)
        jobs.start(job_id)
        return library.job(job_id).to_dict()

    @app.get("/api/jobs/{job_id}/download")
    def download_job(job_id: str, format: str = "csv"):
        return _download(job_id, format)

    def _download(job_id: str, fmt: str) -> Response:
        if fmt not in EXPORT_FORMATS:
            raise LibraryError(f"format must be one of {', '.join(EXPORT_FORMATS)}")
        info = library.job(job_id)
        dataset = library.dataset(info.dataset_id)
        with tempfile.TemporaryDirectory() as tmp:
            path = write_frame(labeled_frame(library, job_id), Path(tmp) / f"labeled.{fmt}", fmt)
            data = path.read_bytes()
        filename = f"{dataset.name}-v{dataset.version}-{job_id}.{fmt}"
        return Response(data, media_type="application/octet-stream",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    return app


def _labeling_summary(library: Library, labeling_id: str) -> dict[str, Any]:
    info = library.labeling(labeling_id)
    dataset = library.dataset(info.dataset_id)
    stored = library.prompt_version(labeling_id)
    return {"labeling_id": labeling_id, "dataset_id": info.dataset_id, "dataset": f"{dataset.name}@{dataset.version}",
            "kind": info.kind.name, "judge": info.judges[0]["name"], "prompt": stored.name,
            "prompt_version": stored.version, "reviewed": len(library.reviews(labeling_id)),
            "selection": info.selection}


def _labeling_state(labeling: Labeling) -> dict[str, Any]:
    library = labeling.library
    stored, _ = labeling.prompt()
    batch = labeling.current_batch()
    return {
        **_labeling_summary(library, labeling.id),
        "template": stored.template, "system": stored.system, "n_items": len(labeling.items),
        "batch": [{"item_id": e.item_id, "round": e.round, "position": e.position,
                   "fields": dict(labeling.item(e.item_id).fields), "judge_label": e.judge_label,
                   "judge_prob": e.judge_prob, "reason": e.reason, "uncertainty": e.uncertainty,
                   "prompt_version": e.prompt_version} for e in batch],
        "jobs": [j.to_dict() for j in library.jobs(labeling.info.dataset_id) if j.labeling_id == labeling.id],
    }
