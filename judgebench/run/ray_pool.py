"""Model calls on a Ray cluster (`executor=ray`), with the same interface as the local WorkerPool.

The driver (this process) keeps everything stateful: it plans the calls, answers cache hits,
schedules with the per-judge concurrency and requests-per-minute limits, retries, and writes
the results store and the cache. Because every call leaves from the driver, those limits hold
for the whole cluster without any coordination between workers. Workers are stateless Ray
actors: each imports litellm (and loads a local model on first use) once and runs many calls
at a time. A worker that dies takes only its in-flight calls with it; they are sent again to
another worker, and the run's results are what a clean run gives, each judgment written once.
"""

from __future__ import annotations

import asyncio
import os
from typing import Sequence

from judgebench.config import RaySettings
from judgebench.judges.calls import CallError, ModelReply, ModelRequest

# A call whose worker died is sent again this many times (to whichever worker is least busy).
MAX_RESENDS = 20
RESEND_PAUSE_S = 0.2


def _worker_class():
    import ray

    @ray.remote
    class JudgeWorker:
        """Stateless: litellm (and, on first use, a local model) loaded once, many calls at a time."""

        def __init__(self):
            from judgebench.judges.llm import warm_up

            warm_up()

        def pid(self) -> int:
            return os.getpid()

        async def complete(self, request: ModelRequest):
            from judgebench.judges.llm import complete

            try:
                return "ok", await complete(request)
            except CallError as exc:
                # Sent back as data: the driver's retry logic needs the classification intact.
                return "error", {"message": str(exc), "retryable": exc.retryable, "status": exc.status,
                                 "retry_after": exc.retry_after, "fatal": exc.fatal}

    return JudgeWorker


class RayPool:
    handles_in_process = True         # local models run on the workers too (each loads its own copy)

    def __init__(self, actors: list, shutdown_ray: bool):
        self.actors = actors
        self._load = [0] * len(actors)
        self._shutdown_ray = shutdown_ray
        self.resent = 0

    def __len__(self) -> int:
        return len(self.actors)

    @classmethod
    def start(cls, settings: RaySettings, key_env: Sequence[str] = ()) -> "RayPool":
        """Connect (or start a local Ray), and create the workers. API keys named by the judges travel to
        the workers in the job's runtime environment, never in results."""
        import ray

        started = not ray.is_initialized()
        if started:
            env = {name: os.environ[name] for name in key_env if os.environ.get(name)}
            env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            ray.init(address=settings.address, include_dashboard=False, log_to_driver=False,
                     runtime_env={"env_vars": env}, configure_logging=False)
        worker = _worker_class()
        actors = [worker.options(max_concurrency=settings.concurrency, max_restarts=-1,
                                 num_cpus=settings.cpus_per_worker, num_gpus=settings.gpus_per_worker,
                                 scheduling_strategy="SPREAD").remote()
                  for _ in range(settings.workers)]
        return cls(actors, started)

    async def attach(self) -> None:
        await asyncio.gather(*(actor.pid.remote() for actor in self.actors))

    async def pids(self) -> list[int]:
        return list(await asyncio.gather(*(actor.pid.remote() for actor in self.actors)))

    async def complete(self, request: ModelRequest) -> ModelReply:
        from ray.exceptions import RayActorError

        for attempt in range(MAX_RESENDS + 1):
            index = min(range(len(self.actors)), key=self._load.__getitem__)
            self._load[index] += 1
            try:
                status, payload = await self.actors[index].complete.remote(request)
            except RayActorError:
                # The worker died (or is restarting): the call never finished, send it elsewhere.
                if attempt == MAX_RESENDS:
                    raise CallError("every Ray worker failed to answer", retryable=True) from None
                self.resent += 1
                await asyncio.sleep(RESEND_PAUSE_S)
                continue
            finally:
                self._load[index] -= 1
            if status == "error":
                raise CallError(payload.pop("message"), **payload)
            return payload
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        pass

    def terminate(self) -> None:
        import ray

        for actor in self.actors:
            ray.kill(actor)
        if self._shutdown_ray:
            ray.shutdown()
