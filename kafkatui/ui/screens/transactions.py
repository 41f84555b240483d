"""Open transactions, and the read_committed consumers each one holds back.

The lower table shows, for the highlighted transaction's partitions, the last stable
offset against the high watermark: the records in between are invisible to
read_committed consumers until the transaction ends. `A` aborts a hanging transaction
(a preview, then a confirmation; refused in read-only mode; audited by the client).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from kafkatui.cluster.deep_models import StableGap, Transaction
from kafkatui.ui.format import count, duration_ms, duration_s, styled
from kafkatui.ui.modals.common import ConfirmModal
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable

GAP_COLUMNS = (
    Column("partition", "Partition"),
    Column("stable", "Last stable"),
    Column("high", "High watermark"),
    Column("gap", "Held back"),
)


def wall_ms() -> int:
    """Now, for ages (a module function so snapshot tests can fix it)."""
    return int(time.time() * 1000)


@dataclass(frozen=True)
class TransactionsPage:
    transactions: list[Transaction]
    gaps: dict[tuple[str, int], StableGap]
    now_ms: int


class TransactionsView(TableView[Transaction]):
    TITLE_TEXT = "transactions"
    POLL_S = 10.0
    LOADING = "listing transactions"
    COLUMNS = (
        Column("id", "Transactional id"),
        Column("state", "State"),
        Column("producer", "Producer/epoch"),
        Column("age", "Age"),
        Column("timeout", "Timeout"),
        Column("parts", "Partitions"),
        Column("held", "Held back"),
    )
    BINDINGS = [Binding("A", "abort", "Abort", id="transaction.abort")]
    DEFAULT_SORT, DEFAULT_REVERSE = 3, True  # the oldest first: the likeliest to hang
    HELP = (
        "Open transactions. Held back: records above the last stable offset, unreadable "
        "by read_committed consumers until the transaction ends. A aborts one."
    )

    def __init__(self) -> None:
        super().__init__()
        self.page: TransactionsPage | None = None

    def compose_above_table(self) -> ComposeResult:
        yield Static("loading...", id="summary", classes="summary")

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        yield Static("Partitions of the highlighted transaction", classes="pane-title")
        yield KeyedTable(GAP_COLUMNS, id="gaps")

    def fetch(self) -> TransactionsPage:
        txns = self.client.transactions.list()
        gaps = self.client.transactions.gaps([tp for t in txns for tp in t.partitions])
        return TransactionsPage(txns, {(g.topic, g.partition): g for g in gaps}, wall_ms())

    def paint(self, result: TransactionsPage) -> None:
        self.page = result
        held = sum(g.gap for g in result.gaps.values())
        blocked = sum(1 for g in result.gaps.values() if g.gap)
        self.query_one("#summary", Static).update(
            f"{len(result.transactions)} open transaction(s); {count(held)} record(s) held back "
            f"on {blocked} partition(s)"
            if result.transactions
            else "no open transactions"
        )
        self.set_items(result.transactions)
        self._show_gaps()

    def key_of(self, item: Transaction) -> str:
        return item.transactional_id

    def _held(self, item: Transaction) -> int:
        gaps = self.page.gaps if self.page else {}
        return sum(g.gap for tp in item.partitions if (g := gaps.get((tp.topic, tp.partition))))

    def cells(self, item: Transaction) -> Sequence[Cell]:
        colours = self.app.theme_variables
        age = item.age_seconds(self.page.now_ms) if self.page else None
        age_cell: Cell = duration_s(age)
        if age is not None and age * 1000 > item.timeout_ms:
            age_cell = styled(duration_s(age), colours, "health-critical", bold=True)
        held = self._held(item)
        return (
            item.transactional_id,
            item.state,
            f"{item.producer_id}/{item.producer_epoch}",
            age_cell,
            duration_ms(item.timeout_ms),
            count(len(item.partitions)),
            styled(count(held), colours, "health-warn", bold=True) if held else "0",
        )

    def sort_value(self, item: Transaction, column: int) -> Any:
        if column == 3:
            return item.age_seconds(self.page.now_ms) if self.page else None
        if column == 6:
            return self._held(item)
        return super().sort_value(item, column)

    @on(DataTable.RowHighlighted, "#table")
    def _highlighted(self) -> None:
        self._show_gaps()

    def _show_gaps(self) -> None:
        txn, page = self.current, self.page
        rows = []
        if txn is not None and page is not None:
            for tp in txn.partitions:
                g = page.gaps.get((tp.topic, tp.partition))
                cells: tuple[Cell, ...] = (
                    f"{tp.topic}-{tp.partition}",
                    count(g.last_stable) if g else "-",
                    count(g.high) if g else "-",
                    count(g.gap) if g else "-",
                )
                rows.append((f"{tp.topic}-{tp.partition}", cells))
        self.query_one("#gaps", KeyedTable).sync(rows)

    def action_abort(self) -> None:
        txn = self.current
        if txn is None or not self.allowed("transaction.abort"):
            return
        gaps = self.page.gaps if self.page else {}
        held = {tp: gaps.get((tp.topic, tp.partition)) for tp in txn.partitions}
        lines = [
            f"{tp.topic}-{tp.partition}: {count(g.gap) if g else '?'} record(s) held back"
            for tp, g in held.items()
        ]
        message = (
            f"Write abort markers for producer {txn.producer_id} (epoch {txn.producer_epoch}) "
            f"on the partitions where its transaction is still open:\n"
            + "\n".join(lines)
            + "\n\nIts records there are discarded for read_committed consumers, which move "
            "on at once. Only for a transaction that will never finish: a live producer "
            "fails on its next commit."
        )
        dialog = ConfirmModal(
            f"Abort transaction {txn.transactional_id}?",
            message,
            type_to_confirm=txn.transactional_id,
            action_label="Abort",
        )
        self.confirm(
            dialog,
            lambda: self.run_change(
                f"aborting transaction {txn.transactional_id}",
                lambda: self.client.transactions.abort(txn),
                f"transaction {txn.transactional_id} aborted",
            ),
        )
