"""`TableView`: a filterable, sortable list of items kept in a keyed table.

Work per poll follows what changed, not the table's size: items equal to the ones shown
(or shown the same, `same_row`) keep their cached cells, and when no changed item moves
in the sort or the filter, only the changed rows are written (`apply_changes`); anything
else redraws the whole list, filtering and sorting a big one in a thread worker.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from kafkatui.ui.screens.base import FilterBox
from kafkatui.ui.screens.table_order import (
    Ordered,
    OrderRequest,
    SortKey,
    order_rows,
)
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable

T = TypeVar("T")


class TableView(FilterBox, Generic[T]):
    """A filterable, sortable list of items kept in a keyed table."""

    COLUMNS: ClassVar[Sequence[Column]] = ()
    SHOWS_LOAD_STATE = True
    DEFAULT_SORT: ClassVar[int] = 0
    DEFAULT_REVERSE: ClassVar[bool] = False
    #: from this many items, filtering and sorting for a redraw run in a thread: 10,000
    #: rows take tens of milliseconds (their first cells much longer), a key must not wait
    ORDER_IN_THREAD_FROM: ClassVar[int] = 2_000
    #: columns whose sort_value reads the item, not its cells: a big list's first screen
    #: is then ordered on the event loop, while the thread orders the whole list
    CELL_FREE_SORTS: ClassVar[frozenset[int]] = frozenset()
    FIRST_SCREEN: ClassVar[int] = 120  # rows shown that way
    #: items a poll's update compares and draws per frame (update_items_sliced): at
    #: 2,000 groups a whole poll is 250-400 ms of the event loop, a slice 15-30 ms
    UPDATE_SLICE: ClassVar[int] = 100

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
        self._keys_wait = False  # keys typed after the filter's enter wait for its result
        self.orders_applied = 0  # orderings made in a thread and applied (for tests)
        self._incoming: dict[str, T] = {}  # updates still to apply, a slice per frame
        self._slice_due = False
        self._unwritten: dict[str, None] = {}  # shown keys whose cells are to be written
        self._write_due = False

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
        self._incoming.clear()
        self.items = {self.key_of(i): i for i in items}
        self._rows.clear()
        self.redraw()

    def merge_items(self, items: Sequence[T]) -> None:
        """The complete list again, for cells that depend only on their item: an item equal
        to the one shown keeps it (and its cells), so an unchanged poll draws nothing."""
        self.apply_waiting()
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

    def update_items_sliced(self, items: Sequence[T]) -> None:
        """update_items for a whole poll's items, UPDATE_SLICE of them per frame, so that
        a key waits for one slice at most. Items no longer listed are left out."""
        self._incoming.update((self.key_of(item), item) for item in items)
        if not self._slice_due:
            self._next_slice()

    def _next_slice(self) -> None:
        self._slice_due = False
        self._take_incoming(self.UPDATE_SLICE)
        if self._incoming:
            self._slice_due = True
            self.call_after_refresh(self._next_slice)

    def apply_waiting(self) -> None:
        """The sliced updates not applied yet, now and undrawn: a newer full list builds on
        them (they are older, but not to be lost)."""
        self._take_incoming(len(self._incoming), draw=False)

    def _take_incoming(self, count: int, draw: bool = True) -> None:
        keys = list(itertools.islice(self._incoming, count))
        taken = [(key, self._incoming.pop(key)) for key in keys]
        self.update_items([item for key, item in taken if key in self.items], draw)

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
            self._write([k for k in changed if k in self._order])

    def _write(self, keys: Sequence[str]) -> None:
        """These shown rows get their current cells: UPDATE_SLICE rows made and written
        now, the rest after each repaint (a key then waits for one slice at most)."""
        self._unwritten.update(dict.fromkeys(keys))
        if not self._write_due:
            self._write_slice()

    def _write_slice(self) -> None:
        self._write_due = False
        keys = list(itertools.islice(self._unwritten, self.UPDATE_SLICE))
        for key in keys:
            del self._unwritten[key]
        items = self.items
        shown = [k for k in keys if k in items and k in self._order]
        self.table.update_rows([(k, self.row(items[k])[0]) for k in shown])
        if self._unwritten:
            self._write_due = True
            self.call_after_refresh(self._write_slice)

    def _moves(self, changed: set[str]) -> bool:
        needle = self.filter_text.lower()
        for key in changed:
            item = self.items[key]
            shown = not needle or needle in self.row(item)[1]  # no filter: no cells needed
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
            self._show_first_screen()
            self._start_ordering()

    def _show_first_screen(self) -> None:
        """An empty table's first rows at once (10,000 topics: ordering them all takes the
        thread a few hundred ms, which the first paint would wait for). Their order is the
        whole list's, so the thread's answer only adds the rows after them."""
        if self.table.row_count or self.filter_text:
            return
        if self.sort_column not in self.CELL_FREE_SORTS:
            return
        keyed = [(self._sort_key(item), item) for item in self.items.values()]
        known = [pair for pair in keyed if not pair[0][0]]
        pick = heapq.nlargest if self.sort_reverse else heapq.nsmallest
        first = pick(self.FIRST_SCREEN, known, key=lambda pair: pair[0])
        first += [pair for pair in keyed if pair[0][0]][: self.FIRST_SCREEN - len(first)]
        rows = [(self.key_of(item), self.row(item)[0]) for _, item in first]
        self._order = {key: sort_key for (key, _), (sort_key, _) in zip(rows, first, strict=True)}
        self.table.sync(rows)

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
            self._keys_may_go()
            return  # the worker's error went to the app's error path
        self._show(message.ordered)
        self.orders_applied += 1
        if message.ordered.generation != self._orders_asked:
            self._start_ordering()  # asked again meanwhile: the latest wins
        else:
            self._keys_may_go()

    def _keys_may_go(self) -> None:
        if self._keys_wait:
            self._keys_wait = False
            self.kapp.view_ready()

    def _show(self, ordered: Ordered[T]) -> None:
        """The ordered rows with the cells made for them; items that changed while they
        were ordered get their current cells next (a slice per frame), and items that
        left are dropped (the change asked for a new order, which follows)."""
        items = self.items
        self._order = ordered.order
        self.table.sync([(key, cells) for key, _, cells in ordered.rows if key in items])
        self._write([key for key, item, _ in ordered.rows if items.get(key, item) is not item])
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
        if self._ordering and not self._keys_wait:  # the list shown is not filtered yet
            self._keys_wait = True
            self.kapp.wait_for_view()

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
