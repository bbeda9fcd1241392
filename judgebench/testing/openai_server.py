"""A scripted OpenAI-compatible chat server for tests and benchmarks.

It speaks real HTTP, so litellm's own client, retries and parsing are exercised.
Behaviour is set per test through `POST /_control` (or `ScriptedServer.configure`):

    latency      seconds to wait before answering
    rules        [{"match": regex on the last user message, "model": optional, "reply": text,
                   "verdict_prob": optional, this rule's verdict probability}]
    default      reply when no rule matches
    verdict_prob probability given to the sampled verdict token when logprobs are asked for
    fault        {"mode": "status" | "hang" | "malformed", "status": 500, "times": N,
                  "retry_after": seconds}: the first N requests for each distinct prompt fail

`GET /_stats` counts requests; `GET /_requests` lists the latest 2000 (model and messages);
`POST /_reset` clears counters and behaviour. `POST /_hold` makes every request wait, unanswered,
until `POST /_release` (or a reset): a test acts while calls are surely in flight, instead of
sleeping and hoping that a loaded machine has not finished them yet.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import re
import socket
import threading
import time
from typing import Any

from aiohttp import web

_DEFAULTS: dict[str, Any] = {"latency": 0.0, "rules": [], "default": "Verdict: Yes", "verdict_prob": 0.8,
                             "fault": None}
_LOG_SIZE = 2000
_VERDICT_ALTERNATIVES = {"Yes": "No", "No": "Yes", "A": "B", "B": "A", "C": "A"}


class _State:
    def __init__(self):
        self.reset()

    def reset(self) -> None:
        if hasattr(self, "released"):
            self.released.set()             # nothing stays held across a reset
        self.released = threading.Event()
        self.released.set()
        self.held = 0                       # requests waiting for a release now
        self.let_through = 0                # requests still answered after a hold starts
        self.config = dict(_DEFAULTS)
        self.requests = 0
        self.first_request_at: float | None = None     # wall clock: when a measured command's first call arrived
        self.completed = 0
        self.attempts: dict[str, int] = {}
        self.by_model: dict[str, int] = {}
        self.auth: list[str] = []
        self.log: list[dict[str, Any]] = []     # the latest requests' model and messages


def _reply(state: _State, model: str, prompt: str) -> tuple[str, float]:
    """The reply text and the probability its verdict token gets (the rule's `verdict_prob`, else the server's)."""
    for rule in state.config["rules"]:
        if rule.get("model") not in (None, model):
            continue
        if re.search(rule.get("match", ""), prompt, flags=re.DOTALL):
            return rule["reply"], float(rule.get("verdict_prob", state.config["verdict_prob"]))
    return state.config["default"], float(state.config["verdict_prob"])


def _logprobs(text: str, verdict_prob: float) -> dict:
    content = []
    for token in re.findall(r"\s*\w+|\s*[^\w\s]+", text):
        word = token.strip()
        alternative = _VERDICT_ALTERNATIVES.get(word)
        if alternative is None and re.fullmatch(r"[1-5]", word):
            alternative = "1" if word != "1" else "2"
        if alternative is None:
            content.append({"token": token, "logprob": 0.0, "bytes": None, "top_logprobs": []})
            continue
        lp, alt_lp = math.log(verdict_prob), math.log(max(1e-9, 1 - verdict_prob))
        content.append({"token": token, "logprob": lp, "bytes": None, "top_logprobs": [
            {"token": token, "logprob": lp, "bytes": None},
            {"token": token.replace(word, alternative), "logprob": alt_lp, "bytes": None}]})
    return {"content": content}


async def _wait_while_held(state: _State) -> None:
    if state.released.is_set():
        return
    if state.let_through > 0:
        state.let_through -= 1
        return
    released = state.released
    state.held += 1
    try:
        while not released.is_set():        # polled: set from the test's thread, and no thread parks here
            await asyncio.sleep(0.01)
    finally:
        state.held -= 1


def _chat(state: _State):
    async def chat(request: web.Request) -> web.StreamResponse:
        state.requests += 1
        if state.first_request_at is None:
            state.first_request_at = time.time()
        state.auth.append(request.headers.get("Authorization", ""))
        try:
            body = await request.json()
        except json.JSONDecodeError:
            return web.json_response({"error": {"message": "invalid JSON"}}, status=400)
        model = body.get("model", "")
        state.by_model[model] = state.by_model.get(model, 0) + 1
        messages = body.get("messages") or []
        state.log = state.log[-(_LOG_SIZE - 1):] + [{"model": model, "messages": messages}]
        prompt = next((m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), "")
        await _wait_while_held(state)
        config = state.config
        fault = config.get("fault")
        if fault:
            key = hashlib.sha256(json.dumps([model, messages], sort_keys=True).encode()).hexdigest()
            attempt = state.attempts[key] = state.attempts.get(key, 0) + 1
        if fault and attempt <= int(fault.get("times", 1)):
            mode = fault.get("mode", "status")
            if mode == "hang":
                await asyncio.sleep(3600)
            if mode == "malformed":
                return web.Response(text='{"id": "broken", "choices": [', content_type="application/json")
            headers = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
            status = int(fault.get("status", 500))
            return web.json_response({"error": {"message": f"scripted {status}", "type": "server_error"}},
                                     status=status, headers=headers)
        if config["latency"]:
            await asyncio.sleep(float(config["latency"]))
        text, verdict_prob = _reply(state, model, prompt)
        choice: dict[str, Any] = {"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": text}}
        if body.get("logprobs"):
            choice["logprobs"] = _logprobs(text, verdict_prob)
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
        state.completed += 1
        return web.json_response({
            "id": f"chatcmpl-{state.requests}", "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": [choice],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": len(text.split()),
                      "total_tokens": prompt_tokens + len(text.split())},
        })

    return chat


def make_app(state: _State) -> web.Application:
    chat = _chat(state)

    async def control(request: web.Request) -> web.Response:
        state.config.update(await request.json())
        return web.json_response(state.config)

    async def reset(request: web.Request) -> web.Response:
        state.reset()
        return web.json_response({"ok": True})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response({"requests": state.requests, "completed": state.completed,
                                  "by_model": state.by_model, "held": state.held,
                                  "first_request_at": state.first_request_at})

    async def hold(request: web.Request) -> web.Response:
        state.let_through = int(request.query.get("after", 0))
        state.released.clear()
        return web.json_response({"held": state.held})

    async def release(request: web.Request) -> web.Response:
        state.released.set()
        return web.json_response({"released": state.held})

    async def requests(request: web.Request) -> web.Response:
        return web.json_response(state.log)

    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    app.router.add_post("/chat/completions", chat)
    app.router.add_post("/_control", control)
    app.router.add_post("/_reset", reset)
    app.router.add_post("/_hold", hold)
    app.router.add_post("/_release", release)
    app.router.add_get("/_stats", stats)
    app.router.add_get("/_requests", requests)
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScriptedServer:
    """The server on 127.0.0.1 in a background thread; `url` is the api_base to give litellm."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.state = _State()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        runner = web.AppRunner(make_app(self.state), access_log=None)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port, backlog=1024).start())
        self._runner = runner
        self._ready.set()
        self._loop.run_forever()
        # Handlers still sleeping in a scripted hang would hold up the shutdown.
        for task in asyncio.all_tasks(self._loop):
            task.cancel()
        self._loop.run_until_complete(runner.cleanup())

    def start(self) -> "ScriptedServer":
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def configure(self, **config: Any) -> None:
        self.state.config.update(config)

    def reset(self) -> None:
        self.state.reset()

    def hold(self, after: int = 0) -> None:
        """From now on requests wait, unanswered, until `release()`; the next `after` are still answered."""
        self.state.let_through = after
        self.state.released.clear()

    def release(self) -> None:
        self.state.released.set()

    def wait_held(self, count: int = 1, timeout: float = 60.0) -> None:
        """Block until at least `count` requests are being held (they surely left the client)."""
        deadline = time.monotonic() + timeout
        while self.state.held < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.state.held} request(s) held, expected {count}")
            time.sleep(0.01)

    def __enter__(self) -> "ScriptedServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--default", default=_DEFAULTS["default"])
    args = parser.parse_args()
    state = _State()
    state.config.update(latency=args.latency, default=args.default)
    port = args.port or free_port()
    print(f"http://127.0.0.1:{port}/v1", flush=True)
    web.run_app(make_app(state), host="127.0.0.1", port=port, print=None, access_log=None, backlog=1024)


if __name__ == "__main__":
    main()
