"""The async engine: bounded concurrency, rate limits, retries, cache, resume.

Finished judgments are appended to the run's store the moment they complete, and
replies go into the response cache, so a run that is interrupted (Ctrl-C, kill -9)
loses at most the calls that were in flight; running it again skips everything done.
"""

from __future__ import annotations

import asyncio
import contextvars
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Protocol, Sequence

from judgebench.judges.calls import CallError, ModelReply
from judgebench.judges.llm import complete
from judgebench.judges.parse import ParseFailure, choice_probabilities
from judgebench.run.cache import ResponseCache
from judgebench.run.plan import PlannedCall
from judgebench.run.progress import Meter, current_meter
from judgebench.run.records import Judgment
from judgebench.run.workers import WorkerPool

if TYPE_CHECKING:
    from judgebench.run.ray_pool import RayPool

MAX_BACKOFF_S = 60.0
MAX_RETRY_AFTER_S = 300.0


@dataclass
class SessionStats:
    """What this invocation did, as opposed to what the run folder holds."""

    planned: int = 0
    already_done: int = 0
    cache_hits: int = 0
    calls: int = 0               # HTTP / model calls made, retries included
    failed: int = 0
    workers: int = 0             # processes making remote calls (0: this process)
    worker_startup_s: float = 0.0
    wall_s: float = 0.0          # from a ready pool to the last judgment
    aborted: dict[str, str] = field(default_factory=dict)   # judge -> reason
    # judge -> [judgments made by calls, seconds from its first call to its last judgment]: its throughput
    pace: dict[str, list[float]] = field(default_factory=dict)


class RateLimiter:
    """Spaces calls evenly so that no more than `rpm` start in any minute."""

    def __init__(self, rpm: float | None):
        self.interval = 60.0 / rpm if rpm else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        start = max(now, self._next)
        self._next = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


def backoff_delay(attempt: int, base: float, retry_after: float | None, rng: random.Random) -> float:
    """Retry-After when the server gives one; else exponential backoff with full jitter in [d/2, d]."""
    if retry_after is not None:
        return min(retry_after, MAX_RETRY_AFTER_S)
    delay = min(MAX_BACKOFF_S, base * (2 ** attempt))
    return delay * (0.5 + rng.random() / 2)


def make_judgment(call: PlannedCall, run_id: str, reply: ModelReply | None, *, latency_s: float | None,
                  cached: bool, error: str | None = None, attempts: int = 1) -> Judgment:
    value = prob = choice_probs = parse_error = None
    if reply is not None:
        kind = call.kind
        verdict = kind.parse(reply.text)
        if isinstance(verdict, ParseFailure):
            parse_error = verdict.reason
        else:
            value = verdict.value
            choice_probs = choice_probabilities(kind.verdict_words(), value, reply.logprobs)
            if call.order == "BA":
                # The judge saw the sides swapped; store the verdict in the dataset's orientation.
                value = kind.flip(value)
                if choice_probs:
                    choice_probs = {str(kind.flip(k)): p for k, p in choice_probs.items()}
            prob = choice_probs.get(str(value)) if choice_probs else None
    return Judgment(
        run_id=run_id, key=call.key, item_id=call.item_id, judge_id=call.judge.name, prompt_id=call.prompt.name,
        prompt_hash=call.prompt.hash, order=call.order, sample=call.sample, value=value, prob=prob,
        choice_probs=choice_probs, raw_text=reply.text if reply else None, parse_error=parse_error,
        prompt_tokens=reply.prompt_tokens if reply else None,
        completion_tokens=reply.completion_tokens if reply else None,
        cost_usd=reply.cost_usd if reply else None, latency_s=latency_s, cached=cached, error=error,
        attempts=attempts)



class JudgmentSink(Protocol):
    """Where finished judgments go: a run folder (RunStore), or the labeling library's database."""

    def completed_keys(self) -> set[str]: ...

    def append(self, judgment: Judgment) -> None: ...


class MemorySink:
    """Judgments kept in memory, for callers that store what they need themselves (a review batch, an arena match)."""

    def __init__(self):
        self.judgments: list[Judgment] = []

    def completed_keys(self) -> set[str]:
        return set()

    def append(self, judgment: Judgment) -> None:
        self.judgments.append(judgment)


