"""What every view shares: the frame, the error path, self-rescheduling polls, filtering.

`View` is a Screen with a status bar on top and the footer at the bottom. Its workers'
state changes go to the app's one error handler. A view whose load is one call names it
in `LOADING` and implements `fetch` (worker thread) and `paint` (event loop). A poll's
result (or failure) calls `poll_done()`; the next poll is scheduled from there, so polls
never overlap, pause while the view is hidden or covered by a modal, and back off after
errors.

Until its poll worker first succeeds, a view says that it is loading (and how far along,
where the view reports progress); after a failed poll it says its data is stale and how
old it is. Both come from the poll workers' state changes, so every view gets them.

`TableView` adds a keyed table with filter-as-you-type and sort by any column. Work per
poll follows what changed, not the table's size: items equal to the ones shown keep
their cached cells, and when no changed item moves in the sort or the filter, only the
changed rows are written (`apply_changes`); anything else redraws the whole list.
`DetailView` is one item's page: a summary line above its tables, escape goes back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker, WorkerState

from kafkatui.cluster.api import KafkaTuiClient
from kafkatui.ui.screens.table_order import (
    Ordered,
    OrderRequest,
    SortKey,
    fresh_rows,
    order_rows,
)
from kafkatui.ui.widgets.inputs import KInput
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable
from kafkatui.ui.widgets.load_state import LoadLine
from kafkatui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from kafkatui.ui.app import KafkaTuiApp

T = TypeVar("T")
MAX_BACKOFF = 8  # polls slow down to at most 8x their interval after repeated errors


class ChangeDone(Message):
    """A changing call finished: tell the user and reload the view."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ForwardsWorkerErrors:
    """Worker state messages do not bubble: hand them to the app's single handler."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.worker_state_changed(event)  # type: ignore[attr-defined]


class KModal(ForwardsWorkerErrors, ModalScreen[T], Generic[T]):
    """Base of every dialog: escape closes it."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close", id="modal.close")]

    @property
    def kapp(self) -> KafkaTuiApp:
        return self.app  # type: ignore[return-value]

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class View(ForwardsWorkerErrors, Screen[None]):
    TITLE_TEXT: str = ""  # instances of detail views set their own
    POLL_S: ClassVar[float | None] = None  # seconds between polls; None: load on demand only
    POLL_GROUP: ClassVar[str] = "poll"
    LOADING: ClassVar[str] = ""  # what the one-call load does ("listing ACLs"); "": no fetch
    SHOWS_LOAD_STATE: ClassVar[bool] = False  # lists and detail pages: a line says "loading"
    HELP: ClassVar[str] = ""

    class Fetched(Message):
        """The result of `fetch`, on its way from the worker thread to `paint`."""

        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    def __init__(self) -> None:
        super().__init__()
        self._poll_timer: Timer | None = None
        self._failures = 0
        self._stale = False
        self.load_line = LoadLine()
        self.load_line.state.retries = self.POLL_S is not None

    @property
    def kapp(self) -> KafkaTuiApp:
        return self.app  # type: ignore[return-value]

    @property
    def client(self) -> KafkaTuiClient:
        return self.kapp.client

    def compose(self) -> ComposeResult:
        yield StatusBar(self.TITLE_TEXT)
        if self.SHOWS_LOAD_STATE:
            yield self.load_line
        with Vertical(id="body"):
            yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.reload()

    # ---- loading and polling ----------------------------------------------------------
    def reload(self) -> None:
        """Start (or restart) this view's load; views with more than one call override it."""
        if self.LOADING:
            self.run_worker(
                self._fetch_and_post,
                thread=True,
                exclusive=True,
                exit_on_error=False,
                group=self.POLL_GROUP,
                description=self.LOADING,
            )

    def _fetch_and_post(self) -> None:
        self.post_message(self.Fetched(self.fetch()))

    def fetch(self) -> Any:
        """Worker thread: the one blocking call of this view's load."""
        raise NotImplementedError

    def on_view_fetched(self, message: Fetched) -> None:
        self.paint(message.result)

    def paint(self, result: Any) -> None:
        """Event loop: show what `fetch` returned."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != self.POLL_GROUP:
            return  # Textual also calls ForwardsWorkerErrors' handler (along the MRO)
        if self.SHOWS_LOAD_STATE:
            self._track_load(event)
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self.poll_done(ok=event.state is WorkerState.SUCCESS)

    def _track_load(self, event: Worker.StateChanged) -> None:
        worker, state = event.worker, self.load_line.state
        if event.state is WorkerState.RUNNING:
            state.started(worker.description or "loading")
        elif event.state is WorkerState.SUCCESS:
            state.succeeded(time.time())
        elif event.state is WorkerState.ERROR:
            from kafkatui.ui.app import error_text  # the app imports the views

            state.failed(error_text(worker.error))
        else:
            return
        self.load_line.show()

    def load_step(self, step: str) -> None:
        """Event loop: name what a load with several calls is doing now."""
        self.load_line.state.started(step)
        if self.SHOWS_LOAD_STATE:
            self.load_line.show()

    def load_progress(self, step: str, done: int, total: int, noun: str) -> None:
        """Event loop: how far a load is ("filling 3,200/10,000 topics")."""
        self.load_line.state.progress(step, done, total, noun)
        if self.SHOWS_LOAD_STATE:
            self.load_line.show()

    def poll_done(self, ok: bool) -> None:
        self._failures = 0 if ok else min(self._failures + 1, 3)
        if self.POLL_S is None:
            return
        if self._poll_timer is not None:
            self._poll_timer.stop()
        delay = self.POLL_S * min(MAX_BACKOFF, 2**self._failures)
        self._poll_timer = self.set_timer(delay, self._poll_tick)

    def _poll_tick(self) -> None:
        if not self.is_current:
            self._stale = True  # reload once the view is shown again
            return
        self.reload()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.reload()

    def refresh_data(self) -> None:
        """ctrl+r"""
        self.reload()

    # ---- changes ----------------------------------------------------------------------
    def allowed(self, action: str) -> bool:
        """False (and a notification) when a changing action is pressed in read-only mode."""
        return self.kapp.allow_change(action)

    def run_change(self, description: str, call: Callable[[], Any], done: str) -> None:
        """Run one changing call in a thread; on success notify `done` and reload.

        Failures (including the client's own read-only refusal) take the app's error path.
        """

        def body() -> None:
            call()
            self.post_message(ChangeDone(done))

        self.run_worker(
            body, thread=True, exit_on_error=False, group="change", description=description
        )

    def on_change_done(self, message: ChangeDone) -> None:
        self.notify(message.text)
        self.reload()

    def confirm(self, dialog: ModalScreen[bool], then: Callable[[], Any]) -> None:
        """Show a confirmation dialog; run `then` only when the user confirms."""
        self.app.push_screen(dialog, lambda ok: then() if ok else None)


def back_binding(area: str) -> Binding:
    """escape on a detail page, with an id per page so a keymap can rebind each."""
    return Binding("escape", "back", "Back", id=f"{area}.back")


class DetailView(View):
    """One item's page: a summary above its tables; escape goes back to the list."""

    SHOWS_LOAD_STATE = True

    def compose_summary(self, text: str = "loading...") -> ComposeResult:
        yield Static(text, id="summary", classes="summary")

    @property
    def summary(self) -> Static:
        return self.query_one("#summary", Static)

    def action_back(self) -> None:
        self.app.pop_screen()


class FilterBox(View):
    """A view with a `/` filter input, hidden until opened, under its list.

    The input is mounted with the view (hidden), so the keys typed right after `/` have
    a place to go (see ui.typeahead). Subclasses say what the list is (`focus_list`) and
    what a new filter text does (`filter_changed`)."""

    FILTER_PLACEHOLDER: ClassVar[str] = "filter (enter: back to list, esc: clear)"

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""

    def compose_filter(self) -> ComposeResult:
        box = KInput(placeholder=self.FILTER_PLACEHOLDER, id="filter")
        box.display = False
        yield box

    @property
    def filter_box(self) -> Input:
        return self.query_one("#filter", Input)

    # ---- what subclasses say ----------------------------------------------------------
    def focus_list(self) -> None:
        raise NotImplementedError

    def filter_changed(self) -> None:
        """`filter_text` has changed: show what it selects."""
        raise NotImplementedError

    def filter_kept(self) -> None:
        """enter in the filter: focus is back on the list."""

    # ---- shared behaviour -------------------------------------------------------------
    def action_open_filter(self) -> None:
        self.kapp.hold_keys()  # what is typed next belongs to the filter
        box = self.filter_box
        box.display = True
        box.focus()

    def apply_filter(self, text: str) -> None:
        """Filter by `text`, shown in the input (also used by other views to jump here
        with a filter); an empty text hides the input and gives the list the focus."""
        self.filter_box.value = text  # its Changed event then finds the filter in place
        self._use_filter(text)

    def _use_filter(self, text: str) -> None:
        box = self.filter_box
        if text:
            box.display = True
        else:
            box.display = False
            self.focus_list()
        if text != self.filter_text:
            self.filter_text = text
            self.filter_changed()

    def escape_filter(self) -> bool:
        """esc: clear the filter; False when there was none to clear."""
        if self.filter_text or self.filter_box.display:
            self.apply_filter("")
            return True
        return False

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        # never written back to the input: the Changed events of fast typing arrive
        # after the input has moved on, and would set it back to older text
        self._use_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.filter_box.display = bool(self.filter_text)
        self.focus_list()
        self.filter_kept()

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.focused is self.filter_box:
            event.stop()
            self.apply_filter("")


class TableView(FilterBox, Generic[T]):
    """A filterable, sortable list of items kept in a keyed table."""

    COLUMNS: ClassVar[Sequence[Column]] = ()
    SHOWS_LOAD_STATE = True
    DEFAULT_SORT: ClassVar[int] = 0
    DEFAULT_REVERSE: ClassVar[bool] = False
    #: from this many items, filtering and sorting for a redraw run in a thread: 10,000
    #: rows take tens of milliseconds (their first cells much longer), a key must not wait
    ORDER_IN_THREAD_FROM: ClassVar[int] = 2_000

    BINDINGS = [
        Binding("slash", "open_filter", "Filter", id="list.filter"),
        Binding("escape", "clear_filter", "Clear/back", show=False, id="list.escape"),
        Binding("greater_than_sign", "sort(1)", "Sort >", show=False, id="list.sort_next"),
        Binding("less_than_sign", "sort(-1)", "Sort <", show=False, id="list.sort_prev"),
        Binding("exclamation_mark", "reverse_sort", "Reverse", show=False, id="list.sort_reverse"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, T] = {}
        self.sort_column = self.DEFAULT_SORT
        self.sort_reverse = self.DEFAULT_REVERSE
        # key -> (item, its cells, lower-case haystack): typing a filter or sorting on a big
        # cluster does not rebuild every row's cells
        self._rows: dict[str, tuple[T, tuple[Cell, ...], str]] = {}
        self._changed: set[str] = set()  # keys whose item changed since the last draw
        self._reorder = True  # keys came or went: the shown list must be worked out again
        self._order: dict[str, Any] = {}  # shown key -> its sort key, as last drawn
        self.rows_built = 0  # rows whose cells were made (work per update, for tests)
        self._orders_asked = 0  # redraws asked for; an ordering answers the one it saw
        self._ordering = False  # a thread is filtering and sorting
        self.orders_applied = 0  # orderings made in a thread and applied (for tests)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        self._rows.clear()  # cells carry the theme's colours
        self.redraw()

    def compose_body(self) -> ComposeResult:
        yield from self.compose_above_table()
        yield KeyedTable(self.COLUMNS, id="table")
        yield from self.compose_filter()

    def compose_above_table(self) -> ComposeResult:
        yield from ()

    @property
    def table(self) -> KeyedTable:
        return self.query_one("#table", KeyedTable)

    # ---- subclasses describe their rows -----------------------------------------------
    def key_of(self, item: T) -> str:
        raise NotImplementedError

    def cells(self, item: T) -> Sequence[Cell]:
        raise NotImplementedError

    def sort_value(self, item: T, column: int) -> Any:
        """Defaults to the cell's text; override for numbers."""
        cell = self.row(item)[0][column]
        return cell.plain if isinstance(cell, Text) else str(cell)

    def row(self, item: T) -> tuple[tuple[Cell, ...], str]:
        """(cells, lower-case filter haystack), cached while the item stays the same object."""
        key = self.key_of(item)
        hit = self._rows.get(key)
        if hit is not None and hit[0] is item:
            return hit[1], hit[2]
        cells = tuple(self.cells(item))
        self.rows_built += 1
        haystack = self.haystack(item, cells).lower()
        self._rows[key] = (item, cells, haystack)
        return cells, haystack

    def haystack(self, item: T, cells: Sequence[Cell]) -> str:
        """What the filter searches: the shown text (override when cells are cut short)."""
        return " ".join(c.plain if isinstance(c, Text) else str(c) for c in cells)

    def open_item(self, item: T) -> None:
        """enter on a row."""

    # ---- shared behaviour -------------------------------------------------------------
    def paint(self, result: Any) -> None:
        """A one-call load returns the items."""
        self.set_items(result)

    def set_items(self, items: Sequence[T]) -> None:
        """A full reload whose cells may depend on more than the item: all are made again."""
        self.items = {self.key_of(i): i for i in items}
        self._rows.clear()
        self.redraw()

    def merge_items(self, items: Sequence[T]) -> None:
        """The complete list again, for cells that depend only on their item: an item equal
        to the one shown keeps it (and its cells), so an unchanged poll draws nothing."""
        old = self.items
        merged: dict[str, T] = {}
        for item in items:
            key = self.key_of(item)
            before = old.get(key)
            if before is not None and self._unchanged(key, before, item):
                merged[key] = before if before == item else item
            else:
                merged[key] = item
                self._changed.add(key)
        if merged.keys() != old.keys():
            self._reorder = True
        self.items = merged
        self.apply_changes()

    def update_items(self, items: Sequence[T], draw: bool = True) -> None:
        """Some items changed; unless `draw` is False, show the changes now."""
        for item in items:
            key = self.key_of(item)
            before = self.items.get(key)
            if before is None:
                self._reorder = True
            elif self._unchanged(key, before, item):
                if before != item:
                    self.items[key] = item
                continue
            self.items[key] = item
            self._changed.add(key)
        if draw:
            self.apply_changes()

    def same_row(self, old: T, new: T) -> bool:
        """Whether `new` shows (and sorts) exactly as `old`, though the two may differ: by
        default only equal items do. A view whose items carry more than their row shows
        (a lag trend's samples) says so, and a poll then touches only the rows that show
        a change."""
        return False

    def _unchanged(self, key: str, before: T, item: T) -> bool:
        """Nothing to draw for `item`: equal to the one shown, or shown the same (its
        cached cells then belong to it)."""
        if before == item:
            return True
        if not self.same_row(before, item):
            return False
        cached = self._rows.get(key)
        if cached is not None and cached[0] is before:
            self._rows[key] = (item, cached[1], cached[2])
        return True

    def apply_changes(self) -> None:
        """Draw what changed since the last draw: only the changed rows when none of them
        enters, leaves or moves in the shown list, else the whole list."""
        changed, self._changed = self._changed, set()
        if self._reorder or self._moves(changed):
            self.redraw()
        elif changed:
            shown = [k for k in changed if k in self._order]
            self.table.update_rows([(k, self.row(self.items[k])[0]) for k in shown])

    def _moves(self, changed: set[str]) -> bool:
        needle = self.filter_text.lower()
        for key in changed:
            item = self.items[key]
            shown = needle in self.row(item)[1]
            if shown != (key in self._order):
                return True
            if shown and self._sort_key(item) != self._order[key]:
                return True
        return False

    def _sort_key(self, item: T, column: int | None = None) -> SortKey:
        value = self.sort_value(item, self.sort_column if column is None else column)
        return (value is None, value if value is not None else 0)

    def visible_items(self) -> list[T]:
        """The shown items, filtered and sorted now (on the calling thread)."""
        return [item for _, item, _ in self._ordered(list(self.items.values())).rows]

    def _ordered(self, items: list[T], request: OrderRequest | None = None) -> Ordered[T]:
        request = request or self._order_request()
        return order_rows(items, request, self.key_of, self.row, self._sort_key)

    def _order_request(self) -> OrderRequest:
        return OrderRequest(
            self.filter_text.lower(), self.sort_column, self.sort_reverse, self._orders_asked
        )

    def redraw(self) -> None:
        """Show the items filtered and sorted again. From ORDER_IN_THREAD_FROM items the
        filtering and sorting run in a thread (one at a time: asks made meanwhile are
        answered by one more run after it) and the event loop only applies the answer."""
        self._reorder = False
        self._changed.clear()
        self._orders_asked += 1
        if len(self.items) < self.ORDER_IN_THREAD_FROM:
            self._show(self._ordered(list(self.items.values())))
        elif not self._ordering:
            self._start_ordering()

    def _start_ordering(self) -> None:
        self._ordering = True
        self._order_in_thread(list(self.items.values()), self._order_request())

    @work(thread=True, exclusive=True, exit_on_error=False, group="table-order")
    def _order_in_thread(self, items: list[T], request: OrderRequest) -> None:
        ordered: Ordered[T] | None = None
        try:
            ordered = self._ordered(items, request)
        finally:  # an error is reported by the worker; the next redraw may order again
            self.post_message(self.OrderReady(ordered))

    class OrderReady(Message):
        def __init__(self, ordered: Ordered[Any] | None) -> None:
            super().__init__()
            self.ordered = ordered

    @on(OrderReady)
    def _order_ready(self, message: OrderReady) -> None:
        self._ordering = False
        if message.ordered is None:
            return  # the worker's error went to the app's error path
        self._show(message.ordered)
        self.orders_applied += 1
        if message.ordered.generation != self._orders_asked:
            self._start_ordering()  # asked again meanwhile: the latest wins

    def _show(self, ordered: Ordered[T]) -> None:
        self._order = ordered.order
        self.table.sync(fresh_rows(ordered, self.items, self.row))
        self._label_sort()

    def _label_sort(self) -> None:
        table = self.table
        for index, column in enumerate(self.COLUMNS):
            mark = (" v" if self.sort_reverse else " ^") if index == self.sort_column else ""
            table.columns[column.key].label = Text(column.label + mark)  # type: ignore[index]
        table.refresh()

    @property
    def current(self) -> T | None:
        key = self.table.current_key
        return None if key is None else self.items.get(key)

    def focus_list(self) -> None:
        self.table.focus()

    def filter_changed(self) -> None:
        self.redraw()

    def filter_kept(self) -> None:
        self.table.move_cursor(row=0, animate=False)

    def action_clear_filter(self) -> None:
        if not self.escape_filter() and len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_sort(self, step: int) -> None:
        self.sort_column = (self.sort_column + step) % len(self.COLUMNS)
        self.redraw()

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self.redraw()

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        if event.column_index == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        self.sort_column = event.column_index
        self.redraw()

    @on(DataTable.RowSelected, "#table")
    def _row_selected(self) -> None:
        item = self.current
        if item is not None:
            self.open_item(item)
