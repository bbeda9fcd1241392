"""Providers that run inside judgebench, declared once: the model prefix, where the handler is
(`module:attr`, imported only when litellm is set up), and what the rest of judgebench needs to
know about them. `local/` is the embedded llama.cpp judge, `distilled/` a distilled evaluator; a
later one is one more entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Mapping

from judgebench.registry import Registry


@dataclass(frozen=True)
class Provider:
    prefix: str                 # model strings `prefix/name` go to this provider
    entry: str                  # "module:attr": a factory litellm -> litellm custom handler
    in_process: bool            # runs inside judgebench: no HTTP, no worker processes
    free: bool                  # costs nothing per call
    scores_choices: bool        # picks among fixed answers in one forward pass (the verdict's probability)
    description: str = ""
    reads_fields: bool = False  # reads the item's fields (sent with each call), not the rendered prompt

    def handler(self, litellm: Any) -> Any:
        module, _, attr = self.entry.partition(":")
        return getattr(import_module(module), attr)(litellm)


PROVIDERS: Registry[Provider] = Registry("provider")
for _provider in (
        Provider("local", "judgebench.judges.local_handler:handler", in_process=True, free=True, scores_choices=True,
                 description="the embedded llama.cpp judge (local/<name> or local//path/to/model.gguf)"),
        Provider("distilled", "judgebench.distill.handler:handler", in_process=True, free=True, scores_choices=False,
                 description="an evaluator distilled by `judgebench distill` (distilled/<name>)",
                 reads_fields=True)):
    PROVIDERS.add(_provider.prefix, _provider)


def provider_of(model: str) -> Provider | None:
    """The in-process provider of a model string, or None for litellm's own providers."""
    prefix, slash, _ = model.partition("/")
    return PROVIDERS.get(prefix) if slash and prefix in PROVIDERS else None


def respond(litellm: Any, model_response: Any, model: str, text: str, choice_logprobs: Mapping[str, float] | None,
            prompt_tokens: int, completion_tokens: int) -> Any:
    """Fill litellm's response object as an OpenAI-compatible server would: the text, the verdict
    token's log-probability with its alternatives, and the token counts."""
    types = litellm.types.utils
    model_response.choices[0].message.content = text
    if choice_logprobs:
        tops = [types.TopLogprob(token=c, logprob=lp) for c, lp in choice_logprobs.items()]
        model_response.choices[0].logprobs = types.ChoiceLogprobs(content=[types.ChatCompletionTokenLogprob(
            token=text, logprob=choice_logprobs[text], top_logprobs=tops)])
    model_response.model = model
    model_response.usage = types.Usage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                                       total_tokens=prompt_tokens + completion_tokens)
    return model_response
