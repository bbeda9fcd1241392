"""Self-preference and prompt sensitivity on the leaderboard, from runs over a small pairwise dataset."""

import json

import pytest

from judgebench.config import run_config
from judgebench.report.leaderboard import build_leaderboard, load_run
from judgebench.run.job import execute

ROWS = [  # gpt-4 answers are the longer ones; humans prefer them 2 of 3 times
    {"id": "p1", "q": "Explain tides.", "a": "The Moon's gravity pulls the oceans into two bulges." * 2, "b": "Wind.",
     "model_a": "gpt-4", "model_b": "alpaca-13b", "label": "A"},
    {"id": "p2", "q": "Name a prime.", "a": "4", "b": "7 is prime: its only divisors are 1 and itself, so it counts.",
     "model_a": "llama-13b", "model_b": "gpt-4-0613", "label": "B"},
    {"id": "p3", "q": "Capital of Peru?", "a": "Lima, on the Pacific coast, founded in 1535 by Pizarro.",
     "b": "Lima.", "model_a": "gpt-4", "model_b": "vicuna-13b", "label": "B"},
]


def prompt(name, wording):
    return {"name": name, "kind": "pairwise", "template": wording + "\n{input}\nA: {response_a}\nB: {response_b}"}


def test_self_preference_and_prompt_spread(tmp_path, server):
    data = tmp_path / "pairs.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    dataset = {"name": "pairs", "kind": "pairwise", "path": str(data), "id_column": "id",
               "columns": {"input": "q", "response_a": "a", "response_b": "b", "model_a": "model_a",
                           "model_b": "model_b"}, "label": {"column": "label"}}
    # The judge always prefers gpt-4 under the "loyal" prompt, always A under the "lazy" one.
    server.configure(rules=[{"match": "LOYAL.*A: The Moon|LOYAL.*A: Lima, on|LOYAL.*A: 7 is", "reply": "[[A]]"},
                            {"match": "LOYAL", "reply": "[[B]]"}], default="[[A]]")
    runs = []
    for name, wording in (("loyal", "LOYAL: which is better?"), ("lazy", "Which is better?")):
        cfg = run_config({"dataset": dataset, "prompt": prompt(name, wording), "results_dir": str(tmp_path / "r"),
                          "progress": False, "run_id": name,
                          "judges": [{"name": "gpt4judge", "model": "openai/gpt4judge", "api_base": server.url,
                                      "family": "gpt-4", "retry_base_s": 0.01}]})
        execute(cfg)
        runs.append(load_run(cfg.output_dir))
    board = build_leaderboard(runs, resamples=50, rounds=10)["datasets"]["pairs"]
    loyal, lazy = board["judges"]["gpt4judge/loyal"], board["judges"]["gpt4judge/lazy"]
    assert loyal["bias"]["own_family_wins"] == 1.0 and loyal["bias"]["own_family_decided"] == 3
    assert loyal["bias"]["own_family_wins_humans"] == pytest.approx(2 / 3)
    assert loyal["bias"]["longer_wins"] == 1.0 and loyal["bias"]["longer_wins_humans"] == pytest.approx(2 / 3)
    # agreement with ties (MT-Bench S1): loyal gets p1, p2 right (2/3); lazy always A in both orders -> ties
    spread = loyal["metrics"]["mt_bench_with_ties"]["estimate"] - lazy["metrics"]["mt_bench_with_ties"]["estimate"]
    assert loyal["bias"]["prompt_spread"] == lazy["bias"]["prompt_spread"] == pytest.approx(abs(spread))
    assert lazy["bias"]["position_flip_rate"] == 1.0 and lazy["bias"]["first_position_wins"] == 1.0
