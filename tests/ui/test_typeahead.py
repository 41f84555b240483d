"""Type-ahead is never lost: keys typed (or pasted) in one burst after `/` or `:` land in
the input that opens, in order; none reaches the list behind it."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input

from kafkatui.ui.screens.groups import GroupsView
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.screens.tail import TailView
from kafkatui.ui.screens.topics import TopicsView
from tests.ui.support import new_app, settle, wait_for

SIZE = (100, 30)


def burst(app: Any, text: str) -> None:
    """Queue every character of `text` at once ("\r" is enter), as a terminal delivers a
    paste or fast typing: no pause and no waiting for the app between keys (pilot.press
    waits after each key)."""
    assert app._driver is not None
    for char in text:
        key = "enter" if char == "\r" else char if char.isalnum() else _character_to_key(char)
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def test_slash_then_a_burst_filters_and_opens_nothing() -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TopicsView)
        screens = len(app.screen_stack)
        burst(app, "/orders")  # "d" alone would open the describe view
        await settle(pilot)
        assert isinstance(app.screen, TopicsView) and len(app.screen_stack) == screens
        box = app.screen.query_one("#filter", Input)
        assert box.value == "orders" and app.screen.filter_text == "orders"
        assert app.focused is box
        assert all("orders" in key for key in app.screen.table.row_keys)


async def test_colon_command_burst_switches_view() -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, ":groups\r")
        await settle(pilot)
        assert isinstance(app.screen, GroupsView)
        table_view = app.screen
        assert isinstance(table_view, TableView) and table_view.filter_text == ""


async def test_tail_command_then_filter_bursts() -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, ":tail orders\r")
        await wait_for(pilot, lambda: isinstance(app.screen, TailView))
        tail = app.screen
        assert isinstance(tail, TailView)
        await wait_for(pilot, lambda: bool(tail.query("#tail-log")))  # composed
        await wait_for(pilot, lambda: tail.log_view.row_count == 60)
        burst(app, "/o-005")  # "-" or "o" reaching the list would move or stop it
        await wait_for(pilot, lambda: tail.filter_text == "o-005")
        # no settle(): each typed character restarts the tail's read, and waiting for
        # every worker would trip over the ones those restarts cancelled
        await wait_for(pilot, lambda: not tail._refilling)
        assert tail.query_one("#filter", Input).value == "o-005"
        assert app.focused is tail.query_one("#filter", Input)
        assert tail.log_view.follow
