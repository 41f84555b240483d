"""The tail's record list, drawn through the Line API.

The widget holds only sequence numbers of the rows it shows; records come from the
tail session's ring buffer. Nothing is decoded here (decoding may wait on the schema
registry): a row drawn before its decoded view has arrived shows its time and position
with a placeholder, and its sequence number goes to `request`, which decodes in a worker
and hands the views back with `add_views` (the pump also decodes the newest rows ahead
and hands them in with `append`). Decoded rows and rendered strips sit in small LRU
caches, so a flood of records costs a list append per record and a redraw of the visible
lines only.

Following is a reactive: moving up stops it and the screen shows how many records
arrived since; `G`/end or `space` resumes. While paused, rows the ring buffer evicts move
to `gone` instead of leaving the list: row indices and the scroll position stay put, so
a flood only grows the list at the bottom and nothing visible is drawn again. They leave
when following resumes (or wrap is turned on).
"""

from __future__ import annotations

import bisect
import math
from collections import OrderedDict
from collections.abc import Callable, Iterable

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kafkatui.cluster.models import RawRecord
from kafkatui.records.view import RecordView
from kafkatui.ui.format import format_level, timestamp_ms
from kafkatui.ui.records import shown
from kafkatui.ui.widgets.glyphs import cut
from kafkatui.ui.widgets.seq_rows import SeqRows

ROW_CACHE = 2_000  # decoded rows kept (a few screens); older ones are decoded again
STRIP_CACHE = 2_000
GONE_LIMIT = 2_000_000  # evicted rows kept in place while paused (8 B each), then dropped
MAX_WRAP_LINES = 6
KEY_WIDTH = 14
PREFIX_WIDTH = 12 + 1 + 12 + KEY_WIDTH + 1  # time, partition:offset, key


class _Lru(OrderedDict[object, object]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: object, value: object) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.limit:
            self.popitem(last=False)


