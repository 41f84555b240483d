"""Lag over the session as two small column charts: records behind, and seconds behind.

Drawn in ASCII (see glyphs: any font, `TERM=xterm`), one column per sample with the newest
at the right, in half-cell steps: `#` a full cell, `.` a half cell, `_` a sample of zero.
The scale runs from the smallest sample to the largest (both in the title), so a slow
drift of a large lag still shows.
Five rows tall, so it fits an 80x24 group page above the partition table. textual-plotext
(1.0.1) would install, but not earn its place: plotext frames a plot with axes and tick
labels, which at five rows leave the data a couple of lines, and its markers are braille or
block glyphs, which the app avoids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.widget import Widget

from kafkatui.cluster.lag_time import age_text
from kafkatui.cluster.models import LagSample

CHART_ROWS = 4


def column_rows(values: Sequence[float], width: int, rows: int = CHART_ROWS) -> list[str]:
    """The last `width` values as `rows` lines of text, top line first: the smallest value
    one half cell high, the largest full height (all half height when they are equal)."""
    tail = list(values)[-max(width, 0) :]
    top = rows * 2
    low, high = min(tail, default=0), max(tail, default=0)

    def height_of(v: float) -> int:
        if v <= 0:
            return 0
        if high == low:
            return rows
        return 1 + round((v - low) / (high - low) * (top - 1))

    halves = [height_of(v) for v in tail]
    lines = []
    for row in range(rows - 1, -1, -1):
        cells = []
        for units, value in zip(halves, tail, strict=True):
            if units >= 2 * (row + 1):
                cells.append("#")
            elif units == 2 * row + 1:
                cells.append(".")
            elif row == 0 and value <= 0:
                cells.append("_")
            else:
                cells.append(" ")
        lines.append("".join(cells).ljust(width))
    return lines


def _span(samples: Sequence[LagSample]) -> str:
    if len(samples) < 2:
        return ""
    return f"  {age_text(samples[-1].at - samples[0].at)}"


class LagChart(Widget):
    """Records and seconds behind, side by side; `update` with each poll's samples."""

    DEFAULT_CSS = "LagChart { height: 5; padding: 0 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._records: tuple[LagSample, ...] = ()
        self._seconds: tuple[LagSample, ...] = ()
        self._style = ""

    def update(
        self, records: Sequence[LagSample], seconds: Sequence[LagSample], style: str = ""
    ) -> None:
        self._records, self._seconds, self._style = tuple(records), tuple(seconds), style
        self.refresh()

    def render(self) -> Text:
        width = max(self.content_size.width, 20)
        half = (width - 2) // 2
        left = self._panel("records", self._records, half, lambda v: f"{v:,.0f}")
        right = self._panel("seconds", self._seconds, width - 2 - half, age_text)
        text = Text()
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            if i:
                text.append("\n")
            text.append_text(a)
            text.append("  ")
            text.append_text(b)
        return text

    def _panel(
        self, name: str, samples: Sequence[LagSample], width: int, show: Callable[[float], str]
    ) -> list[Text]:
        if samples:
            values = [s.lag for s in samples]
            title = (
                f"{name} {show(values[-1])}  min {show(min(values))} max {show(max(values))}"
                f"{_span(samples)}"
            )
        else:
            title = f"{name}: no samples yet"
        head = Text(title[:width].ljust(width), style="bold")
        body = column_rows([s.lag for s in samples], width)
        return [head, *(Text(line, style=self._style) for line in body)]
