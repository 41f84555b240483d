"""`:dlq TOPIC`: a dead-letter topic grouped by error, its records, and redrive.

The groups view lists connector, task, stage and exception class with counts and the
offset range; `enter` lists a group's dead letters, `enter` on one shows it next to the
original record it points at, and `R` redrives the group (or the marked dead letters)
through the plan-and-confirm dialog.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from kafkatui.cluster.dlq import DlqSummary, ErrorGroup, error_context
from kafkatui.cluster.models import RawRecord
from kafkatui.cluster.transfers import RedriveRequest
from kafkatui.records.text import header_text
from kafkatui.ui.app import error_text
from kafkatui.ui.format import count
from kafkatui.ui.screens.base import DetailView, TableView, back_binding
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable

GROUP_COLUMNS = (
    Column("count", "Count"),
    Column("connector", "Connector"),
    Column("task", "Task"),
    Column("stage", "Stage"),
    Column("exception", "Exception"),
    Column("first", "First"),
    Column("last", "Last"),
    Column("message", "Message"),
)
RECORD_COLUMNS = (
    Column("mark", " "),
    Column("offset", "Offset"),
    Column("key", "Key"),
    Column("original", "Original"),
    Column("message", "Message"),
)
MESSAGE_WIDTH = 60


def short_class(name: str | None) -> str:
    return name.rsplit(".", 1)[-1] if name else "-"


def one_line(text: str | None, width: int = MESSAGE_WIDTH) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "~"


def group_key(group: ErrorGroup) -> str:
    return "|".join(str(part) for part in group.key)


def redrive(view: Any, topic: str, records: Sequence[tuple[int, int]], what: str) -> None:
    """Open the plan-and-confirm dialog for these dead letters (read-only says so first)."""
    if not view.allowed("dlq.redrive"):
        return
    from kafkatui.ui.modals.transfer import TransferModal

    request = RedriveRequest(topic, records=frozenset(records))
    view.app.push_screen(TransferModal(request, f"Redrive {what} from {topic}"))


class DlqView(TableView[ErrorGroup]):
    COLUMNS = GROUP_COLUMNS
    LOADING = "reading dead letters"
    BINDINGS = [Binding("R", "redrive", "Redrive", id="dlq.redrive")]
    HELP = (
        "Dead letters grouped by Kafka Connect's __connect.errors.* headers. enter lists a "
        "group's records; R redrives the group to the topics they came from (a plan, then "
        "a confirmation)."
    )

    def __init__(self, topic: str) -> None:
        super().__init__()
        self.topic = topic
        self.TITLE_TEXT = f"dlq {topic}"
        self.summary_data: DlqSummary | None = None

    def compose_above_table(self) -> ComposeResult:
        yield Static(f"reading {self.topic}...", id="summary", classes="summary")

    def fetch(self) -> DlqSummary:
        summary: DlqSummary = self.client.transfers.dlq(self.topic)
        return summary

    def paint(self, result: DlqSummary) -> None:
        self.summary_data = result
        line = (
            f"{count(result.records)} records, {len(result.groups)} error groups, "
            f"{count(result.without_error_headers)} without error headers"
        )
        if not result.groups:
            line += "  (no Kafka Connect error headers here)"
        self.query_one("#summary", Static).update(line)
        self.set_items(result.groups)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed read says so here too, not "reading..." for ever."""
        if event.worker.group == self.POLL_GROUP and event.state is WorkerState.ERROR:
            self.query_one("#summary", Static).update(
                f"could not read {self.topic}: {error_text(event.worker.error)}"
            )
        # (Textual runs the base classes' handlers too: poll bookkeeping, the error path)

    def key_of(self, item: ErrorGroup) -> str:
        return group_key(item)

    def cells(self, item: ErrorGroup) -> Sequence[Cell]:
        return (
            count(item.count),
            item.connector or "-",
            "-" if item.task is None else str(item.task),
            item.stage or "-",
            Text(short_class(item.exception_class), style="bold"),
            str(item.first_offset),
            str(item.last_offset),
            one_line(item.message),
        )

    def sort_value(self, item: ErrorGroup, column: int) -> Any:
        if column == 0:
            return -item.count
        if column in (5, 6):
            return item.first_offset if column == 5 else item.last_offset
        return super().sort_value(item, column)

    def open_item(self, item: ErrorGroup) -> None:
        self.app.push_screen(DlqRecordsView(self.topic, item))

    def action_redrive(self) -> None:
        group = self.current
        if group is not None:
            redrive(self, self.topic, group.records, f"{count(group.count)} dead letters")


class DlqRecordsView(DetailView):
    """One group's dead letters (the first ones kept); space marks, R redrives."""

    BINDINGS = [
        Binding("space", "mark", "Mark", id="dlq_records.mark"),
        Binding("R", "redrive", "Redrive", id="dlq_records.redrive"),
        back_binding("dlq_records"),
    ]

    def __init__(self, topic: str, group: ErrorGroup) -> None:
        super().__init__()
        self.topic = topic
        self.group = group
        self.TITLE_TEXT = f"dlq {topic}: {short_class(group.exception_class)}"
        self.marked: set[str] = set()
        self.by_key = {f"{r.partition}:{r.offset}": r for r in group.sample}

    def compose_body(self) -> ComposeResult:
        group = self.group
        shown = len(group.sample)
        more = f" (the first {shown} listed)" if shown < group.count else ""
        yield from self.compose_summary(
            f"{count(group.count)} dead letters{more}  {group.connector or '-'} "
            f"task {group.task if group.task is not None else '-'}  {group.stage or '-'}\n"
            f"{group.exception_class or '-'}: {one_line(group.message, 200)}"
        )
        yield KeyedTable(RECORD_COLUMNS, id="records")

    def on_mount(self) -> None:
        self._draw()
        self.query_one("#records", KeyedTable).focus()

    def _draw(self) -> None:
        rows = [(key, self._cells(key, r)) for key, r in self.by_key.items()]
        self.query_one("#records", KeyedTable).sync(rows)

    def _cells(self, key: str, record: RawRecord) -> tuple[Cell, ...]:
        context = error_context(record)
        original = (
            f"{context.original_topic}[{context.original_partition}]@{context.original_offset}"
            if context.points_at_original
            else (context.original_topic or "-")
        )
        return (
            "*" if key in self.marked else " ",
            str(record.offset),
            one_line(None if record.key is None else header_text(record.key), 24),
            original,
            one_line(context.message, 50),
        )

    @property
    def _current(self) -> tuple[str, RawRecord] | None:
        key = self.query_one("#records", KeyedTable).current_key
        return None if key is None else (key, self.by_key[key])

    def action_mark(self) -> None:
        current = self._current
        if current is None:
            return
        self.marked ^= {current[0]}
        self._draw()
        table = self.query_one("#records", KeyedTable)
        table.move_cursor(row=min(table.cursor_row + 1, table.row_count - 1))

    @on(DataTable.RowSelected, "#records")
    def action_open(self) -> None:
        """enter: the dead letter next to the original it points at."""
        current = self._current
        if current is not None:
            from kafkatui.ui.modals.dead_letter import DeadLetterModal

            self.app.push_screen(DeadLetterModal(current[1]))

    def action_redrive(self) -> None:
        if self.marked:
            chosen = [(r.partition, r.offset) for k, r in self.by_key.items() if k in self.marked]
            redrive(self, self.topic, chosen, f"{len(chosen)} marked dead letters")
        else:
            redrive(self, self.topic, self.group.records, f"{count(self.group.count)} dead letters")
