import asyncio
import json
import time

import pandas as pd
import pytest

from judgebench.config import ConfigError
from judgebench.run.job import PreflightError, execute
from judgebench.run.records import SCHEMA_VERSION
from judgebench.run.runner import RateLimiter, backoff_delay
from judgebench.run.store import RunConflict, RunStore
from tests.run.helpers import config, judge


def judgments(cfg) -> pd.DataFrame:
    return pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True)


def test_a_version_1_record_reads_its_prompt_version_as_the_prompt_hash():
    from judgebench.run.records import Judgment

    old = {"run_id": "r", "key": "k", "item_id": "i", "judge_id": "j", "prompt_id": "p", "prompt_version": "abc123",
           "order": None, "sample": 0, "value": 1, "prob": None, "choice_probs": None, "raw_text": "Yes",
           "parse_error": None, "prompt_tokens": 1, "completion_tokens": 1, "cost_usd": None, "latency_s": 0.1,
           "cached": False, "error": None, "attempts": 1, "schema_version": 1}
    record = Judgment.from_dict(old)
    assert record.prompt_hash == "abc123" and record.schema_version == SCHEMA_VERSION


def test_run_writes_results_readable_with_pandas(tmp_path, server):
    server.configure(rules=[{"match": "Lyon|1869", "reply": "Verdict: No"}], default="Reasoning... Verdict: Yes")
    cfg = config(tmp_path, [judge(server, logprobs=True)])
    summary = execute(cfg)
    df = judgments(cfg)
    assert len(df) == 6 and summary["complete"]
    assert set(df.columns) >= {"run_id", "item_id", "judge_id", "prompt_id", "order", "sample", "value", "prob",
                               "raw_text", "parse_error", "prompt_tokens", "completion_tokens", "cost_usd",
                               "latency_s", "cached", "error", "schema_version", "prompt_hash"}
    assert (df.schema_version == SCHEMA_VERSION).all() and not df.cached.any()
    assert (df.prompt_hash == cfg.prompt.hash).all()
    assert df.set_index("item_id").loc["bin-002", "value"] == 0
    assert df.set_index("item_id").loc["bin-001", "value"] == 1
    assert df.prob.round(3).eq(0.8).all()            # from the server's logprobs
    for name in ("manifest.json", "items.jsonl", "summary.json"):
        assert (cfg.output_dir / name).exists()
    manifest = json.loads((cfg.output_dir / "manifest.json").read_text())
    assert manifest["prompt"]["name"] == "faithfulness" and manifest["judges"][0]["model"] == "openai/scripted"
    assert manifest["versions"]["litellm"]
    assert server.state.requests == 6


def test_unparseable_reply_is_stored_as_a_parse_failure(tmp_path, server):
    server.configure(default="I would rather not say.")
    cfg = config(tmp_path, [judge(server)], limit=2)
    summary = execute(cfg)
    df = judgments(cfg)
    assert df.value.isna().all() and (df.raw_text == "I would rather not say.").all()
    assert df.parse_error.str.contains("no binary verdict").all()
    assert summary["judges"]["scripted"]["parse_failures"] == 2


def test_second_identical_run_makes_zero_model_calls(tmp_path, server):
    execute(config(tmp_path, [judge(server)]))
    assert server.state.requests == 6
    again = config(tmp_path, [judge(server)], run_id="another-run")
    summary = execute(again)
    assert server.state.requests == 6
    assert summary["session"]["cache_hits"] == 6 and judgments(again).cached.all()


def test_retries_500_then_succeeds(tmp_path, server):
    server.configure(fault={"mode": "status", "status": 500, "times": 2})
    cfg = config(tmp_path, [judge(server)], limit=3)
    summary = execute(cfg)
    assert summary["complete"] and server.state.requests == 9
    assert (judgments(cfg).attempts == 3).all()


def test_honours_retry_after_on_429(tmp_path, server):
    server.configure(fault={"mode": "status", "status": 429, "times": 1, "retry_after": 1})
    cfg = config(tmp_path, [judge(server, retry_base_s=0.0)], limit=2)
    started = time.perf_counter()
    summary = execute(cfg)
    assert summary["complete"] and time.perf_counter() - started >= 1.0


def test_hang_hits_the_timeout_and_is_retried(tmp_path, server):
    server.configure(fault={"mode": "hang", "times": 1})
    cfg = config(tmp_path, [judge(server, timeout_s=0.5)], limit=2)
    summary = execute(cfg)
    assert summary["complete"] and (judgments(cfg).attempts == 2).all()


def test_malformed_body_is_retried_then_recorded_as_an_error(tmp_path, server):
    server.configure(fault={"mode": "malformed", "times": 10})
    cfg = config(tmp_path, [judge(server, max_retries=2)], limit=2)
    summary = execute(cfg)
    df = judgments(cfg)
    assert not summary["complete"] and df.error.notna().all() and (df.attempts == 3).all()
    assert df.value.isna().all()
    # Resume retries only the failed calls and replaces their records.
    server.configure(fault=None)
    summary = execute(cfg)
    df = judgments(cfg)
    assert summary["complete"] and len(df) == 2 and df.error.isna().all()


def test_auth_error_stops_the_judge_without_retrying(tmp_path, server):
    server.configure(fault={"mode": "status", "status": 401, "times": 100})
    cfg = config(tmp_path, [judge(server, concurrency=1)], limit=5)
    summary = execute(cfg)
    assert "scripted" in summary["session"]["aborted"] and server.state.requests == 1


