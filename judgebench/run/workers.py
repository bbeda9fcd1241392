"""Model calls spread over worker processes, so litellm's per-call CPU uses every core.

litellm spends a few milliseconds of CPU on each call (request building, cost lookup,
logging). In one event loop that CPU queues up behind itself and stretches every
call's latency; with N processes it runs in parallel. The main process keeps the
scheduling, retries, rate limits, cache and results; a worker only makes single
attempts and reports the reply or the classified error.

Workers come from a fork server that imports litellm once (seconds); `prestart()` starts it at the
beginning of a run, so that the import overlaps with loading and planning in the main process, which
never imports litellm itself. The first worker also says which judges' models no provider serves,
before any call is sent.

Protocol: JSON lines over two pipes per worker, one for requests, one for replies.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import itertools
import json
import multiprocessing
import os
import signal
import sys
import types
from contextlib import contextmanager
from multiprocessing import forkserver
from typing import Any, Sequence

from judgebench.judges.calls import CallError, ModelReply, ModelRequest
from judgebench.judges.llm import complete, route_error, warm_up

PRELOAD = ["judgebench.run.worker_preload"]


def _error_dict(exc: CallError) -> dict[str, Any]:
    return {"message": str(exc), "retryable": exc.retryable, "status": exc.status,
            "retry_after": exc.retry_after, "fatal": exc.fatal}


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def prestart() -> None:
    """Start the fork server (it imports litellm) now, in the background; later pools start in milliseconds."""
    _context()
    forkserver.ensure_running()


class WorkerPool:
    """Worker processes forked from the fork server; each answers one request line with one reply line."""

    handles_in_process = False          # the embedded judge runs in the main process

    def __init__(self, processes: list, pipes: list[tuple[int, int]]):
        self._processes = processes
        self._pipes = pipes                     # (request write fd, reply read fd) per worker
        self._writers: list[asyncio.StreamWriter] = []
        self._pending: dict[int, tuple[asyncio.Future, int]] = {}
        self._load = [0] * len(processes)
        self._alive = [True] * len(processes)
        self._ids = itertools.count()
        self._readers: list[asyncio.Task] = []
        self._ready: list[asyncio.Future] = []
        self.route_errors: dict[str, str] = {}  # model -> why no provider serves it (from the first worker)

    def __len__(self) -> int:
        return len(self._processes)

    @classmethod
    def start(cls, n: int, routes: Sequence[tuple[str, str | None]] = ()) -> "WorkerPool":
        """`routes`: (model, api_base) pairs the first worker checks once litellm is loaded."""
        context = _context()
        processes, pipes = [], []
        with _main_left_out():
            for index in range(n):
                request_read, request_write = context.Pipe(duplex=False)
                reply_read, reply_write = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(request_read, reply_write,
                                                               list(routes) if index == 0 else []), daemon=True)
                process.start()
                request_read.close()
                reply_write.close()
                processes.append(process)
                pipes.append((_take_fd(request_write), _take_fd(reply_read)))
        return cls(processes, pipes)

    async def attach(self) -> None:
        """Connect to the workers in the running loop and wait until each is ready."""
        await self.connect()
        # Children import litellm before they answer; wait so callers' timings start from a ready pool.
        await asyncio.wait(self._ready)

    async def connect(self) -> None:
        """Connect to the workers in the running loop (once), without waiting for them to be ready:
        the caller can do other work meanwhile."""
        if self._writers:
            return
        loop = asyncio.get_running_loop()
        for index, (request_write, reply_read) in enumerate(self._pipes):
            reader = asyncio.StreamReader(limit=2 ** 26)
            await loop.connect_read_pipe(lambda r=reader: asyncio.StreamReaderProtocol(r),
                                         os.fdopen(reply_read, "rb"))
            transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin,
                                                                os.fdopen(request_write, "wb"))
            self._writers.append(asyncio.StreamWriter(transport, protocol, None, loop))
            self._ready.append(loop.create_future())
            self._readers.append(asyncio.create_task(self._read(index, reader)))
        # Children import litellm before they answer; wait so callers' timings start from a ready pool.
        await asyncio.wait(self._ready)

    async def _read(self, index: int, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            message = json.loads(line)
            if "ready" in message:
                self.route_errors.update(message.get("route_errors") or {})
                self._ready[index].set_result(True)
                continue
            future, worker = self._pending.pop(message["id"], (None, index))
            self._load[worker] -= 1
            if future is None or future.done():
                continue
            if "error" in message:
                future.set_exception(CallError(message["error"].pop("message"), **message["error"]))
            else:
                future.set_result(ModelReply(**message["reply"]))
        # The worker is gone: what it held is retried elsewhere.
        self._alive[index] = False
        if not self._ready[index].done():
            self._ready[index].set_result(False)
        for call_id, (future, worker) in list(self._pending.items()):
            if worker == index and not future.done():
                self._pending.pop(call_id)
                future.set_exception(CallError(f"worker process {index} exited", retryable=True))

    async def complete(self, request: ModelRequest) -> ModelReply:
        alive = [i for i, ok in enumerate(self._alive) if ok]
        if not alive:
            raise CallError("every worker process has exited", retryable=False, fatal=True)
        worker = min(alive, key=self._load.__getitem__)
        call_id = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._pending[call_id] = (future, worker)
        self._load[worker] += 1
        self._writers[worker].write(json.dumps({"id": call_id, "request": dataclasses.asdict(request)}).encode()
                                    + b"\n")
        await self._writers[worker].drain()
        return await future

    async def aclose(self) -> None:
        """Closing the request pipes lets each child finish what it holds and exit."""
        for writer in self._writers:
            writer.close()
        await asyncio.gather(*self._readers, return_exceptions=True)
        await asyncio.to_thread(self.terminate)

    def terminate(self) -> None:
        if not self._writers:   # never attached: the pipe ends are still plain descriptors
            for fd in (fd for pair in self._pipes for fd in pair):
                os.close(fd)
            self._writers = [None]
        for process in self._processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()


@contextmanager
def _main_left_out():
    """A started process re-imports the parent's main script unless told otherwise; a worker needs only
    this module, and the main script may be anything (pytest, a notebook, a program read from stdin)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _take_fd(connection) -> int:
    """The pipe end as a plain descriptor this process owns (asyncio reads and writes it directly)."""
    fd = os.dup(connection.fileno())
    connection.close()
    return fd


