"""Review ergonomics and progress in the page, in headless Chromium: long fields, the table, the keys,
counts that follow the server, and a count, a bar and the time left wherever the judge works."""

from __future__ import annotations

import re

from judgebench.label.ingest import read_upload
from judgebench.label.library import Library
from judgebench.label.workflow import criteria, judges_from, start_labeling
from tests.label.conftest import rows, script, scripted_judge, write_csv
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, needs_chromium

pytestmark = needs_chromium
LONG = "A very long answer, supported claim. " * 140          # about 5,000 characters


def test_progress_long_fields_the_table_keys_and_fresh_counts(served, server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    script(server)
    data = rows(40)
    for row in data:
        row["output"] += " " + LONG
    upload = write_csv(tmp_path / "support.csv", data)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(served.url + "/")
        page.set_input_files("#file", str(upload))
        page.fill("#name", "support")
        page.click("#upload-btn")
        expect(page.locator("#datasets tbody tr")).to_have_count(1, timeout=30_000)   # the first upload loads readers
        page.click("#datasets .label-dataset")
        page.select_option("#metric", "faithfulness")
        page.select_option("#judge", "scripted")

        # The first pass: a count, a bar and the time left while the judge works (replies held at 4).
        server.hold(after=5)                        # the judge check, then four candidates
        page.click("#start-btn")
        progress = page.locator("#start-progress .progress-text")
        expect(progress).to_contain_text("labeling candidates: 4/40 judged (10%) · about ", timeout=60_000)
        assert page.locator("#start-progress progress").get_attribute("value") == "4"
        server.release()
        page.wait_for_url("**/label/lb-*", timeout=60_000)
        labeling_id = page.url.rsplit("/", 1)[1]

        # Keys as in the terminal, and shown on the page.
        expect(page.locator("#shortcuts")).to_contain_text("Home / End first / last")
        expect(page.locator("#dots button")).to_have_count(16)   # the keys move among items once they are loaded
        page.keyboard.press("End")
        expect(page.locator("#dots button.current")).to_have_text("16")
        page.keyboard.press("Home")
        expect(page.locator("#dots button.current")).to_have_text("1")
        page.keyboard.press("y")
        expect(page.locator("#your-label")).to_have_text("Yes (1)")
        page.keyboard.press("n")
        expect(page.locator("#your-label")).to_have_text("No (0)")
        expect(page.locator("#say-no")).to_have_class(re.compile("chosen"))

        # A long answer is collapsed and the buttons stay in view.
        library = Library(served.home)
        batch = library.batch(labeling_id)
        expand = page.locator("#fields button.expand")
        expect(expand).to_have_text(re.compile(r"show all \d{4} characters"))
        box = page.locator("#accept").bounding_box()
        assert box["y"] + box["height"] < 900, "the buttons were pushed off the screen"
        expand.click()
        expect(expand).to_have_text("show less")

        # The Review and Submit table shows what was asked and the judged answer.
        page.keyboard.press("r")
        expect(page.locator("#review-table thead th").nth(1)).to_have_text("input")
        expect(page.locator("#review-table thead th").nth(2)).to_have_text("output")
        first = library.item(library.labeling(labeling_id).dataset_id, batch[0].item_id).fields["output"]
        expect(page.locator("#review-table tbody tr").first.locator("td").nth(2)).to_have_text(first[:120])
        page.click("#submit-reviews")
        expect(page.locator("#subtitle")).to_contain_text("16 reviewed so far")

        # The job: its progress with the time left, held half-way; the job table names the dataset.
        server.hold(after=10)
        page.click("#submit-job")
        expect(page.locator("#job-count")).to_contain_text(re.compile(r"\d+/40 labeled \(\d+%\) · about "),
                                                           timeout=60_000)
        server.release()
        expect(page.locator("#job-status")).to_have_text("completed", timeout=60_000)
        page.goto(served.url + "/")
        expect(page.locator("#jobs tbody tr td").nth(3)).to_have_text("support@1")
        browser.close()


def test_likert_keys_show_the_chosen_rating_and_relabeling_shows_progress(served, server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    server.configure(default="Rating: [[4]]")
    items, columns = read_upload(str(write_csv(tmp_path / "l.csv", rows(20))))
    library = Library(served.home)
    dataset_id = library.add_dataset("ratings", items, columns, "l.csv").dataset_id
    labeling, _ = start_labeling(library, dataset_id, criteria("Rate the answer {output} from 1 to 5.", kind="likert"),
                                 judges_from([scripted_judge(server)]), batch_size=8)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{served.url}/label/{labeling.id}")
        expect(page.locator("#likert-buttons button.chosen")).to_have_text("4")
        page.keyboard.press("2")
        expect(page.locator("#your-label")).to_have_text("2")
        expect(page.locator("#likert-buttons button.chosen")).to_have_text("2")
        assert page.locator("#likert-buttons button", has_text="2").get_attribute("aria-pressed") == "true"

        page.keyboard.press("c")
        page.fill("#template-edit", "Rate the answer {output} from 1 to 5, strictly.")
        server.hold(after=3)
        page.click("#save-config")
        expect(page.locator("#relabel-progress .progress-text")).to_contain_text(
            "relabeling the batch: 3/8 judged (38%) · about ", timeout=60_000)
        server.release()
        expect(page.locator("#item-view")).to_be_visible(timeout=60_000)
        browser.close()
