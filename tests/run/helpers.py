"""Small run configs pointed at the scripted server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgebench.config import load_group_entry, run_config


def judge(server, name: str = "scripted", **extra: Any) -> dict[str, Any]:
    return {"name": name, "model": f"openai/{name}", "api_base": server.url, "concurrency": 4,
            "timeout_s": 5, "max_retries": 3, "retry_base_s": 0.01} | extra


def config(tmp_path: Path, judges: list, dataset: str = "demo_binary", limit: int | None = 6, **extra: Any):
    data = load_group_entry("dataset", dataset)
    if limit is not None:
        data["limit"] = limit
    raw = {"dataset": data, "judges": judges, "results_dir": str(tmp_path / "results"), "progress": False,
           "run_id": "test-run"} | extra
    return run_config(raw)
