"""The terminal review of a batch (textual): one item per page, keyboard only.

    ← / →  previous / next item      home / end  first / last item
    a      accept the judge's label   f  flip it, y / n  Yes / No (binary)     1-5  set a rating (likert)
    r      Review and Submit table    c  Change configuration (edit the prompt, relabel the batch)
    q      quit without saving (asks first when labels were changed)

Dataset text is shown as plain text (rich `Text`), never interpreted as markup.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Static, TextArea

from judgebench.data.column_map import question_and_answer

from judgebench.data.schema import Label
from judgebench.kinds import TaskKind
from judgebench.label.agreement import describe_agreement
from judgebench.label.library import LibraryError
from judgebench.label.records import BatchEntry
from judgebench.run.progress import Meter, reporting_to
from judgebench.label.workflow import Labeling


def flipped(kind: TaskKind, label: Label | None) -> Label | None:
    """The other answer of a two-answer kind (a missing label becomes the first); else unchanged."""
    answers = kind.labels()
    if answers is None or len(answers) != 2:
        return label
    return answers[1] if label in (None, answers[0]) else answers[0]


class ItemScreen(Screen):
    BINDINGS = [
        Binding("left", "move(-1)", "prev"), Binding("right", "move(1)", "next"),
        Binding("home", "jump(0)", "first"), Binding("end", "jump(-1)", "last"),
        Binding("a", "accept", "accept"), Binding("f", "flip", "flip"),
        Binding("y", "say(1)", "Yes", show=False), Binding("n", "say(0)", "No", show=False),
        *[Binding(str(v), f"rate({v})", show=False) for v in range(1, 6)],
        Binding("r", "app.review_table", "Review and Submit"), Binding("c", "app.configure", "Change configuration"),
        Binding("q", "app.leave", "quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status")
        with VerticalScroll():
            yield Static(id="item")
        yield Static(id="judge")
        yield Static(id="decision")
        yield Footer()

    def on_screen_resume(self) -> None:
        self.refresh_item()

    def refresh_item(self) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]
        entry = app.batch[app.index]
        dots = "".join("●" if i == app.index else ("◉" if app.batch[i].item_id in app.visited else "○")
                       for i in range(len(app.batch)))
        self.query_one("#status", Static).update(Text(
            f"round {entry.round} · item {app.index + 1}/{len(app.batch)} · prompt v{entry.prompt_version}   {dots}"))
        body = Text()
        for name, value in app.labeling.item(entry.item_id).fields.items():
            body.append(f"{name}\n", style="bold")
            body.append(f"{value}\n\n")
        self.query_one("#item", Static).update(body)
        prob = f" (p = {entry.judge_prob:.2f})" if entry.judge_prob is not None else ""
        judge = Text(f"judge: {app.kind.describe(entry.judge_label)}{prob}\n", style="bold")
        judge.append(f"reason: {entry.reason or '-'}")
        self.query_one("#judge", Static).update(judge)
        mine = app.decisions.get(entry.item_id)
        changed = " (changed)" if mine != entry.judge_label else ""
        self.query_one("#decision", Static).update(Text(f"your label: {app.kind.describe(mine)}{changed}",
                                                        style="bold reverse" if changed else "bold"))

    def action_move(self, step: int) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]
        app.goto(min(max(app.index + step, 0), len(app.batch) - 1))

    def action_jump(self, index: int) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]
        app.goto(index % len(app.batch))

    def action_accept(self) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]
        entry = app.batch[app.index]
        if entry.judge_label is not None:
            app.decisions[entry.item_id] = entry.judge_label
        self.action_move(1)
        self.refresh_item()

    def action_flip(self) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]
        entry = app.batch[app.index]
        app.decisions[entry.item_id] = flipped(app.kind, app.decisions.get(entry.item_id))
        self.refresh_item()

    def action_say(self, value: int) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]
        if app.kind.labels() is not None and value in app.kind.labels():
            app.decisions[app.batch[app.index].item_id] = value
            self.refresh_item()

    def action_rate(self, value: int) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]
        if value in app.kind.choices().values() and app.kind.labels() is None:     # a point of the scale
            app.decisions[app.batch[app.index].item_id] = value
            self.refresh_item()


class TableScreen(Screen):
    """Review and Submit: all items of the batch, one more chance to change them."""

    BINDINGS = [Binding("f", "flip", "flip selected"), Binding("enter", "open", "open item"),
                Binding("s", "app.submit", "Submit"), Binding("escape", "app.pop_screen", "back")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Review and Submit: f flips the selected row, enter opens it, s submits all."))
        yield Static(id="agreement")
        yield DataTable(id="table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        app: ReviewApp = self.app  # type: ignore[assignment]
        info = app.labeling.library.dataset(app.labeling.info.dataset_id)
        self.columns = [c for c in question_and_answer(info.columns, info.column_map) if c]
        table.add_columns("#", *self.columns, "judge", "yours", "changed")
        self.fill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # The table takes enter for itself and says which row was chosen.
        self.action_open()

    def on_screen_resume(self) -> None:
        self.fill()

    def show_agreement(self) -> None:
        """The judge's agreement with this person on this batch, and per prompt version before it."""
        app: ReviewApp = self.app  # type: ignore[assignment]
        here = sum(app.decisions.get(e.item_id) == e.judge_label and e.judge_label is not None for e in app.batch)
        self.query_one("#agreement", Static).update(Text(
            f"this batch: the judge agrees with you on {here}/{len(app.batch)}. Before: "
            + describe_agreement(app.labeling.library.reviews(app.labeling.id))))

    def fill(self) -> None:
        self.show_agreement()
        app: ReviewApp = self.app  # type: ignore[assignment]
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for i, entry in enumerate(app.batch):
            fields = app.labeling.item(entry.item_id).fields
            mine = app.decisions.get(entry.item_id)
            table.add_row(str(i + 1), *(Text(str(fields.get(c, ""))[:50].replace("\n", " ")) for c in self.columns),
                          app.kind.describe(entry.judge_label), app.kind.describe(mine),
                          "yes" if mine != entry.judge_label else "")
        table.move_cursor(row=min(row, len(app.batch) - 1))

    def action_flip(self) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]
        table = self.query_one(DataTable)
        entry = app.batch[table.cursor_row]
        app.decisions[entry.item_id] = flipped(app.kind, app.decisions.get(entry.item_id))
        self.fill()

    def action_open(self) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]
        app.index = self.query_one(DataTable).cursor_row
        app.pop_screen()


