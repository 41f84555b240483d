"""Consumer groups: state, members and total lag (sorted by lag), with a lag sparkline,
an estimate of the lag in seconds and the rebalances seen in the last ten minutes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from textual.binding import Binding
from textual.message import Message

from kafkatui.cluster.lag_time import age_text
from kafkatui.cluster.models import GroupLag, GroupSummary, LagEstimate, LagTrend
from kafkatui.ui.format import count, duration_s, health_level, lag_level, sparkline, styled
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.widgets.keyed_table import Cell, Column
from kafkatui.ui.workers import io_work


@dataclass(frozen=True)
class GroupRow:
    summary: GroupSummary
    lag: GroupLag | None = None
    trend: LagTrend | None = None
    rebalances: int = 0

    @property
    def total(self) -> int | None:
        return None if self.lag is None else self.lag.known_total


def trend_cells(trend: LagTrend | None, width: int = 12) -> tuple[str, str, str]:
    """(sparkline, rate, time to catch up) for a lag trend."""
    if trend is None:
        return ("", "-", "-")
    line = sparkline([s.lag for s in trend.samples], width)
    rate = "-" if trend.rate_per_s is None else f"{trend.rate_per_s:+,.1f}/s"
    catch_up = (
        duration_s(trend.seconds_to_catch_up)
        if trend.seconds_to_catch_up
        else ("never" if trend.growing else "-")
    )
    return (line, rate, catch_up)


def estimate_text(estimate: LagEstimate | None) -> str:
    """`~41s`, or `>=2h00m` when the end has not moved since sampling began; `-` unknown."""
    if estimate is None:
        return "-"
    if estimate.seconds == 0:
        return "0s"
    return (">=" if estimate.at_least else "~") + age_text(estimate.seconds)


NUMERIC_COLUMNS = frozenset({3, 4, 5, 6, 8})  # sorted by value, not by the text shown


class GroupsView(TableView[GroupRow]):
    TITLE_TEXT = "groups"
    POLL_S = 5.0
    COLUMNS = (
        Column("group", "Group"),
        Column("state", "State"),
        Column("type", "Type"),
        Column("members", "Members"),
        Column("lag", "Lag"),
        Column("lag_s", "Est. behind"),
        Column("rebalances", "Rebal/10m"),
        Column("trend", "Trend"),
        Column("rate", "Rate"),
        Column("catch_up", "Catch-up"),
    )
    DEFAULT_SORT = 4
    DEFAULT_REVERSE = True
    BINDINGS = [
        Binding("o", "reset", "Reset offsets", id="groups.reset"),
        Binding("ctrl+d", "delete", "Delete", id="groups.delete"),
    ]

    class Listed(Message):
        def __init__(self, groups: list[GroupSummary]) -> None:
            super().__init__()
            self.groups = groups

    class Lagged(Message):
        def __init__(
            self,
            lags: dict[str, GroupLag],
            trends: dict[str, LagTrend],
            rebalances: dict[str, int],
        ) -> None:
            super().__init__()
            self.lags = lags
            self.trends = trends
            self.rebalances = rebalances

    def reload(self) -> None:
        self.load()

    @io_work("poll", "listing groups")
    def load(self) -> None:
        groups = self.client.groups.list(with_offsets=True)
        self.post_message(self.Listed(groups))
        ids = [g.group_id for g in groups]
        lags = self.client.groups.lag(ids, described=groups)
        trends = {g: self.client.groups.trend(g) for g in ids}
        self.post_message(self.Lagged(lags, trends, self.client.groups.rebalances()))

    def on_groups_view_listed(self, message: Listed) -> None:
        self.apply_waiting()  # the last poll's lags, if some are still to be drawn
        old = self.items
        self.merge_items(
            [
                replace(old[g.group_id], summary=g) if g.group_id in old else GroupRow(g)
                for g in message.groups
            ]
        )
        self.load_step(f"reading the lag of {len(message.groups):,} groups")

    def on_groups_view_lagged(self, message: Lagged) -> None:
        self.update_items_sliced(
            [
                replace(
                    row,
                    lag=message.lags.get(key),
                    trend=message.trends.get(key),
                    rebalances=message.rebalances.get(key, 0),
                )
                for key, row in self.items.items()
            ]
        )

    def key_of(self, item: GroupRow) -> str:
        return item.summary.group_id

    def cells(self, item: GroupRow) -> Sequence[Cell]:
        colours = self.app.theme_variables
        summary = item.summary
        growing = bool(item.trend and item.trend.growing)
        line, rate, catch_up = trend_cells(item.trend)
        return (
            summary.group_id,
            styled(summary.state, colours, health_level(summary.state)),
            summary.type,
            str(len(summary.members)),
            styled(count(item.total), colours, lag_level(item.total, growing), bold=growing),
            estimate_text(item.lag.estimate if item.lag else None),
            styled(
                str(item.rebalances), colours, "health-warn" if item.rebalances else "health-ok"
            ),
            styled(line, colours, lag_level(item.total, growing)),
            rate,
            catch_up,
        )

    def same_row(self, old: GroupRow, new: GroupRow) -> bool:
        # a new lag sample makes every row's trend a new object each poll
        return self._shown(old) == self._shown(new)

    def _shown(self, item: GroupRow) -> tuple[Any, ...]:
        """What the row's cells show and what the sort reads (numeric columns only: the
        others sort by the text shown, which is here already)."""
        summary = item.summary
        sorts_by = self.sort_column
        return (
            summary.state,
            summary.type,
            len(summary.members),
            item.total,
            bool(item.trend and item.trend.growing),
            estimate_text(item.lag.estimate if item.lag else None),
            item.rebalances,
            trend_cells(item.trend),
            self.sort_value(item, sorts_by) if sorts_by in NUMERIC_COLUMNS else None,
        )

    def sort_value(self, item: GroupRow, column: int) -> Any:
        if column == 3:
            return len(item.summary.members)
        if column == 4:
            return item.total
        if column == 5:
            estimate = item.lag.estimate if item.lag else None
            return None if estimate is None else estimate.seconds
        if column == 6:
            return item.rebalances
        if column == 8:
            return None if item.trend is None else item.trend.rate_per_s
        return super().sort_value(item, column)

    def open_item(self, item: GroupRow) -> None:
        from kafkatui.ui.screens.group_detail import GroupDetailView

        self.app.push_screen(GroupDetailView(item.summary.group_id))

    def action_reset(self) -> None:
        if self.current is not None:
            open_reset_wizard(self, self.current.summary.group_id, self.current.lag)

    def action_delete(self) -> None:
        if self.current is not None:
            confirm_delete_group(self, self.current.summary.group_id)


def open_reset_wizard(view: Any, group_id: str, lag: GroupLag | None) -> None:
    if not view.allowed("group.reset_offsets"):
        return
    from kafkatui.ui.modals.reset_wizard import ResetWizard

    topics = sorted({p.topic for p in lag.partitions}) if lag else []
    view.app.push_screen(ResetWizard(group_id, topics), lambda _r: view.reload())


def confirm_delete_group(view: Any, group_id: str) -> None:
    if not view.allowed("group.delete"):
        return
    from kafkatui.ui.modals.common import ConfirmModal

    dialog = ConfirmModal(
        f"Delete group {group_id}?",
        "Its committed offsets are removed. The group must have no members.",
        type_to_confirm=group_id,
        action_label="Delete",
    )

    def done(ok: bool | None) -> None:
        if ok:
            view.run_change(
                f"deleting group {group_id}",
                lambda: view.client.groups.delete(group_id),
                f"group {group_id} deleted",
            )

    view.app.push_screen(dialog, done)
