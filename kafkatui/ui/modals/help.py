"""`?`: the keys of the view that was showing, with what they do."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from kafkatui.ui.screens.base import KModal


class HelpModal(KModal[None]):
    BINDINGS = [Binding("question_mark", "dismiss_none", "Close", id="help.close")]

    def __init__(self, title: str, bindings: list[tuple[str, str]], text: str = "") -> None:
        super().__init__()
        self._title = title
        self._keys = bindings
        self._text = text

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        seen: set[tuple[str, str]] = set()
        for key, description in self._keys:
            if (key, description) not in seen:
                seen.add((key, description))
                table.add_row(key, description)
        with Vertical(classes="dialog"):
            yield Static(f"Keys: {self._title or 'kafkatui'}", classes="title")
            with VerticalScroll():
                yield Static(table)
                if self._text:
                    yield Static(self._text, classes="hint")
            yield Static(
                "Move with j/k or arrows, g/G, page up/down; enter opens a row.\n"
                "1-6 switch views, ':' opens the command line, ctrl+p the palette.\n"
                "esc or ? closes.",
                classes="hint",
            )
