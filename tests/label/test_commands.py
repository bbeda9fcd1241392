"""`judgebench data` and `judgebench label` as a user runs them, against the scripted model server."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time

import pandas as pd
import pytest
import yaml

from judgebench.label.library import Library
from tests.label.conftest import qa_rows, rows, script, scripted_judge, write_csv
from tests.conftest import REPO
from tests.test_cli import cli as run_cli


def cli(*args):
    return run_cli(*args, cwd=REPO, check=False)


@pytest.fixture
def home(tmp_path, server):
    script(server)
    judge_dir = tmp_path / "judges"
    judge_dir.mkdir()
    (judge_dir / "scripted.yaml").write_text(yaml.safe_dump(scripted_judge(server)))
    return tmp_path / "home", judge_dir


def start(home, judge_dir, *extra):
    return cli("label", "start", "--home", str(home), "--dataset", "answers", "--metric", "faithfulness",
               "--judge", "scripted", "--judge-dir", str(judge_dir), *extra)


def labeling_id(output: str) -> str:
    return output.split("labeling ", 1)[1].split(":", 1)[0]


def test_data_add_list_show_versions_and_remove(home, tmp_path):
    home, _ = home
    path = write_csv(tmp_path / "answers.csv", rows(12))
    first = cli("data", "add", str(path), "--home", str(home))
    assert first.returncode == 0 and "added answers v1" in first.stdout and "12 rows" in first.stdout
    second = cli("data", "add", str(path), "--name", "answers", "--home", str(home))
    assert "added answers v2" in second.stdout
    listing = cli("data", "list", "--home", str(home)).stdout
    assert "answers@1" in listing and "answers@2" in listing
    shown = cli("data", "show", "answers@1", "--home", str(home), "--rows", "2").stdout
    assert "columns: input, output, context" in shown and shown.count("\n- ") == 2
    assert cli("data", "remove", "answers@2", "--home", str(home)).returncode == 0
    assert [d.version for d in Library(home).datasets()] == [1]


def test_bad_upload_names_file_row_and_column(home, tmp_path):
    home, _ = home
    path = tmp_path / "broken.jsonl"
    path.write_text('{"input": "a", "output": "b"}\n{"input": "c"}\n')
    result = cli("data", "add", str(path), "--home", str(home))
    assert result.returncode == 2
    assert f"{path}, line 2, column 'output': missing column" in result.stderr
    assert Library(home).datasets() == []


def test_a_prompt_that_does_not_fit_fails_before_any_call(home, tmp_path, server):
    home, judge_dir = home
    cli("data", "add", str(write_csv(tmp_path / "answers.csv", rows(12))), "--home", str(home))
    result = cli("label", "start", "--home", str(home), "--dataset", "answers", "--template", "Is {answer} right?", "--kind", "binary",
                 "--judge", "scripted", "--judge-dir", str(judge_dir))
    assert result.returncode == 2 and "{answer}" in result.stderr and "input, output, context" in result.stderr
    assert server.state.requests == 0


def test_start_next_submit_status_download(home, tmp_path):
    home, judge_dir = home
    cli("data", "add", str(write_csv(tmp_path / "answers.csv", rows(40))), "--home", str(home))
    started = start(home, judge_dir)
    assert started.returncode == 0, started.stderr
    lid = labeling_id(started.stdout)
    assert started.stdout.count("uncertainty=") == 16
    library = Library(home)
    batch = library.batch(lid)
    from judgebench.label.workflow import Labeling

    Labeling(library, lid).submit_reviews({batch[0].item_id: 1 - batch[0].judge_label})
    nothing_open = cli("label", "review", lid, "--home", str(home))
    assert nothing_open.returncode == 2 and "Traceback" not in nothing_open.stderr
    assert f"no open review batch: every item of its last round is reviewed. `judgebench label next {lid}`" in \
        nothing_open.stderr
    second = cli("label", "next", lid, "--home", str(home), "--batch-size", "8")
    assert "round 2, 8 items" in second.stdout
    assert not {e.item_id for e in library.batch(lid)} & {e.item_id for e in batch}

    submitted = cli("label", "submit", lid, "--wait", "--home", str(home))
    assert "completed (40/40)" in submitted.stdout, submitted.stderr
    job_id = submitted.stdout.split(":", 1)[0]
    status = cli("label", "status", "--home", str(home)).stdout
    assert "completed  40/40" in status
    assert f"labeling {lid}: v1 agrees with you on 15/16 (95% interval" in status      # one correction
    assert "    estimated pass rate: " in status and "corrected with 16 reviews; judge alone 0.500" in status
    assert status.count("corrected with 16 reviews") == 2          # the labeling's rounds and the job
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"labeled.{fmt}"
        downloaded = cli("label", "download", "answers", "-o", str(out), "--home", str(home))
        assert downloaded.returncode == 0 and "corrected with 16 reviews; judge alone 0.500" in downloaded.stdout
        frame = {"jsonl": lambda p: pd.read_json(p, lines=True), "csv": pd.read_csv,
                 "parquet": pd.read_parquet}[fmt](out)
        assert len(frame) == 40
        assert set(frame.columns) >= {"input", "output", "context", "item_id", "label", "label_source",
                                      "judge_label", "judge_prob", "prompt_version", "prompt_hash", "job_id"}
        assert (frame["label_source"] == "human").sum() == 16      # round 2 was not reviewed
        assert set(frame["job_id"]) == {job_id}
    listing = cli("label", "list", "--home", str(home)).stdout
    assert lid in listing and "16 reviewed" in listing


def test_killed_background_job_resumes_without_loss_or_duplicates(home, tmp_path, server):
    home, judge_dir = home
    cli("data", "add", str(write_csv(tmp_path / "answers.csv", rows(50))), "--home", str(home))
    lid = labeling_id(start(home, judge_dir, "--batch-size", "4").stdout)
    from judgebench.label.workflow import Labeling

    # Accepting the batch makes its 4 items examples, so the job's prompts are new (no cache hits).
    Labeling(Library(home), lid).submit_reviews({})
    server.configure(latency=0.2)
    submitted = cli("label", "submit", lid, "--home", str(home))
    job_id = submitted.stdout.split("job ", 1)[1].split()[0]
    library = Library(home)
    deadline = time.monotonic() + 60
    while library.job(job_id).done < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(library.job(job_id).owner.split(":")[1])
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.3)
    assert 8 <= library.job(job_id).done < 50
    server.configure(latency=0.0)
    assert "running" in cli("label", "status", job_id, "--home", str(home)).stdout
    resumed = cli("label", "resume", job_id, "--wait", "--home", str(home))
    assert "completed (50/50)" in resumed.stdout, resumed.stderr
    records = library.job_judgments(job_id)
    assert len(records) == len({r["item_id"] for r in records}) == 50


def test_cancel_stops_a_running_job_and_keeps_its_labels(home, tmp_path, server):
    home, judge_dir = home
    cli("data", "add", str(write_csv(tmp_path / "answers.csv", rows(50))), "--home", str(home))
    lid = labeling_id(start(home, judge_dir, "--batch-size", "0").stdout)
    server.hold(after=4)                        # four replies, then the rest wait: the job cannot finish first
    job_id = cli("label", "submit", lid, "--home", str(home)).stdout.split("job ", 1)[1].split()[0]
    library = Library(home)
    server.wait_held()
    deadline = time.monotonic() + 60
    while library.job(job_id).done < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "cancelling" in cli("label", "cancel", job_id, "--home", str(home)).stdout
    deadline = time.monotonic() + 60
    while library.job(job_id).status != "cancelled" and time.monotonic() < deadline:
        time.sleep(0.1)
    cancelled = library.job(job_id)
    assert cancelled.status == "cancelled" and cancelled.done == 4           # the held calls were cancelled
    server.release()
    assert "completed (50/50)" in cli("label", "resume", job_id, "--wait", "--home", str(home)).stdout


def test_terminal_review_in_a_pseudo_terminal(home, tmp_path):
    """`judgebench label review` in a real pty: flip the first item, open the table, submit."""
    home, judge_dir = home
    cli("data", "add", str(write_csv(tmp_path / "answers.csv", rows(20))), "--home", str(home))
    lid = labeling_id(start(home, judge_dir).stdout)
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(TERM="xterm-256color", COLUMNS="120", LINES="40")
        os.execv(sys.executable, [sys.executable, "-m", "judgebench.cli", "label", "review", lid, "--home", str(home)])
    output = b""

    def read_until(marker: bytes, timeout: float = 30) -> None:
        nonlocal output
        deadline = time.monotonic() + timeout
        while marker not in output and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    output += os.read(fd, 65536)
                except OSError:
                    return

    read_until(b"your label")
    for key in (b"f", b"r", b"s"):
        os.write(fd, key)
        time.sleep(0.5)
        read_until(b"Review and Submit" if key == b"r" else b"", 5)
    read_until(b"saved 16 reviews")
    os.waitpid(pid, 0)
    assert b"saved 16 reviews (1 changed)" in output
    reviews = Library(home).reviews(lid)
    assert len(reviews) == 16 and sum(r.label != r.judge_label for r in reviews) == 1


def test_a_labeling_with_reviews_goes_on_the_leaderboard(home, tmp_path):
    import json

    home, judge_dir = home
    cli("data", "add", str(write_csv(tmp_path / "answers.csv", rows(40))), "--home", str(home))
    lid = labeling_id(start(home, judge_dir).stdout)
    library = Library(home)
    from judgebench.label.workflow import Labeling

    batch = library.batch(lid)
    Labeling(library, lid).submit_reviews({batch[0].item_id: 1 - batch[0].judge_label,
                                           batch[1].item_id: 1 - batch[1].judge_label})
    out = tmp_path / "board"
    done = cli("leaderboard", "--labeling", lid, "--home", str(home), "--out", str(out), "--resamples", "100")
    assert done.returncode == 0, done.stderr
    data = json.loads((out / "data.json").read_text())
    [(name, board)] = data["datasets"].items()
    assert name.startswith(f"labeling {lid} (answers@1)") and board["items"] == 16
    assert board["judges"]["scripted/v1"]["metrics"]["accuracy"]["estimate"] == 14 / 16
    empty = cli("leaderboard", "--labeling", "lb-nope", "--home", str(home), "--out", str(out))
    assert empty.returncode == 2 and "no labeling 'lb-nope'" in empty.stderr


def user_messages(server) -> list[str]:
    """What the faithfulness prompt asked (the judge check before labeling asks something else)."""
    return [m["content"] for r in server.state.log for m in r["messages"]
            if m["role"] == "user" and m["content"].startswith("Decide whether")]


def test_your_own_column_names_through_the_column_map(home, tmp_path, server):
    home, judge_dir = home
    added = cli("data", "add", str(write_csv(tmp_path / "answers.csv", qa_rows(30))), "--home", str(home))
    assert "{input} <- question, {output} <- answer" in added.stdout, added.stderr
    custom = cli("label", "start", "--home", str(home), "--dataset", "answers", "--template", "Is {answer} right?",
                 "--judge", "scripted", "--judge-dir", str(judge_dir))
    assert custom.returncode == 2 and "needs its kind" in custom.stderr and server.state.requests == 0

    started = start(home, judge_dir, "--batch-size", "4", "--pool", "8")
    assert started.returncode == 0, started.stderr
    assert "labeling candidates: 100%" in started.stderr and "8/8" in started.stderr       # the bar
    sent = user_messages(server)
    assert sent and all("Question:\nWhat about" in m and "Answer:\nAnswer " in m for m in sent)

    # A changed map is remembered for the dataset and used by the next labeling.
    server.state.log.clear()
    remapped = start(home, judge_dir, "--map", "output=context", "--batch-size", "4", "--pool", "8")
    assert remapped.returncode == 0, remapped.stderr
    assert all("Answer:\nDocument " in m for m in user_messages(server))
    assert "{input} <- question, {output} <- context" in cli("data", "map", "answers", "--home", str(home)).stdout
    wrong = cli("data", "map", "answers", "output=reply", "--home", str(home))
    assert wrong.returncode == 2 and "'reply', which is not a column" in wrong.stderr

    lid = labeling_id(remapped.stdout)
    assert cli("label", "submit", lid, "--wait", "--home", str(home)).returncode == 0
    out = tmp_path / "labeled.csv"
    assert cli("label", "download", "answers", "-o", str(out), "--prompt-columns", "--home", str(home)).returncode == 0
    frame = pd.read_csv(out)
    assert list(frame.columns[:3]) == ["input", "output", "answer"] and len(frame) == 30
    assert frame["output"].str.startswith("Document").all()


def test_a_prompt_the_columns_cannot_fill_says_which_map_would(home, tmp_path, server):
    home, judge_dir = home
    data = [{"prompt_text": r["question"], "reply_text": r["answer"]} for r in qa_rows(10)]
    cli("data", "add", str(write_csv(tmp_path / "answers.csv", data)), "--home", str(home))
    result = start(home, judge_dir)
    assert result.returncode == 2 and server.state.requests == 0
    assert "uses {context}, {input}, {output}, which no column of dataset 'answers' fills" in result.stderr
    assert "--map context=COLUMN --map input=COLUMN --map output=COLUMN" in result.stderr


def test_escalate_from_the_command_line(home, tmp_path):
    home, judge_dir = home
    cli("data", "add", str(write_csv(tmp_path / "answers.csv", rows(40))), "--home", str(home))
    missing = start(home, judge_dir, "--select", "escalate")
    assert missing.returncode == 2 and "--select escalate needs --alpha" in missing.stderr
    started = start(home, judge_dir, "--select", "escalate", "--alpha", "0.1")
    assert started.returncode == 0, started.stderr
    assert "(escalate selection)" in started.stdout
    status = cli("label", "status", "--home", str(home)).stdout
    assert "guarantee: agreement >= 0.9 with probability >= 0.9; calibrated once a labeling job" in status
