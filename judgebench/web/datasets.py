"""The web API's dataset library: upload (size-limited, never stored under the client's name), list, the
column map, remove."""

from __future__ import annotations

import tempfile
from pathlib import Path

from typing import Any

from fastapi import APIRouter, Body, File, Form, UploadFile
from fastapi.responses import JSONResponse

from judgebench.data.readers import FORMATS_BY_SUFFIX
from judgebench.label.ingest import read_upload
from judgebench.label.library import Library, LibraryError, safe_name
from judgebench.web.guard import too_large

_CHUNK = 1 << 20


def datasets_router(library: Library, max_upload_mb: float) -> APIRouter:
    router = APIRouter(prefix="/api/datasets")

    @router.get("")
    def datasets():
        return [d.__dict__ for d in library.datasets()]

    @router.post("")
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

    @router.put("/{dataset_id}/columns")
    def set_columns(dataset_id: str, body: dict[str, Any] = Body(...)):
        info = library.dataset(dataset_id)
        library.set_column_map(info.dataset_id, dict(body.get("column_map") or {}))
        return library.dataset(info.dataset_id).__dict__

    @router.delete("/{dataset_id}")
    def remove(dataset_id: str):
        library.remove_dataset(library.dataset(dataset_id).dataset_id)
        return {"removed": dataset_id}

    return router
