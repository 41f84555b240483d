"""A DataTable updated by diff: keyed rows, `update_cell` only where a value changed.

Callers hand over the complete desired rows (already filtered and sorted). When the row
keys and their order are unchanged, only changed cells are written. When the order
changed, or rows were dropped, or a few added (a filter typed), the rows are moved,
dropped and added in place, in one step (DataTable's `remove_row` relayouts each time
and renumbers every row: quadratic). Otherwise the table is rebuilt once inside
`batch_update`. The cursor stays on
the same row key across rebuilds. `update_rows` writes a few known rows without looking
at the others, so a poll that changed k rows costs k rows.

New rows are added at most APPEND_SLICE per frame: the first screenful paints at once
and keys are handled between slices, however long the table is.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding
from textual.cache import LRUCache
from textual.render import measure
from textual.widgets import DataTable
from textual.widgets._data_table import CellKey, ColumnKey, RowKey, default_cell_formatter

from kafkatui.ui.widgets.cell_render import content_segments, plain_cell

Cell = str | Text
SegmentLines = list[list[Segment]]
APPEND_SLICE = 250  # rows added per frame while a long table fills (~25 ms of Textual's)
WRITE_SLICE = 250  # rows whose cells are written per frame, the visible ones first


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
        self._auto = [i for i, column in enumerate(self._columns_spec) if column.width is None]
        self._keys: list[str] = []
        self._cells: dict[str, tuple[Cell, ...]] = {}
        self._widths: dict[str, tuple[int, ...]] = {}  # key -> measured width of each cell
        self._backlog: Sequence[tuple[str, Sequence[Cell]]] | None = None  # rows still to add
        self._keep_key: str | None = None  # the cursor's row, to find again once it is added
        self._more_due = False  # the next slice is scheduled
        self._unwritten: dict[str, tuple[Cell, ...]] = {}  # cells still to write
        self._writes_due = False
        self.cells_written = 0  # cells written into existing rows (work per update, for tests)
        self.rows_added = 0

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

    @property
    def filling(self) -> bool:
        """Rows are still being added, or cells written, a slice per frame."""
        return self._backlog is not None or bool(self._unwritten)

    def sync(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        self._backlog = None  # these rows replace whatever was still to be added
        keys = [key for key, _ in rows]
        with self.app.batch_update():
            if keys == self._keys:
                self._write(rows)
            elif keys[: len(self._keys)] == self._keys:
                self._write(rows[: len(self._keys)])
                self._append_sliced(rows)
            elif sum(key not in self._cells for key in keys) <= APPEND_SLICE:
                self._reorder(rows)  # the same rows, or some dropped or a few new
            else:
                self._rebuild(rows)

    def update_rows(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        """Write these rows' changed cells; rows still to be added get their new cells
        there; rows in neither are left out."""
        backlog = self._backlog
        if backlog is not None:
            waiting = {key: i for i, (key, _) in enumerate(backlog) if key not in self._cells}
            patched = list(backlog)
            for key, cells in rows:
                if key in waiting:
                    patched[waiting[key]] = (key, cells)
            self._backlog = patched
        with self.app.batch_update():
            self._write([(key, cells) for key, cells in rows if key in self._cells])

    def _append_sliced(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        """Add the rows after the ones shown, a slice now and the rest after each repaint."""
        have = len(self._keys)
        self._append(rows[have : have + APPEND_SLICE])
        if len(rows) > len(self._keys):
            self._backlog = rows
            if not self._more_due:  # one slice per frame, however many syncs came
                self._more_due = True
                self.call_after_refresh(self._add_more)
        if self._keep_key in self._cells:
            self.move_cursor(row=self._keys.index(self._keep_key), animate=False)
            self._keep_key = None

    def _add_more(self) -> None:
        """The next slice. The rows shown may be newer than the backlog's copy of them
        (update_rows), so only the rows not yet added are taken from it."""
        self._more_due = False
        rows, self._backlog = self._backlog, None
        if rows is not None:  # else a newer sync took over
            with self.app.batch_update():
                self._append_sliced(rows)

    # Column widths are kept here from one cheap measurement per changed cell. Textual's
    # own bookkeeping measures every cell of a column whenever an updated cell is
    # narrower, and every cell of every new row when idle: quadratic while a long table
    # fills in, and most of a second for 2,000 new rows.

    def _write(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        """Cells for rows in the table: WRITE_SLICE rows now (those on screen first), the
        rest after each repaint; a row written again meanwhile gets its latest cells."""
        self._unwritten.update((key, tuple(cells)) for key, cells in rows)
        if not self._writes_due:
            self._write_some()

    def _write_some(self) -> None:
        self._writes_due = False
        top = int(self.scroll_y)
        on_screen = self._keys[top : top + self.size.height]
        first = [key for key in on_screen if key in self._unwritten]
        keys = dict.fromkeys(first + list(itertools.islice(self._unwritten, WRITE_SLICE)))
        batch = [(key, self._unwritten.pop(key)) for key in list(keys)[:WRITE_SLICE]]
        with self.app.batch_update():
            self._update_changed([(key, cells) for key, cells in batch if key in self._cells])
        if self._unwritten:
            self._writes_due = True
            self.call_after_refresh(self._write_some)

    def _update_changed(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        touched: set[int] = set()
        written: set[tuple[str, str]] = set()  # (row key, column key) of each changed cell
        grown: dict[int, int] = {}  # column -> widest of its changed cells
        narrowed: set[int] = set()  # columns where a cell as wide as the column got narrower
        columns = self.ordered_columns
        for key, cells in rows:
            old = self._cells[key]
            new = tuple(cells)
            if old == new:
                continue
            widths = list(self._widths[key])
            data = self._data[RowKey(key)]
            for index, (column, before, after) in enumerate(
                zip(self._columns_spec, old, new, strict=True)
            ):
                if before != after:
                    data[ColumnKey(column.key)] = after  # update_cell, without a refresh each
                    written.add((key, column.key))
                    width = self._cell_width(after)
                    if width < widths[index] and widths[index] >= columns[index].content_width:
                        narrowed.add(index)
                    widths[index] = width
                    grown[index] = max(grown.get(index, 0), width)
                    touched.add(index)
                    self.cells_written += 1
            self._cells[key] = new
            self._widths[key] = tuple(widths)
        if not touched:
            return
        self._forget_renders(written)
        # a changed column fits its widest cell or label again; all its rows are looked
        # at only when the widest cell may have narrowed
        fitted = {}
        for index in touched.intersection(self._auto):
            if index in narrowed:
                label = self._cell_width(columns[index].label)
                fitted[index] = max(label, self._widest(index))
            else:
                fitted[index] = max(columns[index].content_width, grown[index])
        self._set_widths(fitted)

    # Textual keys every render cache by one count that any change bumps, so a repaint
    # after it renders every visible cell again: 80-130 ms at 200x50, for a poll that
    # changed one cell per row or only rows out of sight. Here a written cell forgets
    # only its own renders, and added rows keep the count, so the rows shown keep theirs.

    def _forget_renders(self, written: set[tuple[str, str]]) -> None:
        rows = {key for key, _ in written}  # a row or column key matches its string
        _discard_where(self._cell_render_cache, lambda k: (k[0], k[1]) in written)
        _discard_where(self._row_render_cache, lambda k: k[0] in rows)
        indexes = {self._row_locations.get(RowKey(row)) for row in rows}
        _discard_where(self._row_renderable_cache, lambda k: k[1] in indexes)
        self._line_cache.clear()

    def _append(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        """New rows only widen columns, as Textual does for added rows."""
        count = self._update_count
        for key, cells in rows:
            self._add(key, cells)
        if rows:
            # rows added below keep the renders of the rows above (nothing of theirs is
            # cached at their indexes); the line offsets are made again
            self._update_count = count
            self._offset_cache.clear()
            self._ordered_row_cache.clear()
        self._new_rows.clear()  # measured in _add: Textual need not measure them again
        columns = self.ordered_columns
        grown = {}
        for index in self._auto:
            widest = max((self._widths[key][index] for key, _ in rows), default=0)
            grown[index] = max(columns[index].content_width, widest)
        self._set_widths(grown)

    def _widest(self, index: int) -> int:
        return max((widths[index] for widths in self._widths.values()), default=0)

    def _set_widths(self, widths: dict[int, int]) -> None:
        columns = self.ordered_columns
        changed = False
        for index, width in widths.items():
            if columns[index].content_width != width:
                columns[index].content_width = width
                changed = True
        self._require_update_dimensions = True  # the virtual size, computed when idle
        if changed:
            self._clear_caches()  # lines drawn at the old widths
        self.refresh()

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        """A body cell of one line that fits its column is drawn here (cell_render), under
        Textual's own cache key; every other cell as Textual draws it."""
        fast = None
        if row_index >= 0 and column_index >= 0 and not (self.fixed_rows or self.fixed_columns):
            fast = self._plain_cell(row_index, column_index, base_style, width, cursor, hover)
        if fast is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        return fast

    def _plain_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool,
        hover: bool,
    ) -> SegmentLines | None:
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
            return None
        cache_key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor,
                     self._update_count, self._pseudo_class_state)  # fmt: skip
        cached = self._cell_render_cache.get(cache_key)
        if cached is not None:
            return cached
        row = self.rows.get(row_key)
        if row is None or row.height != 1 or row.auto_height:
            return None
        segments = content_segments(self._data[row_key].get(column_key), self.app.console)
        if segments is None:
            return None
        component, post = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css",
        )  # fmt: skip
        meta = Style.from_meta({"row": row_index, "column": column_index})
        lines = plain_cell(segments, width, self.cell_padding, base_style + meta + component, post)
        if lines is not None:
            self._cell_render_cache[cache_key] = lines
        return lines

    def _cell_width(self, value: object) -> int:
        """The width Textual would measure for a cell, without markup parsing when the
        text cannot hold markup or line breaks (nearly every cell)."""
        if isinstance(value, Text):
            if "\n" not in value.plain and "\t" not in value.plain:
                return value.cell_len
        elif isinstance(value, str) and not any(c in value for c in "[\n\t"):
            return cell_len(value)
        return measure(self.app.console, default_cell_formatter(value), 1)

    def _add(self, key: str, cells: Sequence[Cell]) -> None:
        self.add_row(*cells, key=key)
        self.rows_added += 1
        self._keys.append(key)
        self._cells[key] = tuple(cells)
        self._widths[key] = tuple(self._cell_width(cell) for cell in cells)

    def _reorder(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        """Rows in another order (a new sort), some dropped or a few new (a filter):
        moved in place, as DataTable.sort does, instead of removing and adding them all
        (tens of seconds at 10,000 rows)."""
        keep = self.current_key if self.cursor_row > 0 else None
        wanted = {key for key, _ in rows}
        dropped = [key for key in self._keys if key not in wanted]
        for key in dropped:
            self._drop(key)
        self._append([(key, cells) for key, cells in rows if key not in self._cells])
        self._keys = [key for key, _ in rows]
        self._row_locations = TwoWayDict({RowKey(key): i for i, key in enumerate(self._keys)})
        self._update_count += 1  # Textual's row order and render caches follow this count
        self._require_update_dimensions = True  # the table's height
        self._write(rows)  # columns keep their widths while a filter is typed
        self.refresh(layout=True)
        row = self._keys.index(keep) if keep in wanted else 0
        self.move_cursor(row=row, animate=False)

    def _drop(self, key: str) -> None:
        """A row out of the table, Textual's part as `remove_row` does it, less the
        renumbering of every other row (done once by the caller)."""
        row_key = RowKey(key)
        for column_key in self._data[row_key]:
            self._updated_cells.discard(CellKey(row_key, column_key))
        del self.rows[row_key]
        del self._data[row_key]
        del self._cells[key]
        del self._widths[key]
        self._unwritten.pop(key, None)

    def _rebuild(self, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
        # the cursor follows its row, unless it sits at the top: then the top stays selected
        self._keep_key = self.current_key if self.cursor_row > 0 else None
        self.clear()
        self._unwritten.clear()
        self._keys = []
        self._cells = {}
        self._widths = {}
        self._append_sliced(rows)


def _discard_where(cache: LRUCache[Any, Any], stale: Callable[[Any], bool]) -> None:
    keys = cache.keys()  # an LRUCache is not iterable itself
    for key in [k for k in keys if stale(k)]:
        cache.discard(key)
