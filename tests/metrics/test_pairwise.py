"""Pairwise definitions: hand-checked cases, and the published numbers from ../shared/data."""

import csv
import json

import pytest

from judgebench.kinds import PAIRWISE
from judgebench.metrics.pairwise import (
    alpaca_eval_agreement, both_orders_agreement, judgebench_score, mt_bench_agreement, mt_bench_human_agreement,
    order_accuracy, positional_agreement,
)


def test_mt_bench_counts_every_vote():
    judge = ["A", "tie", "B", None]
    votes = [["A", "A", "B"], ["tie", "A"], ["B"], ["A"]]
    s1 = mt_bench_agreement(judge, votes)
    # A vs (A, A, B) -> 2; tie vs (tie, A) -> 1; B vs B -> 1; failure vs A -> 0; 7 votes.
    assert (s1.hits, s1.total, s1.coverage) == (4, 7, 0.75)
    s2 = mt_bench_agreement(judge, votes, ties=False)
    # the tie verdict's item drops out entirely; 3 + 1 + 1 pairs remain.
    assert (s2.hits, s2.total) == (3, 5)
    excluded = mt_bench_agreement(judge, votes, policy="exclude")
    assert (excluded.hits, excluded.total) == (4, 6)
    human = mt_bench_human_agreement(votes)
    # pairs: (A,A) (A,B) (A,B) -> 1 of 3; (tie,A) -> 0 of 1.
    assert (human.hits, human.total) == (1, 4)
    assert mt_bench_human_agreement(votes, ties=False).total == 3


def test_alpaca_eval_scale_and_mode():
    # targets: mode(A, A, B) = 1; mode(A, B) -> tie between 1 and 2 -> 1 (lower, as pandas' mode()[0]); B = 2
    rate = alpaca_eval_agreement(["tie", "B", "B", None], [["A", "A", "B"], ["A", "B"], ["B"], ["tie"]])
    # errors 0.5, 1, 0, 1 (failure) -> 1 - 2.5 / 4
    assert rate.value == pytest.approx(1 - 2.5 / 4) and rate.coverage == 0.75


def test_judgebench_counter_rule():
    label = ["A", "A", "A", "A", "B", "B"]
    first = ["A", "A", "tie", "B", None, "B"]
    second = ["A", "tie", "tie", "A", "B", "A"]
    # +2 ok; +1 ok; 0 wrong; 0 (inconsistent) wrong; +1 ok (failure beside a correct one); 0 wrong
    assert judgebench_score(label, first, second).hits == 3


def test_positional_agreement():
    rate = positional_agreement(["A", "B", "A", None], ["A", "A", "A", "B"])
    assert (rate.hits, rate.total) == (2, 4)
    assert positional_agreement(["A", "B", "A", None], ["A", "A", "A", "B"], policy="exclude").total == 3
    assert PAIRWISE.flip("A") == "B" and PAIRWISE.flip("tie") == "tie" and PAIRWISE.flip(None) is None


def test_order_accuracy_counts_one_order_against_the_label():
    truth = ["A", "B", "tie", None, "A"]
    verdicts = ["A", "A", "tie", "B", None]
    # right, wrong, right (a tie is a label like any other), no label (left out), failure (a miss)
    rate = order_accuracy(truth, verdicts)
    assert (rate.hits, rate.total, rate.usable_items) == (2, 4, 3)
    assert (order_accuracy(truth, verdicts, policy="exclude").total) == 3


def test_both_orders_agreement_is_auto_j():
    truth = ["A", "A", "tie", "B", "B", None]
    first = ["A", "A", "tie", "B", None, "A"]
    second = ["A", "B", "tie", "tie", "B", "A"]
    # right in both; inconsistent; a tie in both orders against a tie; one order wrong; a failed order; no label
    rate = both_orders_agreement(truth, first, second)
    assert (rate.hits, rate.total, rate.usable_items) == (2, 5, 4)
    assert both_orders_agreement(truth, first, second, policy="exclude").total == 4


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="policy"):
        mt_bench_agreement(["A"], [["A"]], policy="ignore")


# --- published numbers, recomputed from the recorded verdicts in ../shared/data ---------------

