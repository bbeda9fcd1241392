import asyncio

import pytest
from textual.widgets import DataTable

from judgebench.label.library import LibraryError
from judgebench.label.tui import ConfirmQuit, ItemScreen, ReviewApp


def drive(labeling, keys, look=None):
    """Press `keys`; the app, or what `look(app)` saw before the app closed."""
    async def go():
        app = ReviewApp(labeling)
        async with app.run_test(size=(120, 40)) as pilot:
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            return app if look is None else look(app)
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


def test_quitting_saves_nothing_and_asks_first_when_labels_were_changed(labeling, library):
    assert drive(labeling, ["q"]).return_value is None             # nothing changed: no question
    asked = drive(labeling, ["f", "right", "f", "q"],
                  lambda app: (type(app.screen), str(app.screen.query_one("#confirm").render())))
    assert asked[0] is ConfirmQuit and "changed 2 label(s)" in asked[1]
    assert drive(labeling, ["f", "q", "n"], lambda app: type(app.screen)) is ItemScreen
    app = drive(labeling, ["f", "right", "f", "q", "y"])
    assert app.return_value is None
    assert library.reviews(labeling.id) == []


def test_the_table_shows_question_and_answer_and_enter_opens_a_row(labeling):
    assert drive(labeling, ["r", "down", "down", "enter"], lambda app: (type(app.screen), app.index)) == \
        (ItemScreen, 2)

    def table(app):
        grid = app.screen.query_one(DataTable)
        return [str(c.label) for c in grid.columns.values()], [str(v) for v in grid.get_row_at(0)]
    columns, first = drive(labeling, ["r"], table)
    assert columns == ["#", "input", "output", "judge", "yours", "changed"]
    batch = labeling.current_batch()
    assert first[2] == labeling.item(batch[0].item_id).fields["output"][:50]


def test_y_and_n_say_yes_and_no(labeling):
    app = drive(labeling, ["y", "right", "n"])
    batch = labeling.current_batch()
    assert (app.decisions[batch[0].item_id], app.decisions[batch[1].item_id]) == (1, 0)


def test_review_without_an_open_batch_says_what_to_do(labeling):
    labeling.submit_reviews({})
    with pytest.raises(LibraryError, match=f"no open review batch.*judgebench label next {labeling.id}"):
        ReviewApp(labeling)


def test_relabeling_shows_its_progress(labeling, server):
    stored, _ = labeling.prompt()
    server.hold(after=4)

    async def go():
        app = ReviewApp(labeling)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("c")
            await pilot.pause()
            app.screen.query_one("#template").text = stored.template.replace("faithful", "faithful (strict)")
            await pilot.press("ctrl+s")
            shown = ""
            for _ in range(600):                    # up to a minute on a busy machine
                await pilot.pause(0.1)
                shown = str(app.screen.query_one("#error").render())
                if "4/16 judged" in shown:
                    break
            server.release()
            await app.workers.wait_for_complete()
            await pilot.pause()
            return shown
    shown = asyncio.run(go())
    assert shown.startswith("relabeling the batch: 4/16 judged (25%) · about "), shown


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
