"""The transactions view: aborting needs a preview, the typed id and a writable profile."""

from __future__ import annotations

from textual.widgets import Static

from kafkatui.ui.modals.common import ConfirmModal
from kafkatui.ui.widgets.keyed_table import KeyedTable
from tests.ui.fake_client import FakeClient
from tests.ui.support import Notes, new_app, press, settle, typed, wait_for

SIZE = (120, 40)


async def test_abort_previews_then_aborts_the_oldest_transaction() -> None:
    client = FakeClient()
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "colon", *typed("transactions"), "enter")
        table = app.screen.query_one("#table", KeyedTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        await press(pilot, "A")
        dialog = app.screen
        assert isinstance(dialog, ConfirmModal)
        assert "payments-settlement" in str(dialog.query_one(".title", Static).render())
        await press(pilot, "enter")  # nothing typed: not confirmed
        assert client.calls == []
        await press(pilot, *typed("payments-settlement"), "enter")
        assert client.calls == [("transaction.abort", ("payments-settlement",))]
        await wait_for(pilot, lambda: table.row_count == 1)


async def test_read_only_refuses_abort() -> None:
    client = FakeClient(read_only=True)
    notes = Notes()
    app = new_app(client)
    async with app.run_test(size=SIZE, message_hook=notes) as pilot:
        await settle(pilot)
        await press(pilot, "colon", *typed("transactions"), "enter")
        table = app.screen.query_one("#table", KeyedTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        await press(pilot, "A")
        assert not isinstance(app.screen, ConfirmModal)
        assert "read-only: transaction.abort is disabled" in list(notes)
        assert client.calls == []
