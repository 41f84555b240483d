"""Nothing is decoded on the event loop: with the schema registry frozen, scrolling to
rows that are not decoded yet stays responsive, shows placeholders, and the rows fill in
once the registry answers. The decoder is the real one (the fake client's shared
AutoDecoder); only the registry behind it is held."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from textual.widgets import Input, Static

from kafkatui.cluster.api import TailStart
from kafkatui.cluster.models import RawRecord, SchemaVersion
from kafkatui.ui.modals.seek import parse_start
from kafkatui.ui.screens.tail import TailView
from tests.ui.fake_client import FakeClient
from tests.ui.support import Notes, new_app, open_tail, press, settle, wait_for

SIZE = (100, 30)
FROZEN_FOR_S = 15.0  # how long a registry call blocks unless released
RESPONSIVE_S = 5.0  # keys must be handled well within FROZEN_FOR_S


def gated_records(count: int) -> list[RawRecord]:
    """Values with a schema-registry header, each with its own schema id: every one needs
    a registry lookup to decode."""
    return [
        RawRecord(
            "orders",
            0,
            1000 + i,
            1_767_225_600_000 + i,
            b"k",
            b"\0" + (500 + i).to_bytes(4, "big") + b"x",
        )
        for i in range(count)
    ]


@pytest.fixture
def frozen() -> tuple[FakeClient, threading.Event, list[int]]:
    client = FakeClient()
    gate = threading.Event()
    gate.set()
    asked: list[int] = []
    answer = client.registry.schema_by_id

    def schema_by_id(schema_id: int) -> SchemaVersion:
        asked.append(schema_id)
        gate.wait(FROZEN_FOR_S)
        return answer(schema_id)

    client.registry.schema_by_id = schema_by_id  # type: ignore[method-assign]
    return client, gate, asked


async def _open_tail(pilot: Any, gated: int = 0) -> TailView:
    """The tail of the fake's `orders` (60 records), then `gated` records that need the
    registry, listed (the pump decodes the newest ones while the registry answers)."""
    await settle(pilot)
    tail = await open_tail(pilot, "orders")
    assert isinstance(tail, TailView)
    await wait_for(pilot, lambda: tail.log_view.row_count == 60)
    if gated:
        pilot.app.client.tails[0].push(gated_records(gated))
        await wait_for(pilot, lambda: tail.log_view.row_count == 60 + gated)
    return tail


async def test_scrolling_to_undecoded_rows_with_a_frozen_registry_stays_responsive(
    frozen: tuple[FakeClient, threading.Event, list[int]],
) -> None:
    client, gate, asked = frozen
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        tail = await _open_tail(pilot, gated=300)
        await settle(pilot)  # the pump decoded the newest rows while the registry answered

        gate.clear()  # the registry freezes
        asked.clear()
        log = tail.log_view
        started = time.monotonic()
        await pilot.press("g", *["pagedown"] * 4, "j", "j", "j")
        await pilot.pause()
        took = time.monotonic() - started
        assert took < RESPONSIVE_S, f"keys took {took:.1f}s with the registry frozen"
        target = 4 * (log.scrollable_content_region.height - 1) + 3
        assert log.cursor == target and not log.follow
        assert 60 <= target < 300  # a row with a registry payload, never decoded so far
        assert log.view_at(target) is None
        row = "".join(s.text for s in log.render_line(target - int(log.scroll_y)))
        assert "decoding..." in row and f"0:{1000 + target - 60}" in row
        await wait_for(pilot, lambda: bool(asked), timeout=RESPONSIVE_S)  # a worker asks

        gate.set()  # the registry answers: the rows fill in
        await wait_for(pilot, lambda: log.view_at(target) is not None)
        view = log.view_at(target)
        assert view is not None and view.value.error and "not found" in view.value.error
        await pilot.pause()
        row = "".join(s.text for s in log.render_line(target - int(log.scroll_y)))
        assert "decoding..." not in row and "not found" in row


async def test_enter_on_an_undecoded_row_decodes_it_in_a_worker(
    frozen: tuple[FakeClient, threading.Event, list[int]],
) -> None:
    client, gate, _asked = frozen
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        tail = await _open_tail(pilot, gated=300)
        gate.clear()
        await pilot.press("g", *["pagedown"] * 4)
        assert tail.log_view.current is None  # not decoded: the registry is frozen
        await pilot.press("enter")  # handled at once: the decoding waits in a worker
        assert isinstance(app.screen, TailView)
        gate.set()
        await wait_for(pilot, lambda: not isinstance(app.screen, TailView))
        await press(pilot, "escape")


# ---- tail errors take the app's one error path -------------------------------------------


async def test_a_consumer_error_reaches_the_log_once_and_stays_there() -> None:
    client = FakeClient()
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        tail = await _open_tail(pilot)
        # the real consumer's words for a partition that went away (test_real_sandbox.py)
        client.tails[
            0
        ].error = "orders [2]: topic does not exist (Broker: Unknown topic or partition)"
        await wait_for(
            pilot, lambda: any("orders [2]: topic does not exist" in e.message for e in app.errors)
        )
        await pilot.pause(0.5)  # more polls with the same error: reported once
        client.tails[0].error = None
        await pilot.pause(0.5)  # the status line moves on; the log keeps it
        logged = [e for e in app.errors if "orders [2]: topic does not exist" in e.message]
        assert len(logged) == 1 and logged[0].source == "tail orders"
        assert "does not exist" not in str(tail.query_one("#tail-stats").render())


async def test_a_failed_seek_is_reported_and_not_announced_as_done() -> None:
    client = FakeClient()
    notes = Notes()
    app = new_app(client)
    async with app.run_test(size=SIZE, message_hook=notes) as pilot:
        tail = await _open_tail(pilot)
        seeks = len(client.tails[0].seeks)
        tail.do_seek(client.tails[0], TailStart("earliest", partitions=(7,)))
        await wait_for(pilot, lambda: any("no partition 7" in e.message for e in app.errors))
        await settle(pilot)
        assert len(client.tails[0].seeks) == seeks  # nothing moved
        assert not any(n.startswith("seek to") for n in notes)


async def test_the_seek_dialog_refuses_a_partition_the_topic_lacks() -> None:
    client = FakeClient()
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await _open_tail(pilot)
        await press(pilot, "s")
        app.screen.query_one("#partitions", Input).value = "1,5"
        await press(pilot, "down", "down", "enter")  # offset mode: the value input
        await press(pilot, "3", "enter")
        error = str(app.screen.query_one("#seek-error", Static).render())
        assert error == "the topic has no partition 5 (it has 0-2)"
        assert not isinstance(app.screen, TailView)  # the dialog stays open


def test_parse_start_checks_partitions() -> None:
    assert parse_start("offset", "3", "0, 2", {0, 1, 2}) == TailStart("offset", 3, (0, 2))
    with pytest.raises(ValueError, match=r"no partition 4, 9 \(it has 0-2, 5\)"):
        parse_start("earliest", "", "9,4,0", {0, 1, 2, 5})
    with pytest.raises(ValueError, match="no partition -1"):
        parse_start("earliest", "", "-1")
    with pytest.raises(ValueError, match="numbers separated by commas"):
        parse_start("earliest", "", "a")
