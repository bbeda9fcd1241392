"""The litellm seam, against the scripted server over real HTTP."""

import asyncio

import pytest

from judgebench.judges.calls import CallError, ModelRequest
from judgebench.judges.llm import complete, cost_per_call


def request(server, **extra):
    return ModelRequest(model="openai/scripted", messages=[{"role": "user", "content": "Is it? Verdict:"}],
                        params={"temperature": 0}, api_base=server.url, timeout_s=5, **extra)


def test_reply_tokens_and_logprobs(server):
    reply = asyncio.run(complete(request(server, logprobs=True)))
    assert reply.text == "Verdict: Yes" and reply.prompt_tokens == 3 and reply.completion_tokens == 2
    assert reply.logprobs[-1]["token"] == " Yes" and len(reply.logprobs[-1]["top_logprobs"]) == 2
    assert reply.cost_usd is None                       # not in litellm's price map: unknown, not free


@pytest.mark.parametrize("fault,retryable,fatal", [
    ({"mode": "status", "status": 500}, True, False), ({"mode": "status", "status": 503}, True, False),
    ({"mode": "status", "status": 429, "retry_after": 2}, True, False), ({"mode": "malformed"}, True, False),
    ({"mode": "status", "status": 401}, False, True), ({"mode": "status", "status": 404}, False, True),
    ({"mode": "status", "status": 400}, False, False),
])
def test_errors_are_classified(server, fault, retryable, fatal):
    server.configure(fault=fault | {"times": 1})
    with pytest.raises(CallError) as info:
        asyncio.run(complete(request(server)))
    assert (info.value.retryable, info.value.fatal) == (retryable, fatal)
    if "retry_after" in fault:
        assert info.value.retry_after == 2


def test_litellm_callbacks_still_see_our_calls(server):
    import litellm
    from litellm.integrations.custom_logger import CustomLogger

    class Recorder(CustomLogger):
        events = []

        async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):
            self.events.append(kwargs.get("response_cost"))

    recorder = Recorder()
    litellm.callbacks = [recorder]
    try:
        async def call_and_wait():
            await complete(ModelRequest(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}],
                                        params={}, api_base=server.url, timeout_s=5))
            for _ in range(100):
                if recorder.events:
                    break
                await asyncio.sleep(0.02)
        asyncio.run(call_and_wait())
    finally:
        litellm.callbacks = []
    # With a callback configured, litellm's own bookkeeping (pricing included) runs as usual.
    assert recorder.events and recorder.events[-1] == pytest.approx(cost_per_call("gpt-4o-mini", 1, 2))


def test_cost_per_call_uses_the_bundled_price_map():
    import litellm
    price = litellm.model_cost["gpt-4o-mini"]
    assert cost_per_call("gpt-4o-mini", 1000, 10) == pytest.approx(
        1000 * price["input_cost_per_token"] + 10 * price["output_cost_per_token"])
    assert cost_per_call("openai/not-a-real-model-xyz", 10, 10) is None
    assert cost_per_call("local/smollm2-135m", 10, 10) == 0.0
