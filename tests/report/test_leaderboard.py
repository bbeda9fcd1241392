import json

import pytest

from judgebench.report.publish import find_runs, publish
from judgebench.score.scorecard import SCHEMA_VERSION
from tests.report.conftest import XSS
from tests.test_cli import cli


@pytest.fixture(scope="module")
def published(runs, tmp_path_factory):
    out = tmp_path_factory.mktemp("leaderboard")
    data = publish(runs, out, resamples=200, rounds=50)
    return out, data


def test_files_and_data(published):
    out, data = published
    for name in ("index.html", "leaderboard.md", "data.json"):
        assert (out / name).stat().st_size > 0
    # 5 plots on binary, 4 on pairwise: no prices (no cost plot), no verdict probabilities on pairwise
    assert {p.name for p in (out / "plots").glob("*.png")} == \
        {f"demo_binary_{p}.png" for p in ("ci", "agreement", "confusion", "reliability", "bias")} | \
        {f"demo_pairwise_{p}.png" for p in ("ci", "agreement", "confusion", "bias")}
    saved = json.loads((out / "data.json").read_text())
    assert set(saved["datasets"]) == {"demo_binary", "demo_pairwise"} and saved["schema_version"] == SCHEMA_VERSION
    binary = saved["datasets"]["demo_binary"]
    assert binary["arena"][0]["judge"] == "careful"                  # right on 4 more items than the others
    assert binary["judges"]["careful"]["metrics"]["accuracy"]["estimate"] > \
        binary["judges"]["yes_man"]["metrics"]["accuracy"]["estimate"]
    assert binary["humans"]["metrics"]["accuracy"] == pytest.approx(63 / 65)
    kappa = binary["humans"]["annotator_kappa"]["label_a1"]["label_a2"]          # the two named annotators
    assert f"label_a1 ~ label_a2 {kappa:.3f}" in (out / "index.html").read_text()
    assert binary["judges"][XSS]["bias"]["ece"] is not None         # it asked for logprobs
    pairwise = saved["datasets"]["demo_pairwise"]
    assert pairwise["judges"]["pairwise_only"]["bias"]["position_flip_rate"] == 1.0
    assert "longer_wins_humans" in pairwise["judges"]["careful"]["bias"]


def test_missing_judges_are_not_penalised_overall(published):
    _, data = published
    overall = {r["judge"]: r for r in data["overall"]}
    # pairwise_only fought only on the pairwise dataset, yes_man only on the binary one: their overall
    # battles are exactly those, nothing is counted against them where they were absent
    per_dataset = {name: {r["judge"]: r["battles"] for r in board["arena"]} for name, board in data["datasets"].items()}
    assert overall["pairwise_only"]["battles"] == per_dataset["demo_pairwise"]["pairwise_only"]
    assert overall["yes_man"]["battles"] == per_dataset["demo_binary"]["yes_man"]
    assert overall["careful"]["battles"] == per_dataset["demo_binary"]["careful"] + per_dataset["demo_pairwise"]["careful"]
    assert data["battles"] == sum(board["battles"] for board in data["datasets"].values())


def test_dataset_text_is_escaped(published):
    out, _ = published
    page = (out / "index.html").read_text()
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1                                  # only the page's own sorting script
    markdown = (out / "leaderboard.md").read_text()
    assert XSS not in markdown and "&lt;script&gt;" in markdown
    assert "http://" not in page and "https://" not in page            # no CDN, nothing fetched


def test_cli_builds_from_every_run_in_a_folder(runs, tmp_path):
    results = runs[0].parent
    assert find_runs(results) == sorted(runs)
    done = cli("leaderboard", "--results", str(results), "--out", str(tmp_path / "lb"), "--resamples", "100",
               "--rounds", "20", cwd=tmp_path)
    assert "2 dataset(s)" in done.stdout and (tmp_path / "lb" / "index.html").exists()
    empty = cli("leaderboard", "--results", str(tmp_path / "nothing"), cwd=tmp_path, check=False)
    assert empty.returncode == 2 and "no runs" in empty.stderr


def test_a_judge_with_one_answer_is_called_out(published):
    out, data = published
    binary = data["datasets"]["demo_binary"]["judges"]
    assert binary["yes_man"]["one_answer"].startswith("yes_man answered Yes (1) on all 126 items")
    assert binary["careful"]["one_answer"] is None
    assert "yes_man answered Yes (1) on all 126 items" in (out / "index.html").read_text()
    assert "Note: yes\\_man answered Yes (1)" in (out / "leaderboard.md").read_text() or \
        "Note: yes_man answered Yes (1)" in (out / "leaderboard.md").read_text()



def test_the_cost_plot_is_drawn_only_when_a_judge_has_a_price(runs, tmp_path, server):
    from judgebench.report.publish import publish
    from judgebench.run.job import execute
    from tests.run.helpers import config, judge

    unpriced = tmp_path / "unpriced"
    publish(runs[:1], unpriced, resamples=50, rounds=10)
    assert not list((unpriced / "plots").glob("*_pareto.png"))
    assert "Cost against agreement" not in (unpriced / "index.html").read_text()

    server.configure(default="Verdict: Yes")
    priced = config(tmp_path, [judge(server, name="priced", model="openai/gpt-4o-mini")], run_id="priced")
    execute(priced)
    out = tmp_path / "priced_board"
    publish([priced.output_dir], out, resamples=50, rounds=10)
    assert (out / "plots" / "demo_binary_pareto.png").exists()
    assert "Cost against agreement" in (out / "index.html").read_text()


