"""The web page of `judgebench serve`: dataset library, review of a batch, full labeling jobs, Judge Arena.

A JSON API under /api (one router per concern: datasets.py, labelings.py, jobs.py, arena.py) and
static pages that fill themselves from it (dataset text is always inserted as text, never as HTML).
Every request passes the guard (guard.py) and, with a token, the token check first.
"""

from __future__ import annotations

import secrets
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Sequence

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from judgebench.errors import UserError
from judgebench.label.library import Library
from judgebench.label.workflow import judges_from
from judgebench.run.progress import MeterBoard
from judgebench.web.arena import arena_router
from judgebench.web.datasets import datasets_router
from judgebench.web.guard import LOOPBACK_NAMES, RequestGuard
from judgebench.web.jobs import JobThreads, jobs_router
from judgebench.web.labelings import labelings_router
from judgebench.web.progress import progress_router

MAX_UPLOAD_MB = 50
TOKEN_COOKIE = "judgebench_token"
STATIC = ("app.js", "arena.js", "style.css")


def static_file(name: str) -> Path:
    return Path(str(resources.files("judgebench.web") / "static" / name))


def pages_router(library: Library) -> APIRouter:
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse)
    def library_page():
        return FileResponse(static_file("library.html"), media_type="text/html")

    @router.get("/label/{labeling_id}", response_class=HTMLResponse)
    def labeling_page(labeling_id: str):
        library.labeling(labeling_id)
        return FileResponse(static_file("label.html"), media_type="text/html")

    @router.get("/static/{name}")
    def static(name: str):
        if name not in STATIC:
            raise HTTPException(404)
        return FileResponse(static_file(name), media_type="text/javascript" if name.endswith(".js") else "text/css")

    return router


def add_token_check(app: FastAPI, token: str) -> None:
    """The token in a header, once in the URL (then an httponly cookie), or the cookie."""
    @app.middleware("http")
    async def _auth(request: Request, call_next):
        supplied = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or \
            request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        if not secrets.compare_digest(supplied.encode(), token.encode()):
            return JSONResponse({"error": "a token is required: open the address printed by `judgebench serve`"},
                                status_code=401)
        response = await call_next(request)
        if request.query_params.get("token"):
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        return response


def create_app(library: Library, *, token: str | None = None, judge_dirs: Sequence[str] = (),
               max_upload_mb: float = MAX_UPLOAD_MB, resume_jobs: bool = True,
               arena_judges: Sequence[str] = (), arena_seed: int | None = None,
               allowed_hosts: Sequence[str] | None = LOOPBACK_NAMES) -> FastAPI:
    """`allowed_hosts`: the names the server answers to (None: any, for a token-protected wildcard bind)."""
    jobs = JobThreads(library)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if resume_jobs:
            jobs.resume_orphans()
        yield

    app = FastAPI(title="judgebench", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.library, app.state.jobs = library, jobs
    if token is not None:
        add_token_check(app, token)
    app.add_middleware(RequestGuard, allowed_hosts=allowed_hosts, max_upload_mb=max_upload_mb)

    @app.exception_handler(UserError)
    async def _bad_input(request: Request, exc: Exception):
        return JSONResponse({"error": str(exc)}, status_code=400)

    judge_dirs = tuple(judge_dirs)
    meters = MeterBoard()
    for router in (pages_router(library), datasets_router(library, max_upload_mb),
                   labelings_router(library, judge_dirs, meters), jobs_router(library, jobs),
                   arena_router(library, judges_from(list(arena_judges), judge_dirs) if arena_judges else [],
                                static_file, meters, arena_seed), progress_router(meters)):
        app.include_router(router)
    return app
