"""A dead letter next to the original record it points at (`__connect.errors.*`)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from kafkatui.cluster.dlq import HEADER_PREFIX, error_context
from kafkatui.cluster.models import RawRecord
from kafkatui.records.text import header_text
from kafkatui.records.view import RecordView, decode_record
from kafkatui.ui.format import timestamp_ms
from kafkatui.ui.records import pretty
from kafkatui.ui.screens.base import KModal
from kafkatui.ui.workers import io_work

TRACE_LINES = 6  # of the stack trace: the exception and where it was thrown
VALUE_CHARS = 3_000


def record_panel(view: RecordView, *, skip_error_headers: bool) -> Text:
    """One record as labelled lines: where, when, key, headers, then the whole value."""
    record = view.record
    rows = [
        ("at", f"{record.topic} [{record.partition}] @{record.offset}"),
        ("time", timestamp_ms(record.timestamp_ms) + " UTC"),
        ("key", pretty(view.key)),
    ]
    rows += [
        (name, "null" if raw is None else header_text(raw))
        for name, raw in record.headers
        if not (skip_error_headers and name.startswith(HEADER_PREFIX))
    ]
    out = Text()
    for label, value in rows:
        out.append(f"{label}: ", style="bold")
        out.append(f"{value}\n")
    value = pretty(view.value)
    if len(value) > VALUE_CHARS:
        value = value[:VALUE_CHARS] + f"\n... {len(value) - VALUE_CHARS:,} more characters"
    out.append("value\n", style="bold")
    out.append(value)
    return out


class DeadLetterModal(KModal[None]):
    class Loaded(Message):
        def __init__(self, dead: RecordView, original: RecordView | None, why: str) -> None:
            super().__init__()
            self.dead, self.original, self.why = dead, original, why

    def __init__(self, dead: RawRecord) -> None:
        super().__init__()
        self.dead = dead
        self.context = error_context(dead)

    def compose(self) -> ComposeResult:
        c = self.context
        trace = "\n".join((c.stack_trace or "").splitlines()[:TRACE_LINES])
        error = Text.assemble(
            (f"{c.stage or '-'}  {c.exception_class or '-'}\n", "bold"),
            f"{c.message or ''}\n",
            (trace, "dim"),
        )
        with Vertical(classes="dialog wide"):
            yield Static("Dead letter and its original   (esc closes)", classes="title")
            yield Static(error, id="dead-error")
            with Horizontal(id="dead-pair"):
                with VerticalScroll(id="dead-side"):
                    yield Static("dead letter: decoding...", id="dead-record", markup=False)
                with VerticalScroll(id="original-side"):
                    yield Static("original: reading...", id="original-record", markup=False)

    def on_mount(self) -> None:
        self.load()

    @io_work("dead-letter", "reading the original record")
    def load(self) -> None:
        client = self.kapp.client
        decoder = client.decoder()
        dead = decode_record(self.dead, decoder)
        c = self.context
        if not c.points_at_original or c.original_topic is None:
            self.post_message(self.Loaded(dead, None, "the dead letter names no original offset"))
            return
        assert c.original_partition is not None and c.original_offset is not None
        original = client.transfers.record_at(c.original_topic, c.original_partition,
                                              c.original_offset)  # fmt: skip
        if original is None:
            why = "not there any more (retention or compaction removed it)"
            self.post_message(self.Loaded(dead, None, why))
            return
        self.post_message(self.Loaded(dead, decode_record(original, decoder), ""))

    def on_dead_letter_modal_loaded(self, message: Loaded) -> None:
        dead = Text("dead letter\n", style="bold") + record_panel(
            message.dead, skip_error_headers=True
        )
        self.query_one("#dead-record", Static).update(dead)
        c = self.context
        where = f"{c.original_topic or '-'} [{c.original_partition}] @{c.original_offset}"
        if message.original is None:
            original = Text.assemble(("original\n", "bold"), f"{where}: {message.why}")
        else:
            original = Text("original\n", style="bold") + record_panel(
                message.original, skip_error_headers=False
            )
        self.query_one("#original-record", Static).update(original)
