"""ASCII for every glyph the app draws itself, so any font and `TERM=xterm` show it.

Textual's defaults use symbols that plain terminal fonts often lack (a return arrow for
enter, eighth blocks for scrollbar thumbs, half blocks around radio buttons: see
`KRadioButton`). Box-drawing borders stay by default (every terminal font has them);
`ascii` borders are a setting.
"""

from __future__ import annotations

import os
from typing import ClassVar

from rich.text import Text
from textual.scrollbar import ScrollBar, ScrollBarRender

KEY_LABELS = {"⏎": "enter", "↑": "up", "↓": "down", "←": "left", "→": "right", "⌫": "bksp"}
ASCII_ENV = "KAFKATUI_ASCII"  # "1": ASCII borders too, for terminals without box drawing


def ascii_key(display: str) -> str:
    """A key as Textual would show it, with its symbols spelled out."""
    return "".join(KEY_LABELS.get(ch, ch) for ch in display)


def ascii_borders_wanted(setting: bool | None) -> bool:
    """The explicit setting, else the environment variable."""
    if setting is not None:
        return setting
    return os.environ.get(ASCII_ENV, "").lower() in ("1", "true", "yes", "on")


def cut(text: Text, width: int) -> None:
    """Truncate in place to `width` cells, marking the cut with "..." (not an ellipsis glyph)."""
    if text.cell_len > width:
        text.truncate(max(width - 3, 0))
        text.append("..."[: max(width, 0)])


class AsciiScrollBarRender(ScrollBarRender):
    """Thumbs are whole coloured cells instead of eighth blocks."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


def use_ascii_scrollbars() -> None:
    ScrollBar.renderer = AsciiScrollBarRender
