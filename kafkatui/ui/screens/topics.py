"""Topics: names paint at once, then partitions, RF, messages, URP, cleanup, size fill in."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer

from kafkatui.cluster.models import TopicSummary
from kafkatui.ui.format import count, duration_ms, shorten, size, styled
from kafkatui.ui.modals.common import ConfirmModal, Field, FormModal, positive_int
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.widgets.keyed_table import Cell, Column
from kafkatui.ui.workers import io_work

FILL_CHUNK = 250  # names per fill_summaries call: the table fills in steps
# Calls in flight at once. 4 cost 100-200 MB more RSS at 10,000 topics (each thread's
# answers in its own malloc arena) and filled no faster on a loaded 2-core machine.
FILL_PARALLEL = 1
NAMES_DRAWN_WAIT_S = 1.0  # the details' calls wait at most this long for the names to show
REDRAW_S = 0.25  # while chunks of details arrive, the table is redrawn at most this often
NAME_MIN = 16  # a narrow terminal still shows this much of each name


class TopicsView(TableView[TopicSummary]):
    TITLE_TEXT = "topics"
    POLL_S = 15.0
    COLUMNS = (
        Column("name", "Topic"),
        Column("partitions", "Parts"),
        Column("rf", "RF"),
        Column("messages", "Messages"),
        Column("urp", "URP"),
        Column("cleanup", "Cleanup"),
        Column("retention", "Retention"),
        Column("size", "Size"),
    )
    BINDINGS = [
        Binding("t", "tail", "Tail", id="topics.tail"),
        Binding("d", "describe", "Describe", id="topics.describe"),
        Binding("n", "create", "New", id="topics.create"),
        Binding("plus", "add_partitions", "+Parts", id="topics.add_partitions"),
        Binding("ctrl+d", "delete", "Delete", id="topics.delete"),
        Binding("P", "produce", "Produce", id="topics.produce"),
        Binding("F", "find", "Find", show=False, id="topics.find"),
    ]
    HELP = "Columns fill in as their batched calls answer; '-' means not known yet."
    CELL_FREE_SORTS = frozenset({0, 1, 2, 3, 4, 6, 7})  # the `exact` ones of sort_value
    name_width: int | None = None  # long names are cut to this, so every column fits

    class Names(Message):
        def __init__(self, topics: list[TopicSummary], drawn: threading.Event) -> None:
            super().__init__()
            self.topics = topics
            self.drawn = drawn  # set once the names are on screen

    class Summaries(Message):
        def __init__(self, topics: list[TopicSummary], last: bool) -> None:
            super().__init__()
            self.topics = topics
            self.last = last

    def __init__(self) -> None:
        super().__init__()
        self._drawn_at = 0.0  # monotonic time of the last redraw
        self._redraw_timer: Timer | None = None
        self._filled = 0  # topics whose details arrived in this load

    # ---- loading ----------------------------------------------------------------------
    def reload(self) -> None:
        self.load_names()

    @io_work("poll", "listing topics")
    def load_names(self) -> None:
        names = self.client.topics.list_names()
        drawn = threading.Event()
        self.post_message(self.Names(names, drawn))
        # the details' calls compete with drawing for the CPU: the names show first
        drawn.wait(NAMES_DRAWN_WAIT_S)
        self.fill_in_parallel([t.name for t in names])

    def fill_in_parallel(self, names: list[str]) -> None:
        """Worker thread: the details in chunks, FILL_PARALLEL at once.

        The first chunk goes alone: it reads the metadata the others then share. Each
        chunk's DescribeConfigs and ListOffsets wait on the brokers, not on this process,
        so overlapping them divides the fill time on a big cluster."""
        chunks = [names[i : i + FILL_CHUNK] for i in range(0, len(names), FILL_CHUNK)]
        if not chunks:
            return
        fill = self.client.topics.fill_summaries
        self.post_message(self.Summaries(fill(chunks[0]), last=len(chunks) == 1))
        with ThreadPoolExecutor(FILL_PARALLEL, thread_name_prefix="topics-fill") as pool:
            pending = [pool.submit(fill, chunk) for chunk in chunks[1:]]
            for done, future in enumerate(as_completed(pending), start=2):
                self.post_message(self.Summaries(future.result(), last=done == len(chunks)))

    def on_topics_view_names(self, message: Names) -> None:
        known = self.items
        merged = [known.get(t.name, t) for t in message.topics]
        self.merge_items(merged)
        self.kapp.known_topics = sorted(t.name for t in message.topics)
        self._filled = 0
        self.load_progress("filling", 0, len(message.topics), "topics")
        self.call_after_refresh(message.drawn.set)

    def on_topics_view_summaries(self, message: Summaries) -> None:
        """Chunks are applied at once but drawn at most every REDRAW_S (the last at once):
        a draw writes only the rows that changed, but each repaints the visible table."""
        self.update_items(message.topics, draw=False)
        self._filled += len(message.topics)
        self.load_progress("filling", self._filled, len(self.items), "topics")
        wait = self._drawn_at + REDRAW_S - time.monotonic()
        if message.last or wait <= 0:
            self._draw_changes()
        elif self._redraw_timer is None:
            self._redraw_timer = self.set_timer(wait, self._draw_changes)

    def _draw_changes(self) -> None:
        if self._redraw_timer is not None:
            self._redraw_timer.stop()
            self._redraw_timer = None
        self._drawn_at = time.monotonic()
        self.apply_changes()
        self.call_after_refresh(self._fit_names)  # filled columns may have grown

    # ---- rows -------------------------------------------------------------------------
    def key_of(self, item: TopicSummary) -> str:
        return item.name

    def cells(self, item: TopicSummary) -> Sequence[Cell]:
        colours = self.app.theme_variables
        urp: Cell = count(item.under_replicated)
        if item.offline:
            urp = styled(
                f"{item.under_replicated or 0} off:{item.offline}",
                colours,
                "health-critical",
                bold=True,
            )
        elif item.under_replicated:
            urp = styled(str(item.under_replicated), colours, "health-warn", bold=True)
        shown = shorten(item.name, self.name_width)
        name: Cell = Text(shown, style="dim") if item.internal else shown
        return (
            name,
            count(item.partitions),
            count(item.replication_factor),
            count(item.messages),
            urp,
            item.cleanup_policy or "-",
            duration_ms(item.retention_ms),
            size(item.size_bytes),
        )

    def redraw(self) -> None:
        if self._redraw_timer is not None:
            self._redraw_timer.stop()
            self._redraw_timer = None
        self._drawn_at = time.monotonic()
        super().redraw()
        self.call_after_refresh(self._fit_names)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_names)

    def _fit_names(self) -> None:
        """Give names the room the other columns leave, so none is pushed off screen."""
        table = self.table
        others = sum(c.get_render_width(table) for k, c in table.columns.items() if k != "name")
        inside = table.scrollable_content_region.width  # without a scrollbar, if one shows
        width = max(NAME_MIN, inside - others - 2 * table.cell_padding)
        if width != self.name_width and inside:
            old, self.name_width = self.name_width, width
            # only names longer than the narrower of the two cuts are shown differently
            cut_at = width if old is None else min(old, width)
            recut = [name for name in self._rows if len(name) > cut_at]
            for name in recut:
                del self._rows[name]
            self._changed.update(name for name in recut if name in self.items)
            self.apply_changes()

    def haystack(self, item: TopicSummary, cells: Sequence[Cell]) -> str:
        return item.name + " " + super().haystack(item, cells)

    def sort_value(self, item: TopicSummary, column: int) -> Any:
        exact = {  # not the shown text: names may be cut, numbers are formatted
            0: item.name,
            1: item.partitions,
            2: item.replication_factor,
            3: item.messages,
            4: item.under_replicated,
            6: item.retention_ms,
            7: item.size_bytes,
        }
        if column in exact:
            return exact[column]
        return super().sort_value(item, column)

    def open_item(self, item: TopicSummary) -> None:
        from kafkatui.ui.screens.topic_detail import TopicDetailView

        self.app.push_screen(TopicDetailView(item.name))

    # ---- actions ----------------------------------------------------------------------
    def action_describe(self) -> None:
        if self.current is not None:
            self.open_item(self.current)

    def action_find(self) -> None:
        if self.current is not None:
            from kafkatui.ui.screens.find import ask_find

            ask_find(self, self.current.name)

    def action_tail(self) -> None:
        if self.current is not None:
            self.kapp.open_tail(self.current.name)

    def action_create(self) -> None:
        if not self.allowed("topic.create"):
            return

        def check(values: dict[str, str]) -> str | None:
            if not values["name"]:
                return "a name is needed"
            return positive_int(values["partitions"], "partitions") or positive_int(
                values["replication"], "replication factor"
            )

        form = FormModal(
            "Create topic",
            [
                Field("name", "Name"),
                Field("partitions", "Partitions", "3"),
                Field("replication", "Replication factor", "1"),
                Field(
                    "configs",
                    "Configs (key=value, comma separated)",
                    "",
                    "cleanup.policy=compact,retention.ms=86400000",
                ),
            ],
            validate=check,
            submit_label="Create",
        )
        self.app.push_screen(form, self._create)

    def _create(self, values: dict[str, str] | None) -> None:
        if not values:
            return
        configs = dict(pair.split("=", 1) for pair in values["configs"].split(",") if "=" in pair)
        name = values["name"]
        self.run_change(
            f"creating topic {name}",
            lambda: self.client.topics.create(
                name, int(values["partitions"]), int(values["replication"]), configs or None
            ),
            f"topic {name} created",
        )

    def action_delete(self) -> None:
        item = self.current
        if item is None or not self.allowed("topic.delete"):
            return
        dialog = ConfirmModal(
            f"Delete topic {item.name}?",
            "All its records are lost. This cannot be undone.",
            type_to_confirm=item.name,
            action_label="Delete",
        )
        self.app.push_screen(dialog, lambda ok: self._delete(item.name) if ok else None)

    def _delete(self, name: str) -> None:
        self.run_change(
            f"deleting topic {name}",
            lambda: self.client.topics.delete(name),
            f"topic {name} deleted",
        )

    def action_add_partitions(self) -> None:
        item = self.current
        if item is None or not self.allowed("topic.add_partitions"):
            return
        now = item.partitions or 0

        def check(values: dict[str, str]) -> str | None:
            problem = positive_int(values["total"], "the new total")
            if problem is None and int(values["total"]) <= now:
                problem = f"the new total must be more than {now}"
            return problem

        form = FormModal(
            f"Add partitions to {item.name}",
            [Field("total", f"New total (now {now})", str(now + 1))],
            validate=check,
            hint="Keys may map to different partitions afterwards.",
            submit_label="Add",
        )
        self.app.push_screen(form, lambda v: self._add_partitions(item.name, v))

    def _add_partitions(self, name: str, values: dict[str, str] | None) -> None:
        if not values:
            return
        total = int(values["total"])
        self.run_change(
            f"adding partitions to {name}",
            lambda: self.client.topics.add_partitions(name, total),
            f"{name} now has {total} partitions",
        )

    def action_produce(self) -> None:
        item = self.current
        if item is None or not self.allowed("topic.produce"):
            return
        from kafkatui.ui.modals.produce import ProduceModal

        self.app.push_screen(ProduceModal(item.name))
