"""A persistent response cache in SQLite, keyed by a hash of model + messages + params.

Writes are grouped into one transaction per `FLUSH_EVERY` replies or `FLUSH_AFTER_S`
seconds: a commit per reply costs about a millisecond, more than the rest of the
runner's work per call. Judgments are written to the run folder at once, so a crash
that loses the last unflushed cache entries loses no results.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable

from judgebench.judges.calls import ModelReply

_BATCH = 500
FLUSH_EVERY = 256
FLUSH_AFTER_S = 0.5


class ResponseCache:
    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path)
        # WAL + NORMAL: a commit survives the process being killed, and readers never block.
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS responses ("
                         "key TEXT PRIMARY KEY, model TEXT, reply TEXT NOT NULL, latency_s REAL, "
                         "created REAL DEFAULT (unixepoch('subsec')))")
        self._pending: list[tuple[str, str, str, float | None]] = []
        self._last_flush = time.monotonic()

    def get_many(self, keys: Iterable[str]) -> dict[str, tuple[ModelReply, float | None]]:
        self.flush()
        keys = list(keys)
        found: dict[str, tuple[ModelReply, float | None]] = {}
        for start in range(0, len(keys), _BATCH):
            chunk = keys[start:start + _BATCH]
            rows = self._db.execute(
                f"SELECT key, reply, latency_s FROM responses WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            for key, reply, latency in rows:
                found[key] = (ModelReply(**json.loads(reply)), latency)
        return found

    def put(self, key: str, model: str, reply: ModelReply, latency_s: float | None) -> None:
        self._pending.append((key, model, json.dumps(_reply_dict(reply)), latency_s))
        if len(self._pending) >= FLUSH_EVERY or time.monotonic() - self._last_flush >= FLUSH_AFTER_S:
            self.flush()

    def flush(self) -> None:
        self._last_flush = time.monotonic()
        if not self._pending:
            return
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO responses (key, model, reply, latency_s) "
                                 "VALUES (?, ?, ?, ?)", self._pending)
        self._pending.clear()

    def __len__(self) -> int:
        self.flush()
        return self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]

    def close(self) -> None:
        self.flush()
        self._db.close()


def _reply_dict(reply: ModelReply) -> dict[str, Any]:
    return {"text": reply.text, "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens, "cost_usd": reply.cost_usd, "logprobs": reply.logprobs}
