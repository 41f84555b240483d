"""`:`: a one-line command prompt with completion (tab or right arrow accepts)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from kafkatui.ui.screens.base import KModal
from kafkatui.ui.widgets.inputs import KInput


class CommandLine(KModal[str | None]):
    DEFAULT_CSS = """
    CommandLine { align: left bottom; background: $background 30%; }
    CommandLine > Vertical { height: auto; width: 100%; background: $panel; }
    CommandLine Input { border: none; height: 1; padding: 0 1; }
    CommandLine Static { color: $text-muted; padding: 0 1; height: 1; }
    """
    BINDINGS = [Binding("tab", "complete", "Complete", show=False, id="command.complete")]

    def __init__(self, words: list[str]) -> None:
        super().__init__()
        self._words = words

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "topics groups connectors schemas brokers health acls log audit "
                "tail T theme T profile P quit"
            )
            yield KInput(
                placeholder=":command",
                suggester=SuggestFromList(self._words, case_sensitive=False),
                id="command",
            )

    def action_complete(self) -> None:
        box = self.query_one("#command", Input)
        if box._suggestion:
            box.value = box._suggestion
            box.cursor_position = len(box.value)

    @on(Input.Submitted, "#command")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip().lstrip(":") or None)
