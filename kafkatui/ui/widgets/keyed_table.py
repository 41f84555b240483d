"""A DataTable updated by diff: keyed rows, `update_cell` only where a value changed.

Callers hand over the complete desired rows (already filtered and sorted). When the row
keys and their order are unchanged, only changed cells are written; otherwise the table
is rebuilt once inside `batch_update` (never row-by-row removal, which relayouts each
time). The cursor stays on the same row key across rebuilds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.render import measure
from textual.widgets import DataTable
from textual.widgets._data_table import ColumnKey, default_cell_formatter

Cell = str | Text


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int | None = None


class KeyedTable(DataTable[Cell]):
    BINDINGS = [
        Binding("j", "vi('cursor_down')", "Down", show=False, id="table.down"),
        Binding("k", "vi('cursor_up')", "Up", show=False, id="table.up"),
        Binding("g", "vi('scroll_top')", "First", show=False, id="table.first"),
        Binding("G", "vi('scroll_bottom')", "Last", show=False, id="table.last"),
    ]
    VI_KEYS = {"cursor_down": "j", "cursor_up": "k", "scroll_top": "g", "scroll_bottom": "G"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A view may claim a movement letter for itself (schemas use `k` to check)."""
        if action == "vi" and parameters:
            key = self.VI_KEYS.get(str(parameters[0]))
            if key in getattr(self.screen, "RESERVED_KEYS", ()):
                return False
        return True

    async def action_vi(self, action: str) -> None:
        await self.run_action(action)

    def __init__(self, columns: Sequence[Column], **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self._columns_spec = tuple(columns)
        self._keys: list[str] = []
        self._cells: dict[str, tuple[Cell, ...]] = {}
        self._remeasure = False  # cells of auto-width columns changed since the last idle

    def on_mount(self) -> None:
        for column in self._columns_spec:
            self.add_column(column.label, key=column.key, width=column.width)

    @property
    def row_keys(self) -> list[str]:
        return list(self._keys)

    @property
    def current_key(self) -> str | None:
        if not self._keys or not 0 <= self.cursor_row < len(self._keys):
            return None
        return self._keys[self.cursor_row]

    def sync(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        keys = [key for key, _ in rows]
        with self.app.batch_update():
            if keys == self._keys:
                self._update_changed(rows)
            elif keys[: len(self._keys)] == self._keys:
                self._update_changed(rows[: len(self._keys)])
                for key, cells in rows[len(self._keys) :]:
                    self._add(key, cells)
            else:
                self._rebuild(rows)

    def _update_changed(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        maybe_narrower: set[str] = set()
        for key, cells in rows:
            old = self._cells[key]
            new = tuple(cells)
            if old == new:
                continue
            for column, before, after in zip(self._columns_spec, old, new, strict=True):
                if before != after:
                    grow = column.width is None and self._wider(column.key, after)
                    self.update_cell(key, column.key, after, update_width=grow)
                    self._remeasure = self._remeasure or grow
                    if column.width is None and not grow:
                        maybe_narrower.add(column.key)
            self._cells[key] = new
        for column_key in maybe_narrower:
            self._fit(column_key)

    def _wider(self, column_key: str, value: Cell) -> bool:
        """Only a cell wider than its column asks DataTable to re-measure: for a narrower
        one DataTable measures every cell of the column, per cell, which makes filling a
        long table quadratic. Narrowing is done by `_fit`, once per column per sync."""
        column = self.columns.get(ColumnKey(column_key))
        if column is None:
            return True
        return self._measure(value) > column.content_width

    def _fit(self, column_key: str) -> None:
        """Narrow a column to its widest cell after a sync changed some of its cells."""
        column = self.columns.get(ColumnKey(column_key))
        if column is None:
            return
        cells = self.get_column(ColumnKey(column_key))
        width = max([self._measure(column.label), *(self._measure(c) for c in cells)])
        if width < column.content_width:
            column.content_width = width
            self._require_update_dimensions = True
            self._remeasure = True

    def _measure(self, value: Cell) -> int:
        return measure(self.app.console, default_cell_formatter(value), 1)

    def on_idle(self) -> None:
        """DataTable re-measures changed columns when idle (after this handler), but keeps
        lines drawn at the old widths when a column narrows: drop those once it has."""
        if self._remeasure:
            self._remeasure = False
            self.call_later(self._redraw_if_resized, self._widths())

    def _widths(self) -> list[int]:
        return [column.content_width for column in self.columns.values()]

    def _redraw_if_resized(self, before: list[int]) -> None:
        if self._widths() != before:
            self._clear_caches()  # DataTable's own cache reset, as its resize watchers do
            self.refresh()

    def _add(self, key: str, cells: Sequence[Cell]) -> None:
        self.add_row(*cells, key=key)
        self._keys.append(key)
        self._cells[key] = tuple(cells)

    def _rebuild(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        # the cursor follows its row, unless it sits at the top: then the top stays selected
        keep = self.current_key if self.cursor_row > 0 else None
        self.clear()
        self._keys = []
        self._cells = {}
        for key, cells in rows:
            self._add(key, cells)
        if keep in self._cells:
            self.move_cursor(row=self._keys.index(keep), animate=False)
