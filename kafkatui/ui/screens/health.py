"""Health findings (the same checks as `kafkatui check`), live, with a jump to each subject."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kafkatui.cluster.models import Finding
from kafkatui.ui.format import health_level, styled
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.widgets.keyed_table import Cell, Column

SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
TOPIC_CODES = (
    "UNDER_REPLICATED",
    "OFFLINE_PARTITION",
    "UNCLEAN_LEADER_ELECTION",
    "REPLICATION_FACTOR_LOW",
    "MIN_ISR_LOW",
)
GROUP_CODES = ("CONSUMER_LAG_GROWING", "CONSUMER_LAG_SECONDS", "REBALANCE_STORM")
CONNECT_CODES = ("CONNECTOR_FAILED", "TASK_FAILED")


def jump_target(finding: Finding) -> tuple[str, str] | None:
    """(mode, filter text) for a finding's subject, or None when it names nothing we show.

    Subjects are a topic name, `broker N`, `cluster`, a group id, or
    `connect-cluster/connector[/task-N]`.
    """
    subject = finding.subject
    if subject.startswith("broker "):
        return ("brokers", subject.removeprefix("broker "))
    if subject == "cluster":  # a cluster-wide finding (for example a single broker)
        return ("brokers", "")
    if finding.code in TOPIC_CODES:
        return ("topics", subject)
    if finding.code in GROUP_CODES:
        return ("groups", subject)
    if finding.code in CONNECT_CODES:
        parts = subject.split("/")
        return ("connectors", parts[1] if len(parts) > 1 else parts[0])
    return None


class HealthView(TableView[Finding]):
    TITLE_TEXT = "health"
    POLL_S = 15.0
    COLUMNS = (
        Column("severity", "Severity"),
        Column("code", "Code"),
        Column("subject", "Subject"),
        Column("detail", "Detail"),
    )
    HELP = "enter jumps to the finding's topic, group or connector."
    LOADING = "checking health"

    def fetch(self) -> list[Finding]:
        result: list[Finding] = self.client.health.check()
        return result

    def paint(self, result: list[Finding]) -> None:
        self.set_items(result)
        if not result:
            self.notify("no findings: the cluster looks healthy")

    def key_of(self, item: Finding) -> str:
        return f"{item.code}|{item.subject}"

    def cells(self, item: Finding) -> Sequence[Cell]:
        colours = self.app.theme_variables
        return (
            styled(item.severity, colours, health_level(item.severity), bold=True),
            item.code,
            item.subject,
            item.detail,
        )

    def sort_value(self, item: Finding, column: int) -> Any:
        if column == 0:
            return (SEVERITY_ORDER.get(item.severity, 3), item.code, item.subject)
        return super().sort_value(item, column)

    def open_item(self, item: Finding) -> None:
        target = jump_target(item)
        if target is None:
            self.notify(f"nothing to open for {item.code}")
            return
        mode, needle = target
        self.app.switch_mode(mode)
        self.app.call_after_refresh(self._filter_in, mode, needle)

    def _filter_in(self, mode: str, needle: str) -> None:
        screen = self.app.screen
        if isinstance(screen, TableView):
            screen.apply_filter(needle)
