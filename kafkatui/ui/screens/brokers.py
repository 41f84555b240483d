"""Brokers: controller, racks, each log dir's disk, the KRaft quorum, and configs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Static

from kafkatui.cluster.deep_models import DiskUsage, LogDir, Quorum, QuorumMember
from kafkatui.cluster.errors import KafkaTuiError
from kafkatui.cluster.models import Broker, ClusterInfo, ConfigEntry
from kafkatui.ui.format import count, size, styled, timestamp_ms
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.screens.topic_detail import CONFIG_COLUMNS, config_cells
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable
from kafkatui.ui.workers import io_work

LOG_DIR_COLUMNS = (
    Column("broker", "Broker"),
    Column("path", "Log dir"),
    Column("pct", "Used %"),
    Column("used", "Used / total"),
    Column("state", "State"),
    Column("parts", "Partitions"),
    Column("size", "Kafka data"),
)
QUORUM_COLUMNS = (
    Column("node", "Node"),
    Column("role", "Role"),
    Column("end", "Log end"),
    Column("lag", "Lag"),
    Column("caught", "Last caught up"),
)


@dataclass(frozen=True)
class BrokersPage:
    info: ClusterInfo
    usage: DiskUsage | None
    quorum: Quorum | None
    notes: tuple[str, ...]  # what could not be read, and why


class BrokersView(TableView[Broker]):
    TITLE_TEXT = "brokers"
    POLL_S = 30.0
    COLUMNS = (
        Column("id", "Id"),
        Column("host", "Host"),
        Column("port", "Port"),
        Column("rack", "Rack"),
        Column("role", "Role"),
        Column("disk", "Disk used"),
        Column("data", "Kafka data"),
    )
    HELP = "Log dirs and the KRaft quorum below; then the highlighted broker's configs."
    LOADING = "describing cluster"

    class Configs(Message):
        def __init__(self, broker_id: int, configs: list[ConfigEntry]) -> None:
            super().__init__()
            self.broker_id, self.configs = broker_id, configs

    def __init__(self) -> None:
        super().__init__()
        self.dirs: dict[int, list[LogDir]] = {}
        self.shown_configs: int | None = None

    def compose_above_table(self) -> ComposeResult:
        yield Static("loading...", id="summary", classes="summary")

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        yield Static("Log dirs", classes="pane-title")
        yield KeyedTable(LOG_DIR_COLUMNS, id="logdirs")
        yield Static("KRaft quorum", id="quorum-title", classes="pane-title")
        yield KeyedTable(QUORUM_COLUMNS, id="quorum")
        yield Static("Configs", id="configs-title", classes="pane-title")
        yield KeyedTable(CONFIG_COLUMNS, id="configs")

    def fetch(self) -> BrokersPage:
        info = self.client.brokers.cluster_info()
        notes: list[str] = []
        usage = quorum = None
        try:  # optional data: the view still works without it
            usage = self.client.brokers.disk_usage()
        except KafkaTuiError as exc:
            notes.append(f"log dirs unavailable: {exc}")
        try:
            quorum = self.client.brokers.quorum()
        except KafkaTuiError as exc:
            notes.append(f"KRaft quorum unavailable: {exc}")
        return BrokersPage(info, usage, quorum, tuple(notes))

    def paint(self, result: BrokersPage) -> None:
        info = result.info
        self.dirs = {}
        for d in result.usage.log_dirs if result.usage else ():
            self.dirs.setdefault(d.broker_id, []).append(d)
        racks = sorted({b.rack for b in info.brokers if b.rack})
        summary = (
            f"cluster {info.cluster_id or '?'}  controller {info.controller_id}  "
            f"{len(info.brokers)} broker(s)  racks: {', '.join(racks) or 'none'}"
        )
        if result.quorum is not None:
            q = result.quorum
            summary += (
                f"  KRaft leader {q.leader_id}, {len(q.voters)} voter(s), "
                f"{len(q.observers)} observer(s)"
            )
        summary += "".join(f"\n{note}" for note in result.notes)
        self.query_one("#summary", Static).update(summary)
        self.set_items(list(info.brokers))
        colours = self.app.theme_variables
        all_dirs = [d for dirs in self.dirs.values() for d in dirs]
        self.query_one("#logdirs", KeyedTable).sync(
            [(f"{d.broker_id}:{d.path}", _log_dir_cells(d, colours)) for d in all_dirs]
        )
        members = () if result.quorum is None else (*result.quorum.voters, *result.quorum.observers)
        leader = result.quorum.leader_id if result.quorum else None
        self.query_one("#quorum", KeyedTable).sync(
            [(str(m.node_id), _member_cells(m, leader)) for m in members]
        )
        self._load_configs_for_cursor()

    def key_of(self, item: Broker) -> str:
        return str(item.id)

    def cells(self, item: Broker) -> Sequence[Cell]:
        dirs = self.dirs.get(item.id, [])
        known = [d for d in dirs if d.total_bytes is not None and d.used_bytes is not None]
        used = sum(d.used_bytes or 0 for d in known)
        total = sum(d.total_bytes or 0 for d in known)
        disk = f"{size(used)} / {size(total)} ({100 * used / total:.0f}%)" if total else "-"
        data = (
            f"{size(sum(d.size_bytes for d in dirs))} in {sum(d.partitions for d in dirs)} parts"
            if dirs
            else "-"
        )
        return (
            str(item.id),
            item.host,
            str(item.port),
            item.rack or "-",
            "controller" if item.is_controller else "broker",
            disk,
            data,
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


def _log_dir_cells(d: LogDir, colours: dict[str, str]) -> tuple[Cell, ...]:
    pct = d.used_percent
    pct_cell: Cell = "-" if pct is None else f"{pct:.1f}%"
    if pct is not None and pct >= 80:
        pct_cell = styled(f"{pct:.1f}%", colours, "health-critical" if pct >= 90 else "health-warn")
    state: Cell = "ok"
    if d.offline:
        state = styled(f"OFFLINE ({d.error})", colours, "health-critical", bold=True)
    elif d.cordoned:
        state = styled("cordoned", colours, "health-warn", bold=True)
    total = "-" if d.total_bytes is None else f"{size(d.used_bytes)} / {size(d.total_bytes)}"
    return (str(d.broker_id), d.path, pct_cell, total, state, count(d.partitions),
            size(d.size_bytes))  # fmt: skip


def _member_cells(m: QuorumMember, leader: int | None) -> tuple[Cell, ...]:
    role = "voter" if m.voter else "observer"
    if m.node_id == leader:
        role = "leader (voter)"
    # a wall-clock time, not "N s ago": the quorum's own clock, comparable between members
    caught = "never" if m.last_caught_up_ms is None else timestamp_ms(m.last_caught_up_ms)
    lag: Cell = count(m.lag) if m.lag == 0 else Text(count(m.lag), style="bold")
    return (str(m.node_id), role, count(m.log_end_offset), lag, caught)
