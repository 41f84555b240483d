"""Brokers: controller, racks, log dir usage where the cluster reports it, and configs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from kafkatui.cluster.errors import KafkaTuiError
from kafkatui.cluster.models import Broker, ClusterInfo, ConfigEntry, LogDirUsage
from kafkatui.ui.format import size
from kafkatui.ui.screens.base import TableView
from kafkatui.ui.screens.topic_detail import CONFIG_COLUMNS, config_cells
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable
from kafkatui.ui.workers import io_work

LogDirs = tuple[list[LogDirUsage] | None, str | None]  # usage, or why it is unavailable


class BrokersView(TableView[Broker]):
    TITLE_TEXT = "brokers"
    POLL_S = 30.0
    COLUMNS = (
        Column("id", "Id"),
        Column("host", "Host"),
        Column("port", "Port"),
        Column("rack", "Rack"),
        Column("role", "Role"),
        Column("logdirs", "Log dirs"),
    )
    HELP = "The lower table shows the highlighted broker's configs; overrides first."
    LOADING = "describing cluster"

    class Configs(Message):
        def __init__(self, broker_id: int, configs: list[ConfigEntry]) -> None:
            super().__init__()
            self.broker_id, self.configs = broker_id, configs

    def __init__(self) -> None:
        super().__init__()
        self.usage: dict[int, tuple[int, int]] = {}  # broker -> (bytes, partitions)
        self.usage_note: str | None = None
        self.shown_configs: int | None = None

    def compose_above_table(self) -> ComposeResult:
        yield Static("loading...", id="summary", classes="summary")

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        yield Static("Configs", id="configs-title", classes="pane-title")
        yield KeyedTable(CONFIG_COLUMNS, id="configs")

    def fetch(self) -> tuple[ClusterInfo, LogDirs]:
        info = self.client.brokers.cluster_info()
        try:
            usage, note = self.client.brokers.log_dirs(), None
        except KafkaTuiError as exc:  # optional data: the view still works without it
            usage, note = None, f"log dirs unavailable: {exc}"
        return info, (usage, note)

    def paint(self, result: tuple[ClusterInfo, LogDirs]) -> None:
        info, (usage, self.usage_note) = result
        totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for entry in usage or []:
            totals[entry.broker_id][0] += entry.size_bytes
            totals[entry.broker_id][1] += 1
        self.usage = {b: (t[0], t[1]) for b, t in totals.items()}
        racks = sorted({b.rack for b in info.brokers if b.rack})
        summary = (
            f"cluster {info.cluster_id or '?'}  controller {info.controller_id}  "
            f"{len(info.brokers)} broker(s)  racks: {', '.join(racks) or 'none'}"
        )
        if self.usage_note:
            summary += f"\n{self.usage_note}"
        self.query_one("#summary", Static).update(summary)
        self.set_items(list(info.brokers))
        self._load_configs_for_cursor()

    def key_of(self, item: Broker) -> str:
        return str(item.id)

    def cells(self, item: Broker) -> Sequence[Cell]:
        used = self.usage.get(item.id)
        logdirs = f"{size(used[0])} / {used[1]} parts" if used else "-"
        return (
            str(item.id),
            item.host,
            str(item.port),
            item.rack or "-",
            "controller" if item.is_controller else "broker",
            logdirs,
        )

    def sort_value(self, item: Broker, column: int) -> Any:
        if column in (0, 2):
            return item.id if column == 0 else item.port
        return super().sort_value(item, column)

    @on(DataTable.RowHighlighted, "#table")
    def _highlighted(self) -> None:
        self._load_configs_for_cursor()

    def _load_configs_for_cursor(self) -> None:
        broker = self.current
        if broker is not None and broker.id != self.shown_configs:
            self.shown_configs = broker.id
            self.load_configs(broker.id)

    @io_work("broker-configs", "reading broker configs")
    def load_configs(self, broker_id: int) -> None:
        self.post_message(self.Configs(broker_id, self.client.brokers.broker_configs(broker_id)))

    def on_brokers_view_configs(self, message: Configs) -> None:
        colours = self.app.theme_variables
        ordered = sorted(message.configs, key=lambda c: (c.is_default, c.name))
        self.query_one("#configs-title", Static).update(
            f"Configs of broker {message.broker_id} (* = set, not default)"
        )
        self.query_one("#configs", KeyedTable).sync(
            [(c.name, config_cells(c, colours)) for c in ordered]
        )
