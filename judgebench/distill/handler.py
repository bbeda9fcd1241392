"""A distilled evaluator as a litellm custom handler (registered in judges/providers.py)."""

from __future__ import annotations

import functools
import math
from typing import Any

from judgebench.judges.providers import respond


@functools.lru_cache(maxsize=16)
def _evaluator(name: str):
    # Imported on the first distilled call: every worker registers this handler, few use it, and the
    # model module brings scikit-learn and scipy (most of a second).
    from judgebench.distill.model import load

    return load(name)[0]


def handler(litellm: Any) -> Any:
    class DistilledProvider(litellm.CustomLLM):
        """A distilled binary evaluator: it reads the rendered criteria prompt and answers Yes or No."""

        async def acompletion(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose,
                              encoding, api_key, logging_obj, optional_params, acompletion=None,
                              litellm_params=None, logger_fn=None, headers={}, timeout=None, client=None):
            from judgebench.distill.model import DistillError

            try:
                classifier = _evaluator(model)
            except DistillError as exc:
                raise litellm.BadRequestError(str(exc), model=model, llm_provider="distilled") from None
            text = [m["content"] for m in messages if m["role"] == "user"][-1]
            p_yes = float(classifier.predict_proba([text])[0][list(classifier.classes_).index(1)])
            logprob = {"Yes": math.log(max(p_yes, 1e-12)), "No": math.log(max(1 - p_yes, 1e-12))}
            return respond(litellm, model_response, f"distilled/{model}", "Yes" if p_yes >= 0.5 else "No", logprob,
                           len(text.split()), 1)

    return DistilledProvider()
