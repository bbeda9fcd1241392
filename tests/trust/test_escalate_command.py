"""`judgebench escalate` on a real run of two scripted judges over HTTP: a cheap judge sure only of the easy
items and a strong, expensive one; the cascade keeps the guarantee and costs less than the strong judge alone."""

import re

import pytest

from judgebench.cli import main
from judgebench.config import named_dataset
from judgebench.data.load import load_dataset
from judgebench.kinds import BINARY
from judgebench.run.job import execute
from tests.run.helpers import config, judge

WORD = {1: "Yes", 0: "No"}


@pytest.fixture
def cascade_run(tmp_path, server):
    items = [i for i in load_dataset(named_dataset("demo_binary")).items if BINARY.consensus(i.human) is not None]
    rules = []
    for n, item in enumerate(items):
        truth = BINARY.consensus(item.human)
        match = re.escape(str(item.fields["output"]))
        easy = n % 2 == 0
        rules.append({"model": "gpt-4o-mini", "match": match, "verdict_prob": 0.97 if easy else 0.6,
                      "reply": f"Verdict: {WORD[truth] if easy or n % 4 == 1 else WORD[1 - truth]}"})
        rules.append({"model": "gpt-4o", "match": match, "verdict_prob": 0.9 if n % 10 else 0.55,
                      "reply": f"Verdict: {WORD[truth] if n % 10 else WORD[1 - truth]}"})
    server.configure(rules=rules, default="Verdict: Yes")
    run = config(tmp_path, [judge(server, name="cheap", model="openai/gpt-4o-mini", logprobs=True),
                            judge(server, name="strong", model="openai/gpt-4o", logprobs=True)], limit=None)
    execute(run)
    return run.output_dir


def test_the_cascade_keeps_the_guarantee_and_costs_less_than_the_strong_judge_alone(cascade_run, capsys):
    assert main(["escalate", str(cascade_run), "--judges", "cheap,strong", "--alpha", "0.2", "--delta", "0.2"]) == 0
    cascade = capsys.readouterr().out
    assert main(["escalate", str(cascade_run), "--judges", "strong", "--alpha", "0.2", "--delta", "0.2"]) == 0
    alone = capsys.readouterr().out
    assert "cheap (confidence from probability): keeps confidence >= 0.97" in cascade
    coverage = [float(re.search(r"coverage ([\d.]+)", text).group(1)) for text in (cascade, alone)]
    cost = [float(re.search(r"reach it: \$([\d.]+)", text).group(1)) for text in (cascade, alone)]
    agreement = float(re.search(r"kept verdicts' agreement ([\d.]+)", cascade).group(1))
    assert coverage[0] >= coverage[1] and cost[0] < cost[1] and agreement >= 0.8


def test_bad_input_is_refused(cascade_run, capsys):
    assert main(["escalate", str(cascade_run), "--judges", "cheap,nobody"]) == 2
    assert "nobody did not judge" in capsys.readouterr().err


def test_recorded_verdicts_with_a_confidence_column(tmp_path, capsys):
    """Verdicts recorded elsewhere with the judge's probability: imported, then thresholded by it."""
    from tests.conftest import write_jsonl

    items = [i for i in load_dataset(named_dataset("demo_binary")).items if BINARY.consensus(i.human) is not None]
    rows = [{"id": i.item_id, "v": BINARY.consensus(i.human) if n % 7 else 1 - BINARY.consensus(i.human),
             "p": 0.95 if n % 7 else 0.6} for n, i in enumerate(items)]
    path = write_jsonl(tmp_path / "recorded.jsonl", rows)
    assert main(["import", "--results", str(tmp_path / "results"), "--name", "sure", "--dataset", "demo_binary",
                 "--verdicts", str(path), "--id-column", "id", "--judge", "elsewhere", "--column", "v",
                 "--confidence-column", "p"]) == 0
    assert main(["escalate", str(tmp_path / "results" / "sure"), "--alpha", "0.1", "--delta", "0.1"]) == 0
    out = capsys.readouterr().out
    assert "elsewhere (confidence from probability): keeps confidence >= 0.95" in out
    assert "kept verdicts' agreement 1.000" in out
    rows[0]["p"] = 1.7
    write_jsonl(path, rows)
    assert main(["import", "--results", str(tmp_path / "results"), "--name", "sure", "--dataset", "demo_binary",
                 "--verdicts", str(path), "--id-column", "id", "--judge", "elsewhere", "--column", "v",
                 "--confidence-column", "p"]) == 2
    assert "line 1, column 'p': confidence 1.7 is not a probability" in capsys.readouterr().err
