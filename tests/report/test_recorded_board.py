"""A leaderboard of imported verdicts: recorded judges link to their sources, judges that never judged a common
item are not put on one scale, and the page reads on a phone (Chromium)."""

import json
import os
import shutil

import pytest

from judgebench.cli import main
from judgebench.config import named_dataset
from judgebench.config.recorded import recorded_sets
from judgebench.data.load import load_dataset
from judgebench.recorded.importer import import_set
from judgebench.report.publish import publish
from tests.conftest import REPO, SHARED_DATA, write_jsonl
from tests.report.conftest import on_a_phone
from tests.report.test_browser import CHROMIUM

BINARY = [json.loads(line) for line in (REPO / "judgebench/data/demo/binary.jsonl").open()]
PAIRWISE = [json.loads(line) for line in (REPO / "judgebench/data/demo/pairwise.jsonl").open()]


def imported(tmp_path, name, dataset, rows, **provenance):
    path = write_jsonl(tmp_path / f"{name}.jsonl", rows)
    config = {"name": name, "dataset": dataset, "file": str(path), "column": "v", "id_column": "id",
              "judge_columns": ["judge"], "provenance": provenance}
    (spec,) = recorded_sets(config)
    return import_set(spec, load_dataset(named_dataset(dataset)), tmp_path / "results")


@pytest.fixture
def two_groups(tmp_path):
    """Two judges on the binary demo, two others on the pairwise demo: two groups that never met."""
    binary = [{"id": r["id"], "judge": j, "v": v} for r in BINARY
              for j, v in (("strict", 0), ("lenient", 1))]
    pairwise = [{"id": r["id"], "judge": j, "v": v} for r in PAIRWISE
                for j, v in (("first_wins", "A"), ("sometimes", r["vote_1"]))]
    return [imported(tmp_path, "recorded_binary", "demo_binary", binary, citation="A paper, 2024",
                     url="https://example.org/paper", source="https://example.org/code", commit="abcdef0123"),
            imported(tmp_path, "recorded_pairwise", "demo_pairwise", pairwise, url="javascript:alert(1)")]


def test_groups_that_never_met_are_rated_apart_and_sources_are_linked(two_groups, tmp_path):
    data = publish(two_groups, tmp_path / "board", resamples=50, rounds=10)
    assert sorted(map(sorted, data["groups"])) == [["first_wins", "sometimes"], ["lenient", "strict"]]
    assert {r["group"] for r in data["overall"]} == {0, 1}
    board = data["datasets"]["recorded_binary"]
    assert board["recorded"] and board["judges"]["strict"]["provenance"]["url"] == "https://example.org/paper"
    page = (tmp_path / "board" / "index.html").read_text()
    assert page.count("<h3>Group ") == 2 and "How to read this" in page
    assert '<a href="https://example.org/paper"' in page and "verdicts @ abcdef0" in page
    assert "javascript:" not in page                            # a config's script address never becomes a link
    markdown = (tmp_path / "board" / "leaderboard.md").read_text()
    assert "[strict](https://example.org/paper)" in markdown and "group 2 of 2" in markdown


@pytest.mark.skipif(not os.path.exists(CHROMIUM) or shutil.which("chromium") is None,
                    reason="Debian's chromium is not installed (.ci/run installs it)")
def test_the_real_judges_board_reads_on_a_phone_and_every_link_and_plot_resolves(tmp_path):
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent")
    results, out = tmp_path / "results", tmp_path / "board"
    assert main(["import", "--catalog", "--results", str(results), "--data-root", str(SHARED_DATA)]) == 0
    assert main(["leaderboard", "--results", str(results), "--out", str(out), "--resamples", "50",
                 "--rounds", "10"]) == 0
    data = json.loads((out / "data.json").read_text())
    assert list(data["datasets"])[0].startswith("judgebench") and len(data["datasets"]) == 12
    assert {"gpt-4-pair", "UniEval", "claude-3-haiku-20240307"} <= set(data["unrated"])
    # JudgeBench's board decides battles by its own score, which counts one order for reward models: o1-mini,
    # the best by that score (65.71), leads its group as in the paper
    assert data["datasets"]["judgebench_gpt4o"]["battle_metric"] == "judgebench"
    group = [r for r in data["overall"] if r["judge"] == "o1-mini-2024-09-12"][0]["group"]
    assert max((r for r in data["overall"] if r["group"] == group), key=lambda r: r["rating"])["judge"] == \
        "o1-mini-2024-09-12"
    with on_a_phone(out / "index.html") as page:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        links = page.locator("a.paper").evaluate_all("(as) => as.map((a) => a.href)")
        assert links and all(href.startswith("https://arxiv.org/abs/") for href in links)
        sources = page.locator("a.source").evaluate_all("(as) => as.map((a) => a.href)")
        assert sources and all(href.startswith("https://") for href in sources)
        images = page.locator("img")
        assert images.count() > 20 and all(page.evaluate("(img) => img.complete && img.naturalWidth > 0",
                                                          img.element_handle()) for img in images.all())
        assert page.locator("#how-to-read").is_visible()
