import asyncio

from judgebench.label.tui import ReviewApp


def drive(labeling, keys):
    async def go():
        app = ReviewApp(labeling)
        async with app.run_test(size=(120, 40)) as pilot:
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            return app
    return asyncio.run(go())


def test_terminal_review_flips_goes_back_and_submits_from_the_table(labeling, library):
    batch = labeling.current_batch()
    assert len(batch) == 16
    # flip item 1, go to item 2 and flip it, go back to item 1 and flip it back, jump to the last
    # item and flip it, then in the table flip row 2 back and submit.
    app = drive(labeling, ["f", "right", "f", "left", "f", "end", "f", "r", "down", "f", "s"])
    assert app.return_value == {"submitted": 16, "changed": 1}
    reviews = {r.item_id: r for r in library.reviews(labeling.id)}
    assert set(reviews) == {e.item_id for e in batch}
    last = batch[-1]
    assert reviews[last.item_id].label == 1 - last.judge_label
    assert all(reviews[e.item_id].label == e.judge_label for e in batch[:-1])
    assert labeling.current_batch() == []


def test_quitting_saves_nothing(labeling, library):
    app = drive(labeling, ["f", "right", "f", "q"])
    assert app.return_value is None
    assert library.reviews(labeling.id) == []


def test_change_configuration_relabels_the_batch(labeling, library, server):
    before = labeling.current_batch()
    stored, _ = labeling.prompt()
    new_template = stored.template.replace("Is the answer faithful", "Is the answer faithful (strict)")
    server.configure(rules=[], default="Verdict: Yes")

    async def go():
        app = ReviewApp(labeling)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("c")
            await pilot.pause()
            app.screen.query_one("#template").text = new_template
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            return app
    app = asyncio.run(go())
    after = labeling.current_batch()
    assert [e.item_id for e in after] == [e.item_id for e in before]
    assert {e.prompt_version for e in after} == {2}
    assert all(e.judge_label == 1 for e in after)
    assert all(app.decisions[e.item_id] == 1 for e in after)
    assert library.prompt_version(labeling.id).template == new_template


def test_a_prompt_without_the_columns_is_refused_in_the_editor(labeling, library):
    async def go():
        app = ReviewApp(labeling)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("c")
            await pilot.pause()
            app.screen.query_one("#template").text = "Is {answer} good?"
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            return str(app.screen.query_one("#error").render())
    error = asyncio.run(go())
    assert "{answer}" in error and "input" in error
    assert library.prompt_version(labeling.id).version == 1


def test_the_review_table_shows_the_judges_agreement_with_you(labeling, library):
    async def go():
        app = ReviewApp(labeling)
        async with app.run_test(size=(160, 40)) as pilot:
            for key in ["f", "r"]:                  # one correction, then the Review and Submit table
                await pilot.press(key)
                await pilot.pause()
            return str(app.screen.query_one("#agreement").render())
    shown = asyncio.run(go())
    assert "this batch: the judge agrees with you on 15/16" in shown and "no reviews yet" in shown
    labeling.submit_reviews({})
    labeling.next_batch()
    assert "Before: v1 agrees with you on 16/16" in asyncio.run(go())
