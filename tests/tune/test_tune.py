import json

import yaml

from judgebench.config import prompt_spec, run_config
from judgebench.data.schema import Item
from judgebench.kinds import BINARY
from judgebench.tune.search import run_evaluator, save_tuned, stratified_split, tune
from tests.distill.test_distill import learnable
from tests.test_cli import cli

STRICT = ("<template>\nSTRICT: an answer that hedges is not faithful.\nContext:\n{context}\n\nQuestion:\n{input}\n\n"
          "Answer:\n{output}\n\nIs the answer faithful to the context? Reply with \"Yes\" or \"No\".\n</template>")


def test_stratified_split_is_seeded_disjoint_and_balanced():
    items = [Item(f"i{n}", {}, (1,) if n % 4 == 0 else (0,)) for n in range(200)]
    split = stratified_split(items, BINARY, seed=3)
    ids = [[i.item_id for i in part] for part in (split.train, split.dev, split.test)]
    assert sum(map(len, ids)) == 200 and len(set(sum(ids, []))) == 200
    assert (len(split.train), len(split.dev), len(split.test)) == (100, 50, 50)
    assert sum(i.human[0] for i in split.test) == round(50 * 0.25)
    assert split == stratified_split(items, BINARY, seed=3) and split != stratified_split(items, BINARY, seed=4)


def configure(server):
    server.configure(rules=[{"model": "proposer", "match": "Disagreements", "reply": "Here it is:\n" + STRICT},
                            {"model": "tuned", "match": "STRICT[\\s\\S]*probably", "reply": "Verdict: No"}],
                     default="Verdict: Yes")


def test_tuning_rewrites_the_rubric_chooses_on_dev_and_reports_on_test(tmp_path, server):
    configure(server)
    dataset = learnable(tmp_path, n=160)
    judge = {"name": "tuned", "model": "openai/tuned", "api_base": server.url, "retry_base_s": 0.01}
    base = run_config({"dataset": {"name": "learnable", "kind": "binary", "path": str(tmp_path / "learnable.jsonl"),
                                   "id_column": "id", "columns": {"input": "q", "context": "ctx", "output": "a"},
                                   "label": {"column": "y"}, "default_prompt": "faithfulness"},
                       "judges": [judge], "results_dir": str(tmp_path / "runs"), "progress": False})
    from judgebench.config import judge_spec
    proposer = judge_spec({"name": "proposer", "model": "openai/proposer", "api_base": server.url})
    result = tune(dataset, base.prompt, lambda train: run_evaluator(base, dataset, train, tmp_path / "runs"),
                  proposer=proposer, rounds=2, few_shot=(2,))
    assert result.split_sizes == {"train": 80, "dev": 40, "test": 40}
    origins = [e.candidate.origin for e in result.dev]
    assert origins[0] == "baseline" and origins[1] == "rewrite (round 1)"
    assert origins[-2:] == ["few-shot", "few-shot"]                  # two example sets of 2 shots
    assert {e.candidate.few_shot_seed for e in result.dev[-2:]} == {0, 1}
    assert result.dev[0].accuracy == 0.5 and result.dev[1].accuracy == 1.0
    assert result.best.origin == "rewrite (round 1)" and "STRICT" in result.best.prompt.template
    assert result.test_best.accuracy == 1.0 and result.test_baseline.accuracy == 0.5
    assert result.difference["estimate"] == 0.5 and result.mcnemar_p < 1e-5
    path = save_tuned(result, tmp_path / "tuned", "faithfulness_tuned", dataset="learnable", judge="tuned", seed=0)
    saved = prompt_spec("faithfulness_tuned", (str(path.parent),))
    assert saved.template == result.best.prompt.template and saved.kind == base.prompt.kind
    lineage = json.loads((path.parent / "faithfulness_tuned.lineage.json").read_text())
    assert lineage["parent"] == "faithfulness" and lineage["test"]["tuned"]["accuracy"] == 1.0


def test_a_proposer_that_drops_placeholders_is_ignored(tmp_path, server):
    server.configure(rules=[{"model": "proposer", "match": "Disagreements", "reply": "<template>Judge {output}.</template>"}],
                     default="Verdict: Yes")
    dataset = learnable(tmp_path, n=80)
    base = run_config({"dataset": {"name": "learnable", "kind": "binary", "path": str(tmp_path / "learnable.jsonl"),
                                   "id_column": "id", "columns": {"input": "q", "context": "ctx", "output": "a"},
                                   "label": {"column": "y"}, "default_prompt": "faithfulness"},
                       "judges": [{"name": "j", "model": "openai/j", "api_base": server.url}],
                       "results_dir": str(tmp_path / "runs"), "progress": False})
    from judgebench.config import judge_spec
    result = tune(dataset, base.prompt, lambda train: run_evaluator(base, dataset, train, tmp_path / "runs"),
                  proposer=judge_spec({"name": "p", "model": "openai/proposer", "api_base": server.url}),
                  rounds=1, few_shot=())
    assert result.best.origin == "baseline" and any("no usable template" in line for line in result.log)


def test_tune_cli_with_hydra_usable_output(tmp_path, server):
    configure(server)
    learnable(tmp_path, n=80)
    judges = tmp_path / "judges"
    judges.mkdir()
    (judges / "tuned.yaml").write_text(f"model: openai/tuned\napi_base: {server.url}\nretry_base_s: 0.01\n")
    (judges / "proposer.yaml").write_text(f"model: openai/proposer\napi_base: {server.url}\n")
    done = cli("tune", "--dataset", "demo_binary", "--judge", "tuned", "--judge-dir", str(judges),
               "--proposer", "proposer", "--rounds", "1", "--few-shot", "", "--variant", "correctness",
               "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert "test best" in done.stdout and "McNemar" in done.stdout
    saved = yaml.safe_load((tmp_path / "out" / "prompt" / "faithfulness_tuned.yaml").read_text())
    assert set(saved) == {"name", "kind", "description", "system", "template"}
    # The saved prompt is a Hydra config option once its folder is on the search path.
    run = cli("run", "--dry-run", "dataset=demo_binary", "dataset.limit=2", "judges=[tuned]",
              f"judge_dirs=[{judges}]", f"hydra.searchpath=[file://{tmp_path / 'out'}]", "prompt=faithfulness_tuned",
              cwd=tmp_path)
    assert "2 model calls" in run.stdout
