"""`judgebench score`: a run folder, a dataset column, a file of recorded verdicts."""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from judgebench.run.job import execute
from tests.run.helpers import config, judge
from tests.test_cli import cli


def score(tmp_path, *args):
    out = tmp_path / "score.json"
    done = cli("score", *args, "--json", str(out), "--resamples", "200", cwd=tmp_path)
    return json.loads(out.read_text()), done.stdout


def test_score_a_binary_run_with_parse_failures_and_the_human_ceiling(tmp_path, server):
    server.configure(rules=[{"match": "Lyon|1869|10 kg|DNA polymerase", "reply": "Verdict: No"},
                            {"match": "Canberra", "reply": "I cannot tell."}], default="Verdict: Yes")
    cfg = config(tmp_path, [judge(server)], limit=None)
    execute(cfg)
    result, text = score(tmp_path, str(cfg.output_dir))
    entry = result["judges"]["scripted"]
    items = pd.read_json(cfg.output_dir / "items.jsonl", lines=True)
    verdicts = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True).set_index("item_id").value
    majority = items.set_index("item_id").human.apply(lambda h: h[0] if len(set(h)) == 1 else None).dropna()
    judged = verdicts.reindex(majority.index)
    failed = judged.isna()
    assert failed.sum() == 2 and entry["coverage"] == pytest.approx(1 - 2 / len(majority))
    # count_as_wrong: a failure is the wrong class
    expected = np.mean(np.where(failed, False, judged == majority))
    assert entry["metrics"]["accuracy"]["estimate"] == pytest.approx(expected)
    assert entry["metrics"]["accuracy"]["low"] <= expected <= entry["metrics"]["accuracy"]["high"]
    # the two demo annotators disagree on 2 of the 65 items they share
    assert result["humans"]["metrics"]["accuracy"] == pytest.approx(63 / 65)
    assert "human ceiling" in text and "coverage" in text
    excluded, _ = score(tmp_path, str(cfg.output_dir), "--policy", "exclude")
    kept = ~failed
    assert excluded["judges"]["scripted"]["metrics"]["accuracy"]["estimate"] == pytest.approx(
        np.mean(judged[kept] == majority[kept]))


def test_score_a_likert_run(tmp_path, server):
    server.configure(rules=[{"match": "Buy a new|fry it|Just stop", "reply": "Rating: [[1]]"},
                            {"match": "STAR|A = P", "reply": "Rating: [[5]]"}], default="Rating: [[3]]")
    cfg = config(tmp_path, [judge(server)], dataset="demo_likert", limit=None)
    execute(cfg)
    result, _ = score(tmp_path, str(cfg.output_dir))
    items = pd.read_json(cfg.output_dir / "items.jsonl", lines=True).set_index("item_id")
    verdicts = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True).set_index("item_id").value
    human = items.human.apply(np.mean)
    got = result["judges"]["scripted"]["metrics"]
    assert got["spearman"]["estimate"] == pytest.approx(stats.spearmanr(human, verdicts[human.index])[0])
    assert got["kendall"]["estimate"] == pytest.approx(stats.kendalltau(human, verdicts[human.index])[0])
    assert result["humans"]["metrics"]["spearman"] > 0.8


def test_score_a_pairwise_run_in_both_orders(tmp_path, server):
    server.configure(default="[[A]]")      # always the first shown: inconsistent across orders
    cfg = config(tmp_path, [judge(server)], dataset="demo_pairwise", limit=None)
    execute(cfg)
    result, _ = score(tmp_path, str(cfg.output_dir))
    metrics = result["judges"]["scripted"]["metrics"]
    assert metrics["positional_agreement"]["estimate"] == 0.0
    assert metrics["judgebench"]["estimate"] == 0.0        # every pair inconsistent: wrong
    # combined verdict of inconsistent orders is a tie; with ties excluded nothing is left
    assert metrics["mt_bench_without_ties"]["estimate"] is None            # undefined: null in strict JSON
    assert "undefined" in metrics["mt_bench_without_ties"]["undefined"]


