import json

import numpy as np
import pytest

from judgebench.metrics.agreement import UndefinedMetricWarning
from judgebench.metrics.bias import (
    calibration, family_wins, longer_wins, position_bias, prompt_sensitivity, sample_consistency,
)


def test_position_bias():
    # AB verdicts and BA verdicts flipped back; a judge that always picks what it sees first
    # says A in the AB order and (seeing B first) B in the BA order.
    always_first = position_bias(["A", "A", "A"], ["B", "B", "B"])
    assert always_first.flip_rate == 1.0 and always_first.first_position_wins == 1.0
    fair = position_bias(["A", "B", "tie", None], ["A", "B", "tie", "A"])
    assert fair.flip_rate == 0.0 and fair.first_position_wins == 0.5 and fair.items == 3
    with pytest.warns(UndefinedMetricWarning):
        assert np.isnan(position_bias([None], ["A"]).flip_rate)


def test_length_and_family_preferences():
    verdicts = ["A", "B", "A", "tie", "B"]
    length_a, length_b = [300, 100, 120, 500, 40], [100, 300, 110, 10, 400]
    # gaps > 30: items 0 (A longer, A wins), 1 (B longer, B wins), 3 (tie: not decided), 4 (B longer, B wins)
    assert longer_wins(verdicts, length_a, length_b) == longer_wins(verdicts, length_a, length_b)
    result = longer_wins(verdicts, length_a, length_b)
    assert (result.rate, result.decided) == (1.0, 3)
    own = family_wins(["A", "A", "B", "A"], ["gpt-4", "claude-v1", "gpt-4-0613", "gpt-3.5-turbo"],
                      ["vicuna", "gpt-4", "alpaca", "gpt-4"], "gpt-4")
    # item 0: gpt-4 is A and wins; 1: gpt-4 is B, A wins; 2: gpt-4-0613 is A, B wins; 3: gpt-4 is B, A wins
    assert (own.rate, own.decided) == (0.25, 4)


def test_sample_consistency():
    samples = [["A", "A", "A"], ["A", "B", "A"], ["B", "B", None], ["tie", "A", "B"]]
    result = sample_consistency(samples, ["A", "B", "B", "A"])
    # unanimous: only [A, A, A]; [B, B, None] has a missing sample
    assert result.majority_agreement == 0.5 and result.unanimous == 0.25
    import krippendorff
    data = np.array([[0, 0, 1, 2], [0, 1, 1, 0], [0, 0, np.nan, 1]], dtype=float)   # A=0, B=1, tie=2
    assert result.alpha == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def test_calibration():
    perfect = calibration([0.9] * 10 + [0.6] * 10, [True] * 9 + [False] + [True] * 6 + [False] * 4)
    assert perfect.ece == pytest.approx(0.0) and perfect.bin_count == [10, 10]
    overconfident = calibration([0.95] * 10, [True] * 5 + [False] * 5)
    assert overconfident.ece == pytest.approx(0.45)
    assert overconfident.bin_confidence == [pytest.approx(0.95)] and overconfident.bin_accuracy == [0.5]


def test_prompt_sensitivity():
    result = prompt_sensitivity({"faithfulness": 0.8, "correctness": 0.7, "strict": 0.75})
    assert result.spread == pytest.approx(0.1) and (result.best, result.worst) == ("faithfulness", "correctness")


def test_mt_bench_gpt4_length_and_self_preference(shared_data):
    """The figures for the closing note, computed from the recorded GPT-4 verdicts."""
    path = shared_data / "mt_bench" / "human_judgments" / "mt_bench_human_pairs.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    side = {"model_a": "A", "model_b": "B", "tie": "tie"}
    gpt4 = [side[r["gpt4_pair_winner"]] for r in rows]
    humans = [side[r["human_majority"]] for r in rows]
    length_a = [len(r["conversation_a"][-1]["content"]) for r in rows]
    length_b = [len(r["conversation_b"][-1]["content"]) for r in rows]
    judge_long, human_long = longer_wins(gpt4, length_a, length_b), longer_wins(humans, length_a, length_b)
    own = family_wins(gpt4, [r["model_a"] for r in rows], [r["model_b"] for r in rows], "gpt-4")
    human_own = family_wins(humans, [r["model_a"] for r in rows], [r["model_b"] for r in rows], "gpt-4")
    print(f"\nMT-Bench: GPT-4 prefers the longer answer {judge_long.rate:.3f} of {judge_long.decided}, "
          f"humans {human_long.rate:.3f} of {human_long.decided}; GPT-4 picks gpt-4's answer "
          f"{own.rate:.3f} of {own.decided}, humans {human_own.rate:.3f} of {human_own.decided}")
    assert judge_long.rate > human_long.rate > 0.5          # both like longer answers; the judge more
    assert own.rate > human_own.rate > 0.5                  # both prefer gpt-4; the judge more
