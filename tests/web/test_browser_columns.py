"""Column mapping and the custom prompt's kind in the library page, in headless Chromium."""

from __future__ import annotations

from judgebench.label.library import Library
from tests.label.conftest import qa_rows, script, write_csv
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, needs_chromium

pytestmark = needs_chromium


def test_the_page_suggests_the_columns_and_the_person_changes_one(served, server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    script(server)
    upload = write_csv(tmp_path / "qa.csv", qa_rows(30))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(served.url + "/")
        page.set_input_files("#file", str(upload))
        page.click("#upload-btn")
        expect(page.locator("#upload-msg")).to_contain_text("{input} ← question, {output} ← answer",
                                                            timeout=30_000)    # the first upload loads readers
        page.click("#datasets .label-dataset")
        page.select_option("#metric", "faithfulness")
        boxes = page.locator("#column-map select")
        expect(boxes).to_have_count(3)
        assert [boxes.nth(i).get_attribute("data-placeholder") for i in range(3)] == ["context", "input", "output"]
        assert [boxes.nth(i).input_value() for i in range(3)] == ["context", "question", "answer"]

        # A custom prompt starts empty and asks for its kind; its own placeholders get boxes.
        page.select_option("#metric", "")
        expect(page.locator("#template")).to_have_value("")
        expect(page.locator("#kind-choice")).to_be_visible()
        page.fill("#template", "Does {answer} answer {input}? Yes or No.")
        expect(boxes).to_have_count(2)
        page.select_option("#judge", "scripted")
        page.click("#start-btn")
        expect(page.locator("#start-msg")).to_contain_text("needs its kind")
        assert server.state.requests == 0

        # Back to the built-in prompt, with the person's choice for {output}: remembered for the dataset.
        page.select_option("#metric", "faithfulness")
        boxes.nth(2).select_option("context")
        page.click("#start-btn")
        page.wait_for_url("**/label/lb-*", timeout=60_000)
        expect(page.locator("#dots button")).to_have_count(16)
        browser.close()
    dataset = Library(served.home).datasets()[0]
    assert dataset.column_map == {"input": "question", "output": "context"}
    asked = [m["content"] for r in server.state.log for m in r["messages"] if m["content"].startswith("Decide")]
    assert asked and all("Answer:\nDocument " in m for m in asked)


def test_the_arena_takes_a_mapped_dataset_and_greys_out_one_it_cannot_read(served_arena, server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    library = Library(served_arena.home)
    from judgebench.label.ingest import read_upload

    items, columns = read_upload(str(write_csv(tmp_path / "qa.csv", qa_rows(6))))
    mapped = library.add_dataset("qa", items, columns, "qa.csv")
    odd = [{"a": r["question"], "b": r["answer"]} for r in qa_rows(6)]
    items, columns = read_upload(str(write_csv(tmp_path / "odd.csv", odd)))
    library.add_dataset("odd", items, columns, "odd.csv")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(served_arena.url + "/arena")
        odd_option = page.locator("#arena-dataset option", has_text="odd@1")
        expect(odd_option).to_be_disabled()
        assert "judgebench data map odd@1 input=COLUMN output=COLUMN" in odd_option.get_attribute("title")
        page.select_option("#arena-dataset", f"library:{mapped.dataset_id}")
        server.hold(after=1)                    # one judge has written its critique, the other is held
        page.click("#new-match")
        expect(page.locator("#arena-progress .progress-text")).to_contain_text(
            "the judges are evaluating: 1/2 judged (50%) · about ", timeout=60_000)
        server.release()
        expect(page.locator("#vote-buttons")).to_be_visible()
        shown = page.locator("#arena-item").inner_text()
        assert "What about" in shown and "Answer " in shown
        browser.close()