def test_mt_bench_published_agreement_through_the_cli(tmp_path, shared_data):
    result, _ = score(tmp_path, "--dataset", "mt_bench", "--data-root", str(shared_data), "--where", "turn=1",
                      "--dataset-column", "gpt4_pair_winner", "--map", "model_a=A", "--map", "model_b=B",
                      "--cluster", "input")
    metrics = result["judges"]["gpt4_pair_winner"]["metrics"]
    assert round(metrics["mt_bench_with_ties"]["estimate"], 3) == 0.666
    assert round(metrics["mt_bench_without_ties"]["estimate"], 3) == 0.859
    assert round(result["humans"]["metrics"]["mt_bench_with_ties"], 3) == 0.641
    assert round(result["humans"]["metrics"]["mt_bench_without_ties"], 3) == 0.820


def test_judgebench_published_score_from_recorded_verdicts(tmp_path, shared_data):
    result, _ = score(tmp_path, "--dataset", "judgebench", "--data-root", str(shared_data),
                      "--verdicts", str(shared_data / "judgebench" / "reference_judge_verdicts.jsonl"),
                      "--id-column", "pair_id", "--column", "decision_original_order",
                      "--second-column", "decision_swapped_order_raw", "--second-raw",
                      "--verdict-where", "judge_model=o1-mini-2024-09-12",
                      "--map", "A>B=A", "--map", "B>A=B", "--map", "A=B=tie", "--name", "o1-mini")
    assert round(100 * result["judges"]["o1-mini"]["metrics"]["judgebench"]["estimate"], 2) == 65.71


def test_bad_recorded_verdict_names_file_row_and_column(tmp_path):
    path = tmp_path / "verdicts.jsonl"
    path.write_text('{"id": "bin-001", "v": "yes"}\n{"id": "bin-002", "v": "perhaps"}\n')
    done = cli("score", "--dataset", "demo_binary", "--verdicts", str(path), "--column", "v", cwd=tmp_path,
               check=False)
    assert done.returncode == 2 and "verdicts.jsonl, line 2, column 'v'" in done.stderr


def test_two_judges_are_compared_with_mcnemar_and_holm(tmp_path, server):
    server.configure(rules=[{"match": "1869|10 kg for all", "reply": "Verdict: No", "model": "careful"}],
                     default="Verdict: Yes")
    cfg = config(tmp_path, [judge(server, name="careful"), judge(server, name="yes_man"),
                            judge(server, name="yes_too")], limit=None)
    execute(cfg)
    result, text = score(tmp_path, str(cfg.output_dir))
    rows = {(r["judge_x"], r["judge_y"]): r for r in result["comparisons"]}
    pair = rows[("careful", "yes_man")]
    # careful is right on the two items where it says No (both labelled 0), yes_man on none extra;
    # 124 of the 126 items have a human majority
    assert (pair["only_x_right"], pair["only_y_right"]) == (2, 0)
    assert pair["p_value"] == pytest.approx(0.5) and pair["difference"]["estimate"] == pytest.approx(2 / 124)
    assert rows[("yes_man", "yes_too")]["p_value"] == 1.0
    assert pair["p_holm"] == pytest.approx(min(1.0, 0.5 * 2))      # second smallest of three: x2
    assert "McNemar" in text


def test_annotator_alpha_matches_the_reference_package(tmp_path, server):
    import krippendorff

    cfg = config(tmp_path, [judge(server)], dataset="demo_likert", limit=None)
    execute(cfg)
    result, _ = score(tmp_path, str(cfg.output_dir))
    items = pd.read_json(cfg.output_dir / "items.jsonl", lines=True)
    data = np.array([[h[0] for h in items.human], [h[1] for h in items.human]], dtype=float)
    assert result["humans"]["metrics"]["krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))
