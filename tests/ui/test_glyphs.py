"""What the app draws is ASCII (plus plain box drawing, unless ASCII borders are asked for).

Each case drives the app on the fake to one screen at 80x24 and reads the exported
screen text, so a Textual default that sneaks a symbol back in (a return arrow in the
footer, eighth blocks in a scrollbar, block-glyph radio buttons) fails here.
"""

from __future__ import annotations

import html
import re

import pytest
from textual.binding import Binding

from kafkatui.ui.widgets.glyphs import ascii_key
from tests.ui.support import keys, new_app, typed

BOX_DRAWING = range(0x2500, 0x2580)
SCREENS = {
    "topics": (),
    "tail": (["j", "j", "j"], "t"),
    "tail-wrapped": (["j", "j", "j"], "t", "w"),
    "seek": (["j", "j", "j"], "t", "s"),
    "groups": ("2",),
    "reset-wizard": ("2", "o"),
    "restart-choice": ("3", "r"),
    "schema-versions": ("4", "enter"),
    "compatibility": ("4", "c"),
    "brokers": ("5",),
    "help": ("question_mark",),
    "command-line": ("colon", typed("tail cl")),
}


def screen_text(svg: str) -> str:
    return "".join(html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg))


def odd_glyphs(text: str, allow_box: bool) -> set[str]:
    return {
        ch
        for ch in text
        if ord(ch) > 127 and ch != "\xa0" and not (allow_box and ord(ch) in BOX_DRAWING)
    }


@pytest.mark.parametrize("presses", SCREENS.values(), ids=SCREENS.keys())
async def test_screens_draw_ascii_and_box_drawing_only(presses: tuple) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await keys(*presses)(pilot)
        assert odd_glyphs(screen_text(app.export_screenshot()), allow_box=True) == set()


async def test_ascii_borders_leave_no_box_drawing_in_dialogs() -> None:
    app = new_app(ascii_borders=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await keys("3", "r")(pilot)
        text = screen_text(app.export_screenshot())
        assert "+---" in text
        assert odd_glyphs(text, allow_box=False) == set()


def test_symbols_in_key_labels_are_spelled_out() -> None:
    assert ascii_key("⏎") == "enter" and ascii_key("^↑") == "^up"


@pytest.mark.parametrize(
    ("key", "shown"),
    [("enter", "enter"), ("up", "up"), ("backspace", "bksp"), ("ctrl+d", "^d"), ("P", "P")],
)
async def test_key_labels_are_spelled_out(key: str, shown: str) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)):
        assert app.get_key_display(Binding(key, "noop")) == shown
