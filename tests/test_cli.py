import json
import os
import subprocess
import sys

import pytest
from hydra import compose, initialize_config_module

from judgebench.config import register_hydra, run_config
from judgebench.kinds import PAIRWISE
from tests.conftest import REPO


def cli(*args, cwd, check=True):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "judgebench.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def composed(*overrides):
    register_hydra()
    with initialize_config_module("judgebench.conf", version_base="1.3"):
        return compose("config", overrides=list(overrides))


def test_default_config_is_the_offline_demo():
    config = run_config(composed())
    assert config.dataset.name == "demo_binary" and config.prompt.name == "faithfulness"
    assert [j.model for j in config.judges] == ["local/smollm2-135m", "local/gemma3-270m"]
    assert config.run_id.startswith("demo_binary-faithfulness-local_smollm2+local_gemma3-")


def test_overrides_select_dataset_judges_and_prompt():
    config = run_config(composed("dataset=mt_bench", "judges=[gpt4o_mini,local_smollm2]", "prompt=pairwise",
                                 "data_root=/somewhere"))
    assert config.dataset.kind == PAIRWISE and config.dataset.path == (
        "/somewhere/mt_bench/human_judgments/mt_bench_human_pairs.jsonl",)
    assert [j.name for j in config.judges] == ["gpt4o_mini", "local_smollm2"]
    assert config.judges[0].api_key_env == "OPENAI_API_KEY"
    # Same command, same run id: rerunning resumes; any change gives a new folder.
    assert config.run_id == run_config(composed("dataset=mt_bench", "judges=[gpt4o_mini,local_smollm2]",
                                                "prompt=pairwise", "data_root=/somewhere")).run_id
    assert config.run_id != run_config(composed("dataset=mt_bench", "judges=[gpt4o_mini]", "prompt=pairwise")).run_id


def test_data_root_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("JUDGEBENCH_DATA_ROOT", "/data/here")
    assert run_config(composed("dataset=summeval")).dataset.path == ("/data/here/summeval/summeval.jsonl",)


def test_every_shipped_config_builds():
    from judgebench.config import group_names
    for name in group_names("dataset"):
        config = run_config(composed(f"dataset={name}"))
        assert config.prompt.kind == config.dataset.kind.name, name
    for name in group_names("judge"):
        run_config(composed(f"judges=[{name}]"))


def test_unknown_keys_and_names_are_errors():
    with pytest.raises(ValueError, match="unknown key"):
        run_config(composed("+dataset.colums={}"))
    with pytest.raises(ValueError, match="did you mean 'local_smollm2'"):
        run_config(composed("judges=[local_smolm2]"))


def scripted_judge(tmp_path, server, name="scripted", model=None):
    folder = tmp_path / "judges"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(f"model: {model or 'openai/' + name}\napi_base: {server.url}\n"
                                         "params: {max_tokens: 20}\n")
    return f"judge_dirs=[{folder}]"


def test_cli_run_then_dry_run_counts(tmp_path, server):
    judge_dirs = scripted_judge(tmp_path, server)
    common = ["dataset=demo_binary", "dataset.limit=10", "judges=[scripted]", judge_dirs, "progress=false"]
    planned = cli("run", *common, "--dry-run", cwd=tmp_path)
    assert "scripted" in planned.stdout and "10 model calls" in planned.stdout
    assert not (tmp_path / "results").exists() and server.state.requests == 0   # a dry run writes nothing
    cli("run", *common, cwd=tmp_path)
    assert server.state.requests == 10
    again = cli("run", *common, "--dry-run", cwd=tmp_path)
    assert "total: 0 model calls" in again.stdout
    runs = [p for p in (tmp_path / "results").iterdir() if p.is_dir()]
    assert len(runs) == 1 and (runs[0] / ".hydra" / "config.yaml").exists()


def test_a_run_ends_with_what_it_found_and_calls_out_a_one_answer_judge(tmp_path, server):
    scripted_judge(tmp_path, server, name="careful")
    judge_dirs = scripted_judge(tmp_path, server)
    server.configure(rules=[{"model": "careful", "match": "1869|Lyon", "reply": "Verdict: No"}], default="Verdict: Yes")
    done = cli("run", "dataset=demo_binary", "dataset.limit=40", "judges=[careful,scripted]", judge_dirs,
               "progress=false", cwd=tmp_path)
    out = done.stdout
    assert "agreement with the humans on 40 items" in out
    table = out[out.index("agreement with the humans"):]
    for name in ("accuracy", "Cohen's kappa", "careful", "scripted", "human ceiling"):
        assert name in table
    assert "note: scripted answered Yes (1) on all 40 items it judged" in out
    assert "careful answered" not in out
    assert f"next: judgebench score {tmp_path / 'results'}/" in out and "judgebench leaderboard" in out


