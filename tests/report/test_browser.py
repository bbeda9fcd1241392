"""The generated page in a real headless Chromium (Debian's package), driven by Playwright."""

import os
import shutil
from pathlib import Path

import pytest

from judgebench.report.publish import publish
from tests.conftest import REPO
from tests.report.conftest import XSS, on_a_phone

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM) or shutil.which("chromium") is None,
                                reason="Debian's chromium is not installed (.ci/run installs it)")


def test_page_rows_sorting_and_escaping_in_chromium(runs, tmp_path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "leaderboard"
    publish(runs, out, resamples=100, rounds=20)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto((out / "index.html").as_uri())
        table = page.locator("#table-demo_binary")
        names = table.locator("tbody td.name").all_inner_texts()
        assert sorted(names) == sorted(["careful", "yes_man", XSS])     # shown as text, literally
        assert table.locator("tfoot td.name").inner_text() == "human ceiling"
        assert page.locator("img").count() == 9      # no price: no cost plot; no probability on pairwise: no reliability
        assert all(page.evaluate("(img) => img.naturalWidth > 0", img.element_handle())
                   for img in page.locator("img").all())                # plots load from disk

        accuracy = table.locator("thead th", has_text="accuracy")
        accuracy.click()
        ascending = [float(v) for v in table.locator("tbody tr td:nth-child(4)").evaluate_all(
            "(cells) => cells.map((c) => c.dataset.value)")]
        assert ascending == sorted(ascending) and accuracy.get_attribute("aria-sort") == "ascending"
        accuracy.click()
        descending = [float(v) for v in table.locator("tbody tr td:nth-child(4)").evaluate_all(
            "(cells) => cells.map((c) => c.dataset.value)")]
        assert descending == sorted(descending, reverse=True) and descending != ascending
        assert table.locator("tbody tr").first.locator("td.name").inner_text() == "careful"

        assert dialogs == []                                              # the judge's name never ran
        assert page.evaluate("document.querySelectorAll('script').length") == 1
        artifacts = Path(os.environ.get("JUDGEBENCH_ARTIFACTS", REPO / "test-artifacts"))
        artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(artifacts / "leaderboard.png"), full_page=True)
        browser.close()
    assert (artifacts / "leaderboard.png").stat().st_size > 10_000


def test_the_page_on_a_phone(runs, tmp_path):
    """390 px wide: the page does not scroll sideways, each table does in its own box, the judge column
    stays readable, and the headers sort from the keyboard."""
    out = tmp_path / "leaderboard"
    publish(runs, out, resamples=100, rounds=20)
    with on_a_phone(out / "index.html") as page:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.locator("#dataset-demo_binary .table-scroll")
        assert box.evaluate("(b) => b.scrollWidth > b.clientWidth")              # the table scrolls in its box
        name = page.locator("#table-demo_binary tbody td.name").first
        assert name.bounding_box()["width"] >= 100                              # not two letters per line
        box.evaluate("(b) => { b.scrollLeft = 400; }")
        assert name.bounding_box()["x"] >= 0 and name.is_visible()              # it stays in view (sticky)

        accuracy = page.locator("#table-demo_binary thead th", has_text="accuracy")
        accuracy.focus()
        page.keyboard.press("Enter")
        assert accuracy.get_attribute("aria-sort") == "ascending"
        page.keyboard.press(" ")
        assert accuracy.get_attribute("aria-sort") == "descending"
        artifacts = Path(os.environ.get("JUDGEBENCH_ARTIFACTS", REPO / "test-artifacts"))
        artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(artifacts / "leaderboard-phone.png"), full_page=True)
