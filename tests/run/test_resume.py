"""A run killed with SIGKILL finishes on the next run without repeating finished calls."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO

CONCURRENCY = 2


def start_run(tmp_path, server, workers=0):
    judges = tmp_path / "judges"
    judges.mkdir(exist_ok=True)
    (judges / "scripted.yaml").write_text(
        f"model: openai/scripted\napi_base: {server.url}\nconcurrency: {CONCURRENCY}\n"
        "retry_base_s: 0.01\ntimeout_s: 10\n")
    command = [sys.executable, "-m", "judgebench.cli", "run", "dataset=demo_binary", "judges=[scripted]",
               f"judge_dirs=[{judges}]", f"results_dir={tmp_path / 'results'}", "progress=false", "run_id=killed",
               f"workers={workers}"]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def finished_lines(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines(keepends=True) if line.endswith("\n")]


def children_of(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stop_after(tmp_path, server, answered: int, workers: int):
    """A run whose first `answered` calls are answered and the rest held: it cannot finish before the
    test stops it, however busy the machine."""
    server.hold(after=answered)
    judgments = tmp_path / "results" / "killed" / "judgments.jsonl"
    process = start_run(tmp_path, server, workers)
    server.wait_held()
    deadline = time.monotonic() + 60
    while len(finished_lines(judgments)) < answered and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None and len(finished_lines(judgments)) == answered
    return process, judgments


@pytest.mark.parametrize("workers", [0, 2])
def test_kill_9_then_resume(tmp_path, server, workers):
    process, judgments = stop_after(tmp_path, server, 30, workers)
    orphans = children_of(process.pid)
    assert len(orphans) >= workers
    process.send_signal(signal.SIGKILL)
    process.wait()
    # Worker processes notice their parent is gone (their request pipe closes) and exit.
    deadline = time.monotonic() + 15
    while any(alive(p) for p in orphans) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(p) for p in orphans)
    done_before = {r["key"] for r in finished_lines(judgments)}
    assert len(done_before) == 30
    requests_before = server.state.requests
    server.release()

    resumed = start_run(tmp_path, server, workers)
    output = resumed.communicate(timeout=120)[0].decode()
    assert resumed.returncode == 0, output
    records = finished_lines(judgments)
    assert len(records) == 126 and len({r["key"] for r in records}) == 126
    assert {r["item_id"] for r in records} == {f"bin-{n:03d}" for n in range(1, 127)}
    # Only calls that had not finished are made again: at most the ones in flight at the kill.
    assert server.state.requests - 126 <= CONCURRENCY
    assert server.state.requests - requests_before <= 126 - len(done_before) + CONCURRENCY
    summary = json.loads((judgments.parent / "summary.json").read_text())
    assert summary["complete"] and summary["session"]["already_done"] == len(done_before)


def test_ctrl_c_then_resume(tmp_path, server):
    process, judgments = stop_after(tmp_path, server, 20, workers=2)
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=30)[0].decode()
    server.release()
    assert process.returncode == 130, output
    assert "run the same command again to resume" in output
    done_before = len(finished_lines(judgments))
    resumed = start_run(tmp_path, server, workers=2)
    assert resumed.communicate(timeout=120)[0] is not None and resumed.returncode == 0
    records = finished_lines(judgments)
    assert len(records) == 126 and len({r["key"] for r in records}) == 126 and done_before >= 20
    assert server.state.requests - 126 <= CONCURRENCY