def test_dry_run_estimates_tokens_and_cost(tmp_path, server):
    import litellm

    from judgebench.config import load_group_entry
    from judgebench.run.job import dry_run, prepare
    data = load_group_entry("dataset", "demo_binary") | {"limit": 5}
    config = run_config({"dataset": data, "results_dir": str(tmp_path), "judges": [
        {"name": "mini", "model": "gpt-4o-mini", "api_base": server.url, "params": {"max_tokens": 50}}]})
    _, calls = prepare(config)
    [line] = dry_run(config, calls)
    expected_tokens = sum(litellm.token_counter(model="gpt-4o-mini", messages=c.request.messages) for c in calls)
    price = litellm.model_cost["gpt-4o-mini"]
    assert (line.planned, line.done, line.cached, line.to_call) == (5, 0, 0, 5)
    assert line.prompt_tokens == expected_tokens and line.completion_tokens == 250
    assert line.cost_usd == pytest.approx(expected_tokens * price["input_cost_per_token"]
                                          + 250 * price["output_cost_per_token"])


def test_recorded_cost_uses_litellm_price_map(tmp_path, server):
    import litellm

    from judgebench.run.job import execute
    from tests.run.helpers import config, judge
    cfg = config(tmp_path, [judge(server, name="mini", model="gpt-4o-mini")], limit=2)
    execute(cfg)
    price = litellm.model_cost["gpt-4o-mini"]
    for line in (cfg.output_dir / "judgments.jsonl").read_text().splitlines():
        record = json.loads(line)
        assert record["cost_usd"] == pytest.approx(record["prompt_tokens"] * price["input_cost_per_token"]
                                                   + record["completion_tokens"] * price["output_cost_per_token"])


def test_multirun_sweeps_datasets(tmp_path, server):
    judge_dirs = scripted_judge(tmp_path, server)
    server.configure(rules=[{"match": "Assistant A", "reply": "[[B]]"}, {"match": "Rating", "reply": "Rating: [[3]]"}])
    cli("run", "-m", "dataset=demo_binary,demo_likert,demo_pairwise", "dataset.limit=3", "judges=[scripted]",
        judge_dirs, "progress=false", cwd=tmp_path)
    runs = sorted(p.name.split("-")[0] for p in (tmp_path / "results").iterdir() if p.is_dir())
    assert runs == ["demo_binary", "demo_likert", "demo_pairwise"]
    assert server.state.requests == 3 + 3 + 6


def test_bad_input_exits_2_with_a_clear_message(tmp_path):
    done = cli("run", "prompt=pairwise", cwd=tmp_path, check=False)
    assert done.returncode == 2 and "is a pairwise prompt, but dataset demo_binary is binary" in done.stderr


def test_list_shows_what_ships(tmp_path):
    out = cli("list", cwd=tmp_path).stdout
    for name in ("demo_binary", "mt_bench", "local_smollm2", "faithfulness", "pairwise"):
        assert name in out


@pytest.mark.parametrize("limit", [-1, 0])
def test_a_dataset_limit_below_one_is_refused(limit):
    # -1 used to drop the last item silently (a slice)
    with pytest.raises(ValueError, match="limit must be a whole number of items >= 1"):
        run_config(composed(f"dataset.limit={limit}"))


@pytest.mark.parametrize("limit", [2.5, True, "3"])
def test_a_dataset_limit_must_be_a_whole_number(limit):
    from judgebench.config import dataset_spec, load_group_entry

    with pytest.raises(ValueError, match="limit must be a whole number"):
        dataset_spec(load_group_entry("dataset", "demo_binary") | {"limit": limit})


def test_a_model_no_provider_serves_is_refused_before_any_call(tmp_path, server):
    for dry in (["--dry-run"], []):
        done = cli("run", "dataset.limit=3", "judges=[{name: x, model: notaprovider/foo}]", *dry, cwd=tmp_path,
                   check=False)
        assert done.returncode == 2 and "judge x (model 'notaprovider/foo')" in done.stderr
        assert "https://docs.litellm.ai/docs/providers" in done.stderr and "Traceback" not in done.stderr
    # Hydra makes the run's folder before judgebench starts; nothing is written into it
    assert server.state.requests == 0 and not list(tmp_path.rglob("manifest.json"))
