"""One way to run planned calls: the response cache opened and closed around a Runner.

`run/job.py` (runs), `label/` (review batches and full labeling jobs) and the Judge Arena all judge
through here, so cache handling and runner options live in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from judgebench.run.cache import ResponseCache
from judgebench.run.plan import PlannedCall
from judgebench.run.runner import JudgmentSink, MemorySink, Runner, SessionStats, run_coroutine

if TYPE_CHECKING:
    from judgebench.run.ray_pool import RayPool
    from judgebench.run.workers import WorkerPool


async def judge_calls(calls: Sequence[PlannedCall], sink: JudgmentSink, cache_path: str | Path, run_id: str, *,
                      progress: bool = False, pool: "WorkerPool | RayPool | None" = None) -> SessionStats:
    """Make the calls not already in `sink` (cached replies first) and hand each judgment to `sink`.
    Cancelling the task leaves every finished judgment in the sink and closes the cache."""
    cache = ResponseCache(cache_path)
    try:
        return await Runner(sink, cache, run_id, progress=progress, pool=pool).run(calls)
    finally:
        cache.close()


def judge_now(calls: Sequence[PlannedCall], cache_path: str | Path, run_id: str,
              sink: JudgmentSink | None = None) -> list:
    """`judge_calls` from synchronous code (also inside a running event loop); the judgments, when
    no sink of the caller's own keeps them."""
    sink = sink or MemorySink()
    run_coroutine(judge_calls(calls, sink, cache_path, run_id))
    return sink.judgments if isinstance(sink, MemorySink) else []
