"""The catalog of public verdict sets (conf/recorded/): imported with `judgebench import --catalog` and scored
with `judgebench score`, the published numbers come back. Skipped when ../shared/data is absent."""

import csv
import json

import pytest

from judgebench.cli import main
from judgebench.config.recorded import recorded_names, recorded_sets
from tests.conftest import SHARED_DATA


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent")
    results = tmp_path_factory.mktemp("recorded") / "results"
    assert main(["import", "--catalog", "--results", str(results), "--data-root", str(SHARED_DATA)]) == 0
    return results


def score(folder, tmp_path, *extra):
    out = tmp_path / f"{folder.name}.json"
    assert main(["score", str(folder), "--resamples", "20", "--json", str(out), *extra]) == 0
    return {name: {m: e["estimate"] for m, e in judge["metrics"].items()} | {"coverage": judge["coverage"]}
            for name, judge in json.loads(out.read_text())["judges"].items()}


def test_every_set_of_the_catalog_is_imported(imported):
    folders = {p.name for p in imported.iterdir()}
    expected = {s.name for name in recorded_names() for s in recorded_sets(name, data_root=str(SHARED_DATA))}
    assert folders == expected and len(expected) == 13


def test_judgebench_scores_reproduce(imported, tmp_path):
    gpt4o = score(imported / "judgebench_gpt4o_arena_hard", tmp_path) | \
        score(imported / "judgebench_gpt4o_reward_models", tmp_path)
    claude = score(imported / "judgebench_claude_arena_hard", tmp_path)
    published = {"o1-mini-2024-09-12": 65.71, "Skywork_Skywork-Reward-Gemma-2-27B": 64.29,
                 "internlm_internlm2-20b-reward": 63.43, "Skywork_Skywork-Reward-Llama-3.1-8B": 62.29,
                 "Ray2333_GRM-Gemma-2B-rewardmodel-ft": 59.43, "internlm_internlm2-7b-reward": 59.43}
    for judge, value in published.items():
        assert round(100 * gpt4o[judge]["judgebench"], 2) == value, judge
    assert round(100 * claude["claude-3-haiku-20240307"]["judgebench"], 2) == 32.22
    # upstream's null decisions are failed verdicts, counted in the summary
    failures = {folder.name: sum(j["parse_failures"] for j in json.loads((folder / "summary.json").read_text())
                                 ["judges"].values()) for folder in imported.glob("judgebench_*")}
    rows = [json.loads(line) for line in (SHARED_DATA / "judgebench" / "reference_judge_verdicts.jsonl").open()]
    nulls = sum((r["decision_original_order"] is None) + (r["judge_name"] == "arena_hard"
                                                          and r["decision_swapped_order_raw"] is None) for r in rows)
    assert sum(failures.values()) == nulls == 13


def test_llmbar_statistics_reproduce(imported, tmp_path):
    folder = SHARED_DATA / "llmbar"
    published = {(r["subset"], r["judge"], r["strategy"]): r
                 for r in csv.DictReader((folder / "reference_judge_statistics.csv").open())}
    parts = {s.where["subset"]: s.name for s in recorded_sets("llmbar", data_root=str(SHARED_DATA))}
    rows = [json.loads(line) for line in (folder / "reference_judge_verdicts.jsonl").open()]
    checked = 0
    for subset, name in parts.items():
        for judge, metrics in score(imported / name, tmp_path).items():
            key = (subset, *judge.split("/"))
            reference = published[key]
            assert 100 * metrics["llmbar_accuracy"] == pytest.approx(float(reference["accuracy_pct"])), key
            # LLMBar's "equal" compares raw outputs, so two unparsable ones agree; here a failed order never
            # agrees: the published value less those items
            mine = [r for r in rows if (r["subset"], r["judge"], r["strategy"]) == key]
            both_failed = sum(r["winner_original_order"] is None and r["winner_swapped_order"] is None for r in mine)
            assert 100 * metrics["positional_agreement"] == pytest.approx(
                float(reference["positional_agreement_pct"]) - 100 * both_failed / len(mine)), key
            checked += 1
    assert checked == 37                    # every row with per-item verdicts: 4 judges x 8 subsets + GPT-4 Vanilla x 5
    natural = score(imported / "llmbar_natural", tmp_path)["GPT-4/Vanilla"]
    assert round(100 * natural["llmbar_accuracy"], 1) == 95.5
    assert round(100 * natural["positional_agreement"], 1) == 95.0


def test_mt_bench_gpt4_reproduces(imported, tmp_path):
    turn_1 = score(imported / "mt_bench", tmp_path, "--where", "turn=1")["gpt-4-pair"]
    assert round(100 * turn_1["mt_bench_with_ties"], 1) == 66.6
    assert round(100 * turn_1["mt_bench_without_ties"], 1) == 85.9
    every = score(imported / "mt_bench", tmp_path)["gpt-4-pair"]
    # against the plurality of the votes, on the 1,078 comparisons where neither side is a tie (issue 13)
    assert round(every["accuracy_without_ties"], 3) == 0.884 and round(every["kappa_without_ties"], 3) == 0.767


def test_topical_chat_unieval_reproduces(imported, tmp_path):
    unieval = score(imported / "topical_chat_unieval", tmp_path)["UniEval"]
    assert round(unieval["pearson"], 6) == 0.632796
    assert round(unieval["spearman"], 6) == 0.662583
    assert round(unieval["kendall"], 6) == 0.487272


def test_sets_whose_files_are_absent_are_skipped_with_the_reason(tmp_path, capsys):
    assert main(["import", "--catalog", "--results", str(tmp_path / "results"), "--data-root",
                 str(tmp_path / "nothing")]) == 0
    err = capsys.readouterr().err
    assert err.count("skipped ") == 13 and "not found" in err and "nothing imported" in err
