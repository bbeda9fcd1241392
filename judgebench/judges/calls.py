"""What the runner sends to a model and gets back, and the two kinds of failure: plain records that
every provider (litellm, the in-process ones) and the runner share, with no provider imported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence


@dataclass(frozen=True)
class ModelRequest:
    model: str
    messages: Sequence[Mapping[str, str]]
    params: Mapping[str, Any]
    api_base: str | None = None
    api_key_env: str | None = None
    timeout_s: float = 60.0
    logprobs: bool = False
    verdict_choices: tuple[str, ...] | None = None   # lets the local judge score instead of generate
    fields: Mapping[str, Any] | None = None           # the item itself, for providers that read fields, not prompts


@dataclass(frozen=True)
class ModelReply:
    text: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    cost_usd: float | None
    logprobs: list[dict[str, Any]] | None = None


class CallError(Exception):
    def __init__(self, message: str, *, retryable: bool, status: int | None = None,
                 retry_after: float | None = None, fatal: bool = False):
        super().__init__(message)
        self.retryable, self.status, self.retry_after, self.fatal = retryable, status, retry_after, fatal