def _child(request_read, reply_write, routes: list[tuple[str, str | None]]) -> None:
    # Ctrl-C reaches the whole process group; the parent decides, and closing the pipes ends us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(_serve(_take_fd(request_read), _take_fd(reply_write), routes))


async def _serve(request_read: int, reply_write: int, routes: list[tuple[str, str | None]]) -> None:
    warm_up()                   # already done in the fork server, unless another one was running
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2 ** 26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(request_read, "rb"))
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin,
                                                        os.fdopen(reply_write, "wb"))
    writer = asyncio.StreamWriter(transport, protocol, None, loop)
    route_errors = {model: error for model, api_base in routes if (error := route_error(model, api_base))}
    # litellm allocates many short-lived objects per call; the start-up objects never need collecting.
    gc.collect()
    gc.freeze()
    writer.write(json.dumps({"ready": True, "route_errors": route_errors}).encode() + b"\n")
    tasks: set[asyncio.Task] = set()

    async def handle(message: dict[str, Any]) -> None:
        request = message["request"]
        request["verdict_choices"] = tuple(request["verdict_choices"]) if request["verdict_choices"] else None
        try:
            reply = await complete(ModelRequest(**request))
            out = {"id": message["id"], "reply": dataclasses.asdict(reply)}
        except CallError as exc:
            out = {"id": message["id"], "error": _error_dict(exc)}
        writer.write(json.dumps(out).encode() + b"\n")

    while line := await reader.readline():
        task = asyncio.create_task(handle(json.loads(line)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.gather(*tasks)
    await writer.drain()

