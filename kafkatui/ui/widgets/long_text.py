"""Very long text (a multi-megabyte value) shown through the Line API.

Each line is cut into rows of the widget's width; only the rows on screen are sliced
out and drawn, so opening a 10 MiB value costs one pass to count line lengths.
"""

from __future__ import annotations

import bisect
import math

from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class LongText(ScrollView, can_focus=True):
    DEFAULT_CSS = "LongText { height: 1fr; }"

    def __init__(self, text: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._lines = text.split("\n")
        self._first_row: list[int] = []  # row where each line starts, for the current width
        self._width = 0

    def _layout(self, width: int) -> None:
        self._width = max(1, width)
        self._first_row = []
        row = 0
        for line in self._lines:
            self._first_row.append(row)
            row += max(1, math.ceil(len(line) / self._width))
        self.virtual_size = Size(self._width, row)

    def on_resize(self) -> None:
        self._layout(self.scrollable_content_region.width)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._layout(width)
        row = int(self.scroll_y) + y
        style = self.rich_style
        if not self._first_row or row >= self.virtual_size.height:
            return Strip.blank(width, style)
        index = bisect.bisect_right(self._first_row, row) - 1
        start = (row - self._first_row[index]) * self._width
        piece = self._lines[index][start : start + self._width]
        return Strip([Segment(piece, style)]).extend_cell_length(width, style)
