"""The LLM Judge++ web flow in headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import csv
import io
import json
import os
import urllib.request
from pathlib import Path

from judgebench.label.library import Library
from tests.conftest import REPO
from tests.label.conftest import rows, script, write_csv
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, needs_chromium

pytestmark = needs_chromium
XSS = "<img src=x onerror=\"alert('xss')\">"


def test_upload_review_flip_two_submit_and_the_corrections_become_examples(served, server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    script(server)
    data = rows(40)
    data[3]["context"] = XSS                    # dataset text must show as text
    upload = write_csv(tmp_path / "support answers.csv", data)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

        # 1. upload
        page.goto(served.url + "/")
        page.set_input_files("#file", str(upload))
        page.fill("#name", "support")
        page.click("#upload-btn")
        # The server's first upload loads the readers (pandas, pyarrow): seconds on a busy machine.
        expect(page.locator("#upload-msg")).to_have_text("added support@1: 40 rows", timeout=30_000)
        expect(page.locator("#datasets tbody tr")).to_have_count(1)

        # 2. criteria + judge, 3. start labeling: 16 items chosen actively
        page.click("#datasets .label-dataset")
        page.select_option("#metric", "faithfulness")
        page.select_option("#judge", "scripted")
        page.click("#start-btn")
        page.wait_for_url("**/label/lb-*", timeout=60_000)
        labeling_id = page.url.rsplit("/", 1)[1]
        expect(page.locator("#dots button")).to_have_count(16)
        expect(page.locator("#judge-label")).to_contain_text("judge: ")

        # 4. review: flip item 1, flip item 2 and back, jump to the last page, flip in the table
        page.click("#flip")
        expect(page.locator("#changed")).to_have_text("(changed)")
        page.click("#next")
        page.click("#flip")
        page.click("#prev")
        page.click("#next")
        page.click("#flip")                     # item 2 back to the judge's label
        expect(page.locator("#changed")).to_have_text("")
        page.click("#last")
        expect(page.locator("#dots button.current")).to_have_text("16")
        page.click("#to-table")
        rows_ = page.locator("#review-table tbody tr")
        expect(rows_).to_have_count(16)
        rows_.nth(15).locator(".row-flip").click()
        expect(page.locator("#review-table .changed-mark", has_text="changed")).to_have_count(2)
        flipped = [rows_.nth(i).get_attribute("data-item") for i in (0, 15)]
        page.click("#submit-reviews")
        expect(page.locator("#after-msg")).to_contain_text("(2 changed)")
        expect(page.locator("#after-msg")).to_contain_text("v1 agrees with you on 14/16 (95% interval")
        expect(page.locator("#after-msg")).to_contain_text("estimated pass rate: ")
        expect(page.locator("#after-msg")).to_contain_text("corrected with 16 reviews")

        library = Library(served.home)
        reviews = {r.item_id: r for r in library.reviews(labeling_id)}
        assert len(reviews) == 16
        changed = {i for i, r in reviews.items() if r.label != r.judge_label}
        assert changed == set(flipped)

        # 6. the full job, in the background of the server
        before = len(json.loads(urllib.request.urlopen(server.url.removesuffix("/v1") + "/_requests").read()))
        page.click("#submit-job")
        expect(page.locator("#job-status")).to_have_text("completed", timeout=60_000)
        expect(page.locator("#job-count")).to_contain_text("40/40 labeled (100%)")
        expect(page.locator("#job-estimate")).to_contain_text("corrected with 16 reviews; judge alone")

        # 5. the corrections are few-shot examples in the prompts the model server received next
        sent = json.loads(urllib.request.urlopen(server.url.removesuffix("/v1") + "/_requests").read())[before:]
        assert len(sent) == 40
        items = {i.item_id: i for i in library.items(library.labeling(labeling_id).dataset_id)}
        for item_id in changed:
            marker = items[item_id].fields["output"]
            verdict = "Verdict: Yes" if reviews[item_id].label == 1 else "Verdict: No"
            shown = [m for m in sent if any(
                turn["role"] == "user" and marker in turn["content"] and i + 1 < len(m["messages"]) - 1
                and m["messages"][i + 1] == {"role": "assistant", "content": verdict}
                for i, turn in enumerate(m["messages"]))]
            assert shown, f"the corrected label of {item_id} never reached the judge"

        # the labeled dataset
        response = page.request.get(served.url + page.locator("#dl-csv").get_attribute("href"))
        table = list(csv.DictReader(io.StringIO(response.text())))
        assert len(table) == 40
        by_id = {r["item_id"]: r for r in table}
        assert {r["label_source"] for r in table} == {"human", "judge"}
        for item_id in changed:
            assert by_id[item_id]["label"] == str(reviews[item_id].label)
            assert by_id[item_id]["label_source"] == "human"
        assert sum(r["label_source"] == "human" for r in table) == 16
        assert {r["prompt_version"] for r in table} == {"1"}

        # the XSS text is in the page as text, if it was in the batch
        assert dialogs == []
        page.goto(served.url + "/")
        expect(page.locator("#jobs tbody tr")).to_have_count(1)
        artifacts = Path(os.environ.get("JUDGEBENCH_ARTIFACTS", REPO / "test-artifacts"))
        artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(artifacts / "library.png"), full_page=True)
        browser.close()


def test_dataset_text_is_shown_as_text_on_the_review_page(served, server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from judgebench.label.ingest import read_upload
    from judgebench.label.workflow import criteria, judges_from, start_labeling
    from tests.label.conftest import scripted_judge

    script(server)
    data = rows(16)
    for row in data:
        row["context"] = XSS
    items, columns = read_upload(str(write_csv(tmp_path / "x.csv", data)))
    library = Library(served.home)
    dataset_id = library.add_dataset("x", items, columns, "x.csv").dataset_id
    labeling, _ = start_labeling(library, dataset_id, criteria("faithfulness"), judges_from([scripted_judge(server)]))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{served.url}/label/{labeling.id}")
        expect(page.locator(".field-value").nth(2)).to_have_text(XSS)
        assert page.locator("#fields img").count() == 0
        page.keyboard.press("f")                        # keyboard: flip, then next
        page.keyboard.press("ArrowRight")
        expect(page.locator("#dots button.changed")).to_have_count(1)
        artifacts = Path(os.environ.get("JUDGEBENCH_ARTIFACTS", REPO / "test-artifacts"))
        artifacts.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(artifacts / "review.png"), full_page=True)
        assert dialogs == []
        browser.close()


def test_a_failed_verdict_is_labeled_with_yes_and_a_labeling_is_deleted(served, server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from judgebench.label.ingest import read_upload
    from judgebench.label.workflow import criteria, judges_from, start_labeling
    from tests.label.conftest import scripted_judge

    script(server)
    server.configure(rules=[{"match": "Answer 3:", "reply": "I cannot tell."}] + server.state.config["rules"])
    items, columns = read_upload(str(write_csv(tmp_path / "x.csv", rows(20))))
    library = Library(served.home)
    dataset_id = library.add_dataset("x", items, columns, "x.csv").dataset_id
    labeling, batch = start_labeling(library, dataset_id, criteria("faithfulness"), judges_from([scripted_judge(server)]))
    failed = next(i for i, e in enumerate(batch) if e.judge_label is None)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(f"{served.url}/label/{labeling.id}")
        page.locator("#dots button").nth(failed).click()
        expect(page.locator("#judge-label")).to_have_text("judge: none")
        page.click("#say-yes")
        expect(page.locator("#your-label")).to_have_text("Yes (1)")
        expect(page.locator("#say-yes")).to_have_class("chosen")
        page.click("#say-no")
        page.click("#say-yes")
        page.click("#to-table")
        page.click("#submit-reviews")
        expect(page.locator("#after-msg")).to_contain_text("Submitted 16 labels")
        reviews = {r.item_id: r for r in library.reviews(labeling.id)}
        assert reviews[batch[failed].item_id].label == 1 and reviews[batch[failed].item_id].judge_label is None
        page.goto(served.url + "/")
        expect(page.locator("#labelings tbody tr")).to_have_count(1)
        page.click(".delete-labeling")
        expect(page.locator("#labelings tbody tr")).to_have_count(0)
        browser.close()
    assert library.labelings() == [] and library.dataset(dataset_id)
