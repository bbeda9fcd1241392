"""A persistent response cache in SQLite, keyed by a hash of model + messages + params."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable

from judgebench.judges.llm import ModelReply

_BATCH = 500


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

    def get_many(self, keys: Iterable[str]) -> dict[str, tuple[ModelReply, float | None]]:
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
        self._db.execute("INSERT OR REPLACE INTO responses (key, model, reply, latency_s) VALUES (?, ?, ?, ?)",
                         (key, model, json.dumps(_reply_dict(reply)), latency_s))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]

    def close(self) -> None:
        self._db.close()


def _reply_dict(reply: ModelReply) -> dict[str, Any]:
    return {"text": reply.text, "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens, "cost_usd": reply.cost_usd, "logprobs": reply.logprobs}
