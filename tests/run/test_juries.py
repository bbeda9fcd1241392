"""Juries through `judgebench run`: members called over real HTTP by the normal runner, the jury's judgments stored."""

import io
import json

import pandas as pd
import pytest

from judgebench.config import ConfigError, run_config
from judgebench.run.job import execute
from judgebench.score.sources import read_run
from tests.conftest import write_jsonl
from tests.run.helpers import config, judge

# On the demo's first six items: "strict" says No on two of them, the others always Yes.
STRICT = [{"model": "strict", "match": "1869|10 kg for all", "reply": "Verdict: No"}]


def panel(server, *members, **options):
    return {"name": "panel", "kind": "jury", "members": list(members), **options}


def test_an_early_stopping_jury_asks_the_third_member_only_where_the_first_two_disagree(tmp_path, server, capsys):
    server.configure(rules=STRICT, default="Verdict: Yes")
    members = [judge(server, name="strict"), judge(server, name="lenient"), judge(server, name="third")]
    cfg = config(tmp_path, [panel(server, *members, early_stop=True)])
    summary = execute(cfg)
    assert summary["complete"]
    assert server.state.by_model == {"strict": 6, "lenient": 6, "third": 2}       # the third on the split items only
    jury = summary["juries"]["panel"]
    assert (jury["member_calls"], jury["not_needed"]) == (14, 4)
    assert "jury of strict + lenient + third (majority; 4 member calls saved)" == jury["description"]
    rows = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True)
    verdicts = rows[rows.judge_id == "panel"].set_index("item_id")
    assert len(verdicts) == 6 and verdicts.value.tolist().count(1) == 6            # 2 of 3 said Yes on the splits
    split = verdicts.loc["bin-002", "members"]
    assert [(m["judge"], m["value"], m["status"]) for m in split] == [("strict", 0, "used"), ("lenient", 1, "used"),
                                                                        ("third", 1, "used")]
    agreed = verdicts.loc["bin-001", "members"]
    assert agreed[2]["status"] == "not asked"
    # the member asked only on disputed items is not scored as a judge of the dataset
    assert {v.name for v in read_run(cfg.output_dir).verdicts} == {"strict", "lenient", "panel"}
    manifest = json.loads((cfg.output_dir / "manifest.json").read_text())
    assert manifest["early_stop_members"] == ["lenient", "strict", "third"] and manifest["juries"][0]["aggregator"] == "majority"

    server.reset()
    again = execute(cfg)                                    # resumes: nothing to call, the same verdicts
    assert server.state.requests == 0 and again["complete"] and again["juries"]["panel"]["member_calls"] == 14
    rows = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True)
    assert (rows.judge_id == "panel").sum() == 6 and len(rows) == 6 + 6 + 2 + 6


def test_a_jury_over_judges_that_already_ran_makes_no_call_and_sums_its_members_cost(tmp_path, server):
    server.configure(rules=STRICT, default="Verdict: Yes")
    members = [judge(server, name="strict", model="openai/gpt-4o-mini"),
               judge(server, name="lenient", model="openai/gpt-4o")]
    execute(config(tmp_path, members, run_id="alone"))
    server.reset()
    server.configure(rules=STRICT, default="Verdict: Yes")
    cfg = config(tmp_path, [panel(server, *members, min_members=2)], run_id="together")
    summary = execute(cfg)
    assert server.state.requests == 0                       # every member reply comes from the response cache
    judges = summary["judges"]
    assert judges["panel"]["cost_usd"] == pytest.approx(judges["strict"]["cost_usd"] + judges["lenient"]["cost_usd"])
    assert judges["panel"]["cost_usd"] > 0


def test_a_failing_member_is_visible_and_min_members_still_decides(tmp_path, server):
    server.configure(rules=[{"model": "mute", "match": ".", "reply": "I would rather not say."}],
                     default="Verdict: Yes")
    dead = judge(server, name="dead", api_base="http://127.0.0.1:9/v1", max_retries=0, timeout_s=2)
    members = [dead, judge(server, name="mute"), judge(server, name="yes_a"), judge(server, name="yes_b")]
    cfg = config(tmp_path, [panel(server, *members, min_members=2)], limit=3)
    summary = execute(cfg)
    assert not summary["complete"]                          # the dead member's calls are retried by a rerun
    rows = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True)
    jury = rows[rows.judge_id == "panel"]
    assert (jury.value == 1).all() and jury.parse_error.isna().all()
    members_seen = {m["judge"]: m for m in jury.iloc[0]["members"]}
    assert members_seen["dead"]["status"] == "failed" and members_seen["dead"]["note"]
    assert members_seen["mute"]["status"] == "failed" and "no binary verdict" in members_seen["mute"]["note"]

    strict = config(tmp_path, [panel(server, *members[:3], min_members=3)], limit=3, run_id="strict")
    execute(strict)
    rows = pd.read_json(strict.output_dir / "judgments.jsonl", lines=True)
    jury = rows[rows.judge_id == "panel"]
    assert jury.value.isna().all()
    assert jury.parse_error.str.contains(r"1 usable member verdicts of 3 \(2 failed, 0 excluded\); min_members is 3"
                                         ).all()


