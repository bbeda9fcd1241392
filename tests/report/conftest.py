from contextlib import contextmanager
from pathlib import Path

import pytest

from judgebench.run.job import execute
from tests.run.helpers import config, judge

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def runs(tmp_path_factory, server_session):
    """Two datasets: three judges on the binary demo, two of them (and a pairwise-only judge) on pairwise."""
    server = server_session
    server.reset()
    server.configure(rules=[
        {"model": "careful", "match": "1869|10 kg for all|DNA polymerase|Sydney", "reply": "Verdict: No"},
        {"model": "careful", "match": "Assistant A", "reply": "[[C]]"},
        {"model": "pairwise_only", "match": "Assistant A", "reply": "[[B]]"},
    ], default="Verdict: Yes")
    tmp = tmp_path_factory.mktemp("runs")
    binary = config(tmp, [judge(server, name="careful"), judge(server, name="yes_man"),
                          judge(server, name=XSS, model="openai/xss", logprobs=True)], limit=None, run_id="binary")
    execute(binary)
    server.configure(default="[[A]]")
    pairwise = config(tmp, [judge(server, name="careful"), judge(server, name="pairwise_only")],
                      dataset="demo_pairwise", limit=None, run_id="pairwise")
    execute(pairwise)
    server.reset()
    return [binary.output_dir, pairwise.output_dir]


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}


@contextmanager
def on_a_phone(path: Path):
    """The page at `path` in headless Chromium, 390 px wide."""
    from playwright.sync_api import sync_playwright

    from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(**PHONE)
        page.goto(path.as_uri())
        yield page
        browser.close()
