"""How long the topics table takes to fill in, without Kafka: the UI side of P2 alone.

  python bench/table_fill.py [--rows 2000] [--chunk 250] [--chunks 3]

A headless app holds kafkatui's `KeyedTable` with the topics view's columns. It shows
N rows of names with "-" everywhere (as after the name listing), then fills the other
columns CHUNK rows at a time through `sync()`, as the topics view does when each batch
of summaries arrives, and prints the seconds for the names and the first few chunks.

Both the time to the next idle moment (the paint included) and the time inside
`sync()` alone are printed; "names" is the first `sync()`, which adds every row.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from textual.app import App, ComposeResult

from kafkatui.ui.screens.topics import TopicsView
from kafkatui.ui.widgets.keyed_table import KeyedTable


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyedTable(TopicsView.COLUMNS, id="table")


def filled(name: str, index: int) -> tuple[str, ...]:
    return (name, "10" if index == 0 else "3", "1", f"{index % 40:,}", "0",
            "compact" if index == 0 else "delete", "7d", "-")  # fmt: skip


async def measure(rows: int, chunk: int, chunks: int) -> tuple[list[float], list[float]]:
    app = TableApp()
    names = [f"bench-topic-{i:05d}" for i in range(rows)]
    current: list[tuple[str, tuple[Any, ...]]] = [(n, (n, *["-"] * 7)) for n in names]
    seconds, in_sync = [], []
    async with app.run_test(size=(200, 50)) as pilot:
        table = app.query_one(KeyedTable)
        began = time.perf_counter()
        table.sync(current)
        in_sync.append(time.perf_counter() - began)
        await pilot.pause()
        seconds.append(time.perf_counter() - began)
        for start in range(0, min(rows, chunk * chunks), chunk):
            for i in range(start, min(rows, start + chunk)):
                current[i] = (names[i], filled(names[i], i))
            began = time.perf_counter()
            table.sync(current)
            in_sync.append(time.perf_counter() - began)
            await pilot.pause()
            seconds.append(time.perf_counter() - began)
    return seconds, in_sync


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--chunks", type=int, default=3)
    args = parser.parse_args()
    seconds, in_sync = asyncio.run(measure(args.rows, args.chunk, args.chunks))
    print(f"{args.rows} rows, names then chunks of {args.chunk}: "
          + ", ".join(f"{s:.3f}s" for s in seconds)
          + " (in sync(): " + ", ".join(f"{s:.3f}s" for s in in_sync) + ")")  # fmt: skip


if __name__ == "__main__":
    main()
