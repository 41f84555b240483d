"""Pilot tests of `:dlq`, `R`, `:find` and copy-to-topic on the real sandbox."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka import Producer

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.transfer import MARKER
from kafkatui.ui.modals.dead_letter import DeadLetterModal
from kafkatui.ui.modals.transfer import TransferModal
from kafkatui.ui.screens.dlq import DlqRecordsView, DlqView
from kafkatui.ui.screens.find import FindView
from kafkatui.ui.widgets.keyed_table import KeyedTable
from tests.integration.dlq_support import (
    CONVERTER_STAGE,
    TRANSFORM_STAGE,
    DeadLetters,
    dead_letter_sink,
    read_all,
)
from tests.integration.kafka_helpers import drop_topic, make_topic
from tests.ui.support import Notes, new_app, settle, typed, wait_for

pytestmark = pytest.mark.integration
SIZE = (120, 40)


@pytest.fixture(scope="module")
def letters(
    sandbox: dict, sandbox_settings: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DeadLetters]:
    prefix = f"t-ui-dlq-{uuid.uuid4().hex[:8]}"
    tmp = tmp_path_factory.mktemp("ui-dlq")
    with dead_letter_sink(sandbox_settings, sandbox["connect"], prefix, tmp, bad=6) as found:
        yield found


@pytest.fixture
def target(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    make_topic(sandbox_settings, unique, 2)
    yield unique
    drop_topic(sandbox_settings, unique)


async def test_dlq_view_groups_compares_and_redrives_a_group(
    client: ClusterClient, letters: DeadLetters, sandbox: dict
) -> None:
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", *typed(f"dlq {letters.dlq}"), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DlqView))
        view = app.screen
        assert isinstance(view, DlqView)
        await wait_for(pilot, lambda: view.summary_data is not None)
        table = view.query_one("#table", KeyedTable)
        stages = [view.items[k].stage for k in table.row_keys]
        assert stages == [CONVERTER_STAGE, TRANSFORM_STAGE]  # biggest group first
        table.move_cursor(row=1, animate=False)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DlqRecordsView))
        records = app.screen
        assert isinstance(records, DlqRecordsView)
        assert len(records.by_key) == len(letters.not_objects)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DeadLetterModal))
        modal = app.screen
        await wait_for(pilot, lambda: "original" in str(
            modal.query_one("#original-record").render()))  # fmt: skip
        await settle(pilot)
        shown = str(modal.query_one("#original-record").render())
        assert f"{letters.source} [" in shown and "bare" in shown
        assert "Only Map objects" in str(modal.query_one("#dead-error").render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DlqRecordsView))
        # R on the group: the plan, then the write; back to the original topic
        before = len(read_all(sandbox["bootstrap_servers"], letters.source))
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, TransferModal))
        dialog = app.screen
        assert isinstance(dialog, TransferModal)
        await wait_for(pilot, lambda: dialog.state == "planned")
        assert dialog.plan is not None and dialog.plan.to_write == len(letters.not_objects)
        assert len(read_all(sandbox["bootstrap_servers"], letters.source)) == before
        await pilot.click("#ok")
        await wait_for(pilot, lambda: dialog.state == "done")
        assert dialog.result is not None and dialog.result.written == len(letters.not_objects)
    after = read_all(sandbox["bootstrap_servers"], letters.source)
    assert len(after) == before + len(letters.not_objects)
    assert sum(1 for m in after if MARKER in dict(m.headers() or [])) == len(letters.not_objects)


async def test_redrive_in_read_only_says_so_and_writes_nothing(
    sandbox_settings: ConnectionSettings, letters: DeadLetters, tmp_path: Path
) -> None:
    guard = Guard(read_only=True, profile="sandbox", audit_path=tmp_path / "audit.jsonl")
    client = ClusterClient(sandbox_settings, guard)
    notes = Notes()
    try:
        app = new_app(client)
        async with app.run_test(size=SIZE, message_hook=notes) as pilot:
            await pilot.press("colon", *typed(f"dlq {letters.dlq}"), "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DlqView))
            await wait_for(pilot, lambda: app.screen.summary_data is not None)  # type: ignore[attr-defined]
            await pilot.press("R")
            await settle(pilot)
            assert not isinstance(app.screen, TransferModal)
            assert any(n.startswith("read-only") for n in notes)
    finally:
        client.close()
    assert not (tmp_path / "audit.jsonl").exists()


async def test_find_streams_matches_and_copies_them_to_a_topic(
    client: ClusterClient, sandbox_settings: ConnectionSettings, target: str, unique: str
) -> None:
    source = f"{unique}-hay"
    make_topic(sandbox_settings, source, 3)
    try:
        producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
        for i in range(3000):
            text = f"needle {i}" if i % 1000 == 500 else f"hay {i}"
            producer.produce(source, key=f"k{i}".encode(), value=text.encode(), partition=i % 3)
        assert producer.flush(30) == 0
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("colon", *typed(f"find {source} needle"), "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, FindView))
            view = app.screen
            assert isinstance(view, FindView)
            await wait_for(pilot, lambda: not view.running and view.last is not None)
            assert sorted(v.value_text for v in view.matches.values()) == [
                "needle 1500", "needle 2500", "needle 500"]  # fmt: skip
            status = str(view.query_one("#find-status").render())
            assert "done: 3 matches in 3,000 of 3,000 records" in status
            await pilot.press("space")  # mark the first match, then copy the marked one
            await pilot.press("C")
            await settle(pilot)
            await pilot.press(*typed(target), "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, TransferModal))
            dialog = app.screen
            assert isinstance(dialog, TransferModal)
            await wait_for(pilot, lambda: dialog.state == "planned")
            await pilot.click("#ok")
            await wait_for(pilot, lambda: dialog.state == "done")
        copies = read_all(sandbox_settings.bootstrap_servers, target)
        assert len(copies) == 1 and copies[0].value().startswith(b"needle")
    finally:
        drop_topic(sandbox_settings, source)
