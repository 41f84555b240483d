"""One group: lag per partition with the assigned member, and the lag trend."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from kafkatui.cluster.models import GroupLag, LagTrend, PartitionLag
from kafkatui.ui.format import count, health_level, lag_level, styled
from kafkatui.ui.screens.base import View
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


class GroupDetailView(View):
    POLL_S = 5.0
    BINDINGS = [
        Binding("o", "reset", "Reset offsets", id="group.reset"),
        Binding("ctrl+d", "delete", "Delete", id="group.delete"),
        Binding("escape", "back", "Back", id="group.back"),
    ]

    class Loaded(Message):
        def __init__(self, lag: GroupLag | None, trend: LagTrend) -> None:
            super().__init__()
            self.lag = lag
            self.trend = trend

    def __init__(self, group_id: str) -> None:
        super().__init__()
        self.group_id = group_id
        self.TITLE_TEXT = f"group {group_id}"
        self.lag: GroupLag | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("loading...", id="summary", classes="summary")
        yield KeyedTable(COLUMNS, id="partitions")

    def reload(self) -> None:
        self.load()

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="poll",
        description="reading group lag",
    )
    def load(self) -> None:
        lag = self.client.groups.lag([self.group_id]).get(self.group_id)
        self.post_message(self.Loaded(lag, self.client.groups.trend(self.group_id)))

    def on_group_detail_view_loaded(self, message: Loaded) -> None:
        self.lag = lag = message.lag
        colours = self.app.theme_variables
        if lag is None:
            self.query_one("#summary", Static).update(f"group {self.group_id} not found")
            return
        line, rate, catch_up = trend_cells(message.trend, 30)
        level = lag_level(lag.total, message.trend.growing)
        summary = Text.assemble(
            styled(lag.state, colours, health_level(lag.state), bold=True),
            f"  {lag.members} member(s)  total lag ",
            styled(count(lag.total), colours, level, bold=True),
            f"  rate {rate}  catch-up {catch_up}\ntrend ",
            styled(line or "(no samples yet)", colours, level),
        )
        self.query_one("#summary", Static).update(summary)
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

    def action_back(self) -> None:
        self.app.pop_screen()