def test_pairwise_both_orders_flip_back_to_the_dataset_orientation(tmp_path, server):
    # The server always prefers whatever is shown first; in the BA order that is response B.
    server.configure(default="[[A]]")
    cfg = config(tmp_path, [judge(server)], dataset="demo_pairwise", limit=3)
    execute(cfg)
    df = judgments(cfg)
    assert sorted(df.order.unique()) == ["AB", "BA"]
    assert (df[df.order == "AB"].value == "A").all() and (df[df.order == "BA"].value == "B").all()


def test_samples_are_separate_judgments(tmp_path, server):
    cfg = config(tmp_path, [judge(server, samples=3, params={"temperature": 0.7})], limit=2)
    execute(cfg)
    df = judgments(cfg)
    assert sorted(df["sample"].unique()) == [0, 1, 2] and len(df) == 6 and server.state.requests == 6


def test_api_key_never_reaches_results_or_logs(tmp_path, server, monkeypatch):
    secret = "sk-test-SECRET-0123456789"
    monkeypatch.setenv("JB_TEST_KEY", secret)
    cfg = config(tmp_path, [judge(server, api_key_env="JB_TEST_KEY")], limit=2)
    execute(cfg)
    assert server.state.auth[-1] == f"Bearer {secret}"  # it was used ...
    for path in (tmp_path / "results").rglob("*"):
        if path.is_file() and path.suffix != ".sqlite":
            assert secret not in path.read_text(errors="replace"), path
    assert secret.encode() not in (tmp_path / "results" / "cache.sqlite").read_bytes()


def test_missing_api_key_fails_before_any_call(tmp_path, server, monkeypatch):
    monkeypatch.delenv("JB_ABSENT_KEY", raising=False)
    with pytest.raises(PreflightError, match=r"\$JB_ABSENT_KEY"):
        execute(config(tmp_path, [judge(server, api_key_env="JB_ABSENT_KEY")]))
    assert server.state.requests == 0


def test_keys_in_judge_config_are_refused(tmp_path, server):
    with pytest.raises(ConfigError, match="environment variable"):
        config(tmp_path, [judge(server, params={"api_key": "sk-x"})])


def test_changed_experiment_in_same_folder_is_refused(tmp_path, server):
    execute(config(tmp_path, [judge(server)], limit=2))
    with pytest.raises(RunConflict):
        execute(config(tmp_path, [judge(server, params={"temperature": 0.5})], limit=2))


def test_bad_data_fails_before_any_model_call(tmp_path, server):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q", "context": "c", "answer": "a", "label": 1}\n{"question": "q2"}\n')
    cfg = config(tmp_path, [judge(server)], limit=None)
    from judgebench.config import dataset_spec, run_config
    raw = dict(cfg.raw, dataset={"name": "bad", "kind": "binary", "path": str(bad),
                                 "columns": {"input": "question", "context": "context", "output": "answer"},
                                 "label": {"column": "label"}, "default_prompt": "faithfulness"})
    dataset_spec(raw["dataset"])
    with pytest.raises(Exception, match="line 2, column 'context': missing column"):
        execute(run_config(raw))
    assert server.state.requests == 0


def test_torn_last_line_is_dropped_on_resume(tmp_path, server):
    cfg = config(tmp_path, [judge(server)], limit=3)
    execute(cfg)
    path = cfg.output_dir / "judgments.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:2]) + lines[2][:40])   # as if killed mid-write
    assert len(RunStore(cfg.output_dir).load()) == 2
    summary = execute(cfg)
    assert summary["complete"] and len(judgments(cfg)) == 3 and summary["session"]["cache_hits"] == 1


def test_rate_limiter_spaces_calls():
    limiter = RateLimiter(rpm=600)          # one call every 0.1 s

    async def four_calls():
        for _ in range(4):
            await limiter.wait()

    started = time.perf_counter()
    asyncio.run(four_calls())
    assert time.perf_counter() - started >= 0.3


def test_backoff_grows_with_jitter_and_prefers_retry_after():
    import random
    rng = random.Random(0)
    delays = [backoff_delay(a, 1.0, None, rng) for a in range(4)]
    for attempt, delay in enumerate(delays):
        assert 2 ** attempt / 2 <= delay <= 2 ** attempt
    assert backoff_delay(0, 1.0, 7.0, rng) == 7.0


def test_few_shot_examples_come_from_labelled_items_but_never_the_item_itself(tmp_path, server):
    cfg = config(tmp_path, [judge(server)], limit=10, few_shot={"k": 2, "seed": 3})
    from judgebench.run.job import prepare
    dataset, calls = prepare(cfg)
    for call in calls:
        messages = call.request.messages
        assert [m["role"] for m in messages] == ["system", "user", "assistant", "user", "assistant", "user"]
        assert {messages[2]["content"], messages[4]["content"]} == {"Verdict: Yes", "Verdict: No"}
        item = next(i for i in dataset.items if i.item_id == call.item_id)
        assert item.fields["output"] not in messages[1]["content"] + messages[3]["content"]
    summary = execute(cfg)
    assert summary["complete"] and server.state.requests == 10


def test_unknown_schema_versions_are_refused(tmp_path, server):
    from judgebench.run.records import SchemaError
    cfg = config(tmp_path, [judge(server)], limit=2)
    execute(cfg)
    path = cfg.output_dir / "judgments.jsonl"
    record = json.loads(path.read_text().splitlines()[0]) | {"schema_version": 99}
    path.write_text(json.dumps(record) + "\n")
    with pytest.raises(SchemaError, match="version 99"):
        RunStore(cfg.output_dir).load()
