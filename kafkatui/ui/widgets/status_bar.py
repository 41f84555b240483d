"""The one-line status bar on every view: profile, cluster id, connection, READ-ONLY."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
    """Reads the app's reactive state and repaints when any of it changes."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title

    def on_mount(self) -> None:
        for name in ("profile", "cluster_id", "connection_state", "read_only"):
            self.watch(self.app, name, self._changed, init=False)
        self._changed()

    def _changed(self, _value: object = None) -> None:
        self.update(self.render_status())

    def render_status(self) -> Text:
        app = self.app
        colours = app.theme_variables
        state = str(getattr(app, "connection_state", "connecting"))
        state_colour = {
            "connected": colours.get("health-ok", "green"),
            "connecting": colours.get("health-warn", "yellow"),
        }.get(state, colours.get("health-critical", "red"))
        text = Text(" ")
        if getattr(app, "read_only", False):
            badge = colours.get("badge-read-only", "red")
            text.append(" READ-ONLY ", style=f"bold reverse {badge}")
            text.append(" ")
        text.append(self.title, style="bold")
        text.append(" | ")
        text.append(state, style=f"bold {state_colour}")
        text.append(f" | profile {getattr(app, 'profile', '?')}")
        text.append(f" | cluster {getattr(app, 'cluster_id', None) or '?'}")
        return text
