"""The connection screen: the cluster has not answered yet since start-up (or a profile switch).

It shows where the app is trying to connect (never a secret), why it failed, and when the
next try is. The app's own cluster probe keeps retrying with its backoff; this screen only
reads the app's state, and goes away by itself once a probe succeeds.
"""

from __future__ import annotations

import math
from time import monotonic

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from kafkatui.ui.modals.common import ChoiceModal
from kafkatui.ui.screens.base import KModal


def retry_text(next_try_at: float | None, now: float) -> str:
    """'retrying in N s' (whole seconds, rounded up), or 'trying now...' while a probe runs."""
    if next_try_at is None or next_try_at <= now:
        return "trying now..."
    return f"retrying in {math.ceil(next_try_at - now)} s"


class ConnectionScreen(KModal[None]):
    BINDINGS = [
        Binding("r", "retry", "Retry now", id="connection.retry"),
        Binding("p", "switch_profile", "Profile", id="connection.profile"),
        Binding("l", "show_log", "Error log", id="connection.log"),
        Binding("q", "quit", "Quit", id="connection.quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="connection"):
            yield Static("Cannot reach the cluster", classes="title")
            yield Static("", id="connection-target")
            yield Static("", id="connection-error", classes="error", markup=False)
            yield Static("", id="connection-retry")
            yield Static(self._keys_text(), id="connection-keys", classes="hint")

    def on_mount(self) -> None:
        self.paint()
        self.set_interval(0.5, self.paint)

    def on_screen_resume(self) -> None:
        if self.kapp.connection_screen is not self:  # it answered while this was covered
            self.dismiss(None)
        else:
            self.paint()

    def _keys_text(self) -> str:
        profile = "p switch profile" if self._other_profiles() else "p (no other profiles)"
        return f"r retry now   {profile}   l error log   q quit"

    def paint(self) -> None:
        app = self.kapp
        servers = getattr(app.client, "bootstrap_servers", "") or "?"
        self.query_one("#connection-target", Static).update(
            f"profile {app.profile}   bootstrap {servers}"
        )
        self.query_one("#connection-error", Static).update(app.probe_error or "")
        self.query_one("#connection-retry", Static).update(
            retry_text(app.next_probe_at, monotonic())
        )

    # ---- keys -------------------------------------------------------------------------
    def action_dismiss_none(self) -> None:
        """escape: this screen stays until the cluster answers (or q quits)."""

    def action_retry(self) -> None:
        self.kapp.probe_now()
        self.paint()

    def _other_profiles(self) -> list[str]:
        return [p for p in self.kapp.profiles if p != self.kapp.profile]

    def action_switch_profile(self) -> None:
        profiles = self._other_profiles()
        if not profiles:
            self.notify(
                "no other profiles configured: restart with --profile NAME or -b HOST:PORT",
                severity="warning",
            )
            return
        choices = [(p, p) for p in profiles]
        self.app.push_screen(ChoiceModal("Switch profile", choices), self._chosen)

    def _chosen(self, name: str | None) -> None:
        if name:
            self.kapp.change_profile(name)

    def action_show_log(self) -> None:
        self.app.switch_mode("log")

    def action_quit(self) -> None:
        self.app.exit(0)
