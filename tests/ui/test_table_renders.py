"""A table updated in place paints exactly what a table built afresh paints.

KeyedTable keeps the renders of cells that did not change (see `_forget_renders`), so a
stale render would show an old value. Each step below changes one table (cells of rows
on and off screen, a column that widens or narrows, rows added below, the cursor moved)
and compares every painted line, text and style, with a second table given the same rows
from nothing.
"""

from __future__ import annotations

import random

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.geometry import Region

from kafkatui.ui.widgets.keyed_table import APPEND_SLICE, Cell, Column, KeyedTable
from tests.ui.support import wait_for

COLUMNS = [Column("name", "Name"), Column("state", "State"), Column("lag", "Lag")]
Rows = list[tuple[str, tuple[Cell, ...]]]


class TwoTables(App[None]):
    # fixed heights: putting a new second table in must not resize the first, which
    # would make it render everything again and hide a stale render
    CSS = "KeyedTable { height: 14; }"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield KeyedTable(COLUMNS, id="kept")
            yield KeyedTable(COLUMNS, id="fresh")


def painted(table: KeyedTable) -> list[list[tuple[str, object]]]:
    strips = table.render_lines(Region(0, 0, table.size.width, table.size.height))
    return [[(segment.text, segment.style) for segment in strip] for strip in strips]


def cells(i: int, state: str, lag: int) -> tuple[Cell, ...]:
    return (f"row-{i:04d}", Text(state, style="green" if state == "Stable" else "red"), f"{lag:,}")


async def test_updates_and_appends_paint_as_a_fresh_table() -> None:
    rng = random.Random(7)
    rows: Rows = [(f"r{i:04d}", cells(i, "Stable", i)) for i in range(60)]
    app = TwoTables()
    async with app.run_test(size=(60, 30)) as pilot:
        kept = app.query_one("#kept", KeyedTable)
        kept.sync(rows)

        async def same_as_fresh(step: str) -> None:
            fresh = app.query_one("#fresh", KeyedTable)
            await fresh.remove()
            fresh = KeyedTable(COLUMNS, id="fresh")
            await app.query_one(Vertical).mount(fresh)
            fresh.sync(rows)
            await wait_for(pilot, lambda: not kept.filling and not fresh.filling)
            await pilot.pause()  # its height is known when idle: then it can scroll
            fresh.move_cursor(row=kept.cursor_row, animate=False)
            fresh.scroll_to(y=kept.scroll_y, animate=False)
            app.set_focus(None)  # a focused table paints its header otherwise
            await pilot.pause()
            assert kept.virtual_size == fresh.virtual_size, step  # every row reachable
            assert painted(kept) == painted(fresh), step

        await wait_for(pilot, lambda: not kept.filling)
        painted(kept)  # every cell shown is rendered and cached
        await same_as_fresh("first paint")
        for step in range(12):
            changed = rng.sample(range(len(rows)), 8)  # on screen and off it
            for index in changed:
                key = rows[index][0]
                state = rng.choice(["Stable", "PreparingRebalance", "Dead"])
                lag = rng.choice([0, 7, 12_345_678])  # the Lag column widens and narrows
                rows[index] = (key, cells(index, state, lag))
            kept.update_rows([rows[i] for i in changed])
            if step % 4 == 3:  # rows added below, as a growing list's next slice
                more = len(rows) + APPEND_SLICE // 50
                rows += [(f"r{i:04d}", cells(i, "Stable", i)) for i in range(len(rows), more)]
                kept.sync(rows)
            kept.move_cursor(row=rng.randrange(len(rows)), animate=False)
            await pilot.pause()
            await same_as_fresh(f"step {step}")
        # rows added that widen no column (the widths' own change repaints everything),
        # with the cursor going to them
        more = len(rows) + 5
        rows += [(f"r{i:04d}", cells(i, "Stable", 0)) for i in range(len(rows), more)]
        kept.sync(rows)
        await pilot.pause()
        kept.move_cursor(row=len(rows) - 1, animate=False)
        await same_as_fresh("added at the end")
