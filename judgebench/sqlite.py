"""SQLite files shared by processes: WAL journal, so a committed row survives a killed process and
readers never block the writer."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def connect(path: str | Path) -> Iterator[sqlite3.Connection]:
    """One connection per use, in autocommit mode: threads and processes never share one."""
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        yield db
    finally:
        db.close()
