"""What a tokenless local server must refuse before any handler runs (an ASGI middleware).

- A Host header that is not one of the server's names: DNS rebinding would otherwise let a
  page on evil.example, re-pointed at 127.0.0.1, read the library as "its own" origin.
- A state-changing request from another origin: `fetch(..., {mode: "no-cors"})` with a
  multipart body is a CORS-simple request, which a browser sends without asking; its
  `Origin` / `Sec-Fetch-Site` headers say where it came from. Clients that are not browsers
  (curl, scripts) send neither header and are not a cross-site threat.
- A body over the limit, counted while it streams in (Content-Length is checked first), so an
  oversized upload is refused before it is spooled to disk.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Iterable
from urllib.parse import urlsplit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ENVELOPE_BYTES = 1 << 16        # the multipart envelope and form fields around an uploaded file
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def host_name(host: str) -> str:
    """`[::1]:8765` -> `::1`, `LocalHost:80` -> `localhost`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def same_origin(headers: dict[str, str]) -> bool:
    """A browser's request from this page itself; True as well for non-browser clients."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == headers.get("host", "").lower()


class RequestGuard:
    def __init__(self, app: Callable, *, allowed_hosts: Iterable[str] | None, max_upload_mb: float):
        """`allowed_hosts` None accepts any Host (a server behind a token on a wildcard address)."""
        self.app = app
        self.allowed = None if allowed_hosts is None else {host_name(h) for h in allowed_hosts}
        self.max_upload_mb = max_upload_mb
        self.max_body_bytes = int(max_upload_mb * (1 << 20)) + ENVELOPE_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.allowed is not None and host_name(headers.get("host", "")) not in self.allowed:
            await _refuse(send, 400, f"this server answers to {', '.join(sorted(self.allowed))} only "
                                     "(add a name with --allowed-host)")
            return
        if scope["method"] not in SAFE_METHODS and not same_origin(headers):
            await _refuse(send, 403, "cross-origin request refused: change the library from its own page")
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            await _refuse(send, 413, self._too_large())
            return
        await self._limited(scope, receive, send)

    def _too_large(self) -> str:
        return too_large(self.max_upload_mb)

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the body as it arrives; past the limit, answer 413 and tell the app the client left."""
        state = {"received": 0, "refused": False, "started": False}

        async def counting_receive() -> Message:
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > self.max_body_bytes:
                    state["refused"] = True
                    if not state["started"]:
                        await _refuse(send, 413, self._too_large())
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if state["refused"]:
                return                          # our 413 is the answer; the app's is dropped
            state["started"] = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not state["refused"]:
                raise                           # the app failing while reading a refused body is expected


def too_large(max_upload_mb: float) -> str:
    return f"the upload is larger than {max_upload_mb:g} MB"


async def _refuse(send: Send, status: int, error: str) -> None:
    body = json.dumps({"error": error}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
