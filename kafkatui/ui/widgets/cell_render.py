"""One-line table cells drawn straight into segments.

Textual draws each DataTable cell through Rich's general layout (markup parsing, a
Padding inside a Styled, line splitting and cropping): about 0.16 ms a cell, so 80 ms
for a 200x50 screen of a ten-column table, paid after every change that makes the
visible cells draw again. Nearly every cell here is one line of text that fits its
column; for those, the same segments are made directly. Anything else (markup, line
breaks, tabs, a text wider than its column, a multi-line row) is left to Textual.
A test holds this to Textual's own drawing, character by character and style by style.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

SegmentLines = list[list[Segment]]
_NOT_PLAIN = ("[", "\n", "\r", "\t")
_ONE_LINE = Text("\n")


def content_segments(value: object, console: Console) -> list[Segment] | None:
    """The segments of a cell's text with its own styles, or None when Textual must
    draw it (see the module's doc)."""
    if isinstance(value, str):
        if any(mark in value for mark in _NOT_PLAIN) or not value.isprintable():
            return None
        return [Segment(value, Style.null())] if value else []
    if isinstance(value, Text):
        plain = value.plain
        if "\n" in plain or "\t" in plain or "\r" in plain or not plain.isprintable():
            return None
        if value.justify not in (None, "default", "left"):
            return None
        if not value.spans:  # most cells: one style over the whole text
            style = console.get_style(value.style, default=Style.null())
            return [Segment(plain, style)] if plain else []
        # as Rich draws a Text: joined into lines, its own style becomes a span
        return [s for s in _ONE_LINE.join([value]).render(console, end="") if s.text]
    return None


def plain_cell(
    segments: list[Segment], width: int, padding: int, pre: Style, post: Style
) -> SegmentLines | None:
    """A cell `width` wide: `padding` spaces each side of the text, spaces after it, every
    segment styled pre + its own + post (as Rich's Styled does); None if it does not fit."""
    inner = width - 2 * padding
    used = sum(cell_len(s.text) for s in segments)
    if inner < 0 or used > inner:
        return None

    def styled(own: Style) -> Style:
        style = pre + own if pre else own
        return style + post if post else style

    blank = styled(Style.null())
    line = [Segment(" " * padding, blank)] if padding else []
    line += [Segment(s.text, styled(s.style or Style.null())) for s in segments]
    if inner - used + padding:
        line.append(Segment(" " * (inner - used + padding), blank))
    return [line]