def run_coroutine(coroutine):
    """asyncio.run, also from code that already runs in an event loop (a textual app, say)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The caller's context (its progress meter) goes along to the thread.
        return pool.submit(contextvars.copy_context().run, asyncio.run, coroutine).result()


class Runner:
    def __init__(self, store: JudgmentSink, cache: ResponseCache, run_id: str, *, progress: bool = True,
                 seed: int = 0, pool: "WorkerPool | RayPool | None" = None):
        self.store, self.cache, self.run_id = store, cache, run_id
        self.progress = progress
        self.pool = pool
        self._rng = random.Random(seed)
        self.stats = SessionStats()

    async def run(self, calls: Sequence[PlannedCall],
                  follow_up: Callable[[], Sequence[PlannedCall]] | None = None) -> SessionStats:
        """Make `calls`; then, while `follow_up` names more (calls that depend on these replies, such as an
        early-stopping jury's later members), make those in further rounds with the same pool and cache."""
        if self.pool is None:
            return await self._rounds(calls, follow_up)
        started = time.perf_counter()
        await self.pool.attach()
        self.stats.workers = len(self.pool)
        self.stats.worker_startup_s = time.perf_counter() - started
        try:
            return await self._rounds(calls, follow_up)
        finally:
            await self.pool.aclose()

    async def _rounds(self, calls: Sequence[PlannedCall],
                      follow_up: Callable[[], Sequence[PlannedCall]] | None) -> SessionStats:
        started = time.perf_counter()
        try:
            while True:
                if calls:
                    await self._run(calls)
                calls = follow_up() if follow_up is not None else ()
                if not calls:
                    break
        finally:
            self.stats.wall_s = time.perf_counter() - started
        return self.stats

    def _model_call(self, call: PlannedCall):
        # With local worker processes the embedded judge stays here (its model loaded once, here);
        # Ray workers load their own copy.
        if self.pool is None or (call.judge.in_process and not self.pool.handles_in_process):
            return complete
        return self.pool.complete

    async def _run(self, calls: Sequence[PlannedCall]) -> SessionStats:
        self.stats.planned += len(calls)
        done = self.store.completed_keys()
        todo = [c for c in calls if c.key not in done]
        self.stats.already_done += len(calls) - len(todo)
        meter = current_meter()
        own_meter = meter is None
        if meter is None:
            meter = Meter("judging", terminal=self.progress)
        meter.begin(len(calls), len(calls) - len(todo))
        try:
            hits = self.cache.get_many({c.key for c in todo})
            pending: dict[str, list[PlannedCall]] = {}
            for call in todo:
                if call.key in hits:
                    reply, latency = hits[call.key]
                    self.store.append(make_judgment(call, self.run_id, reply, latency_s=latency, cached=True))
                    self.stats.cache_hits += 1
                    meter.advance()
                else:
                    pending.setdefault(call.judge.name, []).append(call)
            await asyncio.gather(*(self._run_judge(judge_calls, meter) for judge_calls in pending.values()))
        finally:
            if own_meter:
                meter.close()
        return self.stats

    async def _run_judge(self, calls: list[PlannedCall], meter: Meter) -> None:
        judge = calls[0].judge
        queue: asyncio.Queue[PlannedCall] = asyncio.Queue()
        for call in calls:
            queue.put_nowait(call)
        limiter = RateLimiter(judge.rpm)
        pace = self.stats.pace.setdefault(judge.name, [0, 0.0])
        started = time.perf_counter()

        async def worker() -> None:
            while not queue.empty() and judge.name not in self.stats.aborted:
                call = queue.get_nowait()
                judgment = await self._call_with_retries(call, limiter)
                if judgment is not None:
                    self.store.append(judgment)
                    pace[0] += 1
                    meter.advance()

        try:
            await asyncio.gather(*(worker() for _ in range(min(judge.concurrency, len(calls)))))
        finally:
            pace[1] += time.perf_counter() - started

    async def _call_with_retries(self, call: PlannedCall, limiter: RateLimiter) -> Judgment | None:
        judge = call.judge
        for attempt in range(judge.max_retries + 1):
            await limiter.wait()
            started = time.perf_counter()
            self.stats.calls += 1
            try:
                reply = await self._model_call(call)(call.request)
            except CallError as exc:
                last = exc
                if exc.fatal:
                    self.stats.aborted.setdefault(judge.name, str(exc))
                if not exc.retryable or attempt == judge.max_retries:
                    break
                await asyncio.sleep(backoff_delay(attempt, judge.retry_base_s, exc.retry_after, self._rng))
                continue
            latency = time.perf_counter() - started
            self.cache.put(call.key, judge.model, reply, latency)
            return make_judgment(call, self.run_id, reply, latency_s=latency, cached=False, attempts=attempt + 1)
        self.stats.failed += 1
        return make_judgment(call, self.run_id, None, latency_s=None, cached=False, error=str(last),
                             attempts=attempt + 1)
