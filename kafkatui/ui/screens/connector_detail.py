"""One connector: state, health, tasks with their traces; restart a single task."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from kafkatui.cluster.models import ConnectorStatus, TaskStatus
from kafkatui.ui.format import health_level, styled
from kafkatui.ui.screens.base import DetailView, back_binding
from kafkatui.ui.screens.connectors import ConnectorActions, tasks_summary
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable

COLUMNS = (
    Column("id", "Task"),
    Column("state", "State"),
    Column("worker", "Worker"),
    Column("trace", "Trace (enter shows all)"),
)


class ConnectorDetailView(ConnectorActions, DetailView):
    POLL_S = 5.0
    LOADING = "reading connector status"
    BINDINGS = [
        Binding("R", "restart_task", "Restart task", id="connector.restart_task"),
        back_binding("connector"),
    ]

    def __init__(self, cluster: str, name: str) -> None:
        super().__init__()
        self.cluster = cluster
        self.name_ = name
        self.status: ConnectorStatus | None = None
        self.TITLE_TEXT = f"connector {name} ({cluster})"

    def compose_body(self) -> ComposeResult:
        yield from self.compose_summary()
        yield KeyedTable(COLUMNS, id="tasks")

    def fetch(self) -> ConnectorStatus:
        status: ConnectorStatus = self.client.connect.status(self.cluster, self.name_)
        return status

    def paint(self, result: ConnectorStatus) -> None:
        self.show_status(result)

    def target(self) -> ConnectorStatus | None:
        return self.status

    def show_status(self, status: ConnectorStatus) -> None:
        self.status = status
        colours = self.app.theme_variables
        summary = Text.assemble(
            styled(status.health.value, colours, health_level(status.health.value), bold=True),
            f"  state {status.state}  {status.type}  {tasks_summary(status)}\n",
            f"{status.connector_class}  on {status.worker_id}",
        )
        if status.trace:
            summary.append(
                "\n" + status.trace.splitlines()[0], style=colours.get("health-critical")
            )
        self.summary.update(summary)
        self.query_one("#tasks", KeyedTable).sync(
            [(str(t.id), self._cells(t, colours)) for t in status.tasks]
        )

    @staticmethod
    def _cells(task: TaskStatus, colours: dict[str, str]) -> tuple[Cell, ...]:
        first = task.trace.splitlines()[0] if task.trace else ""
        return (
            str(task.id),
            styled(task.state, colours, health_level(task.state)),
            task.worker_id,
            first,
        )

    def _selected_task(self) -> TaskStatus | None:
        key = self.query_one("#tasks", KeyedTable).current_key
        if self.status is None or key is None:
            return None
        return next((t for t in self.status.tasks if str(t.id) == key), None)

    @on(DataTable.RowSelected, "#tasks")
    def _show_trace(self) -> None:
        task = self._selected_task()
        if task is None:
            return
        from kafkatui.ui.modals.common import TextModal

        self.app.push_screen(
            TextModal(
                f"{self.name_} task {task.id}: {task.state}",
                task.trace or "no trace: the task has not failed",
            )
        )

    def action_restart_task(self) -> None:
        task = self._selected_task()
        if task is None or self.status is None or not self.allowed("connector.restart_task"):
            return
        status, api = self.status, self.client.connect
        self._change(
            status,
            f"restarting task {task.id} of",
            lambda: api.restart_task(status.cluster, status.name, task.id),
            "RUNNING",
        )