def mt_bench_rows(shared_data, turn):
    path = shared_data / "mt_bench" / "human_judgments" / "mt_bench_human_pairs.jsonl"
    side = {"model_a": "A", "model_b": "B", "tie": "tie"}
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    rows = [r for r in rows if r["turn"] == turn]
    votes = [[side[k] for k, n in r["human_votes"].items() for _ in range(n)] for r in rows]
    return [side[r["gpt4_pair_winner"]] for r in rows], votes


@pytest.mark.parametrize("turn,s1,s2,h1,h2", [(1, (1124, 1688), (911, 1060), 0.641, 0.820),
                                               (2, (1095, 1666), (912, 1069), 0.670, 0.834)])
def test_mt_bench_gpt4_and_human_agreement_reproduce(shared_data, turn, s1, s2, h1, h2):
    gpt4, votes = mt_bench_rows(shared_data, turn)
    with_ties, without = mt_bench_agreement(gpt4, votes), mt_bench_agreement(gpt4, votes, ties=False)
    assert (with_ties.hits, with_ties.total) == s1 and (without.hits, without.total) == s2
    if turn == 1:
        assert round(100 * with_ties.value, 1) == 66.6 and round(100 * without.value, 1) == 85.9
    assert round(mt_bench_human_agreement(votes).value, 3) == h1
    assert round(mt_bench_human_agreement(votes, ties=False).value, 3) == h2


def test_judgebench_o1_mini_arena_hard_reproduces(shared_data):
    side = {"A>B": "A", "B>A": "B", "A=B": "tie", None: None}
    rows = [json.loads(line) for line in
            (shared_data / "judgebench" / "reference_judge_verdicts.jsonl").read_text().splitlines()]
    published = {("arena_hard", "o1-mini-2024-09-12"): 65.71, ("arena_hard", "claude-3-haiku-20240307"): 32.22,
                 ("reward_model", "Skywork_Skywork-Reward-Gemma-2-27B"): 64.29,
                 ("reward_model", "internlm_internlm2-20b-reward"): 63.43,
                 ("reward_model", "Skywork_Skywork-Reward-Llama-3.1-8B"): 62.29,
                 ("reward_model", "Ray2333_GRM-Gemma-2B-rewardmodel-ft"): 59.43,
                 ("reward_model", "internlm_internlm2-7b-reward"): 59.43}
    for (name, model), score in published.items():
        mine = [r for r in rows if r["judge_name"] == name and r["judge_model"] == model]
        if name == "reward_model":      # --single_game: only the first decision counts
            second = [None] * len(mine)
        else:
            second = [PAIRWISE.flip(side[r["decision_swapped_order_raw"]]) for r in mine]
        rate = judgebench_score([side[r["label"]] for r in mine], [side[r["decision_original_order"]]
                                                                   for r in mine], second)
        assert round(100 * rate.value, 2) == score, (name, model)


def test_llmbar_per_order_accuracy_and_positional_agreement_reproduce(shared_data):
    folder = shared_data / "llmbar"
    rows = [json.loads(line) for line in (folder / "reference_judge_verdicts.jsonl").read_text().splitlines()]
    published = {(r["subset"], r["judge"], r["strategy"]): r
                 for r in csv.DictReader((folder / "reference_judge_statistics.csv").open())}
    groups = {}
    for r in rows:
        groups.setdefault((r["subset"], r["judge"], r["strategy"]), []).append(r)
    side = {"1": "A", "2": "B", None: None}
    checked = 0
    for key, group in groups.items():
        label = [side[str(r["label"])] for r in group]
        original = [side[r["winner_original_order"]] for r in group]
        swapped = [side[r["winner_swapped_order"]] for r in group]
        per_order = [order_accuracy(label, order).value for order in (original, swapped)]
        reference = published[key]
        assert 100 * sum(per_order) / 2 == pytest.approx(float(reference["accuracy_pct"])), key
        # LLMBar's "equal" compares the raw outputs, so two unparsable verdicts count as equal.
        agree = positional_agreement([v or "unparsed" for v in original], [v or "unparsed" for v in swapped])
        assert 100 * agree.value == pytest.approx(float(reference["positional_agreement_pct"])), key
        checked += 1
    assert checked == len(groups) == 37          # 4 judges x 8 subsets + GPT-4 Vanilla on 5
