"""Connectors of every configured Connect cluster, with derived health and actions.

After pause/resume/stop/restart, the connector's status is polled quickly until it shows
the expected state (or a deadline passes), so the screen reflects the real effect.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from textual.binding import Binding
from textual.message import Message

from kafkatui.cluster.models import ConnectorStatus
from kafkatui.ui.format import health_level, styled
from kafkatui.ui.screens.base import View
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.widgets.keyed_table import Cell, Column
from kafkatui.ui.workers import io_work

SETTLE_S = 20.0
SETTLE_STEP_S = 0.5
RESTART_CHOICES = (
    ("connector", "Connector only"),
    ("tasks", "Connector and all tasks"),
    ("failed", "Connector and failed tasks only"),
)


def tasks_summary(status: ConnectorStatus) -> str:
    running = sum(1 for t in status.tasks if t.state == "RUNNING")
    failed = sum(1 for t in status.tasks if t.state == "FAILED")
    text = f"{running}/{len(status.tasks)} running"
    return text + (f", {failed} failed" if failed else "")


class StatusUpdated(Message):
    """A fresh status of one connector (from a settle loop)."""

    def __init__(self, status: ConnectorStatus, settled: bool, expected: str) -> None:
        super().__init__()
        self.status = status
        self.settled = settled
        self.expected = expected


class ConnectorActions(View):
    """Pause/resume, stop, restart and config, shared by the list and the detail view."""

    BINDINGS = [
        Binding("p", "pause_resume", "Pause/resume", id="connectors.pause"),
        Binding("s", "stop", "Stop", id="connectors.stop"),
        Binding("r", "restart", "Restart", id="connectors.restart"),
        Binding("c", "config", "Config", id="connectors.config"),
    ]

    def target(self) -> ConnectorStatus | None:
        raise NotImplementedError

    def action_pause_resume(self) -> None:
        status = self.target()
        if status is None:
            return
        api = self.client.connect
        if status.state == "PAUSED" or status.state == "STOPPED":
            if self.allowed("connector.resume"):
                self._change(
                    status, "resuming", lambda: api.resume(status.cluster, status.name), "RUNNING"
                )
        elif self.allowed("connector.pause"):
            self._change(
                status, "pausing", lambda: api.pause(status.cluster, status.name), "PAUSED"
            )

    def action_stop(self) -> None:
        status = self.target()
        if status is None or not self.allowed("connector.stop"):
            return
        from kafkatui.ui.modals.common import ConfirmModal

        dialog = ConfirmModal(
            f"Stop {status.name}?", "Its tasks are shut down until resumed.", action_label="Stop"
        )
        api = self.client.connect
        self.confirm(
            dialog,
            lambda: self._change(
                status, "stopping", lambda: api.stop(status.cluster, status.name), "STOPPED"
            ),
        )

    def action_restart(self) -> None:
        status = self.target()
        if status is None or not self.allowed("connector.restart"):
            return
        from kafkatui.ui.modals.common import ChoiceModal

        self.app.push_screen(
            ChoiceModal(f"Restart {status.name}", RESTART_CHOICES),
            lambda choice: self._restart(status, choice),
        )

    def _restart(self, status: ConnectorStatus, choice: str | None) -> None:
        if choice is None:
            return
        api = self.client.connect
        self._change(
            status,
            "restarting",
            lambda: api.restart(
                status.cluster,
                status.name,
                include_tasks=choice != "connector",
                only_failed=choice == "failed",
            ),
            "RUNNING",
        )

    def action_config(self) -> None:
        status = self.target()
        if status is not None:
            self.load_config(status.cluster, status.name)

    @io_work("connector-config", "reading connector config")
    def load_config(self, cluster: str, name: str) -> None:
        config = self.client.connect.config(cluster, name)
        width = max((len(k) for k in config), default=0)
        body = "\n".join(f"{k.ljust(width)}  {v}" for k, v in sorted(config.items()))
        from kafkatui.ui.modals.common import TextModal

        self.app.call_from_thread(
            self.app.push_screen, TextModal(f"{name} config (secrets masked)", body)
        )

    def _change(self, status: ConnectorStatus, verb: str, call: Any, expected: str) -> None:
        def body() -> None:
            call()
            self._settle(status.cluster, status.name, expected)

        self.notify(f"{verb} {status.name}...")
        self.run_worker(
            body,
            thread=True,
            exit_on_error=False,
            group="change",
            description=f"{verb} {status.name}",
        )

    def _settle(self, cluster: str, name: str, expected: str) -> None:
        """Worker thread: poll the status until it shows `expected` or time runs out."""
        deadline = time.monotonic() + SETTLE_S
        while True:
            status = self.client.connect.status(cluster, name)
            settled = status.state == expected
            timed_out = time.monotonic() >= deadline
            self.post_message(StatusUpdated(status, settled or timed_out, expected))
            if settled or timed_out:
                return
            time.sleep(SETTLE_STEP_S)

    def on_status_updated(self, message: StatusUpdated) -> None:
        self.show_status(message.status)
        if message.settled:
            state = message.status.state
            if state == message.expected:
                self.notify(f"{message.status.name} is {state}")
            else:
                self.notify(
                    f"{message.status.name} is still {state} (expected {message.expected})",
                    severity="warning",
                )

    def show_status(self, status: ConnectorStatus) -> None:
        """Paint one fresh status (subclasses)."""


class ConnectorsView(ConnectorActions, TableView[ConnectorStatus]):
    TITLE_TEXT = "connectors"
    POLL_S = 5.0
    COLUMNS = (
        Column("name", "Connector"),
        Column("state", "State"),
        Column("health", "Health"),
        Column("tasks", "Tasks"),
        Column("type", "Type"),
        Column("cluster", "Cluster"),
        Column("class", "Class"),
    )

    LOADING = "listing connectors"

    def fetch(self) -> list[ConnectorStatus]:
        found: list[ConnectorStatus] = []
        for cluster in self.client.connect.clusters():
            found.extend(self.client.connect.list(cluster))
        return found

    def key_of(self, item: ConnectorStatus) -> str:
        return f"{item.cluster}/{item.name}"

    def cells(self, item: ConnectorStatus) -> Sequence[Cell]:
        colours = self.app.theme_variables
        return (
            item.name,
            styled(item.state, colours, health_level(item.state)),
            styled(item.health.value, colours, health_level(item.health.value), bold=True),
            tasks_summary(item),
            item.type,
            item.cluster,
            item.connector_class.rsplit(".", 1)[-1],
        )

    def target(self) -> ConnectorStatus | None:
        return self.current

    def show_status(self, status: ConnectorStatus) -> None:
        self.update_items([status])

    def open_item(self, item: ConnectorStatus) -> None:
        from kafkatui.ui.screens.connector_detail import ConnectorDetailView

        self.app.push_screen(ConnectorDetailView(item.cluster, item.name))
