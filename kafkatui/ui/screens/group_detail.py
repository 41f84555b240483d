"""One group: lag per partition with the assigned member, and the lag trend."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding

from kafkatui.cluster.models import GroupLag, LagTrend, PartitionLag, TopicPartition
from kafkatui.ui.format import count, health_level, lag_level, styled
from kafkatui.ui.screens.base import DetailView, back_binding
from kafkatui.ui.screens.groups import confirm_delete_group, open_reset_wizard, trend_cells
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable

COLUMNS = (
    Column("topic", "Topic"),
    Column("p", "P"),
    Column("committed", "Committed"),
    Column("end", "End"),
    Column("lag", "Lag"),
    Column("member", "Member"),
)


class GroupDetailView(DetailView):
    POLL_S = 5.0
    LOADING = "reading group lag"
    BINDINGS = [
        Binding("o", "reset", "Reset offsets", id="group.reset"),
        Binding("ctrl+d", "delete", "Delete", id="group.delete"),
        Binding("x", "delete_offsets", "Delete offsets", id="group.delete_offsets"),
        back_binding("group"),
    ]

    def __init__(self, group_id: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.TITLE_TEXT = f"group {group_id}"
        self.lag: GroupLag | None = None

    def compose_body(self) -> ComposeResult:
        yield from self.compose_summary()
        yield KeyedTable(COLUMNS, id="partitions")

    def fetch(self) -> tuple[GroupLag | None, LagTrend]:
        lag = self.client.groups.lag([self.group_id]).get(self.group_id)
        return lag, self.client.groups.trend(self.group_id)

    def paint(self, result: tuple[GroupLag | None, LagTrend]) -> None:
        self.lag, trend = lag, trend = result
        colours = self.app.theme_variables
        if lag is None:
            self.summary.update(f"group {self.group_id} not found")
            return
        line, rate, catch_up = trend_cells(trend, 30)
        level = lag_level(lag.total, trend.growing)
        summary = Text.assemble(
            styled(lag.state, colours, health_level(lag.state), bold=True),
            f"  {lag.members} member(s)  total lag ",
            styled(count(lag.total), colours, level, bold=True),
            f"  rate {rate}  catch-up {catch_up}\ntrend ",
            styled(line or "(no samples yet)", colours, level),
        )
        self.summary.update(summary)
        rows = sorted(lag.partitions, key=lambda p: (p.topic, p.partition))
        self.query_one("#partitions", KeyedTable).sync(
            [(f"{p.topic}:{p.partition}", self._cells(p, colours)) for p in rows]
        )

    @staticmethod
    def _cells(p: PartitionLag, colours: dict[str, str]) -> tuple[Cell, ...]:
        committed = count(p.committed) if p.committed is not None else "none"
        return (
            p.topic,
            str(p.partition),
            committed,
            count(p.end),
            styled(count(p.lag), colours, lag_level(p.lag)),
            p.member or "-",
        )

    def action_reset(self) -> None:
        open_reset_wizard(self, self.group_id, self.lag)

    def action_delete(self) -> None:
        confirm_delete_group(self, self.group_id)

    def action_delete_offsets(self) -> None:
        """Forget the group's committed offsets on the highlighted row's topic."""
        key = self.query_one("#partitions", KeyedTable).current_key
        if self.lag is None or key is None or not self.allowed("group.delete_offsets"):
            return
        topic = key.rsplit(":", 1)[0]
        rows = [p for p in self.lag.partitions if p.topic == topic]
        committed = ", ".join(
            f"p{p.partition}={count(p.committed) if p.committed is not None else 'none'}"
            for p in rows
        )
        from kafkatui.ui.modals.common import ConfirmModal

        dialog = ConfirmModal(
            f"Delete the offsets of {self.group_id} on {topic}?",
            f"Committed now: {committed}.\nAfterwards the group starts this topic from its "
            "auto.offset.reset position. The group must have no members.",
            type_to_confirm=topic,
            action_label="Delete",
        )
        partitions = [TopicPartition(topic, p.partition) for p in rows]
        groups, group_id = self.client.groups, self.group_id
        self.confirm(
            dialog,
            lambda: self.run_change(
                f"deleting offsets of {group_id} on {topic}",
                lambda: groups.delete_offsets(group_id, partitions),
                f"offsets of {group_id} on {topic} deleted",
            ),
        )
