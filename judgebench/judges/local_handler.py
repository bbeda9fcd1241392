"""The embedded llama.cpp judge as a litellm custom handler (registered in judges/providers.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from judgebench.judges import local
from judgebench.judges.providers import respond


def handler(litellm: Any) -> Any:
    class LocalProvider(litellm.CustomLLM):
        async def acompletion(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose,
                              encoding, api_key, logging_obj, optional_params, acompletion=None,
                              litellm_params=None, logger_fn=None, headers={}, timeout=None, client=None):
            choices = ((litellm_params or {}).get("metadata") or {}).get("verdict_choices")
            engine = local.engine()
            try:
                if choices:
                    result = await asyncio.to_thread(engine.score, model, messages, choices)
                else:
                    result = await asyncio.to_thread(
                        engine.generate, model, messages, int(optional_params.get("max_tokens") or 256),
                        float(optional_params.get("temperature") or 0.0), optional_params.get("seed"))
            except local.LocalModelError as exc:
                raise litellm.BadRequestError(str(exc), model=model, llm_provider="local") from None
            return respond(litellm, model_response, f"local/{model}", result.text, result.choice_logprobs,
                           result.prompt_tokens, result.completion_tokens)

    return LocalProvider()
