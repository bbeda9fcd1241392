"""Model calls spread over worker processes, so litellm's per-call CPU uses every core.

litellm spends a few milliseconds of CPU on each call (request building, cost lookup,
logging). In one event loop that CPU queues up behind itself and stretches every
call's latency; with N processes it runs in parallel. The main process keeps the
scheduling, retries, rate limits, cache and results; a worker only makes single
attempts and reports the reply or the classified error.

Protocol: JSON lines over two pipes per worker, one for requests, one for replies.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import itertools
import json
import os
import signal
import multiprocessing
from typing import Any

from judgebench.judges.calls import CallError, ModelReply, ModelRequest
from judgebench.judges.llm import complete, warm_up


def _error_dict(exc: CallError) -> dict[str, Any]:
    return {"message": str(exc), "retryable": exc.retryable, "status": exc.status,
            "retry_after": exc.retry_after, "fatal": exc.fatal}


class WorkerPool:
    """Forked from this process once litellm is imported, so a worker starts in milliseconds."""

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

    def __len__(self) -> int:
        return len(self._processes)

    @classmethod
    def start(cls, n: int) -> "WorkerPool":
        """Call outside any running event loop: the children start one of their own."""
        warm_up()
        context = multiprocessing.get_context("fork")
        processes, pipes, parent_fds = [], [], []
        for _ in range(n):
            request_read, request_write = os.pipe()
            reply_read, reply_write = os.pipe()
            parent_fds += [request_write, reply_read]
            process = context.Process(target=_child, args=(request_read, reply_write, list(parent_fds)),
                                      daemon=True)
            process.start()
            os.close(request_read)
            os.close(reply_write)
            processes.append(process)
            pipes.append((request_write, reply_read))
        return cls(processes, pipes)

    async def attach(self) -> None:
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


def _child(request_read: int, reply_write: int, parent_fds: list[int]) -> None:
    # Drop the parent's ends of every pipe, so each worker sees EOF when the parent goes away.
    for fd in parent_fds:
        os.close(fd)
    # Ctrl-C reaches the whole process group; the parent decides, and closing the pipes ends us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(_serve(request_read, reply_write))


async def _serve(request_read: int, reply_write: int) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2 ** 26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(request_read, "rb"))
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin,
                                                        os.fdopen(reply_write, "wb"))
    writer = asyncio.StreamWriter(transport, protocol, None, loop)
    # litellm allocates many short-lived objects per call; the start-up objects never need collecting.
    gc.collect()
    gc.freeze()
    writer.write(b'{"ready": true}\n')
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

