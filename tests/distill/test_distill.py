import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from judgebench.config import dataset_spec, load_group_entry, run_config
from judgebench.data.load import load_dataset
from judgebench.distill import labels
from judgebench.distill.inputs import JUDGED_WORDS, MAX_WORDS, encoder_pair
from judgebench.distill.labels import DistillError
from judgebench.distill.methods import TrainSettings
from judgebench.distill.model import FORMAT, distill, load, predictions, save
from judgebench.distill.target import Target
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


def demo(name):
    return load_dataset(dataset_spec(load_group_entry("dataset", name)))


def train(dataset, source="human", labels_of_teacher=None, **options):
    options = {"name": "t", "dataset": dataset.spec.name, "folds": 3} | options
    return distill(labels.from_dataset(dataset, source, labels_of_teacher), dataset.kind, **options)


def test_the_encoder_reads_the_fields_with_a_stated_budget():
    binary = demo("demo_binary").kind
    fields = {"input": "q " * 50, "context": "c " * 300, "reference": "r " * 20, "output": "o " * 500}
    first, judged = encoder_pair(fields, binary)
    assert judged.split() == ["o"] * JUDGED_WORDS
    # what is left of the budget goes to the input first, then the reference, then the context
    assert first.split() == ["q"] * 50 + ["|"] + ["r"] * 20 + ["|"] + ["c"] * (MAX_WORDS - JUDGED_WORDS - 70)
    pair = demo("demo_pairwise").kind
    _, both = encoder_pair({"input": "which?", "response_a": "left " * 80, "response_b": "right"}, pair)
    assert both == "Response A: " + " ".join(["left"] * (JUDGED_WORDS // 2)) + " Response B: right"


def test_cross_fitted_agreement_on_a_learnable_task(tmp_path):
    dataset = learnable(tmp_path)
    model, report = train(dataset, folds=5)
    assert report.trained_on == 240 and report.grouped_by == "input" and report.human_labels == 240
    assert report.versus_humans["accuracy"]["estimate"] > 0.95
    assert {"accuracy", "balanced_accuracy", "kappa"} <= set(report.versus_humans)
    assert predictions(model, Target(dataset.kind), labels.from_dataset(dataset, "human")[1:2])[None]["x1"] == 1


def test_siblings_sharing_a_question_leak_without_grouping():
    # The demo pairs a supported and an unsupported answer to each question: a model that saw the
    # sibling predicts the opposite label. Grouping by question removes that.
    dataset = demo("demo_binary")
    _, leaky = train(dataset, group_field=None, folds=5)
    _, grouped = train(dataset, folds=5)
    assert leaky.versus_humans["accuracy"]["estimate"] < 0.3
    assert 0.35 < grouped.versus_humans["accuracy"]["estimate"] < 0.65


def test_teacher_labels_both_and_errors(tmp_path):
    dataset = learnable(tmp_path)
    teacher = {i.item_id: (1 - i.human[0] if n % 10 == 0 else i.human[0]) for n, i in enumerate(dataset.items)}
    _, report = train(dataset, "judge", teacher, label_source="judge", teacher="big")
    assert report.label_source == "judge" and report.versus_teacher["items"] == 240 and report.human_labels == 0
    assert report.versus_humans["accuracy"]["estimate"] > 0.8
    both = labels.from_dataset(dataset, "both", teacher)
    assert [e.origin for e in both] == ["human"] * 240 and both[0].weight == labels.HUMAN_WEIGHT
    with pytest.raises(DistillError, match="teacher"):
        labels.from_dataset(dataset, "judge")
    with pytest.raises(DistillError, match="too few"):
        train(dataset, limit=4)


def test_likert_and_pairwise_evaluators(tmp_path):
    likert = demo("demo_likert")
    model, report = train(likert, method="tfidf")
    assert "spearman" in " ".join(report.versus_humans) and report.kind["scale"] == [1, 5]
    ratings = model.predict([("a question", "a long and careful answer")])
    assert ratings.shape == (1,)
    pairwise = demo("demo_pairwise")
    model, report = train(pairwise)
    # learned and asked in both orders: the report has each order's agreement and the positional consistency
    assert {"positional_agreement", "mt_bench_with_ties"} <= set(report.versus_humans)
    assert model.predict([("q", "Response A: x Response B: y")]).shape == (1, 3)


@pytest.mark.parametrize("method", ["setfit", "cross-encoder"])
def test_fine_tuned_methods_learn_a_cue_and_load_on_the_cpu(tmp_path, method, monkeypatch):
    pytest.importorskip("sentence_transformers", reason="the distill extra is not installed")
    monkeypatch.chdir(tmp_path)
    dataset = learnable(tmp_path, n=32)
    examples = labels.from_dataset(dataset, "human")
    from judgebench.distill.model import Trainer

    settings = TrainSettings(max_steps=30, batch_size=8, epochs=10)     # 30 steps for either method
    trainer = Trainer(method, Target(dataset.kind), settings, [], progress=False)
    model = trainer.fit(examples)
    assert {p.name for p in tmp_path.iterdir()} == {"learnable.jsonl"}     # no checkpoints left behind
    held_out = labels.from_dataset(learnable(tmp_path, n=40, seed=1), "human")
    guessed = predictions(model, Target(dataset.kind), held_out)[None]
    assert np.mean([guessed[e.item_id] == e.label for e in held_out]) >= 0.8
    from judgebench.distill.model import DistillReport

    report = DistillReport("ft", "learnable", method, dataset.kind.to_dict(), "human", None, 32, 32, 0, None, 0, 0)
    folder = save(model, report, tmp_path / "d")
    assert list(folder.rglob("*.safetensors"))                          # weights as safetensors, no pickle
    reloaded, saved = load("ft", tmp_path / "d")
    pairs = [encoder_pair(e.fields, dataset.kind) for e in held_out[:5]]
    assert np.allclose(reloaded.predict(pairs), model.predict(pairs), atol=1e-5) and saved["method"] == method


def test_saved_format_versions(tmp_path):
    (tmp_path / "old.pkl").write_bytes(b"not read")
    with pytest.raises(DistillError, match="first judgebench .format 1.*distill it again"):
        load("old", tmp_path)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "evaluator.json").write_text(json.dumps({"format": FORMAT + 1}))
    with pytest.raises(DistillError, match=f"format {FORMAT + 1}.*distill it again"):
        load("other", tmp_path)
    with pytest.raises(DistillError, match="no distilled evaluator"):
        load("nothing", tmp_path)


def run_with(tmp_path, dataset: dict, judge: dict, run_id: str):
    return execute(run_config({"dataset": dataset, "judges": [judge], "results_dir": str(tmp_path / "results"),
                               "progress": False, "run_id": run_id}))


def test_a_distilled_evaluator_judges_through_a_run_in_batches(tmp_path, monkeypatch):
    monkeypatch.setenv("JUDGEBENCH_DISTILLED_DIR", str(tmp_path / "distilled"))
    dataset = learnable(tmp_path)
    model, report = train(dataset, name="hedges")
    save(model, report)
    raw = {"name": "learnable", "kind": "binary", "path": str(tmp_path / "learnable.jsonl"), "id_column": "id",
           "columns": {"input": "q", "context": "ctx", "output": "a"}, "label": {"column": "y"},
           "default_prompt": "faithfulness"}
    from judgebench.distill import handler

    sizes = []                                   # how many pairs each forward pass of the model took
    real = handler.Batcher.__init__

    def counting(self, evaluator):
        real(self, evaluator)
        self.model = SimpleNamespace(predict=lambda pairs: (sizes.append(len(pairs)), evaluator.predict(pairs))[1])

    monkeypatch.setattr(handler.Batcher, "__init__", counting)
    summary = run_with(tmp_path, raw, {"name": "hedges", "model": "distilled/hedges", "concurrency": 64}, "distilled")
    df = pd.read_json(tmp_path / "results" / "distilled" / "judgments.jsonl", lines=True)
    assert summary["complete"] and len(df) == 240 and (df.cost_usd == 0).all()
    assert max(sizes) > 1 and sum(sizes) == 240             # calls in flight together ran as one batch
    expected = predictions(model, Target(dataset.kind), labels.from_dataset(dataset, "human"))[None]
    assert all(v == expected[k] for k, v in zip(df.item_id, df.value))
    assert df.prob.between(0.5, 1).all() and summary["judges"]["hedges"]["judgments_per_s"] > 0
    from judgebench.report.publish import publish

    board = publish([tmp_path / "results" / "distilled"], tmp_path / "board", resamples=20, rounds=10)
    entry = board["datasets"]["learnable"]["judges"]["hedges"]
    assert entry["cost_per_1k_usd"] == 0 and entry["judgments_per_s"] > 0
    assert "judgments / s" in (tmp_path / "board" / "index.html").read_text()
    missing = run_with(tmp_path, raw, {"name": "nope", "model": "distilled/nope"}, "missing")
    assert not missing["complete"]


def test_a_distilled_evaluator_is_the_cheap_first_stage_of_a_cascade(tmp_path, monkeypatch, server, capsys):
    from judgebench.cli import main
    from tests.run.helpers import judge

    monkeypatch.setenv("JUDGEBENCH_DISTILLED_DIR", str(tmp_path / "distilled"))
    dataset = learnable(tmp_path, n=200)
    save(*train(dataset, name="hedges", limit=100))
    server.configure(rules=[{"match": "probably maybe", "reply": "Verdict: No"}], default="Verdict: Yes")
    raw = {"name": "learnable", "kind": "binary", "path": str(tmp_path / "learnable.jsonl"), "id_column": "id",
           "columns": {"input": "q", "context": "ctx", "output": "a"}, "label": {"column": "y"},
           "default_prompt": "faithfulness"}
    cfg = run_config({"dataset": raw, "results_dir": str(tmp_path / "results"), "progress": False, "run_id": "cascade",
                      "judges": [{"name": "hedges", "model": "distilled/hedges", "concurrency": 64},
                                 judge(server, name="strong", model="openai/gpt-4o", logprobs=True)]})
    execute(cfg)
    assert main(["escalate", str(cfg.output_dir), "--judges", "hedges,strong", "--alpha", "0.1", "--delta", "0.1"]) == 0
    assert "hedges (confidence from probability)" in capsys.readouterr().out


def test_a_pairwise_evaluator_is_asked_in_both_orders_and_a_likert_one_keeps_its_expected_rating(tmp_path,
                                                                                                 monkeypatch):
    monkeypatch.setenv("JUDGEBENCH_DISTILLED_DIR", str(tmp_path / "distilled"))
    for name in ("demo_pairwise", "demo_likert"):
        dataset = demo(name)
        save(*train(dataset, name=name))
        entry = load_group_entry("dataset", name)
        run_with(tmp_path, entry, {"name": name, "model": f"distilled/{name}"}, name)
    pairs = pd.read_json(tmp_path / "results" / "demo_pairwise" / "judgments.jsonl", lines=True)
    assert set(pairs.order) == {"AB", "BA"} and pairs.prob.notna().all()
    ratings = pd.read_json(tmp_path / "results" / "demo_likert" / "judgments.jsonl", lines=True)
    assert ratings.raw_text.str.contains(r"^Rating: \[\[\d\]\]\nexpected rating \d\.\d{3}$").all()
    assert ratings.value.between(1, 5).all()


def test_distill_cli(tmp_path):
    done = cli("distill", "--dataset", "demo_binary", "--out", str(tmp_path / "d"), "--quiet", cwd=tmp_path)
    assert "grouped by input" in done.stdout and "kappa" in done.stdout
    metadata = json.loads((tmp_path / "d" / "demo_binary-human-tfidf" / "evaluator.json").read_text())
    assert metadata["trained_on"] == 124 and metadata["format"] == FORMAT and metadata["method"] == "tfidf"
    bad = cli("distill", "--dataset", "demo_binary", "--labels", "judge", cwd=tmp_path, check=False)
    assert bad.returncode == 2 and "teacher" in bad.stderr
    fine = cli("distill", "--dataset", "demo_binary", "--method", "cross-encoder", "--max-steps", "2", "--folds", "2",
               "--out", str(tmp_path / "d"), cwd=tmp_path)
    # one bar over every fit's steps (two folds and the final fit), with the time left
    assert "distilling (cross-encoder)" in fine.stderr and "6/6" in fine.stderr and "<" in fine.stderr


def test_minilm_embeddings_as_features(tmp_path):
    pytest.importorskip("sentence_transformers", reason="the distill extra is not installed")
    dataset = learnable(tmp_path, n=120)
    model, report = train(dataset, method="minilm")
    # the embeddings learn the hedging cue less sharply than word n-grams, but clearly above chance (0.5)
    assert report.method == "minilm" and report.versus_humans["accuracy"]["estimate"] > 0.65
    save(model, report, tmp_path / "d")
    reloaded, _ = load("t", tmp_path / "d")
    pairs = [encoder_pair(dataset.items[0].fields, dataset.kind)]
    assert np.allclose(reloaded.predict(pairs), model.predict(pairs))


def test_labels_of_an_llm_judge_plus_plus_labeling(tmp_path, server):
    from judgebench.label.ingest import read_upload
    from judgebench.label.jobs import run_job, submit_job
    from judgebench.label.library import Library
    from judgebench.label.workflow import criteria, judges_from, start_labeling
    from tests.label.conftest import rows, script, scripted_judge, write_csv

    script(server)
    library = Library(tmp_path / "home")
    items, columns = read_upload(str(write_csv(tmp_path / "answers.csv", rows(60))))
    dataset = library.add_dataset("answers", items, columns, "answers.csv").dataset_id
    labeling, batch = start_labeling(library, dataset, criteria("faithfulness"), judges_from([scripted_judge(server)]))
    # the person disagrees with the judge on every reviewed item: the origin decides which label is learned
    reviewed = {e.item_id: 1 - int("supported" in labeling.item(e.item_id).fields["output"]) for e in batch}
    labeling.submit_reviews(reviewed)
    run_job(library, submit_job(library, labeling.id))
    kind, name, examples = labels.from_labeling(str(tmp_path / "home"), labeling.id)
    assert name == "answers@1" and len(examples) == 60
    by_id = {e.item_id: e for e in examples}
    for item_id, label in reviewed.items():
        assert (by_id[item_id].label, by_id[item_id].origin, by_id[item_id].weight) == (label, "human", 2.0)
        assert by_id[item_id].teacher == 1 - label
    others = [e for e in examples if e.item_id not in reviewed]
    assert all(e.origin == "judge" and e.weight == 1.0 and e.human is None for e in others)
    assert set(examples[0].fields) >= {"input", "output", "context"}
    done = cli("distill", "--labeling", labeling.id, "--home", str(tmp_path / "home"), "--out", str(tmp_path / "d"),
               "--folds", "3", "--quiet", cwd=tmp_path)
    assert f"on 60 labels ({len(reviewed)} from people)" in done.stdout and "against the teacher" in done.stdout
