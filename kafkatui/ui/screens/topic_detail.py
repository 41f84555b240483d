"""One topic: partitions (leader, replicas, ISR, watermarks) and configs, overrides marked."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from kafkatui.cluster.models import ConfigEntry, PartitionInfo, TopicDetail
from kafkatui.ui.format import count, size, styled
from kafkatui.ui.screens.base import DetailView, back_binding
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable

PARTITION_COLUMNS = (
    Column("p", "P"),
    Column("leader", "Leader"),
    Column("replicas", "Replicas"),
    Column("isr", "ISR"),
    Column("low", "Low"),
    Column("high", "High"),
    Column("msgs", "Msgs"),
    Column("size", "Size"),
    Column("moving", "Reassigning"),
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


def _moving(p: PartitionInfo, colours: dict[str, str]) -> Cell:
    """A reassignment in progress: replicas being added (+) and removed (-)."""
    if not p.adding and not p.removing:
        return "-"
    parts = [f"+{r}" for r in p.adding] + [f"-{r}" for r in p.removing]
    return styled(" ".join(parts), colours, "health-warn", bold=True)


class TopicDetailView(DetailView):
    POLL_S = 10.0
    LOADING = "describing topic"
    BINDINGS = [
        Binding("t", "tail", "Tail", id="topic.tail"),
        Binding("c", "alter_config", "Set config", id="topic.alter_config"),
        back_binding("topic"),
        Binding("tab", "app.focus_next", "Next table", show=False, id="topic.next_table"),
    ]

    def __init__(self, topic: str) -> None:
        super().__init__()
        self.topic = topic
        self.TITLE_TEXT = f"topic {topic}"
        self.detail: TopicDetail | None = None

    def compose_body(self) -> ComposeResult:
        yield from self.compose_summary("")
        yield Static("Partitions", classes="pane-title")
        yield KeyedTable(PARTITION_COLUMNS, id="partitions")
        yield Static("Configs (* = override)", classes="pane-title")
        yield KeyedTable(CONFIG_COLUMNS, id="configs")

    def fetch(self) -> TopicDetail:
        detail: TopicDetail = self.client.topics.describe(self.topic)
        return detail

    def paint(self, result: TopicDetail) -> None:
        self.detail = detail = result
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
        moving = sum(1 for p in detail.partitions if p.adding or p.removing)
        sizes = [p.size_bytes for p in detail.partitions if p.size_bytes is not None]
        text = (
            f"{len(detail.partitions)} partitions, {count(total)} messages, "
            f"{size(sum(sizes)) if sizes else '-'} on disk, "
            f"{short} under-replicated, {offline} offline"
        )
        if moving:
            text += f", {moving} being reassigned"
        if detail.depth_note:
            text += f"\nsizes and reassignments unavailable: {detail.depth_note}"
        self.summary.update(text)

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
            size(p.size_bytes),
            _moving(p, colours),
        )

    def action_tail(self) -> None:
        self.kapp.open_tail(self.topic)

    def action_alter_config(self) -> None:
        if self.detail is None or not self.allowed("topic.alter_config"):
            return
        from kafkatui.ui.modals.common import Field, FormModal

        configs = {c.name: c for c in self.detail.configs}
        chosen = configs.get(self.query_one("#configs", KeyedTable).current_key or "")
        shown = chosen is not None and not chosen.is_sensitive and chosen.value is not None
        default = f"{chosen.name}={chosen.value}" if chosen is not None and shown else ""

        def check(values: dict[str, str]) -> str | None:
            name, sep, _ = values["setting"].partition("=")
            if not sep or not name.strip():
                return "write name=value (name= reverts to the default)"
            if name.strip() not in configs:
                return f"{name.strip()} is not a config of this topic"
            return None

        form = FormModal(
            f"Set a config of {self.topic}",
            [Field("setting", "name=value (an empty value reverts to the default)", default)],
            validate=check,
            submit_label="Next",
        )
        self.app.push_screen(form, lambda values: self._confirm_config(configs, values))

    def _confirm_config(
        self, configs: dict[str, ConfigEntry], values: dict[str, str] | None
    ) -> None:
        if not values:
            return
        from kafkatui.ui.modals.common import ConfirmModal

        name, _, value = (part.strip() for part in values["setting"].partition("="))
        old = configs[name]
        before = "******" if old.is_sensitive else (old.value if old.value is not None else "-")
        after = value or "(the default)"
        dialog = ConfirmModal(
            f"Change {name} of {self.topic}?",
            f"{name}: {before} -> {after}",
            action_label="Apply",
        )
        topics, topic = self.client.topics, self.topic
        self.confirm(
            dialog,
            lambda: self.run_change(
                f"altering config of {topic}",
                lambda: topics.alter_config(topic, {name: value or None}),
                f"{name} of {topic}: {before} -> {after}",
            ),
        )
