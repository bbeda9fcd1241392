"""MT-Bench's recorded GPT-4 verdicts against the human majority, through the command (../shared/data)."""

import json

import pytest

from tests.conftest import REPO
from tests.test_cli import cli

GAPS = {"gpt-4": (0.8521, 0.7249, 0.1272), "claude-v1": (None, None, 0.0370), "gpt-3.5-turbo": (None, None, -0.0273),
        "vicuna-13b-v1.2": (None, None, -0.0120), "alpaca-13b": (None, None, -0.0550),
        "llama-13b": (None, None, -0.0622)}
SOURCE = ["--dataset", "mt_bench", "--dataset-column", "gpt4_pair_winner", "--map", "model_a=A", "--map", "model_b=B",
          "--map", "tie=tie", "--human-column", "human_majority", "--name", "gpt-4", "--by", "system"]


def test_gpt4s_win_rate_per_system_against_the_humans(shared_data, tmp_path):
    out = tmp_path / "mt_bench.json"
    cli("estimate", *SOURCE, "--json", str(out), cwd=REPO)
    groups = {g["group"]: g for g in json.loads(out.read_text())[0]["groups"]}
    for system, (judge, human, gap) in GAPS.items():
        g = groups[system]
        if judge is not None:
            assert (g["judge_only"]["estimate"], g["human_only"]["estimate"]) == \
                (pytest.approx(judge, abs=5e-5), pytest.approx(human, abs=5e-5))
        assert g["bias"]["estimate"] == pytest.approx(gap, abs=5e-5), system
    assert groups["gpt-4"]["bias"]["low"] > 0.05         # the self-preference, with an interval clear of 0


def test_a_budget_of_100_labels_per_system(shared_data, tmp_path):
    out = tmp_path / "budget.json"
    cli("estimate", *SOURCE, "--human-budget", "100", "--budget-per-group", "--seed", "4", "--json", str(out),
        cwd=REPO)
    groups = {g["group"]: g for g in json.loads(out.read_text())[0]["groups"]}
    assert all(groups[s]["labeled"] >= 100 for s in GAPS)
    gpt4 = groups["gpt-4"]
    assert gpt4["corrected"]["low"] <= 0.7249 <= gpt4["corrected"]["high"]
    assert gpt4["judge_only"]["low"] > 0.7249                # the judge alone misses the humans' rate
