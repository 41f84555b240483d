"""`:find TOPIC TEXT` (and `F` in the topics and tail views): scan a topic with a progress
bar while matches stream into a list.

The scan runs in one worker (records.find.Finder: the shared filter, raw bytes tried
first); matches and progress come back as messages, progress replacing progress.
`esc` cancels a running scan (and goes back once it stopped), `enter` inspects a match,
`space` marks matches and `C` copies the marked ones (or all matches) to another topic.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import Worker, WorkerState

from kafkatui.cluster.api import TailStart
from kafkatui.cluster.scan import ScanProgress
from kafkatui.records.find import Finder, FindRequest, FindResult
from kafkatui.records.view import RecordView
from kafkatui.ui.format import count, timestamp_ms
from kafkatui.ui.screens.base import View
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable

COLUMNS = (
    Column("mark", " "),
    Column("p", "P"),
    Column("offset", "Offset"),
    Column("time", "Time"),
    Column("key", "Key"),
    Column("value", "Value"),
)
MAX_SHOWN = 10_000  # matches kept in the list; the scan stops there
VALUE_WIDTH = 80


def _cut(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "~"


def eta_text(progress: ScanProgress) -> str:
    eta = progress.eta_s
    if eta is None:
        return "--:--"
    minutes, seconds = divmod(int(eta + 0.5), 60)
    return f"{minutes:02d}:{seconds:02d}"


def ask_find(screen: Any, topic: str, text: str = "") -> None:
    """The find dialog for `topic` (`F`): what to look for, then the find view."""
    from kafkatui.ui.modals.common import Field, FormModal

    def chosen(values: dict[str, str] | None) -> None:
        if values and values["text"]:
            screen.app.push_screen(FindView(topic, values["text"]))

    form = FormModal(
        f"Find in {topic}",
        [Field("text", "Text (smart case: key, value, headers)", text)],
        validate=lambda v: None if v["text"] else "type something to look for",
        submit_label="Find",
    )
    screen.app.push_screen(form, chosen)


class FindView(View):
    BINDINGS = [
        Binding("escape", "cancel_or_back", "Cancel/back", id="find.back"),
        Binding("space", "mark", "Mark", id="find.mark"),
        Binding("C", "copy_to_topic", "Copy to topic", id="find.copy_to_topic"),
    ]
    HELP = (
        "Scans the whole topic with the tail filter's rule (smart case; key, value, headers). "
        "enter inspects a match; space marks; C copies the marked matches (or all) to a topic."
    )

    class Found(Message):
        def __init__(self, views: list[RecordView]) -> None:
            super().__init__()
            self.views = views

    class Moved(Message):
        def __init__(self, progress: ScanProgress) -> None:
            super().__init__()
            self.progress = progress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, FindView.Moved)

    class Done(Message):
        def __init__(self, result: FindResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, topic: str, text: str, start: TailStart | None = None) -> None:
        super().__init__()
        self.topic = topic
        self.text = text
        self.start = start or TailStart("earliest")
        self.TITLE_TEXT = f"find {text!r} in {topic}"
        self.matches: dict[str, RecordView] = {}
        self.marked: set[str] = set()
        self.finder: Finder | None = None
        self.running = False
        self.last: ScanProgress | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("starting...", id="find-status", classes="summary")
        yield ProgressBar(total=None, show_eta=False, id="find-progress")
        yield KeyedTable(COLUMNS, id="find-matches")

    def on_mount(self) -> None:
        self.query_one("#find-matches", KeyedTable).focus()
        self.scan()

    def reload(self) -> None:
        """ctrl+r scans again (from scratch)."""
        if self.running:
            return
        self.matches.clear()
        self.marked.clear()
        self.query_one("#find-matches", KeyedTable).sync([])
        self.scan()

    def scan(self) -> None:
        self.running = True
        self.run_worker(
            self._scan_body,
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="find",
            description=f"finding in {self.topic}",
        )

    def _scan_body(self) -> None:
        client = self.client
        request = FindRequest(self.topic, self.text, self.start, max_matches=MAX_SHOWN)
        finder = Finder(client.transfers.scan, client.decoder(), request)
        self.finder = finder

        def found(views: list[RecordView]) -> None:
            self.post_message(self.Found(views))

        def moved(progress: ScanProgress) -> None:
            self.post_message(self.Moved(progress))

        result = finder.run(found, moved)
        self.post_message(self.Done(result))

    # ---- messages -------------------------------------------------------------------
    def on_find_view_found(self, message: Found) -> None:
        for view in message.views:
            record = view.record
            self.matches[f"{record.partition}:{record.offset}"] = view
        self._draw()

    def on_find_view_moved(self, message: Moved) -> None:
        self.last = p = message.progress
        self.query_one("#find-progress", ProgressBar).update(total=max(p.total, 1),
                                                             progress=p.scanned)  # fmt: skip
        self.query_one("#find-status", Static).update(
            f"scanning {self.topic}: {count(p.scanned)}/{count(p.total)} records  "
            f"{count(int(p.rate))} rec/s  ETA {eta_text(p)}  "
            f"{count(len(self.matches))} matches  (esc cancels)"
        )

    def on_find_view_done(self, message: Done) -> None:
        self.running = False
        r = message.result
        state = "cancelled" if r.cancelled else "done"
        more = f" (stopped at {count(MAX_SHOWN)})" if r.matches >= MAX_SHOWN else ""
        self.query_one("#find-progress", ProgressBar).update(total=max(r.total, 1),
                                                             progress=r.scanned)  # fmt: skip
        self.query_one("#find-status", Static).update(
            f"{state}: {count(r.matches)} matches{more} in {count(r.scanned)} of "
            f"{count(r.total)} records ({r.elapsed_s:.1f} s)"
            + ("" if r.matches else "  (no match)")
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "find" and event.state is WorkerState.ERROR:
            self.running = False
            self.query_one("#find-status", Static).update("find failed (see the notification)")

    # ---- the list -------------------------------------------------------------------
    def _draw(self) -> None:
        rows = [(key, self._cells(key, view)) for key, view in self.matches.items()]
        self.query_one("#find-matches", KeyedTable).sync(rows)

    def _cells(self, key: str, view: RecordView) -> tuple[Cell, ...]:
        record = view.record
        return (
            "*" if key in self.marked else " ",
            str(record.partition),
            str(record.offset),
            timestamp_ms(record.timestamp_ms),
            _cut(view.key_text, 24),
            _cut(view.value_text, VALUE_WIDTH),
        )

    @property
    def _current_key(self) -> str | None:
        return self.query_one("#find-matches", KeyedTable).current_key

    @on(DataTable.RowSelected, "#find-matches")
    def _inspect(self) -> None:
        key = self._current_key
        if key is not None:
            from kafkatui.ui.modals.inspector import InspectorModal

            self.app.push_screen(InspectorModal(self.matches[key]))

    def action_mark(self) -> None:
        key = self._current_key
        if key is None:
            return
        self.marked ^= {key}
        self._draw()
        table = self.query_one("#find-matches", KeyedTable)
        table.move_cursor(row=min(table.cursor_row + 1, table.row_count - 1))

    def action_copy_to_topic(self) -> None:
        keys = self.marked or set(self.matches)
        if not keys:
            self.notify("nothing to copy: no matches yet", severity="warning")
            return
        records = [(self.matches[k].record.partition, self.matches[k].record.offset) for k in keys]
        from kafkatui.ui.modals.copy_target import ask_copy

        ask_copy(self, self.topic, records)

    def on_unmount(self) -> None:
        if self.finder is not None:
            self.finder.cancel()  # a scan nobody looks at stops after its batch

    def action_cancel_or_back(self) -> None:
        if self.running and self.finder is not None:
            self.finder.cancel()
            self.query_one("#find-status", Static).update("cancelling...")
            return
        self.app.pop_screen()