def test_a_systems_table_when_items_name_their_systems(tmp_path, server):
    """A judge that always prefers the first response, on comparisons among three systems: its per-system
    scores are off by the side each system was shown on; the page shows the table and the plot."""
    import json as json_

    from judgebench.config import run_config
    from judgebench.report.publish import publish
    from judgebench.run.job import execute
    from tests.conftest import write_jsonl
    from tests.run.helpers import judge

    systems = ["able", "baker", "charlie"]
    rows = []
    for k in range(60):
        a, b = systems[k % 3], systems[(k + 1 + k // 3 % 2) % 3]
        if a == b:
            b = systems[(k + 2) % 3]
        human = "A" if systems.index(a) < systems.index(b) else "B"        # able > baker > charlie
        rows.append({"id": f"c{k}", "question": f"q{k}", "response_a": f"ra{k}", "response_b": f"rb{k}",
                     "model_a": a, "model_b": b, "vote": human})
    data = write_jsonl(tmp_path / "pairs.jsonl", rows)
    server.configure(default="[[A]]")
    cfg = run_config({"dataset": {"name": "pairs", "kind": "pairwise", "path": str(data), "id_column": "id",
                                  "columns": {"input": "question", "response_a": "response_a",
                                              "response_b": "response_b", "model_a": "model_a", "model_b": "model_b"},
                                  "label": {"column": "vote"}, "default_prompt": "pairwise"},
                      "judges": [judge(server, name="first_wins")], "results_dir": str(tmp_path / "results"),
                      "progress": False, "run_id": "pairs"})
    execute(cfg)
    out = tmp_path / "board"
    publish([cfg.output_dir], out, resamples=50, rounds=10)
    systems = json_.loads((out / "data.json").read_text())["datasets"]["pairs"]["systems"]["first_wins"]
    rows_by = {r["system"]: r for r in systems["rows"]}
    assert set(rows_by) == {"able", "baker", "charlie"}
    assert rows_by["able"]["humans"] == 1.0 and rows_by["charlie"]["humans"] == 0.0
    assert rows_by["able"]["bias"]["estimate"] < 0 < rows_by["charlie"]["bias"]["estimate"]
    assert rows_by["able"]["rank"] == [1, 1]
    page = (out / "index.html").read_text()
    assert 'id="systems-pairs"' in page and (out / "plots" / "pairs_systems.png").exists()


def test_a_board_with_named_annotators_shows_the_alt_test(tmp_path):
    from tests.score.test_alt_test_command import run_folder

    data = publish([run_folder(tmp_path)], tmp_path / "board", resamples=50, rounds=10)
    judges = data["datasets"]["panel"]["judges"]
    assert judges["sharp"]["alt_test"]["passed"] and not judges["sloppy"]["alt_test"]["passed"]
    assert judges["sharp"]["alt_test"]["epsilon"] == 0.2 and judges["sharp"]["alt_test"]["annotators"] == 5
    page = (tmp_path / "board" / "index.html").read_text()
    assert "alt-test (ε = 0.2)" in page and ">passes <span" in page and ">fails <span" in page


def test_the_board_estimated_without_human_labels(tmp_path):
    from tests.trust.test_unsupervised import planted_run

    data = publish([planted_run(tmp_path / "run")], tmp_path / "board", resamples=10, rounds=10, unsupervised=True)
    table = data["datasets"]["planted"]["unsupervised"]
    assert table["items"] == 400 and table["judges"]["j90"]["estimate"] == pytest.approx(0.9, abs=0.05)
    assert table["judges"]["j90"]["measured_items"] == 100
    page = (tmp_path / "board" / "index.html").read_text()
    assert "<h3>Estimated without human labels</h3>" in page and 'id="unsupervised-planted"' in page
    assert publish([planted_run(tmp_path / "again")], tmp_path / "plain", resamples=10,
                   rounds=10)["datasets"]["planted"]["unsupervised"] is None            # opt-in: it costs minutes


def test_a_jury_sits_next_to_its_members_with_their_summed_cost(tmp_path, server):
    from judgebench.run.job import execute
    from tests.run.helpers import config, judge

    server.configure(rules=[{"model": "gpt-4o-mini", "match": "1869|10 kg for all", "reply": "Verdict: No"},
                            {"model": "gpt-3.5-turbo", "match": "1869", "reply": "Verdict: No"}],
                     default="Verdict: Yes")
    members = [judge(server, name="mini", model="openai/gpt-4o-mini"), judge(server, name="big", model="openai/gpt-4o"),
               judge(server, name="old", model="openai/gpt-3.5-turbo")]
    jury = {"name": "panel", "kind": "jury", "members": members, "early_stop": True}
    cfg = config(tmp_path, [members[0], members[1], jury], limit=12)
    summary = execute(cfg)
    data = publish([cfg.output_dir], tmp_path / "board", resamples=50, rounds=20)
    board = data["datasets"]["demo_binary"]["judges"]
    assert set(board) == {"mini", "big", "panel"}            # "old", asked on the split items only, is not scored alone
    saved = summary["juries"]["panel"]["not_needed"]
    assert saved > 0 and board["panel"]["jury"] == f"jury of mini + big + old (majority; {saved} member calls saved)"
    per_verdict = board["mini"]["cost_per_1k_usd"] + board["big"]["cost_per_1k_usd"]
    old_calls = summary["judges"]["old"]["judgments"]
    assert 0 < old_calls < 12
    assert board["panel"]["cost_per_1k_usd"] == pytest.approx(
        per_verdict + 1000 * summary["judges"]["old"]["cost_usd"] / 12)
    page = (tmp_path / "board" / "index.html").read_text()
    assert f"jury of mini + big + old (majority; {saved} member calls saved)" in page
    assert "(jury of mini + big + old" in (tmp_path / "board" / "leaderboard.md").read_text()
