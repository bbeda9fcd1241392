"""`judgebench estimate` on a run the scripted judge made of the binary demo."""

import json

from judgebench.run.job import execute
from tests.conftest import REPO
from tests.run.helpers import config, judge
from tests.test_cli import cli


def test_estimate_a_run_with_a_budget_of_human_labels(tmp_path, server):
    # A lenient judge: it passes everything except answers that mention 1869.
    server.configure(rules=[{"match": "1869", "reply": "Verdict: No"}], default="Verdict: Yes")
    cfg = config(tmp_path, [judge(server, name="lenient")], limit=None)
    execute(cfg)
    out = tmp_path / "estimates.json"
    done = cli("estimate", str(cfg.output_dir), "--human-budget", "60", "--seed", "3", "--json", str(out),
               "--half-width", "0.05", cwd=REPO)
    assert "judge lenient" in done.stdout and "for ±0.05:" in done.stdout
    result = json.loads(out.read_text())            # strict JSON (no NaN, no Infinity)
    overall = result[0]["groups"][0]
    assert overall["group"] == "all" and overall["labeled"] == 60 and overall["unlabeled"] > 0
    assert overall["judge_only"]["estimate"] > overall["human_only"]["estimate"]     # lenient
    assert overall["bias"]["estimate"] > 0
    corrected = overall["corrected"]
    assert corrected["low"] <= corrected["estimate"] <= corrected["high"] and 0 <= corrected["lam"] <= 1


def test_estimate_refuses_a_column_that_does_not_exist(tmp_path, server):
    server.configure(default="Verdict: Yes")
    cfg = config(tmp_path, [judge(server)], limit=20)
    execute(cfg)
    done = cli("estimate", str(cfg.output_dir), "--by", "team", cwd=REPO, check=False)
    assert done.returncode == 2 and "no column 'team' to group by" in done.stderr
