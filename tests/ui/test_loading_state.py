"""Every view says it is loading until its first answer, and says when its data is stale.

The fake's answer is held back (a threading.Event) so the view is caught mid-load; then
it is released and the data must show and the loading line go away.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from kafkatui.cluster.errors import ConnectionFailed
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.widgets.keyed_table import KeyedTable
from kafkatui.ui.widgets.load_state import LoadLine, LoadState
from tests.ui.fake_client import FakeClient
from tests.ui.support import SIZE_IDS, SIZES, new_app, press, settle, wait_for

SIZE = (100, 30)
HOLD_S = 20.0  # a held call gives up after this, so a failing test never hangs


@contextmanager
def held(owner: Any, method: str, hold_s: float = HOLD_S) -> Iterator[threading.Event]:
    """`owner.method` waits for the event before answering what the fake would."""
    release = threading.Event()
    original = getattr(owner, method)

    def wait_then_answer(*args: Any, **kwargs: Any) -> Any:
        release.wait(hold_s)
        return original(*args, **kwargs)

    setattr(owner, method, wait_then_answer)
    try:
        yield release
    finally:
        release.set()


def line_text(app: Any) -> str:
    line = app.screen.query_one(LoadLine)
    return str(line.render()) if line.display else ""


def rows(app: Any, table: str = "#table") -> list[str]:
    return app.screen.query_one(table, KeyedTable).row_keys


# (view key, which fake call to hold, the loading line while held, the view's table)
LIST_VIEWS: list[tuple[str, Callable[[FakeClient], tuple[Any, str]], str]] = [
    ("1", lambda c: (c.topics, "list_names"), "loading: listing topics..."),
    ("2", lambda c: (c.groups, "list"), "loading: listing groups..."),
    ("3", lambda c: (c.connect, "clusters"), "loading: listing connectors..."),
    ("4", lambda c: (c.registry, "subjects"), "loading: listing subjects..."),
    ("5", lambda c: (c.brokers, "cluster_info"), "loading: describing cluster..."),
    ("6", lambda c: (c.health, "check"), "loading: checking health..."),
]


class TestLoadingLine:
    @pytest.mark.parametrize(("key", "call", "expected"), LIST_VIEWS, ids=lambda v: str(v)[:12])
    async def test_each_view_says_it_is_loading_until_its_first_answer(
        self, key: str, call: Callable[[FakeClient], tuple[Any, str]], expected: str
    ) -> None:
        client = FakeClient()
        owner, method = call(client)
        app = new_app(client)
        with held(owner, method) as release:
            async with app.run_test(size=SIZE) as pilot:
                if key != "1":
                    await pilot.press(key)
                await wait_for(pilot, lambda: line_text(app) == expected, timeout=10)
                assert isinstance(app.screen, TableView)
                assert rows(app) == []  # nothing yet, and the line says why
                release.set()
                await settle(pilot)
                assert rows(app), "the data shows once the answer comes"
                assert line_text(app) == ""

    async def test_acls(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            with held(client.acls, "list") as release:
                await pilot.press("colon", *"acls", "enter")
                await wait_for(pilot, lambda: line_text(app) == "loading: listing ACLs...")
                release.set()
                await settle(pilot)
            assert rows(app) and line_text(app) == ""

    async def test_topics_count_their_details_as_they_fill(self) -> None:
        client = FakeClient()
        app = new_app(client)
        with held(client.topics, "fill_summaries") as release:
            async with app.run_test(size=SIZE) as pilot:
                await wait_for(pilot, lambda: line_text(app) == "loading: filling 0/7 topics")
                assert len(rows(app)) == 7  # the names are there already
                release.set()
                await settle(pilot)
                assert line_text(app) == ""
                assert app.screen.items["orders"].partitions == 6

    async def test_groups_say_they_read_lag_after_the_list(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            with held(client.groups, "lag") as release:
                await pilot.press("2")
                count = len(client.groups.list())
                text = f"loading: reading the lag of {count:,} groups..."
                await wait_for(pilot, lambda: line_text(app) == text)
                release.set()
                await settle(pilot)
            assert line_text(app) == ""

    async def test_a_detail_page_says_it_is_loading(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            with held(client.topics, "describe") as release:
                await pilot.press("d")
                await wait_for(pilot, lambda: line_text(app) == "loading: describing topic...")
                release.set()
                await settle(pilot)
            assert line_text(app) == ""
            assert rows(app, "#partitions")


class TestStale:
    async def test_a_failed_poll_after_an_answer_says_how_old_the_data_is(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            shown = rows(app)
            original = client.topics.list_names

            def down() -> Any:
                raise ConnectionFailed("cannot reach 127.0.0.1:9092 within 10 s")

            client.topics.list_names = down  # type: ignore[method-assign]
            await press(pilot, "ctrl+r")
            text = line_text(app)
            assert re.fullmatch(
                r"stale: last answer at \d\d:\d\d:\d\d UTC \(\d+s ago\); the last poll "
                r"failed: cannot reach 127\.0\.0\.1:9092 within 10 s",
                text,
            ), text
            assert rows(app) == shown  # the old data stays, marked stale
            assert app.screen.query_one(LoadLine).has_class("-stale")
            client.topics.list_names = original  # type: ignore[method-assign]
            await press(pilot, "ctrl+r")
            assert line_text(app) == ""

    async def test_a_failure_before_any_answer_is_not_an_empty_view(self) -> None:
        client = FakeClient()

        def broken() -> Any:
            raise ConnectionFailed("cannot reach 127.0.0.1:9092 within 10 s")

        client.health.check = broken  # type: ignore[method-assign]
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "6")
            assert rows(app) == []
            assert line_text(app) == (
                "not loaded yet: checking health failed (cannot reach 127.0.0.1:9092 "
                "within 10 s); trying again"
            )


class TestLoadStateText:
    def test_hidden_before_any_load_and_when_fresh(self) -> None:
        state = LoadState()
        assert state.text(0.0) == ""
        state.started("listing topics")
        assert state.text(0.0) == "loading: listing topics..."
        state.succeeded(100.0)
        assert state.text(130.0) == ""

    def test_progress_and_age(self) -> None:
        state = LoadState()
        state.progress("filling", 3200, 10000, "topics")
        assert state.text(0.0) == "loading: filling 3,200/10,000 topics"
        state.succeeded(0.0)
        state.failed("timed out")
        assert state.text(125.0) == (
            "stale: last answer at 00:00:00 UTC (2.1m ago); the last poll failed: timed out"
        )

    def test_a_view_that_does_not_poll_asks_for_ctrl_r(self) -> None:
        state = LoadState(retries=False)
        state.started("describing topic")
        state.failed("not found")
        assert state.text(0.0).endswith("ctrl+r tries again")


@pytest.mark.parametrize("terminal_size", SIZES, ids=SIZE_IDS)
def test_snapshot_health_while_loading(snap_compare: Any, terminal_size: tuple[int, int]) -> None:
    """The health view before its findings come: a table that says it is loading."""
    client = FakeClient()

    async def open_health(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("6")
        await wait_for(pilot, lambda: line_text(pilot.app) == "loading: checking health...")

    with held(client.health, "check", hold_s=8.0):  # the app's exit waits for it
        app = new_app(client)
        assert snap_compare(app, terminal_size=terminal_size, run_before=open_health)
