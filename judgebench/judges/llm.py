"""Every model call goes through here, and this is the only module that imports litellm.

The runner sees plain `ModelRequest` / `ModelReply` records and two kinds of failure:
`CallError(retryable=True)` (429, 5xx, timeouts, broken bodies) and `retryable=False`
(bad request, auth, unknown model).
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import logging
import math
import os
from typing import Any, Mapping, Sequence

from judgebench.judges.calls import CallError, ModelReply, ModelRequest
from judgebench.judges.providers import PROVIDERS, provider_of


@functools.cache
def _litellm():
    # litellm fetches its price list from the internet at import unless told otherwise.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    logging.getLogger("LiteLLM").setLevel(logging.WARNING)
    litellm.suppress_debug_info = True
    litellm.drop_params = True          # a provider without e.g. logprobs just doesn't return them
    litellm.telemetry = False
    # The in-process providers (local/, distilled/, ...) as litellm custom handlers, imported only now.
    litellm.custom_provider_map = [{"provider": name, "custom_handler": PROVIDERS.get(name).handler(litellm)}
                                   for name in PROVIDERS]
    _skip_unused_bookkeeping(litellm)
    return litellm


# True while litellm runs a call that judgebench made, and only then.
_OUR_CALL: contextvars.ContextVar[bool] = contextvars.ContextVar("judgebench_call", default=False)


def _skip_unused_bookkeeping(litellm) -> None:
    """Skip two things litellm does on every reply that judgebench does not use.

    It prices the reply (an exhaustive search of its price map for a model it does not
    know) and builds a logging payload even when no logging callback is registered:
    together about 2 ms of CPU per call, nearly half of its overhead, which at 32 calls
    in flight is what stretches every call's latency. judgebench prices replies itself
    from the same bundled price map (`cost_per_call`). Both are skipped only inside our
    own calls and only while no litellm callback is configured; if litellm's internals
    move, nothing is skipped.
    """
    try:
        from litellm.litellm_core_utils.litellm_logging import Logging
    except ImportError:
        return
    price, log = getattr(Logging, "response_cost_calculator", None), getattr(Logging, "async_success_handler", None)
    if price is None or log is None or getattr(price, "_judgebench", False):
        return

    def skipping() -> bool:
        return _OUR_CALL.get() and not (litellm.callbacks or litellm.success_callback
                                        or litellm._async_success_callback)

    @functools.wraps(price)
    def response_cost_calculator(self, *args, **kwargs):
        return None if skipping() else price(self, *args, **kwargs)

    async def nothing() -> None:
        return None

    # litellm creates this coroutine inside our call but runs it later in its logging task,
    # so the decision is taken when it is created.
    @functools.wraps(log)
    def async_success_handler(self, *args, **kwargs):
        return nothing() if skipping() else log(self, *args, **kwargs)

    response_cost_calculator._judgebench = True
    Logging.response_cost_calculator = response_cost_calculator
    Logging.async_success_handler = async_success_handler


def warm_up() -> None:
    """Import and configure litellm now rather than on the first call."""
    _litellm()


def route_error(model: str, api_base: str | None = None) -> str | None:
    """Why litellm could not send a call for `model` anywhere, found without calling it; None when it can."""
    if provider_of(model) is not None:
        return None
    try:
        _litellm().get_llm_provider(model=model, api_base=api_base)
    except Exception as exc:  # litellm raises BadRequestError, or ValueError for a malformed name
        first = str(exc).split("\n")[0].removeprefix("litellm.BadRequestError: ")
        return (f"{first}. Name the provider in the model string (openai/gpt-4o-mini, anthropic/claude-3-5-haiku, "
                "ollama/llama3, ...: https://docs.litellm.ai/docs/providers), or give api_base with openai/<model> "
                "for any OpenAI-compatible server")
    return None


def api_key_missing(api_key_env: str | None) -> bool:
    return bool(api_key_env) and not os.environ.get(api_key_env)


async def complete(request: ModelRequest) -> ModelReply:
    litellm = _litellm()
    kwargs: dict[str, Any] = dict(request.params)
    if request.logprobs:
        kwargs.update(logprobs=True, top_logprobs=5)
    metadata = ({"verdict_choices": list(request.verdict_choices)} if request.verdict_choices else {}) | \
        ({"fields": dict(request.fields)} if request.fields is not None else {})
    if metadata:
        kwargs["metadata"] = metadata
    if request.api_base:
        kwargs["api_base"] = request.api_base
    if request.api_key_env:
        kwargs["api_key"] = os.environ.get(request.api_key_env, "")
    elif request.api_base:
        kwargs["api_key"] = "no-key"    # OpenAI-compatible local servers want some key
    token = _OUR_CALL.set(True)
    try:
        response = await litellm.acompletion(model=request.model, messages=list(request.messages),
                                             timeout=request.timeout_s, num_retries=0, max_retries=0, **kwargs)
    except Exception as exc:  # litellm maps provider errors to many classes; sort them by what to do next
        raise _classify(litellm, exc) from None
    finally:
        _OUR_CALL.reset(token)
    reply = _reply(response)
    if reply.cost_usd is None and reply.prompt_tokens is not None:
        reply = dataclasses.replace(reply, cost_usd=cost_per_call(request.model, reply.prompt_tokens,
                                                                  reply.completion_tokens or 0))
    return reply


def _reply(response) -> ModelReply:
    try:
        choice = response.choices[0]
        text = choice.message.content
    except (AttributeError, IndexError) as exc:
        raise CallError(f"malformed response: {exc}", retryable=True) from None
    usage = getattr(response, "usage", None)
    logprobs = getattr(choice, "logprobs", None)
    content = getattr(logprobs, "content", None) if logprobs is not None and not isinstance(logprobs, dict) \
        else (logprobs or {}).get("content")
    hidden = getattr(response, "_hidden_params", {}) or {}
    cost = hidden.get("response_cost")
    return ModelReply(
        text=text,
        prompt_tokens=getattr(usage, "prompt_tokens", None),
        completion_tokens=getattr(usage, "completion_tokens", None),
        cost_usd=float(cost) if isinstance(cost, (int, float)) and math.isfinite(cost) else None,
        logprobs=[_plain(t) for t in content] if content else None,
    )


def _plain(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        obj = obj.model_dump()
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items() if k in ("token", "logprob", "top_logprobs")}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj


def _retry_after(exc: Exception) -> float | None:
    headers = getattr(exc, "litellm_response_headers", None)
    response = getattr(exc, "response", None)
    if headers is None and response is not None:
        headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _classify(litellm, exc: Exception) -> CallError:
    status = getattr(exc, "status_code", None)
    message = f"{type(exc).__name__}: {str(exc)[:500]}"
    fatal_types = (litellm.AuthenticationError, litellm.PermissionDeniedError, litellm.NotFoundError)
    if isinstance(exc, fatal_types):
        return CallError(message, retryable=False, status=status, fatal=True)
    if isinstance(exc, (litellm.ContextWindowExceededError, litellm.UnsupportedParamsError)):
        return CallError(message, retryable=False, status=status)
    if isinstance(exc, (litellm.RateLimitError, litellm.Timeout, litellm.APIConnectionError,
                        litellm.InternalServerError, litellm.ServiceUnavailableError)):
        return CallError(message, retryable=True, status=status, retry_after=_retry_after(exc))
    if isinstance(exc, litellm.BadRequestError) and (status is None or status == 400):
        return CallError(message, retryable=False, status=status)
    retryable = status is None or status == 429 or status >= 500 or status == 408
    return CallError(message, retryable=retryable, status=status, retry_after=_retry_after(exc))


def count_prompt_tokens(model: str, messages: Sequence[Mapping[str, str]]) -> int:
    return int(_litellm().token_counter(model=model, messages=list(messages)))


def cost_per_call(model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """Price from litellm's bundled cost map; None when the model is not in it."""
    provider = provider_of(model)
    if provider is not None and provider.free:
        return 0.0
    prices = _prices(model)
    if prices is None:
        return None
    return prompt_tokens * prices[0] + completion_tokens * prices[1]


@functools.lru_cache(maxsize=256)
def _prices(model: str) -> tuple[float, float] | None:
    """Dollars per prompt token and per completion token, looked up once per model."""
    try:
        prompt, completion = _litellm().cost_per_token(model=model, prompt_tokens=1_000_000,
                                                       completion_tokens=1_000_000)
    except Exception:  # litellm raises a bare Exception for unknown models
        return None
    return prompt / 1_000_000, completion / 1_000_000
