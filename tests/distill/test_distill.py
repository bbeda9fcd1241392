import json

import numpy as np
import pandas as pd
import pytest

from judgebench.config import dataset_spec, load_group_entry, prompt_spec, run_config
from judgebench.data.load import load_dataset
from judgebench.distill.model import DistillError, distill, item_text, load, save
from judgebench.run.job import execute
from tests.test_cli import cli

WORDS = ["river", "castle", "engine", "garden", "violin", "planet", "harbor", "forest", "signal", "copper"]


def learnable(tmp_path, n=240, seed=0):
    """Answers that hedge ('probably', 'maybe') are labelled unsupported; the rest supported."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        topic = " ".join(rng.choice(WORDS, 3))
        hedge = i % 2 == 0
        answer = f"{'It is probably maybe' if hedge else 'It is exactly'} the {topic} number {rng.integers(100)}."
        rows.append({"id": f"x{i}", "q": f"What about the {topic}? ({i})", "ctx": f"Notes on the {topic}.",
                     "a": answer, "y": 0 if hedge else 1})
    path = tmp_path / "learnable.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return load_dataset(dataset_spec({"name": "learnable", "kind": "binary", "path": str(path), "id_column": "id",
                                      "columns": {"input": "q", "context": "ctx", "output": "a"},
                                      "label": {"column": "y"}, "default_prompt": "faithfulness"}))


def test_cross_fitted_agreement_on_a_learnable_task(tmp_path):
    dataset = learnable(tmp_path)
    model, report = distill(dataset, prompt_spec("faithfulness"), name="learn")
    assert report.trained_on == 240 and report.grouped_by == "input"
    assert report.versus_humans["accuracy"]["estimate"] > 0.95
    assert model.predict([item_text(prompt_spec("faithfulness"), dataset.items[1].fields)])[0] == 1


def test_siblings_sharing_a_question_leak_without_grouping():
    # The demo pairs a supported and an unsupported answer to each question: a model that saw the
    # sibling predicts the opposite label. Grouping by question removes that.
    dataset = load_dataset(dataset_spec(load_group_entry("dataset", "demo_binary")))
    _, leaky = distill(dataset, prompt_spec("faithfulness"), name="leaky", group_field=None)
    _, grouped = distill(dataset, prompt_spec("faithfulness"), name="grouped")
    assert leaky.versus_humans["accuracy"]["estimate"] < 0.3
    assert 0.35 < grouped.versus_humans["accuracy"]["estimate"] < 0.65


def test_teacher_labels_and_errors(tmp_path):
    dataset = learnable(tmp_path)
    teacher = {i.item_id: (1 - i.human[0] if n % 10 == 0 else i.human[0]) for n, i in enumerate(dataset.items)}
    _, report = distill(dataset, prompt_spec("faithfulness"), name="t", labels="judge", teacher=teacher,
                        teacher_name="big")
    assert report.label_source == "judge" and report.versus_teacher["items"] == 240
    assert report.versus_humans["accuracy"]["estimate"] > 0.8
    with pytest.raises(DistillError, match="teacher"):
        distill(dataset, prompt_spec("faithfulness"), name="t", labels="judge")
    with pytest.raises(DistillError, match="binary"):
        distill(load_dataset(dataset_spec(load_group_entry("dataset", "demo_likert"))),
                prompt_spec("helpfulness_likert"), name="l")
    with pytest.raises(DistillError, match="too few"):
        distill(dataset, prompt_spec("faithfulness"), name="t", limit=6)


def test_a_distilled_evaluator_judges_through_a_run(tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEBENCH_DISTILLED_DIR", str(tmp_path / "distilled"))
    dataset = learnable(tmp_path)
    model, report = distill(dataset, prompt_spec("faithfulness"), name="hedges")
    save(model, report)
    assert load("hedges")[1]["versus_humans"]["accuracy"]["estimate"] == report.versus_humans["accuracy"]["estimate"]
    raw = {"dataset": {"name": "learnable", "kind": "binary", "path": str(tmp_path / "learnable.jsonl"),
                       "id_column": "id", "columns": {"input": "q", "context": "ctx", "output": "a"},
                       "label": {"column": "y"}, "default_prompt": "faithfulness"},
           "judges": [{"name": "hedges", "model": "distilled/hedges"}], "results_dir": str(tmp_path / "results"),
           "progress": False, "run_id": "distilled"}
    summary = execute(run_config(raw))
    df = pd.read_json(tmp_path / "results" / "distilled" / "judgments.jsonl", lines=True)
    assert summary["complete"] and len(df) == 240 and (df.cost_usd == 0).all()
    texts = [item_text(prompt_spec("faithfulness"), i.fields) for i in dataset.items]
    expected = dict(zip([i.item_id for i in dataset.items], model.predict(texts)))
    assert all(v == expected[k] for k, v in zip(df.item_id, df.value))
    assert df.prob.between(0.5, 1).all()
    missing = dict(raw, judges=[{"name": "nope", "model": "distilled/nope"}], run_id="missing")
    summary = execute(run_config(missing))
    assert not summary["complete"]


def test_distill_cli(tmp_path):
    done = cli("distill", "--dataset", "demo_binary", "--out", str(tmp_path / "d"), cwd=tmp_path)
    assert "grouped by input" in done.stdout and (tmp_path / "d" / "demo_binary-human.pkl").exists()
    metadata = json.loads((tmp_path / "d" / "demo_binary-human.json").read_text())
    assert metadata["trained_on"] == 124 and metadata["prompt"] == "faithfulness"
    bad = cli("distill", "--dataset", "demo_pairwise", cwd=tmp_path, check=False)
    assert bad.returncode == 2 and "binary" in bad.stderr


def test_minilm_embeddings_as_features(tmp_path):
    pytest.importorskip("sentence_transformers", reason="the distill extra is not installed")
    dataset = learnable(tmp_path, n=120)
    model, report = distill(dataset, prompt_spec("faithfulness"), name="emb", features="minilm", folds=3)
    # the embeddings learn the hedging cue less sharply than word n-grams, but clearly above chance (0.5)
    assert "MiniLM" in report.features and report.versus_humans["accuracy"]["estimate"] > 0.65
    save(model, report, tmp_path / "d")
    reloaded, metadata = load("emb", tmp_path / "d")
    text = item_text(prompt_spec("faithfulness"), dataset.items[0].fields)
    assert reloaded.predict([text])[0] == model.predict([text])[0] and metadata["features"] == report.features
