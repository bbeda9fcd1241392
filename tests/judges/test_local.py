"""The embedded llama.cpp judge on a few demo items, through the whole litellm path."""

import math

import pandas as pd
import pytest

from judgebench.run.job import execute
from tests.run.helpers import config

pytest.importorskip("llama_cpp", reason="the local extra is not installed")

pytestmark = pytest.mark.local_model


def local_judge(model: str) -> dict:
    return {"name": model.split("/")[-1], "model": model, "concurrency": 1}


@pytest.mark.parametrize("model", ["local/smollm2-135m", "local/gemma3-270m"])
def test_local_judge_scores_binary_items_with_probabilities(tmp_path, model):
    cfg = config(tmp_path, [local_judge(model)], limit=4)
    summary = execute(cfg)
    df = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True)
    assert summary["complete"] and len(df) == 4
    assert df.value.isin([0, 1]).all() and df.parse_error.isna().all()
    assert df.raw_text.isin(["Yes", "No"]).all()
    for probs, value, prob in zip(df.choice_probs, df.value, df.prob):
        assert set(probs) == {"0", "1"} and math.isclose(sum(probs.values()), 1.0, rel_tol=1e-6)
        assert prob == probs[str(value)] and prob >= 0.5
    assert (df.cost_usd == 0).all() and (df.prompt_tokens > 50).all() and (df.completion_tokens == 1).all()


def test_local_judge_pairwise_in_both_orders_and_likert(tmp_path):
    cfg = config(tmp_path / "p", [local_judge("local/smollm2-135m")], dataset="demo_pairwise", limit=2)
    execute(cfg)
    df = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True)
    assert len(df) == 4 and df.value.isin(["A", "B", "tie"]).all()
    assert all(set(p) == {"A", "B", "tie"} for p in df.choice_probs)
    cfg = config(tmp_path / "l", [local_judge("local/smollm2-135m")], dataset="demo_likert", limit=2)
    execute(cfg)
    df = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True)
    assert df.value.isin([1, 2, 3, 4, 5]).all() and all(len(p) == 5 for p in df.choice_probs)


def test_local_judge_is_deterministic_and_cached(tmp_path):
    first = config(tmp_path, [local_judge("local/smollm2-135m")], limit=2)
    execute(first)
    second = config(tmp_path, [local_judge("local/smollm2-135m")], limit=2, run_id="again")
    summary = execute(second)
    a = pd.read_json(first.output_dir / "judgments.jsonl", lines=True)
    b = pd.read_json(second.output_dir / "judgments.jsonl", lines=True)
    assert summary["session"]["cache_hits"] == 2 and summary["session"]["calls"] == 0
    assert list(a.value) == list(b.value) and list(a.prob) == list(b.prob)


def test_local_generation_without_choices():
    from judgebench.judges.local import engine

    result = engine().generate("smollm2-135m", [{"role": "user", "content": "Say hello."}], max_tokens=8)
    assert result.text.strip() and 0 < result.completion_tokens <= 8


def test_unknown_local_model_is_a_clear_error(tmp_path):
    cfg = config(tmp_path, [local_judge("local/nope-1b")], limit=1)
    summary = execute(cfg)
    df = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True)
    assert not summary["complete"] and "unknown local model 'nope-1b'" in df.error[0]


def test_reusing_the_shared_prompt_prefix_does_not_change_the_scores():
    from judgebench.judges.local import engine, shared_prefix

    assert shared_prefix([1, 2, 3, 4], [1, 2, 9, 4]) == 2
    assert shared_prefix([1, 2, 3], [1, 2, 3]) == 2      # the last token is evaluated again
    assert shared_prefix([], [5]) == 0
    system = {"role": "system", "content": "You grade answers strictly."}
    first = [system, {"role": "user", "content": "Answer: Paris is in France. Correct? Yes or No."}]
    second = [system, {"role": "user", "content": "Answer: Lyon is the capital of France. Correct? Yes or No."}]
    local = engine()
    local.score("smollm2-135m", first, ["Yes", "No"])
    reused = local.score("smollm2-135m", second, ["Yes", "No"])
    llm, _ = local._models["smollm2-135m"]
    llm.reset()
    fresh = local.score("smollm2-135m", second, ["Yes", "No"])
    assert reused.text == fresh.text
    for choice in ("Yes", "No"):
        assert reused.choice_logprobs[choice] == pytest.approx(fresh.choice_logprobs[choice], abs=1e-3)


def test_a_user_given_gguf_file_uses_its_own_chat_template(tmp_path):
    from judgebench.judges.local import LOCAL_MODELS

    path = LOCAL_MODELS.get("smollm2-135m").locate()
    cfg = config(tmp_path, [{"name": "own", "model": f"local/{path}"}], limit=2)
    summary = execute(cfg)
    df = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True)
    assert summary["complete"] and df.value.isin([0, 1]).all()
