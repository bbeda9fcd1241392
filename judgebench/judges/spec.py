"""What a judge is: a frozen, serialisable spec written into every result."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping

from judgebench.judges.providers import provider_of

# Keys that would put a secret into configs and results; keys come from the environment only.
SECRET_PARAMS = ("api_key", "key", "token", "authorization", "password", "secret")


@dataclass(frozen=True)
class JudgeSpec:
    name: str
    model: str                           # any litellm model string, or local/<name-or-path.gguf>
    api_base: str | None = None
    api_key_env: str | None = None       # the NAME of the environment variable holding the key
    params: Mapping[str, Any] = field(default_factory=dict)  # temperature, max_tokens, seed, ...
    samples: int = 1
    both_orders: bool = True             # pairwise: judge AB and BA
    logprobs: bool = False               # ask the provider for token logprobs (verdict probability)
    concurrency: int = 8
    rpm: float | None = None             # requests per minute, None = unlimited
    timeout_s: float = 60.0
    max_retries: int = 4
    retry_base_s: float = 0.5            # first backoff delay; doubles per attempt, with jitter
    family: str | None = None            # model family, for self-preference checks
    description: str = ""

    def __post_init__(self):
        leaked = [k for k in self.params if k.lower() in SECRET_PARAMS]
        if leaked:
            raise ValueError(f"judge {self.name!r}: do not put {leaked[0]!r} in the config; "
                             "store the key in an environment variable and name it with api_key_env")
        if self.samples < 1 or self.concurrency < 1 or self.max_retries < 0:
            raise ValueError(f"judge {self.name!r}: samples and concurrency must be >= 1, max_retries >= 0")

    @property
    def scores_choices(self) -> bool:
        """Picks among the kind's fixed answers in one forward pass instead of writing a reply."""
        provider = provider_of(self.model)
        return provider is not None and provider.scores_choices

    @property
    def reads_fields(self) -> bool:
        """Reads the item's fields instead of the rendered prompt (a distilled evaluator)."""
        provider = provider_of(self.model)
        return provider is not None and provider.reads_fields

    @property
    def in_process(self) -> bool:
        """Runs inside judgebench (llama.cpp or a distilled evaluator): no HTTP, no worker processes."""
        provider = provider_of(self.model)
        return provider is not None and provider.in_process

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"params": dict(self.params)}
