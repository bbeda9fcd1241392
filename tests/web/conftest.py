"""`judgebench serve` in a process of its own, pointed at the scripted model server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from fastapi.testclient import TestClient

from judgebench.label.library import Library
from judgebench.testing.openai_server import free_port
from judgebench.web.app import create_app
from tests.label.conftest import scripted_judge

LOCAL = "http://127.0.0.1:8765"     # the Host a local browser sends; the server refuses other names
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(autouse=True)
def _patient_expect():
    """A page waits on the server, and a loaded 2-core machine answers in seconds, not Playwright's 5 s default."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        yield
        return
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM) or shutil.which("chromium") is None,
                                    reason="Debian's chromium is not installed (.ci/run installs it)")


class Served:
    def __init__(self, home: Path, judge_dir: Path, port: int, extra: tuple[str, ...] = ()):
        self.home, self.judge_dir, self.port, self.extra = home, judge_dir, port, extra
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Served":
        log = open(self.home.parent / "serve.log", "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "judgebench.cli", "serve", "--home", str(self.home), "--port", str(self.port),
             "--judge-dir", str(self.judge_dir), *self.extra], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/datasets", timeout=1).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError((self.home.parent / "serve.log").read_text())
                time.sleep(0.2)
        raise RuntimeError("judgebench serve did not start")

    def kill(self) -> None:
        """As a crash would: SIGKILL, no clean-up."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


# Arena judges on the scripted server; the name of each is nowhere in what it writes.
ARENA_JUDGES = {"sharp": "Correct and grounded in the reference; nothing invented. Rating: [[5]]",
                "middling": "Partly right, but one claim is unsupported. Rating: [[3]]",
                "vague": "Vague and does not answer what was asked. Rating: [[2]]"}
ARENA_MODELS = {"sharp": "m1", "middling": "m2", "vague": "m3"}


def serve_fixture(tmp_path, server, extra=()):
    judge_dir = tmp_path / "judges"
    judge_dir.mkdir()
    (judge_dir / "scripted.yaml").write_text(yaml.safe_dump(scripted_judge(server)))
    for name in ARENA_JUDGES:
        (judge_dir / f"{name}.yaml").write_text(yaml.safe_dump(scripted_judge(server, name=name,
                                                                              model=f"openai/{ARENA_MODELS[name]}")))
    instance = Served(tmp_path / "home", judge_dir, free_port(), tuple(extra))
    instance.home.mkdir()
    return instance


@pytest.fixture
def served(tmp_path, server):
    instance = serve_fixture(tmp_path, server)
    yield instance.start()
    instance.stop()


@pytest.fixture
def served_arena(tmp_path, server):
    server.configure(rules=[{"model": ARENA_MODELS[name], "match": ".", "reply": text}
                            for name, text in ARENA_JUDGES.items()])
    # seeded: the same matches every time, so the two votes not chosen by strength cannot reorder the ranking
    instance = serve_fixture(tmp_path, server, [a for name in ARENA_JUDGES for a in ("--arena-judge", name)]
                             + ["--arena-seed", "0"])
    yield instance.start()
    instance.stop()


@pytest.fixture
def client(tmp_path, server):
    judge_dir = tmp_path / "judges"
    judge_dir.mkdir()
    (judge_dir / "scripted.yaml").write_text(yaml.safe_dump(scripted_judge(server)))
    library = Library(tmp_path / "home")
    return TestClient(create_app(library, resume_jobs=False, max_upload_mb=0.01, judge_dirs=[str(judge_dir)]),
                      base_url=LOCAL)
