"""Cells drawn by cell_render are exactly the cells Textual draws.

For random cells (plain and styled text, spans, wide characters, empty, exactly the
column's width, too wide, markup, line breaks) under the cursor, the hover and neither,
KeyedTable's drawing and DataTable's own are compared character by character, style by
style. Cells cell_render declines are drawn by Textual, so they compare equal too; the
test also counts that most cells took the direct path, so it cannot pass vacuously.
"""

from __future__ import annotations

import random

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from kafkatui.ui.widgets.cell_render import content_segments
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable

WORDS = ["Stable", "PreparingRebalance", "漢字", "🙂 ok", "-", "", "~9h07m", "+1.0/s", "a b"]
STYLES = ["", "green", "bold red", "reverse", "italic #ff8800 on #202020", "underline"]
ODD = ["[b]markup[/b]", "two\nlines", "tab\there", "x" * 40]


def random_cell(rng: random.Random) -> Cell:
    kind = rng.randrange(5)
    word = rng.choice(WORDS)
    if kind == 0:
        return word
    if kind == 1:
        return Text(word, style=rng.choice(STYLES))
    if kind == 2:  # spans over part of the text
        return Text.assemble((word, rng.choice(STYLES)), " ", (rng.choice(WORDS), "bold"))
    if kind == 3:
        return rng.choice(ODD)
    return Text(rng.choice(ODD), style=rng.choice(STYLES))


def cells_of(lines: list[list[Segment]]) -> list[list[tuple[str, Style | None]]]:
    return [[(char, seg.style) for seg in line for char in seg.text] for line in lines]


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyedTable([Column(f"c{i}", f"C{i}") for i in range(3)], id="t")


async def test_direct_cells_match_textuals_drawing() -> None:
    rng = random.Random(11)
    app = OneTable()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one("#t", KeyedTable)
        rows = [(f"r{i}", tuple(random_cell(rng) for _ in range(3))) for i in range(300)]
        table.sync(rows)
        await pilot.pause()
        direct = 0
        for row_index in range(table.row_count):
            for column_index in range(3):
                width = rng.choice([1, 3, 8, 12, 25])
                cursor, hover = rng.random() < 0.3, rng.random() < 0.2
                base = rng.choice([Style.null(), Style(bgcolor="#101010"), Style(bold=True)])
                args = (row_index, column_index, base, width, cursor, hover)
                table._cell_render_cache.clear()
                textuals = DataTable._render_cell(table, *args)
                table._cell_render_cache.clear()
                ours = table._render_cell(*args)
                assert cells_of(ours) == cells_of(textuals), (rows[row_index], args)
                value = rows[row_index][1][column_index]
                segments = content_segments(value, app.console)
                fits = segments is not None and sum(len(s.text) for s in segments) < width - 2
                direct += fits
        assert direct > 200  # the direct path was taken, and compared, for many cells
