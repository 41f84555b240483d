"""One tail record in full: key, pretty value, headers, schema, partition, offset, time."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from kafkatui.decode.model import Decoded
from kafkatui.records.text import header_text
from kafkatui.records.view import RecordView
from kafkatui.ui.format import timestamp_ms
from kafkatui.ui.records import pretty
from kafkatui.ui.screens.base import KModal
from kafkatui.ui.widgets.long_text import LongText

SHORT_LIMIT = 4_000  # characters of the value shown until `m` asks for all of it


def _schema(decoded: Decoded) -> str:
    if decoded.schema_id is None:
        return decoded.format
    subject = f", subject {decoded.subject}" if decoded.subject else ""
    return f"{decoded.format}, schema id {decoded.schema_id}{subject}"


class InspectorModal(KModal[None]):
    BINDINGS = [
        Binding("m", "more", "Show all", id="inspector.more"),
        Binding("y", "copy", "Copy", id="inspector.copy"),
        Binding("enter", "dismiss_none", "Close", show=False, id="inspector.close"),
    ]

    def __init__(self, view: RecordView) -> None:
        super().__init__()
        self.view = view
        self.full = False
        self._pretty = pretty(view.value)

    def compose(self) -> ComposeResult:
        record = self.view.record
        meta = Table.grid(padding=(0, 2))
        meta.add_column(style="bold")
        meta.add_column()
        meta.add_row(
            "topic", f"{record.topic}  partition {record.partition}  offset {record.offset}"
        )
        meta.add_row("time", timestamp_ms(record.timestamp_ms) + " UTC")
        meta.add_row("key", Text(pretty(self.view.key)))
        meta.add_row("key format", _schema(self.view.key))
        meta.add_row("value format", _schema(self.view.value))
        for name, raw in record.headers:
            meta.add_row(f"header {name}", "null" if raw is None else header_text(raw))
        with Vertical(classes="dialog wide"):
            yield Static("Record   (esc closes, m shows all, y copies)", classes="title")
            yield Static(meta)
            with VerticalScroll(id="value-scroll"):
                yield Static(self._value_text(), id="value", markup=False)

    def _value_text(self) -> Text:
        text = self._pretty
        if not self.full and len(text) > SHORT_LIMIT:
            hidden = len(text) - SHORT_LIMIT
            return Text(text[:SHORT_LIMIT]) + Text(
                f"\n... {hidden:,} more characters (m)", style="bold"
            )
        return Text(text)

    def on_mount(self) -> None:
        self.query_one("#value-scroll").focus()

    def action_more(self) -> None:
        """Show the whole value: drawn through the Line API, so megabytes open at once."""
        if self.full or len(self._pretty) <= SHORT_LIMIT:
            self.full = True
            return
        self.full = True
        scroll = self.query_one("#value-scroll")
        scroll.display = False
        whole = LongText(self._pretty, id="value-all")
        self.query_one(".dialog").mount(whole, after=scroll)
        whole.focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.view.jsonl())
        self.notify("record copied (OSC 52)")
