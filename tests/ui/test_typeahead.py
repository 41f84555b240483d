"""Type-ahead is never lost: keys typed (or pasted) in one burst after `/` or `:` land in
the input that opens, in order; none reaches the list behind it."""

from __future__ import annotations

import time
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.keys import _character_to_key
from textual.widgets import Input

from kafkatui.ui.screens import table_view
from kafkatui.ui.screens.groups import GroupsView
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.screens.tail import TailView
from kafkatui.ui.screens.topics import TopicsView
from kafkatui.ui.typeahead import TypeAhead
from kafkatui.ui.widgets.inputs import KInput
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


async def test_keys_after_enter_in_a_burst_reach_the_list_not_the_filter() -> None:
    """`/orders⏎t` in one burst: enter gives the list the focus, and `t` tails the topic
    under the cursor; it must not be typed into the filter ("orderst")."""
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "/orders\rt")
        await wait_for(pilot, lambda: isinstance(app.screen, TailView))
        topics = app.screen_stack[-2]
        assert isinstance(topics, TopicsView) and topics.filter_text == "orders"
        assert topics.query_one("#filter", Input).value == "orders"


async def test_keys_after_enter_keep_their_order_when_the_filter_reopens() -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "/orders\rj/x")  # j moves the cursor, / reopens the filter
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TopicsView)
        # reopened, the filter selects its text, so x replaces it (as when typed slowly);
        # j or / typed into the filter would have made "ordersj/x"
        assert screen.query_one("#filter", Input).value == "x"
        assert app.focused is screen.query_one("#filter", Input)


class _OneInput(TypeAhead, App[int]):
    """An input whose enter moves no focus."""

    def compose(self) -> ComposeResult:
        yield KInput(id="only")


async def test_keys_after_an_enter_that_moves_no_focus_still_land_in_the_input() -> None:
    app = _OneInput()
    async with app.run_test(size=SIZE) as pilot:
        box = app.query_one("#only", Input)
        box.focus()
        await pilot.pause()
        burst(app, "ab\rcd")
        await wait_for(pilot, lambda: box.value == "abcd", timeout=3)


async def test_keys_after_enter_wait_for_a_big_list_to_filter(monkeypatch: Any) -> None:
    """A big list filters in a thread: the `t` after enter waits for the filtered rows,
    so it tails the first match, not the first row of the unfiltered list."""
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        topics = app.screen
        assert isinstance(topics, TopicsView) and topics.table.row_keys[0] != "payments"
        # from here on the list counts as big, and ordering it takes as long as 10,000 rows
        monkeypatch.setattr(TopicsView, "ORDER_IN_THREAD_FROM", 1)
        order = table_view.order_rows

        def slowly(*args: Any, **kwargs: Any) -> Any:
            time.sleep(0.3)
            return order(*args, **kwargs)

        monkeypatch.setattr(table_view, "order_rows", slowly)
        burst(app, "/payments\rt")
        await wait_for(pilot, lambda: isinstance(app.screen, TailView))
        tail = app.screen
        assert isinstance(tail, TailView) and tail.topic == "payments"
