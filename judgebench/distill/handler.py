"""A distilled evaluator as a litellm custom handler (registered in judges/providers.py as `distilled/`).

It reads the item's fields, sent with each call (the provider declares `reads_fields`), never the prompt.
Calls in flight together are gathered into one batch: each call joins the queue, and one task per event loop
runs whatever is queued through the model in one forward pass (in a worker thread, so the loop keeps taking
calls), then answers each call. With a judge `concurrency` of a few hundred, a MiniLM-sized evaluator makes
hundreds of judgments a second on two cores. The reply is the verdict word, with every choice's probability
as its log-probability; a rating is written as a verdict with its expected value on the next line.
"""

from __future__ import annotations

import asyncio
import functools
import math
import weakref
from typing import Any

from judgebench.judges.providers import respond

MAX_BATCH = 256


@functools.lru_cache(maxsize=8)
def _evaluator(name: str):
    # Imported on the first distilled call: every worker registers this handler, few use it.
    from judgebench.distill.model import load

    model, _ = load(name)
    return model, model.target


class Batcher:
    """Gathers the calls that arrive while the model is busy (or in the same loop turn) into one batch."""

    def __init__(self, model: Any):
        self.model = model
        self.queue: list[tuple[Any, asyncio.Future]] = []
        self.running = False

    async def predict(self, pair: Any) -> Any:
        future = asyncio.get_running_loop().create_future()
        self.queue.append((pair, future))
        if not self.running:
            self.running = True
            asyncio.ensure_future(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            await asyncio.sleep(0)                  # the calls started in this loop turn join the first batch
            while self.queue:
                batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
                try:
                    outputs = await asyncio.to_thread(self.model.predict, [pair for pair, _ in batch])
                except Exception as exc:  # noqa: BLE001 - every waiting call gets the model's error
                    for _, future in batch:
                        future.set_exception(exc)
                    continue
                for (_, future), output in zip(batch, outputs):
                    future.set_result(output)
        finally:
            self.running = False


# futures belong to one event loop: a batcher per loop (and model), gone with its loop
_BATCHERS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Batcher]]" = weakref.WeakKeyDictionary()


def batcher(name: str, model: Any) -> Batcher:
    per_loop = _BATCHERS.setdefault(asyncio.get_running_loop(), {})
    if name not in per_loop:
        per_loop[name] = Batcher(model)
    return per_loop[name]


def reply(target: Any, output: Any) -> tuple[str, dict[str, float] | None]:
    """The reply text and the choices' log-probabilities for one prediction."""
    label, _, probs, expected = target.verdict(output)
    kind = target.kind
    if probs is None:
        return f"{kind.format(label)}\nexpected rating {expected:.3f}", None
    word_of = {str(v): w for w, v in kind.choices().items()}
    logprobs = {word_of[c]: math.log(max(p, 1e-12)) for c, p in probs.items()}
    return word_of[str(label)], logprobs


def handler(litellm: Any) -> Any:
    class DistilledProvider(litellm.CustomLLM):
        async def acompletion(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose,
                              encoding, api_key, logging_obj, optional_params, acompletion=None,
                              litellm_params=None, logger_fn=None, headers={}, timeout=None, client=None):
            from judgebench.distill.inputs import encoder_pair
            from judgebench.distill.labels import DistillError

            fields = ((litellm_params or {}).get("metadata") or {}).get("fields")
            try:
                if fields is None:
                    raise DistillError("a distilled evaluator reads the item's fields; this call sent none")
                evaluator, target = _evaluator(model)
            except DistillError as exc:
                raise litellm.BadRequestError(str(exc), model=model, llm_provider="distilled") from None
            pair = encoder_pair(fields, target.kind)
            output = await batcher(model, evaluator).predict(pair)
            text, logprobs = reply(target, output)
            return respond(litellm, model_response, f"distilled/{model}", text, logprobs,
                           len(pair[0].split()) + len(pair[1].split()), 1)

    return DistilledProvider()
