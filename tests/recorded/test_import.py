"""`judgebench import`: recorded verdicts become run folders that score like any run; bad input is refused
with its file, row and column before anything is written."""

import csv
import json

from pathlib import Path

import pytest

import judgebench
from judgebench.cli import main
from judgebench.score.sources import read_run
from tests.conftest import write_jsonl

DEMO = [json.loads(line) for line in (Path(judgebench.__file__).parent / "data/demo/pairwise.jsonl").open()]


def pairwise_verdicts(tmp_path, rows=None, name="verdicts.jsonl"):
    rows = rows if rows is not None else [
        {"pair": r["id"], "who": judge, "v1": r["vote_1"], "v2": {"A": "B", "B": "A"}.get(r["vote_1"], "tie")}
        for judge in ("alpha", "beta") for r in DEMO]
    return write_jsonl(tmp_path / name, rows)


def run_import(tmp_path, *extra):
    return main(["import", "--results", str(tmp_path / "results"), "--name", "demo_recorded",
                 "--dataset", "demo_pairwise", *extra])


def test_a_judge_column_becomes_judges_of_one_run_folder_that_scores(tmp_path, capsys):
    path = pairwise_verdicts(tmp_path)
    args = ["--verdicts", str(path), "--id-column", "pair", "--judge-column", "who", "--column", "v1",
            "--second-column", "v2", "--second-raw"]
    assert run_import(tmp_path, *args) == 0
    folder = tmp_path / "results" / "demo_recorded"
    run = read_run(folder)
    assert [v.name for v in run.verdicts] == ["alpha", "beta"] and len(run.items) == len(DEMO)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["judges"][0]["model"] == "recorded/alpha" and manifest["recorded"]["file"] == str(path)
    alpha = run.verdicts[0]
    # the swapped order was said as seen (B for the response shown first) and is flipped back
    assert alpha.first == alpha.second and alpha.first["pair-001"] == DEMO[0]["vote_1"]
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["judges"]["alpha"]["verdicts"] == 2 * len(DEMO)
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "manifest.json"}
    assert run_import(tmp_path, *args) == 0                      # idempotent
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "manifest.json"} == before
    capsys.readouterr()
    assert main(["score", str(folder), "--resamples", "50"]) == 0
    table = capsys.readouterr().out
    assert "alpha" in table and "beta" in table and "100.0%" in table


def test_declared_failures_are_kept_with_their_raw_text_and_lower_coverage(tmp_path, capsys):
    rows = [{"pair": r["id"], "v": "garbage" if n == 0 else r["vote_1"]} for n, r in enumerate(DEMO)]
    path = pairwise_verdicts(tmp_path, rows)
    base = ["--verdicts", str(path), "--id-column", "pair", "--judge", "solo", "--column", "v"]
    assert run_import(tmp_path, *base) == 2                   # not declared: refused, naming where
    error = capsys.readouterr().err
    assert str(path) in error and "line 1" in error and "'v'" in error and "--fail garbage" in error
    assert not (tmp_path / "results" / "demo_recorded").exists()
    assert run_import(tmp_path, *base, "--fail", "garbage") == 0
    failed = [j for j in read_run(tmp_path / "results" / "demo_recorded").judgments if j.value is None]
    assert len(failed) == 1 and failed[0].raw_text == "garbage" and "declared failed" in failed[0].parse_error
    capsys.readouterr()
    out = tmp_path / "card.json"
    assert main(["score", str(tmp_path / "results" / "demo_recorded"), "--resamples", "50", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["judges"]["solo"]["coverage"] == pytest.approx(1 - 1 / len(DEMO))


def test_row_order_checks_the_counts_and_csv_reads_alike(tmp_path, capsys):
    path = tmp_path / "by_row.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["verdict"])
        writer.writerows([[r["vote_1"]] for r in DEMO[:-1]])
    assert run_import(tmp_path, "--verdicts", str(path), "--row-order", "--judge", "j", "--column", "verdict") == 2
    assert f"has {len(DEMO) - 1} rows but dataset demo_pairwise has {len(DEMO)} items" in capsys.readouterr().err
    with open(path, "a", newline="") as fh:
        csv.writer(fh).writerow([DEMO[-1]["vote_1"]])
    assert run_import(tmp_path, "--verdicts", str(path), "--row-order", "--judge", "j", "--column", "verdict") == 0
    run = read_run(tmp_path / "results" / "demo_recorded")
    assert [run.verdicts[0].first[r["id"]] for r in DEMO] == [r["vote_1"] for r in DEMO]


@pytest.mark.parametrize("rows,needle", [
    ([{"pair": "no-such-pair", "v": "A"}], "no item of dataset demo_pairwise has id 'no-such-pair'"),
    ([{"pair": "pair-001", "v": "A"}, {"pair": "pair-001", "v": "B"}], "second verdict for item 'pair-001'"),
    ([{"pair": "pair-001", "v": None}], "declare it with --fail null"),
    ([{"v": "A"}], "missing id"),
])
def test_bad_rows_are_refused_before_anything_is_written(tmp_path, capsys, rows, needle):
    path = pairwise_verdicts(tmp_path, rows)
    assert run_import(tmp_path, "--verdicts", str(path), "--id-column", "pair", "--judge", "j", "--column", "v") == 2
    error = capsys.readouterr().err
    assert needle in error and str(path) in error
    assert not (tmp_path / "results").exists() or not any((tmp_path / "results").iterdir())


def test_a_run_of_judgebench_is_never_overwritten(tmp_path, capsys):
    folder = tmp_path / "results" / "demo_recorded"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"run_id": "demo_recorded", "schema_version": 2}))
    path = pairwise_verdicts(tmp_path, [{"pair": "pair-001", "v": "A"}])
    assert run_import(tmp_path, "--verdicts", str(path), "--id-column", "pair", "--judge", "j", "--column", "v") == 2
    assert "not imported verdicts" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".json", ".parquet", ".csv"])
def test_every_file_format_imports_the_same_verdicts(tmp_path, suffix):
    import pandas as pd

    rows = [{"pair": r["id"], "v": r["vote_1"] if n % 5 else "garbage"} for n, r in enumerate(DEMO)]
    path = tmp_path / f"verdicts{suffix}"
    frame = pd.DataFrame(rows)
    {".json": lambda: path.write_text(json.dumps(rows)), ".parquet": lambda: frame.to_parquet(path),
     ".csv": lambda: frame.to_csv(path, index=False)}[suffix]()
    assert run_import(tmp_path, "--verdicts", str(path), "--id-column", "pair", "--judge", "j", "--column", "v",
                      "--fail", "garbage") == 0
    verdicts = read_run(tmp_path / "results" / "demo_recorded").verdicts[0].first
    assert verdicts == {r["pair"]: None if r["v"] == "garbage" else r["v"] for r in rows}
