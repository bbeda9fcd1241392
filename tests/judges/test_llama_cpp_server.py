"""The "any OpenAI-compatible server" promise, against a real third-party one: llama.cpp's own server
(`python -m llama_cpp.server`, the `server` extra) with the SmolLM2 GGUF, judging the demo with logprobs."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request

import pandas as pd
import pytest

from judgebench.run.job import execute
from judgebench.testing.openai_server import free_port
from tests.run.helpers import config

pytest.importorskip("llama_cpp.server.app", reason="the `server` extra (llama-cpp-python[server]) is not installed")


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    from judgebench.judges.local import LocalModelError, _smollm2_path

    try:
        model = _smollm2_path()
    except LocalModelError as exc:
        pytest.skip(str(exc))
    port = free_port()
    log = open(tmp_path_factory.mktemp("llama") / "server.log", "w+")
    process = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--port", str(port),
                                "--n_ctx", "2048", "--chat_format", "chatml", "--n_threads", "2"],
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(url + "/models", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                raise RuntimeError(f"llama_cpp.server did not start:\n{log.read()[-3000:]}")
            time.sleep(0.5)
    yield url
    process.terminate()
    process.wait(30)


def test_judging_the_demo_through_llama_cpps_own_server(tmp_path, llama_server):
    judge = {"name": "llama_cpp_server", "model": "openai/smollm2", "api_base": llama_server, "logprobs": True,
             "concurrency": 1, "timeout_s": 120, "max_retries": 1, "params": {"temperature": 0, "max_tokens": 40}}
    cfg = config(tmp_path, [judge], limit=20, workers=0)
    summary = execute(cfg)
    assert summary["complete"] and summary["session"]["calls"] == 20
    frame = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True)
    assert frame["error"].isna().all()
    opens = frame["raw_text"].str.match(r"\s*(Yes|No)\b\s*(?:[,.:;!]|\n|$)", flags=re.IGNORECASE)
    # A reply that opens with its verdict is that verdict, whatever reason follows (unless the opening
    # also says the other word).
    for _, row in frame[opens].iterrows():
        opening = re.split(r"(?<=[.!?])\s|\n", row.raw_text.strip(), maxsplit=2)
        both = {"yes", "no"} <= {w.lower() for w in re.findall(r"\b(yes|no)\b", " ".join(opening[:2]), re.I)}
        if not both:
            assert row.value == (1 if row.raw_text.strip()[:3].lower() == "yes" else 0), row.raw_text
    assert opens.sum() >= 10, frame["raw_text"].tolist()
    # Probabilities come from the server's logprobs of the verdict token: over the answers among its top 5
    # alternatives, summing to 1; where both answers are among them, a real probability.
    judged = frame[frame["value"].notna()]
    assert len(judged) >= 10
    for probs, value, prob in zip(judged["choice_probs"], judged["value"], judged["prob"]):
        assert str(int(value)) in probs and set(probs) <= {"0", "1"} and abs(sum(probs.values()) - 1) < 1e-6
        assert prob == pytest.approx(probs[str(int(value))])
    assert any(0 < p < 1 for p in judged["prob"]), judged["choice_probs"].tolist()
