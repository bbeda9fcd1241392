"""Progress of the slow requests (labeling a batch, relabeling, an arena match): the page names the
operation in an `X-Progress-Id` header and polls `/api/progress/{id}` while it waits."""

from __future__ import annotations

from contextlib import AbstractContextManager

from fastapi import APIRouter, Request

from judgebench.run.progress import MeterBoard, reporting_to

HEADER = "x-progress-id"


def tracked(meters: MeterBoard, request: Request, label: str) -> AbstractContextManager:
    return reporting_to(meters.open(request.headers.get(HEADER), label))


def progress_router(meters: MeterBoard) -> APIRouter:
    router = APIRouter()

    @router.get("/api/progress/{operation}")
    def progress(operation: str):
        # Not started yet (the poll can arrive before the request it watches): nothing done of nothing.
        return meters.snapshot(operation) or {"label": "", "done": 0, "total": 0, "elapsed_s": 0.0, "eta_s": None,
                                              "finished": False, "text": "waiting to start"}

    return router