def family_dataset(tmp_path):
    rows = [{"id": f"r{n}", "question": "q", "context": "c", "answer": f"answer {n}", "label": n % 2,
             "system": system} for n, system in enumerate(["gpt-4o-2024-08-06", "claude-3-haiku", "gpt-4o-mini",
                                                           "llama-3-8b"])]
    path = write_jsonl(tmp_path / "outputs.jsonl", rows)
    return {"name": "outputs", "kind": "binary", "path": str(path), "id_column": "id",
            "columns": {"input": "question", "context": "context", "output": "answer", "system": "system"},
            "label": {"column": "label"}, "default_prompt": "faithfulness"}


def test_a_judge_of_the_systems_family_is_warned_about_and_a_jury_can_leave_it_out(tmp_path, server):
    server.configure(rules=[{"model": "mini", "match": ".", "reply": "Verdict: Yes"}], default="Verdict: No")
    members = [judge(server, name="mini", family="gpt-4o"), judge(server, name="other_a"),
               judge(server, name="other_b")]
    cfg = run_config({"dataset": family_dataset(tmp_path), "results_dir": str(tmp_path / "results"),
                      "progress": False, "run_id": "family",
                      "judges": [panel(server, *members, exclude_same_family=True, tie_break="fail")]})
    out = io.StringIO()
    execute(cfg, out)
    assert ("warning: judge mini (family gpt-4o) judges 2 of 4 items with outputs of its own family "
            "(gpt-4o-2024-08-06, gpt-4o-mini)") in out.getvalue()
    assert "jury panel leaves it out of those items' votes" in out.getvalue()
    rows = pd.read_json(cfg.output_dir / "judgments.jsonl", lines=True)
    jury = rows[rows.judge_id == "panel"].set_index("item_id")
    assert jury.loc["r0", "members"][0]["status"] == "excluded" and jury.loc["r0", "value"] == 0
    assert jury.loc["r1", "members"][0]["status"] == "used" and jury.loc["r1", "value"] == 0
    assert "gpt-4o-2024-08-06" in jury.loc["r0", "members"][0]["note"]


def test_score_warns_about_a_judge_of_its_own_family(tmp_path, server, capsys):
    from judgebench.cli import main

    server.configure(default="Verdict: Yes")
    cfg = run_config({"dataset": family_dataset(tmp_path), "results_dir": str(tmp_path / "results"),
                      "progress": False, "run_id": "family",
                      "judges": [judge(server, name="mini", family="gpt-4o")]})
    execute(cfg, io.StringIO())
    assert main(["score", str(cfg.output_dir), "--resamples", "20"]) == 0
    assert "judge mini (family gpt-4o) judges 2 of 4 items" in capsys.readouterr().err


@pytest.mark.parametrize("options, message", [
    ({"aggregator": "mean"}, "aggregator 'mean' needs ratings on a scale; a binary task takes dawid_skene, "
                             "majority, weighted"),
    ({"aggregator": "dawid_skene", "early_stop": True}, "early_stop works with majority, weighted"),
    ({"aggregator": "majorty"}, "did you mean 'majority'"),
    ({"min_members": 4}, "min_members must be a whole number from 1 to 3"),
    ({"tie_break": "coin"}, "tie_break must be one of first, fail"),
    ({"quorum": 2}, "unknown key(s) quorum"),
])
def test_a_jury_is_checked_when_the_config_is_read(tmp_path, server, options, message):
    members = [judge(server, name=n) for n in ("a", "b", "c")]
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        config(tmp_path, [panel(server, *members, **options)])


def test_a_member_must_not_clash_with_a_judge_of_the_same_name(tmp_path, server):
    members = [judge(server, name="a"), judge(server, name="b")]
    with pytest.raises(ConfigError, match="member 'a' differs from the judge of the same name"):
        config(tmp_path, [judge(server, name="a", concurrency=1), panel(server, *members)])
    with pytest.raises(ConfigError, match="a jury needs two or more members"):
        config(tmp_path, [panel(server, members[0])])


def test_the_shipped_jury_reads_and_refuses_to_be_a_single_judge():
    from judgebench.config import judge_spec, named_dataset_entry

    cfg = run_config({"dataset": named_dataset_entry("demo_binary"), "judges": ["jury_cheap_panel"]})
    assert [j.name for j in cfg.judges] == ["gpt4o_mini", "claude_haiku", "local_gemma3"]
    assert cfg.juries[0].early_stop and cfg.juries[0].min_members == 2
    with pytest.raises(ConfigError, match="is a jury"):
        judge_spec("jury_cheap_panel")
