"""Pilot flows on the fake: F in topics and tail, C in a tail, copy refused in read-only."""

from __future__ import annotations

from kafkatui.cluster.transfers import CopyRequest
from kafkatui.ui.modals.transfer import TransferModal
from kafkatui.ui.screens.find import FindView
from kafkatui.ui.screens.tail import TailView
from tests.ui.fake_client import FakeClient
from tests.ui.support import Notes, new_app, press, settle, typed, wait_for

SIZE = (120, 40)


async def test_f_in_topics_asks_what_to_find_and_opens_the_find_view() -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "F")
        await press(pilot, *typed("o-0002"), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FindView))
        view = app.screen
        assert isinstance(view, FindView)
        await wait_for(pilot, lambda: not view.running and view.last is not None)
        assert view.topic == app.client.topics.list_names()[0].name
        assert [v.value_text for v in view.matches.values()] == [
            '{"id":"o-0002","amount":12.5,"status":"NEW"}'
        ]
        await press(pilot, "escape")
        assert not isinstance(app.screen, FindView)


async def test_c_in_a_tail_copies_the_listed_rows_after_a_plan() -> None:
    client = FakeClient()
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", *typed("tail orders"), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TailView))
        tail = app.screen
        assert isinstance(tail, TailView)
        await wait_for(pilot, lambda: len(tail.log_view.rows) > 0)
        await settle(pilot)
        listed = len(tail.log_view.rows)
        await press(pilot, "C")
        await press(pilot, *typed("orders-copy"), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TransferModal))
        dialog = app.screen
        assert isinstance(dialog, TransferModal)
        await wait_for(pilot, lambda: dialog.state == "planned")
        assert dialog.plan is not None and dialog.plan.to_write == listed
        await pilot.click("#ok")
        await wait_for(pilot, lambda: dialog.state == "done")
    [(action, (request,))] = client.calls
    assert action == "topic.copy" and isinstance(request, CopyRequest)
    assert (request.source, request.destination, len(request.records or ())) == (
        "orders", "orders-copy", listed,
    )  # fmt: skip


async def test_copy_in_read_only_is_refused_before_any_dialog() -> None:
    notes = Notes()
    app = new_app(FakeClient(read_only=True))
    async with app.run_test(size=SIZE, message_hook=notes) as pilot:
        await pilot.press("colon", *typed("find orders o-001"), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FindView))
        await wait_for(pilot, lambda: not app.screen.running)  # type: ignore[attr-defined]
        await press(pilot, "C")
        assert isinstance(app.screen, FindView)
        assert "read-only: topic.copy is disabled" in notes