class TailLog(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"tail-log--cursor", "tail-log--meta"}
    DEFAULT_CSS = """
    TailLog { background: $surface; }
    TailLog > .tail-log--cursor { background: $primary 40%; }
    TailLog > .tail-log--meta { color: $text-muted; }
    """
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="tail.up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="tail.down"),
        Binding("pageup", "cursor_page(-1)", "Page up", show=False, id="tail.page_up"),
        Binding("pagedown", "cursor_page(1)", "Page down", show=False, id="tail.page_down"),
        Binding("home,g", "first", "First", show=False, id="tail.first"),
        Binding("end,G", "last", "Last", show=False, id="tail.last"),
    ]

    follow: reactive[bool] = reactive(True, repaint=False)  # nothing drawn depends on it
    wrap: reactive[bool] = reactive(False)
    # no repaint of the whole list on a move: watch_cursor redraws the two rows involved
    cursor: reactive[int] = reactive(-1, always_update=True, repaint=False)

    def __init__(
        self,
        raw: Callable[[int], RawRecord | None],
        request: Callable[[list[int]], None],
        **kwargs: object,
    ) -> None:
        """`raw(seq)`: the buffered record (no IO); `request(seqs)`: decode these rows off
        the event loop and hand them back with `add_views`."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._raw = raw
        self._request = request
        self._missing: set[int] = set()  # drawn undecoded, not yet requested
        # sequence numbers as machine integers: 8 bytes a row, no int object per row
        self.rows = SeqRows()  # rows still in the ring buffer
        self.gone = SeqRows()  # evicted while paused, shown above `rows`: indices stay
        self.pending = 0  # rows appended while not following
        self._views = _Lru(ROW_CACHE)
        self._strips = _Lru(STRIP_CACHE)
        self._starts: list[int] = []  # wrap mode: first line of each row (absolute numbering)
        self._heights_width = 0
        self._end_pending = False  # a scroll to the end is queued after the next refresh

    # ---- data -------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        """Rows in the list: evicted ones kept while paused, then those still buffered."""
        return len(self.gone) + len(self.rows)

    def seq_at(self, index: int) -> int:
        gone = len(self.gone)
        return self.gone[index] if index < gone else self.rows[index - gone]

    def reset(self) -> None:
        self.rows = SeqRows()
        self.gone = SeqRows()
        self.pending = 0
        self._starts = []
        self._strips.clear()
        self.cursor = -1
        self._update_size()

    def append(
        self, seqs: Iterable[int], views: dict[int, RecordView], count_pending: bool = True
    ) -> None:
        for seq, view in views.items():
            self._views.put(seq, view)
        before = self.row_count
        lines = self._total_lines()
        self.rows.extend(seqs)
        added = self.row_count - before
        if not added:
            return
        if self.wrap:
            self._extend_starts(list(self.rows[len(self.rows) - added :]))
        if not self.follow and count_pending:
            self.pending += added
        # only the new rows can be on screen anew: the rest of the window stays as drawn
        self._update_size(changed_from=lines)
        if self.follow:
            self._jump_to_end()

    def trim_before(self, first_seq: int) -> None:
        """Forget rows the ring buffer has evicted. While paused (and not wrapping) they
        stay in place as `gone`: removing them would shift the scroll position and draw the
        whole list again on every poll of a flood, with nothing visible changed."""
        cut = self.rows.bisect_left(first_seq)
        if cut == 0:
            return
        if not self.follow and not self.wrap and len(self.gone) + cut <= GONE_LIMIT:
            self.gone.extend(self.rows[:cut])
            del self.rows[:cut]
            return
        self.gone.extend(self.rows[:cut])
        del self.rows[:cut]
        self.drop_gone()

    def drop_gone(self) -> None:
        """Remove the evicted rows kept in place; keeps the visible lines still."""
        cut = len(self.gone)
        if cut == 0:
            return
        lines = self._line_of(cut)
        self.gone = SeqRows()
        if self.wrap:
            del self._starts[:cut]
        self.cursor = max(-1, self.cursor - cut) if self.rows else -1
        self._update_size()
        if not self.follow:
            self.scroll_to(y=max(0, self.scroll_y - lines), animate=False)

    def add_views(self, views: dict[int, RecordView]) -> None:
        """Decoded rows from a worker: cache them and draw the rows again."""
        for seq, view in views.items():
            self._views.put(seq, view)
        if views:
            self.refresh()

    def view_at(self, index: int) -> RecordView | None:
        """The decoded row, if it has been decoded (never decodes: see the module doc)."""
        if not 0 <= index < self.row_count:
            return None
        return self._views.get(self.seq_at(index))  # type: ignore[return-value]

    def _want(self, seq: int) -> None:
        """Ask for a row's decoding once this refresh is drawn (one request per frame)."""
        if not self._missing:
            self.call_after_refresh(self._send_missing)
        self._missing.add(seq)

    def _send_missing(self) -> None:
        seqs = sorted(self._missing)
        self._missing.clear()
        if seqs:
            self._request(seqs)

    @property
    def current(self) -> RecordView | None:
        return self.view_at(self.cursor)

    # ---- geometry ---------------------------------------------------------------------
    def _row_height(self, seq: int, width: int) -> int:
        """From the decoded text when cached, else the raw size: layout needs no decoding."""
        view = self._views.get(seq)
        if isinstance(view, RecordView):
            length = len(shown(view.value, view.value_text)) + len(shown(view.key, view.key_text))
        else:
            record = self._raw(seq)
            length = 0 if record is None else len(record.key or b"") + len(record.value or b"")
        return max(1, min(MAX_WRAP_LINES, math.ceil((length + PREFIX_WIDTH) / max(10, width))))

    def _extend_starts(self, seqs: list[int]) -> None:
        width = max(10, self.scrollable_content_region.width)
        next_start = self._total_lines()
        for seq in seqs:
            self._starts.append(next_start)
            next_start += self._row_height(seq, width)

    def _rebuild_starts(self) -> None:
        self._starts = []
        if self.wrap:
            self._extend_starts(list(self.rows))
        self._heights_width = self.scrollable_content_region.width

    def _total_lines(self) -> int:
        if not self.wrap:
            return self.row_count
        if not self._starts:
            return 0
        last = self.rows[-1] if self.rows else 0
        width = max(10, self.scrollable_content_region.width)
        return self._starts[-1] - self._starts[0] + self._row_height(last, width)

    def _line_of(self, index: int) -> int:
        if not self.wrap:
            return index
        if index >= len(self._starts):
            return self._total_lines()
        return self._starts[index] - self._starts[0]

    def _row_at_line(self, line: int) -> tuple[int, int]:
        if not self.wrap:
            return line, 0
        if not self._starts:
            return len(self.rows), 0
        absolute = line + self._starts[0]
        index = bisect.bisect_right(self._starts, absolute) - 1
        return index, absolute - self._starts[index]

    def _update_size(self, changed_from: int | None = None) -> None:
        """`changed_from`: only lines from there on differ (rows added at the bottom)."""
        size = Size(self.scrollable_content_region.width, self._total_lines())
        before = self.virtual_size
        window = self.scrollable_content_region.height
        if size.width == before.width and min(size.height, before.height) > window > 0:
            # Taller or shorter, the scrollbar stays: no layout of the whole screen (setting
            # virtual_size asks for one), only what Textual itself does without a layout.
            self.set_reactive(TailLog.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
            changed_from = None
        if changed_from is None:
            self.refresh()
            return
        top = max(changed_from, int(self.scroll_y))
        bottom = min(size.height, int(self.scroll_y) + window)
        if bottom > top:
            self.refresh_lines(top, bottom - top)

    def on_resize(self) -> None:
        if self.wrap and self.scrollable_content_region.width != self._heights_width:
            self._rebuild_starts()
        self._strips.clear()
        self._update_size()
        if self.follow:
            self._jump_to_end()

    def watch_wrap(self) -> None:
        self.drop_gone()  # wrap's line numbering covers buffered rows only
        self._strips.clear()
        self._rebuild_starts()
        self._update_size()
        self._show_cursor()

    # ---- following and cursor ---------------------------------------------------------
    def watch_follow(self, follow: bool) -> None:
        if follow:
            self.pending = 0
            self.drop_gone()
            self._jump_to_end()

    def _jump_to_end(self) -> None:
        """Following: the cursor on the newest row and that row at the bottom of the view.

        `force`: right after the list first grows past the window, the scrollbar is not
        laid out yet and Textual ignores an ordinary scroll; the view then stayed on the
        oldest rows. Once more after the next refresh, when the layout has caught up."""
        self.cursor = self.row_count - 1
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)
        if not self._end_pending:
            self._end_pending = True
            self.call_after_refresh(self._settle_at_end)

    def _settle_at_end(self) -> None:
        self._end_pending = False
        if self.follow:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)

    def watch_cursor(self, old: int, new: int) -> None:
        """Only the rows the cursor left and reached are drawn again: a key during a flood
        then costs two lines, not the whole list (scrolling refreshes everything anyway)."""
        for index in {old, new}:
            if 0 <= index < self.row_count:
                top = self._line_of(index)
                self.refresh_lines(top, max(1, self._line_of(index + 1) - top))

    def _show_cursor(self) -> None:
        if self.cursor < 0:
            return
        top = self._line_of(self.cursor)
        bottom = self._line_of(self.cursor + 1) - 1 if self.wrap else top
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif bottom >= self.scroll_y + height:
            self.scroll_to(y=bottom - height + 1, animate=False, immediate=True)

    def move_cursor(self, delta: int) -> None:
        last = self.row_count - 1
        if last < 0:
            return
        target = max(0, min(last, (self.cursor if self.cursor >= 0 else 0) + delta))
        if delta < 0 or target < last:
            self.follow = False
        self.cursor = target
        self._show_cursor()

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(delta)

    def action_cursor_page(self, direction: int) -> None:
        self.move_cursor(direction * max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.follow = False
        self.cursor = 0 if self.row_count else -1
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_last(self) -> None:
        self.follow = True

    def _on_mouse_scroll_up(self, event: object) -> None:
        self.follow = False

    # ---- drawing ----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index, sub = self._row_at_line(int(self.scroll_y) + y)
        base = self.rich_style
        if index >= self.row_count or index < 0:
            return Strip.blank(width, base)
        strips = self._row_strips(index, width)
        strip = strips[sub] if sub < len(strips) else Strip.blank(width, base)
        if index == self.cursor:
            strip = strip.apply_style(self.get_component_rich_style("tail-log--cursor"))
        return strip

    def _row_strips(self, index: int, width: int) -> list[Strip]:
        seq = self.seq_at(index)
        cache_key = (seq, width, self.wrap)
        cached = self._strips.get(cache_key)
        if cached is not None:
            return cached  # type: ignore[return-value]
        view = self.view_at(index)
        meta = self.get_component_rich_style("tail-log--meta")
        if view is not None:
            text = self._row_text(view)
        else:
            record = self._raw(seq)
            if record is None:
                text = Text("(dropped from the buffer)", style=meta)
            else:  # drawn now, decoded in a worker: never wait for the registry here
                self._want(seq)
                text = self._row_prefix(record, meta)
                text.append("decoding...", style=meta)
                return self._strips_of(text, index, width)
        strips = self._strips_of(text, index, width)
        self._strips.put(cache_key, strips)
        return strips

    def _strips_of(self, text: Text, index: int, width: int) -> list[Strip]:
        base = self.rich_style
        if self.wrap:
            # cut by characters, not words: the height was planned from the length
            height = (self._line_of(index + 1) - self._line_of(index)) or 1
            length = len(text)
            cuts = list(range(width, length, width))[: height - 1]
            lines = list(text.divide(cuts))
            if cuts and length > cuts[-1] + width:
                cut(lines[-1], width)
            strips = [
                Strip(line.render(self.app.console)).crop_extend(0, width, base) for line in lines
            ]
        else:
            cut(text, width)
            strips = [Strip(text.render(self.app.console)).crop_extend(0, width, base)]
        return strips

    def _row_prefix(self, record: RawRecord, meta: Style) -> Text:
        text = Text(no_wrap=not self.wrap, end="")
        text.append(timestamp_ms(record.timestamp_ms)[11:], style=meta)
        text.append(f" {record.partition:>2}:{record.offset:<8} ", style=meta)
        return text

    def _row_text(self, view: RecordView) -> Text:
        record = view.record
        colours = self.app.theme_variables
        meta: Style = self.get_component_rich_style("tail-log--meta")
        text = self._row_prefix(record, meta)
        key = shown(view.key, view.key_text)
        text.append((key[: KEY_WIDTH - 1] + "~" if len(key) > KEY_WIDTH else key).ljust(KEY_WIDTH))
        text.append(" ")
        level = format_level(view.value.format, bool(view.value.error))
        text.append(shown(view.value, view.value_text), style=colours.get(level, ""))
        if record.headers:
            text.append(f"  [{len(record.headers)}h]", style=meta)
        return text

