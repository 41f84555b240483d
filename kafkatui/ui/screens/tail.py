"""Live tail of one topic.

The tail session's consumer thread fills a ring buffer. A pump worker posts the
sequence numbers of new records at a capped rate (every PUMP_S; every BACKLOG_S while a
filtered read has a backlog), applying the filter (`records.RecordFilter`, the CLI's
`--filter` rule) off the event loop; the list widget draws only what is visible.
Nothing is decoded on the event loop: rows drawn before they are decoded show a
placeholder and are decoded by a worker (`decode_rows`), so a slow or frozen schema
registry never stalls keys or scrolling.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from kafkatui.cluster.api import RecordDecoder, TailSession, TailStart
from kafkatui.cluster.errors import KafkaTuiError
from kafkatui.cluster.models import RawRecord, TailStats
from kafkatui.records.avro_texts import AvroTexts
from kafkatui.records.filter import RecordFilter
from kafkatui.records.view import RecordView, decode_record
from kafkatui.ui.format import count
from kafkatui.ui.screens.base import FilterBox, View
from kafkatui.ui.widgets.tail_log import TailLog
from kafkatui.ui.workers import io_work

PUMP_S = 0.15
BACKLOG_S = 0.05  # next read while a backlog remains: caps repaints at 20/s in a flood
BATCH_LIMIT = 5_000
LOOKAHEAD = 60  # newest records decoded ahead in the pump, so following draws from cache
DECODE_GROUP = "tail-decode"  # the worker that decodes rows drawn before the pump got there
EXPORT_PROGRESS_EVERY = 1_000


class TailView(FilterBox):
    BINDINGS = [
        Binding("space", "toggle_follow", "Pause/follow", id="tail.pause"),
        Binding("slash", "open_filter", "Filter", id="tail.filter"),
        Binding("enter", "inspect", "Inspect", id="tail.inspect"),
        Binding("s", "seek", "Seek", id="tail.seek"),
        Binding("e", "export", "Export", id="tail.export"),
        Binding("y", "copy", "Copy", id="tail.copy"),
        Binding("w", "wrap", "Wrap", id="tail.wrap"),
        Binding("F", "find", "Find", show=False, id="tail.find"),
        Binding("C", "copy_to_topic", "Copy to topic", show=False, id="tail.copy_to_topic"),
        Binding("escape", "back", "Back", id="tail.back"),
    ]
    HELP = "Moving up stops following; G or space follows again. Filters apply while tailing."
    FILTER_PLACEHOLDER = "filter records (enter: keep, esc: clear)"

    class Opened(Message):
        def __init__(self, session: TailSession, decoder: RecordDecoder) -> None:
            super().__init__()
            self.session = session
            self.decoder = decoder

    class Batch(Message):
        def __init__(
            self,
            epoch: int,
            after: int,
            seqs: Sequence[int],
            views: dict[int, RecordView],
            last: int,
            more: bool,
            stats: TailStats,
            first: int,
        ) -> None:
            super().__init__()
            self.epoch, self.after, self.seqs, self.views = epoch, after, seqs, views
            self.last = last
            self.more, self.stats, self.first = more, stats, first

    class RowsDecoded(Message):
        def __init__(self, views: dict[int, RecordView]) -> None:
            super().__init__()
            self.views = views

    class ViewReady(Message):
        """One row decoded for an action (inspect, copy) on a row not decoded yet."""

        def __init__(self, view: RecordView, then: Callable[[RecordView], None]) -> None:
            super().__init__()
            self.view, self.then = view, then

    class ExportProgress(Message):
        def __init__(self, done: int, total: int, path: str, finished: bool) -> None:
            super().__init__()
            self.done, self.total, self.path, self.finished = done, total, path, finished

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TailView.ExportProgress) and not message.finished

    def __init__(self, topic: str, start: TailStart | None = None) -> None:
        super().__init__()
        self.topic = topic
        self.TITLE_TEXT = f"tail {topic}"
        self._start = start or TailStart("last", 200)
        self.session: TailSession | None = None
        self.decoder: RecordDecoder | None = None  # the client's one shared decoder
        self._decoding = False  # a decode_rows worker runs
        self._wanted: set[int] = set()  # rows asked for while it ran
        self._reported_error: str | None = None  # the tail error last sent to report_error
        self._partitions: set[int] = set()  # the topic's, seen while reading all of them
        self._epoch = 0
        self._last_seq = -1
        self._more = False
        self._refilling = True
        self._stats = TailStats()
        self._pump_timer: Timer | None = None
        self._export: str | None = None
        self._stats_fitted = False  # the status line fitted on one line when last shown

    def compose_body(self) -> ComposeResult:
        yield Static("opening...", id="tail-stats", classes="summary")
        yield TailLog(self._raw_record, self._request_decode, id="tail-log")
        yield from self.compose_filter()

    @property
    def log_view(self) -> TailLog:
        return self.query_one("#tail-log", TailLog)

    def on_mount(self) -> None:
        self.log_view.focus()
        self.watch(self.log_view, "follow", lambda _v: self._show_stats(), init=False)

    def reload(self) -> None:
        if self.session is None:
            self.open_session()
        else:
            self.pump(self._epoch, self._last_seq, self.filter_text, self.log_view.follow)

    # ---- session ----------------------------------------------------------------------
    @io_work("tail-open", "opening tail")
    def open_session(self) -> None:
        session = self.client.open_tail(self.topic, self._start)
        session.start()
        self.post_message(self.Opened(session, self.client.decoder()))

    def on_tail_view_opened(self, message: Opened) -> None:
        self.session = message.session
        self.decoder = message.decoder
        self.pump(self._epoch, self._last_seq, self.filter_text, self.log_view.follow)

    def on_unmount(self) -> None:
        if self._pump_timer is not None:
            self._pump_timer.stop()
        if self.session is not None:
            self.app.run_worker(
                self.session.stop, thread=True, exit_on_error=False, description="closing tail"
            )

    def _raw_record(self, seq: int) -> RawRecord | None:
        """A buffered record, undecoded: a ring-buffer lookup, no IO."""
        return None if self.session is None else self.session.get(seq)

    # ---- decoding rows off the event loop ---------------------------------------------
    def _request_decode(self, seqs: list[int]) -> None:
        """The list drew these rows undecoded: decode them in one worker at a time (a
        frozen registry then holds one thread, not one per frame)."""
        self._wanted.update(seqs)
        if self._decoding or self.session is None or self.decoder is None:
            return
        wanted, self._wanted = sorted(self._wanted), set()
        self._decoding = True
        self.decode_rows(self.session, self.decoder, wanted)

    @io_work(DECODE_GROUP, "decoding records")
    def decode_rows(self, session: TailSession, decoder: RecordDecoder, seqs: list[int]) -> None:
        views = {}
        for seq in seqs:
            record = session.get(seq)
            if record is not None:
                views[seq] = decode_record(record, decoder)
        self.post_message(self.RowsDecoded(views))

    def on_tail_view_rows_decoded(self, message: RowsDecoded) -> None:
        self.log_view.add_views(message.views)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == DECODE_GROUP and event.state in _FINISHED:
            self._decoding = False
            if self._wanted:
                self._request_decode([])
        # Textual runs View's handler (polls, the error path) too: handlers run along the MRO

    def _with_current(self, then: Callable[[RecordView], None]) -> None:
        """Run `then` on the row under the cursor, decoding it in a worker if need be."""
        log = self.log_view
        view = log.current
        if view is not None:
            then(view)
            return
        record = None if log.cursor < 0 else self._raw_record(log.seq_at(log.cursor))
        if record is not None and self.decoder is not None:
            self.decode_one(record, self.decoder, then)

    @io_work("tail-decode-one", "decoding a record")
    def decode_one(
        self, record: RawRecord, decoder: RecordDecoder, then: Callable[[RecordView], None]
    ) -> None:
        self.post_message(self.ViewReady(decode_record(record, decoder), then))

    def on_tail_view_view_ready(self, message: ViewReady) -> None:
        message.then(message.view)

    # ---- the pump ---------------------------------------------------------------------
    @io_work(View.POLL_GROUP, "reading tail")
    def pump(self, epoch: int, after: int, needle: str, following: bool = True) -> None:
        session, decoder = self.session, self.decoder
        if session is None or decoder is None:
            return
        views: dict[int, RecordView]
        seqs: Sequence[int]
        record_filter = RecordFilter(needle)
        if record_filter:
            batch = session.read(after, BATCH_LIMIT)
            records = [rec for _, rec in batch]
            avro = AvroTexts(decoder, record_filter)
            kept = record_filter.may_match_batch(
                [r.key for r in records], [r.value for r in records],
                [r.headers for r in records], avro.value_text, avro.judged_on_body,
            )  # fmt: skip
            decoded = ((batch[i][0], decode_record(records[i], decoder)) for i in kept)
            views = {seq: view for seq, view in decoded if record_filter.matches(view)}
            seqs = list(views)
            last = batch[-1][0] if batch else after
            more = len(batch) == BATCH_LIMIT
        else:
            # Unfiltered, every buffered record is a row and the buffer's sequence numbers
            # are contiguous: take all new ones at once without reading them, and decode
            # only the newest. Reading BATCH_LIMIT at a time fell behind a fast flood, and
            # the list then showed a stale stretch of the buffer, rebuilt on every batch.
            end = session.next_seq()
            start = max(after + 1, session.first_seq())
            seqs = range(start, end)  # no list of a flood's worth of ints to build and copy
            views = {}
            if following:  # paused, the newest rows are not on screen: nothing to decode
                newest = session.read(max(start, end - LOOKAHEAD) - 1, LOOKAHEAD)
                views = {seq: decode_record(rec, decoder) for seq, rec in newest if seq < end}
            last = end - 1 if seqs else after
            more = False
        self.post_message(
            self.Batch(epoch, after, seqs, views, last, more, session.stats(), session.first_seq())
        )

    def on_tail_view_batch(self, message: Batch) -> None:
        if message.epoch != self._epoch or message.after != self._last_seq:
            return  # superseded (new filter or seek), or a second read of the same records
        log = self.log_view
        log.trim_before(message.first)
        # rows re-read after a filter change or seek are not "new since paused"
        log.append(message.seqs, message.views, count_pending=not self._refilling)
        self._refilling = self._refilling and message.more
        self._last_seq = message.last
        self._more = message.more
        self._stats = message.stats
        if self._start.partitions is None:
            self._partitions.update(message.stats.positions)
        self._report_tail_error(message.stats.error)
        self._show_stats()

    def _report_tail_error(self, error: str | None) -> None:
        """A consumer error (a lost partition, a broker gone) takes the app's one error
        path once, so it stays in `:log` after the status line has moved on."""
        if error is not None and error != self._reported_error:
            self.kapp.report_error(f"tail {self.topic}", TailError(error))
        self._reported_error = error

    def poll_done(self, ok: bool) -> None:
        if self._pump_timer is not None:
            self._pump_timer.stop()
        if self.session is None:
            return
        delay = BACKLOG_S if ok and self._more else (PUMP_S if ok else 2.0)
        self._pump_timer = self.set_timer(delay, self._poll_tick)

    def _restart(self) -> None:
        """New filter or seek: forget shown rows and read the buffer again from its start."""
        self._epoch += 1
        self._refilling = True
        self._last_seq = -1
        self.log_view.reset()
        if self.session is not None:
            self.pump(self._epoch, self._last_seq, self.filter_text, self.log_view.follow)

    # ---- status line ------------------------------------------------------------------
    def _show_stats(self) -> None:
        log = self.log_view
        stats = self._stats
        colours = self.app.theme_variables
        line = Text()
        if log.follow:
            line.append("FOLLOWING", style=f"bold {colours.get('health-ok', '')}")
        else:
            line.append("PAUSED", style=f"bold {colours.get('health-paused', '')}")
            if log.pending:
                line.append(f" (+{count(log.pending)} new)")
        line.append(
            f"  {stats.records_per_s:,.1f} rec/s  kept {count(stats.kept)}  "
            f"dropped {count(stats.dropped)}  shown {count(len(log.rows))}"
        )
        if self.filter_text:
            line.append(f"  filter {self.filter_text!r}", style="bold")
        if stats.caught_up:
            line.append("  caught up")
        if stats.error:
            line.append(f"  {stats.error}", style=colours.get("health-critical", ""))
        if log.wrap:
            line.append("  wrap")
        if self._export:
            line.append(f"  {self._export}", style="bold")
        box = self.query_one("#tail-stats", Static)
        # a line that fits, after one that fitted, keeps the height: no layout of the screen
        fits = 0 < line.cell_len <= box.content_region.width
        box.update(line, layout=not (fits and self._stats_fitted))
        self._stats_fitted = fits

    # ---- keys -------------------------------------------------------------------------
    def action_toggle_follow(self) -> None:
        log = self.log_view
        log.follow = not log.follow

    def action_wrap(self) -> None:
        self.log_view.wrap = not self.log_view.wrap
        self._show_stats()

    def action_back(self) -> None:
        if not self.escape_filter():
            self.app.pop_screen()

    # the filter box (FilterBox): records.RecordFilter, applied by the pump
    def focus_list(self) -> None:
        self.log_view.focus()

    def filter_changed(self) -> None:
        self._restart()
        self._show_stats()

    def action_inspect(self) -> None:
        self._with_current(self._inspect)

    def _inspect(self, view: RecordView) -> None:
        from kafkatui.ui.modals.inspector import InspectorModal

        self.app.push_screen(InspectorModal(view))

    def action_copy(self) -> None:
        self._with_current(self._copy)

    def _copy(self, view: RecordView) -> None:
        self.app.copy_to_clipboard(view.jsonl())
        self.notify(
            f"copied {view.record.topic}-{view.record.partition}@{view.record.offset} (OSC 52)"
        )

    def action_find(self) -> None:
        """Scan the whole topic for the filter's text (or ask for one)."""
        from kafkatui.ui.screens.find import FindView, ask_find

        if self.filter_text:
            self.app.push_screen(FindView(self.topic, self.filter_text))
        else:
            ask_find(self, self.topic)

    def action_copy_to_topic(self) -> None:
        """Copy the records listed (what the filter kept) to another topic."""
        if self.session is None:
            return
        found = (self.session.get(seq) for seq in self.log_view.rows)
        records = [(r.partition, r.offset) for r in found if r is not None]
        if not records:
            self.notify("nothing listed to copy", severity="warning")
            return
        from kafkatui.ui.modals.copy_target import ask_copy

        ask_copy(self, self.topic, records)

    def action_seek(self) -> None:
        from kafkatui.ui.modals.seek import SeekModal

        self.app.push_screen(SeekModal(self._partitions or None), self._seek)

    def _seek(self, start: TailStart | None) -> None:
        if start is None or self.session is None:
            return
        self.do_seek(self.session, start)

    @io_work("tail-seek", "seeking tail")
    def do_seek(self, session: TailSession, start: TailStart) -> None:
        """Waits for the consumer to have moved: a failed seek raises into report_error."""
        session.seek(start)
        self.post_message(self.Sought(start))

    class Sought(Message):
        def __init__(self, start: TailStart) -> None:
            super().__init__()
            self.start = start

    def on_tail_view_sought(self, message: Sought) -> None:
        self.log_view.follow = True
        self._restart()
        value = "" if message.start.value is None else f" {message.start.value}"
        self.notify(f"seek to {message.start.mode}{value}")

    # ---- export -----------------------------------------------------------------------
    def action_export(self) -> None:
        from kafkatui.ui.modals.common import Field, FormModal

        default = f"{self.topic}-{time.strftime('%Y%m%d-%H%M%S')}.jsonl"
        form = FormModal(
            "Export shown records to JSONL",
            [Field("path", "File", default)],
            validate=lambda v: None if v["path"] else "a file name is needed",
            submit_label="Export",
        )
        self.app.push_screen(form, self._export_to)

    def _export_to(self, values: dict[str, str] | None) -> None:
        if values:
            self.export(list(self.log_view.rows), Path(values["path"]).expanduser())

    @io_work("tail-export", "exporting records")
    def export(self, seqs: list[int], path: Path) -> None:
        session, decoder = self.session, self.decoder
        if session is None or decoder is None:
            return
        written = 0
        with path.open("w", encoding="utf-8") as out:
            for index, seq in enumerate(seqs, start=1):
                record = session.get(seq)
                if record is not None:
                    out.write(decode_record(record, decoder).jsonl() + "\n")
                    written += 1
                if index % EXPORT_PROGRESS_EVERY == 0:
                    self.post_message(self.ExportProgress(index, len(seqs), str(path), False))
        self.post_message(self.ExportProgress(written, len(seqs), str(path), True))

    def on_tail_view_export_progress(self, message: ExportProgress) -> None:
        if message.finished:
            self._export = None
            self.notify(f"exported {count(message.done)} records to {message.path}")
        else:
            self._export = f"export {message.done * 100 // max(1, message.total)}%"
        self._show_stats()


class TailError(KafkaTuiError):
    """A consumer error reported by the tail session (its text is written for people)."""


_FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)
