"""One topic: partitions (leader, replicas, ISR, watermarks) and configs, overrides marked."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from kafkatui.cluster.models import ConfigEntry, PartitionInfo, TopicDetail
from kafkatui.ui.format import count, styled
from kafkatui.ui.screens.base import View
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable

PARTITION_COLUMNS = (
    Column("p", "P"),
    Column("leader", "Leader"),
    Column("replicas", "Replicas"),
    Column("isr", "ISR"),
    Column("low", "Low"),
    Column("high", "High"),
    Column("msgs", "Msgs"),
)
CONFIG_COLUMNS = (Column("name", "Config"), Column("value", "Value"), Column("source", "Source"))


def config_cells(entry: ConfigEntry, colours: dict[str, str]) -> tuple[Cell, ...]:
    """Overrides are marked with '*' and highlighted; sensitive values are never shown."""
    value = "******" if entry.is_sensitive else (entry.value if entry.value is not None else "-")
    if entry.is_default:
        return (
            Text(entry.name, style="dim"),
            Text(value, style="dim"),
            Text(entry.source, style="dim"),
        )
    return (styled("* " + entry.name, colours, "health-paused", bold=True), value, entry.source)


class TopicDetailView(View):
    POLL_S = 10.0
    BINDINGS = [
        Binding("t", "tail", "Tail", id="topic.tail"),
        Binding("escape", "back", "Back", id="topic.back"),
        Binding("tab", "app.focus_next", "Next table", show=False, id="topic.next_table"),
    ]

    class Loaded(Message):
        def __init__(self, detail: TopicDetail) -> None:
            super().__init__()
            self.detail = detail

    def __init__(self, topic: str) -> None:
        super().__init__()
        self.topic = topic
        self.TITLE_TEXT = f"topic {topic}"

    def compose_body(self) -> ComposeResult:
        yield Static("", id="summary", classes="summary")
        yield Static("Partitions", classes="pane-title")
        yield KeyedTable(PARTITION_COLUMNS, id="partitions")
        yield Static("Configs (* = override)", classes="pane-title")
        yield KeyedTable(CONFIG_COLUMNS, id="configs")

    def reload(self) -> None:
        self.load()

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="poll",
        description="describing topic",
    )
    def load(self) -> None:
        self.post_message(self.Loaded(self.client.topics.describe(self.topic)))

    def on_topic_detail_view_loaded(self, message: Loaded) -> None:
        detail = message.detail
        colours = self.app.theme_variables
        self.query_one("#partitions", KeyedTable).sync(
            [(str(p.partition), self._partition_cells(p, colours)) for p in detail.partitions]
        )
        self.query_one("#configs", KeyedTable).sync(
            [(c.name, config_cells(c, colours)) for c in detail.configs]
        )
        total = sum((p.high or 0) - (p.low or 0) for p in detail.partitions)
        short = sum(1 for p in detail.partitions if len(p.isr) < len(p.replicas))
        offline = sum(1 for p in detail.partitions if p.leader is None)
        self.query_one("#summary", Static).update(
            f"{len(detail.partitions)} partitions, {count(total)} messages, "
            f"{short} under-replicated, {offline} offline"
        )

    @staticmethod
    def _partition_cells(p: PartitionInfo, colours: dict[str, str]) -> tuple[Cell, ...]:
        leader: Cell = (
            str(p.leader)
            if p.leader is not None
            else styled("none", colours, "health-critical", bold=True)
        )
        isr: Cell = ",".join(map(str, p.isr))
        if len(p.isr) < len(p.replicas):
            isr = styled(str(isr), colours, "health-warn", bold=True)
        msgs = None if p.high is None or p.low is None else p.high - p.low
        return (
            str(p.partition),
            leader,
            ",".join(map(str, p.replicas)),
            isr,
            count(p.low),
            count(p.high),
            count(msgs),
        )

    def action_tail(self) -> None:
        self.kapp.open_tail(self.topic)

    def action_back(self) -> None:
        self.app.pop_screen()