class ConfigScreen(Screen):
    """Change configuration: edit the prompt; saving labels the batch again with the new version."""

    BINDINGS = [Binding("ctrl+s", "save", "save and relabel"), Binding("escape", "app.pop_screen", "cancel")]

    def compose(self) -> ComposeResult:
        app: ReviewApp = self.app  # type: ignore[assignment]
        stored, _ = app.labeling.prompt()
        yield Header()
        yield Static(Text(f"prompt v{stored.version}: edit, then ctrl+s to relabel the batch "
                          "({column} placeholders; escape cancels)"))
        yield TextArea(stored.template, id="template")
        yield Static(id="error")
        yield Footer()

    def action_save(self) -> None:
        meter = Meter("relabeling the batch")
        status = self.query_one("#error", Static)
        status.update(Text("relabeling the batch ..."))
        ticker = self.set_interval(0.5, lambda: status.update(Text(meter.snapshot()["text"])))
        self.run_worker(lambda: self._relabel(self.query_one("#template", TextArea).text, meter, ticker), thread=True)

    def _relabel(self, template: str, meter: Meter, ticker) -> None:
        # In a worker thread: the judge may take a while, the screen stays responsive and counts.
        app: ReviewApp = self.app  # type: ignore[assignment]
        try:
            with reporting_to(meter):
                app.labeling.change_prompt(template)
        except ValueError as exc:       # PromptError, LibraryError: show it, keep the editor open
            app.call_from_thread(ticker.stop)
            app.call_from_thread(self.query_one("#error", Static).update, Text(str(exc), style="bold red"))
            return
        app.call_from_thread(ticker.stop)
        app.call_from_thread(self._done)

    def _done(self) -> None:
        app: ReviewApp = self.app  # type: ignore[assignment]
        app.load_batch()
        app.pop_screen()


class ConfirmQuit(ModalScreen[bool]):
    """Quitting would lose changed labels: ask first."""

    BINDINGS = [Binding("y", "answer(True)", "quit, losing them"), Binding("n,escape", "answer(False)", "stay")]

    def __init__(self, changed: int):
        super().__init__()
        self.changed = changed

    def compose(self) -> ComposeResult:
        yield Static(Text(f"You changed {self.changed} label(s) that are not submitted. Quit and lose them? "
                          "y quits, n stays.", style="bold"), id="confirm")
        yield Footer()

    def action_answer(self, leave: bool) -> None:
        self.dismiss(leave)


class ReviewApp(App):
    TITLE = "judgebench review"

    def __init__(self, labeling: Labeling):
        super().__init__()
        self.labeling = labeling
        self.kind = labeling.kind
        self.index = 0
        self.visited: set[str] = set()
        self.batch: list[BatchEntry] = []
        self.decisions: dict[str, Label | None] = {}
        self.load_batch()
        if not self.batch:
            raise LibraryError(f"labeling {labeling.id} has no open review batch: every item of its last round "
                               f"is reviewed. `judgebench label next {labeling.id}` labels another round, "
                               f"`judgebench label submit {labeling.id}` the whole dataset")

    def load_batch(self) -> None:
        """(Re)load the open batch; a relabel keeps the person's own changes and takes the new judge labels."""
        old = {e.item_id: e.judge_label for e in self.batch}
        self.batch = self.labeling.current_batch()
        for entry in self.batch:
            mine = self.decisions.get(entry.item_id)
            if entry.item_id not in self.decisions or mine == old.get(entry.item_id):
                self.decisions[entry.item_id] = entry.judge_label
        self.sub_title = f"labeling {self.labeling.id}"

    def on_mount(self) -> None:
        self.install_screen(ItemScreen(), "item")
        self.push_screen("item")
        self.visited.add(self.batch[0].item_id)

    def goto(self, index: int) -> None:
        self.index = index
        self.visited.add(self.batch[index].item_id)
        screen = self.screen
        if isinstance(screen, ItemScreen):
            screen.refresh_item()

    def changed(self) -> int:
        """Labels the person set that differ from the judge's and are not submitted."""
        return sum(self.decisions.get(e.item_id) != e.judge_label for e in self.batch)

    def action_leave(self) -> None:
        if not self.changed():
            self.exit(None)
            return
        self.push_screen(ConfirmQuit(self.changed()), lambda leave: self.exit(None) if leave else None)

    def action_review_table(self) -> None:
        self.push_screen(TableScreen())

    def action_configure(self) -> None:
        self.push_screen(ConfigScreen())

    def action_submit(self) -> None:
        missing = [i + 1 for i, e in enumerate(self.batch) if self.decisions.get(e.item_id) is None]
        if missing:
            self.notify(f"items {missing} have no label yet", severity="error")
            return
        changed = self.labeling.submit_reviews({e.item_id: self.decisions[e.item_id] for e in self.batch})
        self.exit({"submitted": len(self.batch), "changed": changed})


def review(labeling: Labeling) -> dict[str, Any] | None:
    """Run the review in this terminal; the outcome, or None when the person quit without submitting."""
    return ReviewApp(labeling).run()
