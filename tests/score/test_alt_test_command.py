"""`judgebench score --alt-test` on a run folder whose items carry five named annotators."""

import json

import numpy as np

from judgebench.data.schema import Item
from judgebench.run.records import Judgment
from judgebench.run.store import RunStore
from judgebench.score.scorecard import read_scorecard
from judgebench.cli import main


def run_folder(tmp_path, annotators=5, items=80):
    rng = np.random.default_rng(11)
    truth = rng.integers(0, 2, items)
    labels = np.array([annotate2(truth, 0.8, rng) for _ in range(annotators)])
    records = [Item(f"i{n}", {"output": f"answer {n}"}, tuple(int(v) for v in labels[:, n]),
                    tuple(f"person{k}" for k in range(annotators))) for n in range(items)]
    judges = {"sharp": annotate2(truth, 0.95, rng), "sloppy": annotate2(truth, 0.6, rng)}
    store = RunStore(tmp_path / "run")
    store.open({"run_id": "run", "fingerprint": "f", "dataset": {"name": "panel", "kind": "binary"},
                "judges": [{"name": j} for j in judges]}, records)
    for name, verdicts in judges.items():
        for item, value in zip(records, verdicts):
            store.append(Judgment("run", f"{name}-{item.item_id}", item.item_id, name, "p", "h", None, 0,
                                  int(value), None, None, str(value), None, None, None, None, None, False, None))
    store.finish({"run_id": "run"})
    return tmp_path / "run"


def annotate2(truth, accuracy, rng):
    return np.where(rng.random(len(truth)) < accuracy, truth, 1 - truth)


def test_alt_test_in_the_table_and_the_scorecard(tmp_path, capsys):
    folder = run_folder(tmp_path)
    out = tmp_path / "card.json"
    assert main(["score", str(folder), "--resamples", "50", "--alt-test", "--epsilon", "0.1", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "alternative-annotator test, sharp: PASSES at epsilon 0.1" in printed
    assert "alternative-annotator test, sloppy: fails" in printed and "vs person0: 80 items" in printed
    card = read_scorecard(out)
    sharp = card.judge("sharp").alt_test
    assert sharp.passed and len(sharp.annotators) == 5 and sharp.epsilon == 0.1
    assert json.loads(out.read_text())["judges"]["sloppy"]["alt_test"]["passed"] is False


def test_fewer_than_three_annotators_is_a_clear_refusal(tmp_path, capsys):
    folder = run_folder(tmp_path, annotators=2)
    assert main(["score", str(folder), "--resamples", "20", "--alt-test"]) == 2
    assert "--alt-test: the alternative-annotator test needs labels from at least 3 named annotators" in \
        capsys.readouterr().err
