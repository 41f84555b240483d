"""One group: lag per partition (records and seconds) with the assigned member and, for
consumer-protocol groups, the target member; lag over the session; recent rebalances."""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from kafkatui.cluster.lag_time import NO_COMMIT, age_text
from kafkatui.cluster.models import (
    GroupEvent,
    GroupLag,
    LagSample,
    LagTrend,
    PartitionLag,
    TopicPartition,
)
from kafkatui.ui.format import count, health_level, lag_level, styled
from kafkatui.ui.screens.base import DetailView, back_binding
from kafkatui.ui.screens.groups import confirm_delete_group, open_reset_wizard, trend_cells
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable
from kafkatui.ui.widgets.lag_chart import LagChart

COLUMNS = (
    Column("topic", "Topic"),
    Column("p", "P"),
    Column("committed", "Committed"),
    Column("end", "End"),
    Column("lag", "Lag"),
    Column("lag_s", "Lag time"),
    Column("member", "Member"),
    Column("target", "Target"),  # KIP-848 groups only
)
#: events shown in the history line, newest first
HISTORY_EVENTS = 4


@dataclass(frozen=True)
class GroupPage:
    lag: GroupLag | None
    trend: LagTrend
    seconds: tuple[LagSample, ...]
    events: tuple[GroupEvent, ...]
    rebalances: int


def history_text(page: GroupPage) -> str:
    """One line: rebalances in the last ten minutes, then the latest events."""
    head = f"rebalances (10 min): {page.rebalances}"
    if not page.events:
        return head + "   no state changes or member joins/leaves seen yet"
    shown = [
        f"{time.strftime('%H:%M:%S', time.gmtime(e.at))} {_event(e)}"
        for e in reversed(page.events[-HISTORY_EVENTS:])
    ]
    return head + "   " + "  ".join(shown)


def _event(e: GroupEvent) -> str:
    return {"joined": f"+{e.detail}", "left": f"-{e.detail}"}.get(e.kind, e.detail)


def _target_text(p: PartitionLag) -> str:
    if p.target_member is None:
        return ""
    return "=" if p.target_member == p.member else p.target_member


def moving_partitions(lag: GroupLag) -> list[PartitionLag]:
    """KIP-848: partitions whose member is not yet the one its target assignment names."""
    return [p for p in lag.partitions if p.target_member and p.member != p.target_member]


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
        yield LagChart(id="lag-chart")
        yield Static("", id="history", classes="summary")
        yield KeyedTable(COLUMNS, id="partitions")

    def fetch(self) -> GroupPage:
        groups = self.client.groups
        lag = groups.lag([self.group_id]).get(self.group_id)
        if lag is not None:
            lag = groups.with_lag_seconds({self.group_id: lag})[self.group_id]
        return GroupPage(
            lag=lag,
            trend=groups.trend(self.group_id),
            seconds=groups.lag_seconds_samples(self.group_id),
            events=tuple(groups.events(self.group_id)),
            rebalances=groups.rebalances().get(self.group_id, 0),
        )

    def paint(self, result: GroupPage) -> None:
        self.lag = lag = result.lag
        trend = result.trend
        colours = self.app.theme_variables
        if lag is None:
            self.summary.update(f"group {self.group_id} not found")
            return
        _, rate, catch_up = trend_cells(trend, 30)
        level = lag_level(lag.known_total, trend.growing)
        oldest = lag.max_lag_seconds
        summary = Text.assemble(
            styled(lag.state, colours, health_level(lag.state), bold=True),
            f"  {lag.type.lower()}  {lag.members} member(s)  lag ",
            styled(count(lag.known_total), colours, level, bold=True),
            " records, ",
            styled("?" if oldest is None else age_text(oldest), colours, level, bold=True),
            f" behind\nrate {rate}  catch-up {catch_up}",
        )
        for note in self._notes(lag):
            summary.append("\n" + note)
        self.summary.update(summary)
        self.query_one(LagChart).update(trend.samples, result.seconds, colours.get(level, ""))
        self.query_one("#history", Static).update(history_text(result))
        rows = sorted(lag.partitions, key=lambda p: (p.topic, p.partition))
        self.query_one("#partitions", KeyedTable).sync(
            [(f"{p.topic}:{p.partition}", self._cells(p, colours)) for p in rows]
        )

    @staticmethod
    def _notes(lag: GroupLag) -> list[str]:
        """Why some lag times are unknown, and which partitions are still being handed over."""
        notes = []
        moving = moving_partitions(lag)
        if moving:
            shown = ", ".join(
                f"{p.topic}-{p.partition} {p.member or '-'} -> {p.target_member}"
                for p in moving[:3]
            )
            more = f" (+{len(moving) - 3} more)" if len(moving) > 3 else ""
            notes.append(f"reconciling: {shown}{more}")
        unknown = sorted({p.lag_seconds_note for p in lag.partitions if p.lag_seconds_note})
        notes += [f"lag time unknown: {n}" for n in unknown]
        return notes

    @staticmethod
    def _cells(p: PartitionLag, colours: dict[str, str]) -> tuple[Cell, ...]:
        committed = count(p.committed) if p.committed is not None else "none"
        if p.lag_seconds is not None:
            lag_time = age_text(p.lag_seconds)
        else:
            lag_time = "no commit" if p.lag_seconds_note == NO_COMMIT else "?"
        moving = p.target_member is not None and p.target_member != p.member
        return (
            p.topic,
            str(p.partition),
            committed,
            count(p.end),
            styled(count(p.lag), colours, lag_level(p.lag)),
            styled(lag_time, colours, lag_level(p.lag)),
            p.member or "-",
            # "=": already owned by its target member; a name: still moving to that member
            styled(_target_text(p), colours, "health-warn" if moving else "health-ok"),
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
