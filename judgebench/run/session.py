"""One way to run planned calls: the response cache opened and closed around a Runner.

`run/job.py` (runs), `label/` (review batches and full labeling jobs) and the Judge Arena all judge
through here, so cache handling and runner options live in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from judgebench.errors import UserError
from judgebench.judges.calls import CallError, ModelRequest
from judgebench.judges.spec import JudgeSpec
from judgebench.run.cache import ResponseCache
from judgebench.run.plan import PlannedCall
from judgebench.run.runner import JudgmentSink, MemorySink, Runner, SessionStats, run_coroutine

if TYPE_CHECKING:
    from judgebench.run.ray_pool import RayPool
    from judgebench.run.workers import WorkerPool


class PreflightError(UserError, RuntimeError):
    """A judge that cannot work here (no route, no key, no answer), found before the real calls."""


PROBE = [{"role": "user", "content": "This checks that you are reachable. Reply with the single word Yes."}]


def judge_unusable(judge: JudgeSpec, *, route: bool = True) -> str | None:
    """Why a configured judge cannot work on this machine, found without calling it: no route to its
    model, its API key not set, or (for the embedded judge) llama.cpp or the weights missing. `route`
    False skips asking litellm (importing it takes seconds; a page's form should not wait for that)."""
    from judgebench.judges.llm import api_key_missing, route_error
    from judgebench.judges.local import unavailable

    if judge.model.startswith("local/"):
        return unavailable(judge.model.removeprefix("local/"))
    if route and (error := route_error(judge.model, judge.api_base)):
        return error
    if api_key_missing(judge.api_key_env):
        return f"needs its API key: set ${judge.api_key_env}"
    return None


def probe_judges(judges: Sequence[JudgeSpec]) -> None:
    """One small call per judge, so that a broken judge stops the work before it starts: which judge,
    what failed, what to set. Not cached: it must reach the model now."""
    from judgebench.judges.llm import complete

    problems = []
    for judge in judges:
        if reason := judge_unusable(judge):
            problems.append(f"judge {judge.name} ({judge.model}): {reason}")
            continue
        request = ModelRequest(model=judge.model, messages=PROBE, params=dict(judge.params) | {"max_tokens": 5},
                               api_base=judge.api_base, api_key_env=judge.api_key_env,
                               timeout_s=min(judge.timeout_s, 30.0),
                               verdict_choices=("Yes", "No") if judge.scores_choices else None)
        try:
            run_coroutine(complete(request))
        except CallError as exc:
            where = f" at {judge.api_base}" if judge.api_base else ""
            problems.append(f"judge {judge.name} ({judge.model}{where}) did not answer a test call: {exc}")
    if problems:
        raise PreflightError("; ".join(problems) + ". Nothing was labeled.")


async def judge_calls(calls: Sequence[PlannedCall], sink: JudgmentSink, cache_path: str | Path, run_id: str, *,
                      progress: bool = False, pool: "WorkerPool | RayPool | None" = None,
                      follow_up: Callable[[], Sequence[PlannedCall]] | None = None) -> SessionStats:
    """Make the calls not already in `sink` (cached replies first) and hand each judgment to `sink`; then the
    calls `follow_up` names, round after round, until it names none. Cancelling the task leaves every
    finished judgment in the sink and closes the cache."""
    cache = ResponseCache(cache_path)
    try:
        return await Runner(sink, cache, run_id, progress=progress, pool=pool).run(calls, follow_up)
    finally:
        cache.close()


def judge_now(calls: Sequence[PlannedCall], cache_path: str | Path, run_id: str,
              sink: JudgmentSink | None = None) -> list:
    """`judge_calls` from synchronous code (also inside a running event loop); the judgments, when
    no sink of the caller's own keeps them."""
    sink = sink or MemorySink()
    run_coroutine(judge_calls(calls, sink, cache_path, run_id))
    return sink.judgments if isinstance(sink, MemorySink) else []
