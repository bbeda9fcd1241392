"""The Judge Arena page of `judgebench serve`: vote between two anonymous judges' evaluations.

Judge names stay on the server until the vote: a match sent to the page carries only its id,
the item and the two evaluations, in random left/right order.
"""

from __future__ import annotations

import secrets
import threading
from typing import Any, Sequence

from fastapi import APIRouter, Body, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from judgebench.arena.ballots import BallotBox, VoteError, votes_jsonl
from judgebench.arena.matchmaker import CUSTOM, Matchmaker, arena_unfit, custom_item
from judgebench.config import group_names, load_group_entry, named_dataset
from judgebench.data.column_map import mapped_columns, mapped_fields
from judgebench.data.load import load_dataset
from judgebench.data.schema import Item
from judgebench.kinds import KINDS
from judgebench.judges.spec import JudgeSpec
from judgebench.label.library import Library
from judgebench.run.progress import MeterBoard
from judgebench.web.progress import tracked

SESSION_COOKIE = "judgebench_session"


def session_of(request: Request, response: Response) -> str:
    """The voter's session: a random id in a cookie, made on the first request that needs one."""
    session = request.cookies.get(SESSION_COOKIE)
    if not session:
        session = secrets.token_urlsafe(16)
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", max_age=3600 * 24 * 365)
    return session


def shipped_arena_datasets() -> list[str]:
    """Shipped datasets with one response per item (the arena evaluates a single response)."""
    names = []
    for name in group_names("dataset"):
        entry = load_group_entry("dataset", name)
        columns = entry.get("columns") or {}
        if not KINDS.get(entry.get("kind", "binary")).sides and "input" in columns and "output" in columns:
            names.append(name)
    return names


class ArenaItems:
    """The items of an arena dataset, loaded once: a shipped one, or a library one through its column map."""

    def __init__(self, library: Library):
        self.library = library
        self.loaded: dict[str, list[Item]] = {}
        self.lock = threading.Lock()

    def __call__(self, dataset: str) -> list[Item]:
        with self.lock:
            if dataset not in self.loaded:
                self.loaded[dataset] = self._load(dataset)
            return self.loaded[dataset]

    def _load(self, dataset: str) -> list[Item]:
        if dataset.startswith("library:"):
            info = self.library.dataset(dataset.removeprefix("library:"))
            unfit = arena_unfit(mapped_columns(info.columns, info.column_map), f"{info.name}@{info.version}")
            if unfit:
                raise VoteError(unfit)
            return [Item(i.item_id, mapped_fields(i.fields, info.column_map), i.human, None, i.source)
                    for i in self.library.items(info.dataset_id)]
        if dataset in shipped_arena_datasets():
            return list(load_dataset(named_dataset(dataset)).items)
        raise VoteError(f"no arena dataset {dataset!r}")


def arena_router(library: Library, judges: Sequence[JudgeSpec], static_file, meters: MeterBoard,
                 seed: int | None = None) -> APIRouter:
    router = APIRouter()
    box = BallotBox(library.home)
    matchmaker = Matchmaker(box, judges, library.cache_path, seed) if len(judges) >= 2 else None
    items_of = ArenaItems(library)

    @router.get("/arena", response_class=HTMLResponse)
    def page():
        return FileResponse(static_file("arena.html"), media_type="text/html")

    @router.get("/api/arena/options")
    def options(request: Request, response: Response):
        session_of(request, response)
        datasets = [{"id": name, "label": f"{name} (shipped)"} for name in shipped_arena_datasets()]
        datasets += [{"id": f"library:{d.dataset_id}", "label": f"{d.name}@{d.version} (library)",
                      "why": arena_unfit(mapped_columns(d.columns, d.column_map), f"{d.name}@{d.version}")}
                     for d in library.datasets()]
        return {"available": matchmaker is not None, "judges": len(judges), "datasets": datasets}

    @router.post("/api/arena/match")
    def match(request: Request, response: Response, body: dict[str, Any] = Body(...)):
        if matchmaker is None:
            raise VoteError("the arena needs at least two judges: judgebench serve --arena-judge A --arena-judge B")
        session = session_of(request, response)
        dataset = str(body.get("dataset") or "")
        if dataset == CUSTOM:
            items = [custom_item(body.get("item") or {})]
        else:
            items = items_of(dataset)
        with tracked(meters, request, "the judges are evaluating"):
            made = matchmaker.new_match(session, dataset, items, str(body.get("criteria") or ""))
        return {"match_id": made.match_id, "fields": made.fields,
                "left": {"text": made.left_text, "score": made.left_score},
                "right": {"text": made.right_text, "score": made.right_score}}

    @router.post("/api/arena/vote")
    def vote(request: Request, response: Response, body: dict[str, Any] = Body(...)):
        session = session_of(request, response)
        cast = box.cast(str(body.get("match_id") or ""), session, str(body.get("choice") or ""))
        return {"left": cast.left, "right": cast.right, "choice": cast.choice,
                "votes": len(box.votes())}

    @router.get("/api/arena/votes.jsonl")
    def export():
        return Response(votes_jsonl(box.votes()), media_type="application/x-ndjson",
                        headers={"Content-Disposition": 'attachment; filename="votes.jsonl"'})

    return router
