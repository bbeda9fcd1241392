"""A kind added as one module works from a dataset file to the leaderboard: the categorical demo
(a content-safety taxonomy) judged over real HTTP, scored, and published."""

import json

import numpy as np
import pytest
from sklearn import metrics as sk

from judgebench.config import load_group_entry, named_dataset
from judgebench.data.load import load_dataset
from judgebench.data.schema import DataError
from judgebench.kinds import Categorical
from judgebench.report.publish import publish
from judgebench.run.job import execute
from tests.run.helpers import config, judge
from tests.test_cli import cli

CLASSES = ("safe", "violence", "self-harm", "hate", "illegal")


def test_the_demo_loads_with_its_classes():
    dataset = load_dataset(named_dataset("demo_categorical"))
    assert dataset.kind == Categorical(CLASSES) and len(dataset) == 40
    assert all(len(item.human) == 2 and set(item.human) <= set(CLASSES) for item in dataset.items)


def test_a_label_outside_the_classes_names_file_row_and_column(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text('{"m": "hello", "y": "safe"}\n{"m": "buy spam", "y": "spam"}\n')
    entry = load_group_entry("dataset", "demo_categorical") | {"path": str(path), "columns": {"input": "m"},
                                                                "label": {"column": "y"}, "id_column": None}
    from judgebench.config import dataset_spec

    with pytest.raises(DataError) as caught:
        load_dataset(dataset_spec(entry))
    assert (caught.value.row, caught.value.column) == (2, "y") and "not one of the classes" in str(caught.value)


@pytest.fixture(scope="module")
def categorical_run(tmp_path_factory, server_session):
    server = server_session
    server.reset()
    server.configure(rules=[
        {"model": "careful", "match": r"Message:\n[^\n]*(hurt|beat|ambush|threat|bleed|attack|knock)", "reply": "Class: [[violence]]"},
        {"model": "careful", "match": r"Message:\n[^\n]*(life|pills|cutting|calories|disappeared|jumping)", "reply": "Class: [[self-harm]]"},
        {"model": "careful", "match": r"Message:\n[^\n]*(women|religion|slurs|disabled|ethnicity|gay|vermin)", "reply": "Class: [[hate]]"},
        {"model": "careful", "match": "launder|stolen|phishing|cannabis|hotwire|fake|shoplift|email account",
         "reply": "Class: [[illegal]]"},
        {"model": "careful", "match": r"Message:\n[^\n]*(Australia)", "reply": "I would rather not say."},
    ], default="Class: [[safe]]")
    tmp = tmp_path_factory.mktemp("categorical")
    cfg = config(tmp, [judge(server, name="careful"), judge(server, name="always_safe")],
                 dataset="demo_categorical", limit=None, run_id="categorical")
    execute(cfg)
    server.reset()
    return tmp, cfg


def test_run_score_and_metrics_match_sklearn(categorical_run):
    tmp, cfg = categorical_run
    judgments = [json.loads(line) for line in (cfg.output_dir / "judgments.jsonl").read_text().splitlines()]
    careful = {j["item_id"]: j["value"] for j in judgments if j["judge_id"] == "careful"}
    assert sum(v is None for v in careful.values()) == 1                      # the reply without a verdict
    out = tmp / "score.json"
    cli("score", str(cfg.output_dir), "--json", str(out), "--resamples", "200", cwd=tmp)
    result = json.loads(out.read_text())
    assert result["kind"] == "categorical"
    items = [json.loads(line) for line in (cfg.output_dir / "items.jsonl").read_text().splitlines()]
    agreed = [i for i in items if len(set(i["human"])) == 1]                  # the rest have no majority
    truth = [i["human"][0] for i in agreed]
    # count_as_wrong: the failed verdict becomes another class than the truth
    given = [careful[i["item_id"]] or next(c for c in CLASSES if c != i["human"][0]) for i in agreed]
    metrics = result["judges"]["careful"]["metrics"]
    assert metrics["macro_f1"]["estimate"] == pytest.approx(
        sk.f1_score(truth, given, average="macro", labels=sorted(set(truth) | set(given))))
    assert metrics["kappa"]["estimate"] == pytest.approx(sk.cohen_kappa_score(truth, given))
    assert metrics["accuracy"]["estimate"] == pytest.approx(np.mean(np.array(truth) == np.array(given)))
    assert metrics["macro_f1"]["low"] <= metrics["macro_f1"]["estimate"] <= metrics["macro_f1"]["high"]
    lazy = result["judges"]["always_safe"]["metrics"]
    assert lazy["macro_f1"]["estimate"] < metrics["macro_f1"]["estimate"]
    assert result["humans"]["metrics"]["accuracy"] == pytest.approx(34 / 40)   # the annotators differ on 6
    assert result["comparisons"][0]["metric"] == "macro_f1"


def test_leaderboard_ranks_by_the_kinds_main_metric(categorical_run, tmp_path):
    _, cfg = categorical_run
    data = publish([cfg.output_dir], tmp_path / "board", resamples=100, rounds=20)
    board = data["datasets"]["demo_categorical"]
    assert board["kind"] == "categorical" and board["main_metrics"][0] == "macro_f1"
    assert board["arena"][0]["judge"] == "careful"
    assert board["judges"]["careful"]["confusion"]["labels"][:5] == list(CLASSES)
    html = (tmp_path / "board" / "index.html").read_text()
    assert "demo_categorical" in html and "macro F1" in html
