"""How long the topics table takes to fill in, without Kafka: the UI side of P2 alone.

  python bench/table_fill.py [--rows 2000] [--chunk 100] [--chunks 3] [--grow-only]

A headless app holds kafkatui's `KeyedTable` with the topics view's columns. It shows
N rows of names with "-" everywhere (as after the name listing), then fills the other
columns CHUNK rows at a time through `sync()`, as the topics view does when each batch
of summaries arrives, and prints the seconds per chunk for the first few chunks.

`--grow-only` swaps in, for comparison, a variant of `KeyedTable._update_changed` that
updates cells without asking Textual to re-measure the column and only widens a column
when a new cell is wider. It is not the project's code: it shows what such a change buys.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult

from kafkatui.ui.screens.topics import TopicsView
from kafkatui.ui.widgets.keyed_table import Cell, KeyedTable


def grow_only_update(self: KeyedTable, rows: Sequence[tuple[str, Sequence[Cell]]]) -> None:
    widest: dict[str, int] = {}
    for key, cells in rows:
        old, new = self._cells[key], tuple(cells)
        if old == new:
            continue
        for column, before, after in zip(self._columns_spec, old, new, strict=True):
            if before != after:
                self.update_cell(key, column.key, after, update_width=False)
                width = after.cell_len if isinstance(after, Text) else cell_len(after)
                widest[column.key] = max(widest.get(column.key, 0), width)
        self._cells[key] = new
    for key, width in widest.items():
        column = self.columns[key]
        if column.width is None and width > column.content_width:
            column.content_width = width
            self._require_update_dimensions = True


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyedTable(TopicsView.COLUMNS, id="table")


def filled(name: str, index: int) -> tuple[str, ...]:
    return (name, "10" if index == 0 else "3", "1", f"{index % 40:,}", "0",
            "compact" if index == 0 else "delete", "7d", "-")  # fmt: skip


async def measure(rows: int, chunk: int, chunks: int) -> list[float]:
    app = TableApp()
    names = [f"bench-topic-{i:05d}" for i in range(rows)]
    current: list[tuple[str, tuple[Any, ...]]] = [(n, (n, *["-"] * 7)) for n in names]
    seconds = []
    async with app.run_test(size=(200, 50)) as pilot:
        table = app.query_one(KeyedTable)
        table.sync(current)
        await pilot.pause()
        for start in range(0, min(rows, chunk * chunks), chunk):
            for i in range(start, min(rows, start + chunk)):
                current[i] = (names[i], filled(names[i], i))
            began = time.perf_counter()
            table.sync(current)
            await pilot.pause()
            seconds.append(time.perf_counter() - began)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--chunks", type=int, default=3)
    parser.add_argument("--grow-only", action="store_true")
    args = parser.parse_args()
    if args.grow_only:
        KeyedTable._update_changed = grow_only_update
    seconds = asyncio.run(measure(args.rows, args.chunk, args.chunks))
    label = "grow-only variant" if args.grow_only else "KeyedTable as is"
    print(f"{label}: {args.rows} rows, chunks of {args.chunk}: "
          + ", ".join(f"{s:.3f}s" for s in seconds))  # fmt: skip


if __name__ == "__main__":
    main()
