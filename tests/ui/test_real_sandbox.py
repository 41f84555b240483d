"""Pilot tests of the real app on the real sandbox: tail, connector pause, reset, read-only."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer
from confluent_kafka import TopicPartition as KafkaTopicPartition

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.errors import NotFound
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.ui.modals.reset_wizard import ResetWizard
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.screens.tail import TailView
from kafkatui.ui.widgets.keyed_table import KeyedTable
from tests.integration.kafka_helpers import (
    commit,
    drop_groups,
    drop_topic,
    make_topic,
    produce,
    wait_until,
)
from tests.ui.support import Notes, new_app, open_tail, settle, typed, wait_for

pytestmark = pytest.mark.integration

SIZE = (120, 40)
SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    make_topic(sandbox_settings, unique, 2)
    yield unique
    drop_topic(sandbox_settings, unique)


@pytest.fixture
def connector(client: ClusterClient, topic: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A running FileStream source connector: (cluster, name)."""
    cluster = client.connect.clusters()[0]
    source = tmp_path / "in.txt"
    source.write_text("one\ntwo\n")
    client.connect.create(
        cluster,
        topic,
        {"connector.class": SOURCE, "tasks.max": "1", "file": str(source), "topic": topic},
    )

    def running() -> bool:
        try:
            return client.connect.status(cluster, topic).state == "RUNNING"
        except NotFound:  # Connect reports no status for a moment after creating
            return False

    wait_until(running, f"connector {topic} running", 60)
    yield cluster, topic
    client.connect.delete(cluster, topic)


async def select_row(pilot: Any, key: str, timeout: float = 30.0) -> None:
    """Wait for `key` to appear in the current list (refreshing), then put the cursor on it."""
    deadline = time.monotonic() + timeout
    while True:
        table = pilot.app.screen.query_one("#table", KeyedTable)
        if key in table.row_keys:
            table.move_cursor(row=table.row_keys.index(key), animate=False)
            await pilot.pause()
            return
        assert time.monotonic() < deadline, f"{key} never appeared"
        await pilot.press("ctrl+r")
        await pilot.pause(0.5)


async def test_tail_shows_a_record_produced_after_it_opened(
    client: ClusterClient, topic: str, sandbox_settings: ConnectionSettings
) -> None:
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        tail = await open_tail(pilot, topic)
        await wait_for(pilot, lambda: tail.session is not None and tail._stats.caught_up)
        producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
        producer.produce(topic, key=b"k1", value=b'{"marker": "after-open"}', partition=1)
        assert producer.flush(30) == 0

        def shown() -> bool:
            return any(
                "after-open" in (view.value_text if (view := tail.log_view.view_at(i)) else "")
                for i in range(len(tail.log_view.rows))
            )

        await wait_for(pilot, shown)
        row = tail.log_view.view_at(len(tail.log_view.rows) - 1)
        assert row is not None and row.record.partition == 1 and row.value.format == "json"


async def test_p_changes_the_real_connector_state(
    client: ClusterClient, connector: tuple[str, str]
) -> None:
    cluster, name = connector
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await select_row(pilot, f"{cluster}/{name}")
        await pilot.press("p")
        await wait_for(pilot, lambda: client.connect.status(cluster, name).state == "PAUSED")
        await wait_for(
            pilot,
            lambda: app.screen.items[f"{cluster}/{name}"].state == "PAUSED",  # type: ignore[attr-defined]
        )
        await pilot.press("p")
        await wait_for(pilot, lambda: client.connect.status(cluster, name).state == "RUNNING")


async def test_reset_wizard_changes_real_committed_offsets(
    client: ClusterClient, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    produce(sandbox_settings, topic, {0: 10, 1: 10})
    group = f"{unique}-group"
    commit(sandbox_settings, group, {(topic, 0): 10, (topic, 1): 10})
    app = new_app(client)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("2")
            await select_row(pilot, group)
            await pilot.press("o")
            await wait_for(pilot, lambda: isinstance(app.screen, ResetWizard))
            wizard = app.screen
            assert isinstance(wizard, ResetWizard)
            await pilot.press("down", "down", "down", "enter")  # to an offset
            await pilot.press(*typed("3"), "enter")
            await settle(pilot)
            await pilot.press("enter")  # scope: the group's topic, all partitions
            await wait_for(pilot, lambda: wizard.step == "step-preview")
            assert wizard.plan is not None
            assert [(r.partition, r.current, r.new) for r in wizard.plan.rows] == [
                (0, 10, 3),
                (1, 10, 3),
            ]
            await pilot.press("enter")
            await pilot.press("enter")
            await wait_for(pilot, lambda: wizard.step == "step-result")
            assert wizard.result is not None and not wizard.result.mismatches
        assert committed(sandbox_settings, group, topic) == {0: 3, 1: 3}
    finally:
        drop_groups(sandbox_settings, group)


def committed(settings: ConnectionSettings, group: str, topic: str) -> dict[int, int]:
    """Read committed offsets with a plain consumer, independent of the code under test."""
    consumer = Consumer({"bootstrap.servers": settings.bootstrap_servers, "group.id": group})
    try:
        tps = [KafkaTopicPartition(topic, p) for p in (0, 1)]
        return {tp.partition: tp.offset for tp in consumer.committed(tps, timeout=30)}
    finally:
        consumer.close()


@pytest.fixture
def read_only(
    sandbox_settings: ConnectionSettings, tmp_path: Path
) -> Iterator[tuple[ClusterClient, Guard]]:
    """A client whose guard refuses every change, and that guard (to read its audit)."""
    guard = Guard(read_only=True, profile="sandbox", audit_path=tmp_path / "ro-audit.jsonl")
    client = ClusterClient(sandbox_settings, guard)
    yield client, guard
    client.close()


async def test_read_only_refuses_each_changing_action(
    read_only: tuple[ClusterClient, Guard], connector: tuple[str, str]
) -> None:
    cluster, name = connector
    client, guard = read_only
    notes = Notes()
    app = new_app(client)
    async with app.run_test(size=SIZE, message_hook=notes) as pilot:
        await select_row(pilot, name)
        for key in ("n", "ctrl+d", "plus", "P"):
            await pilot.press(key)
        await pilot.press("3")
        await select_row(pilot, f"{cluster}/{name}")
        for key in ("p", "s", "r"):
            await pilot.press(key)
        await pilot.press("colon", *typed("acls"), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TableView))
        await pilot.press("n", "ctrl+d")
        await settle(pilot)
        assert len([n for n in notes if n.startswith("read-only")]) >= 8
    assert client.connect.status(cluster, name).state == "RUNNING"
    assert guard.read_audit() == []


async def test_read_only_client_refuses_even_without_the_ui_check(
    read_only: tuple[ClusterClient, Guard], connector: tuple[str, str]
) -> None:
    cluster, name = connector
    client, _guard = read_only
    app = new_app(client, read_only=False)  # the UI believes it may change things
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await select_row(pilot, f"{cluster}/{name}")
        await pilot.press("p")
        await wait_for(pilot, lambda: any("read-only" in e.message for e in app.errors))
    assert client.connect.status(cluster, name).state == "RUNNING"


async def test_group_page_shows_lag_time_and_kip848_targets(
    client: ClusterClient, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    """Records two minutes old behind a commit read as ~2m on the page; the demo's KIP-848
    members show type CONSUMER and each partition's target member."""
    import threading

    from kafkatui.sandbox.traffic import sessionizer_member
    from kafkatui.ui.screens.group_detail import GroupDetailView

    base = int(time.time() * 1000) - 120_000
    produce(sandbox_settings, topic, {0: 10, 1: 10}, timestamps=lambda i: base + i)
    behind, kip848 = f"{unique}-behind", f"{unique}-kip848"
    commit(sandbox_settings, behind, {(topic, 0): 2, (topic, 1): 10})
    stop = threading.Event()
    members = [
        threading.Thread(
            target=sessionizer_member,
            args=(sandbox_settings.bootstrap_servers, stop, i, topic, kip848),
            daemon=True,
        )
        for i in (1, 2)
    ]
    for member in members:
        member.start()
    app = new_app(client)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("2")
            await select_row(pilot, behind)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, GroupDetailView))
            page = app.screen
            await wait_for(pilot, lambda: page.lag is not None)
            cells = page.query_one("#partitions", KeyedTable).get_row(f"{topic}:0")
            assert str(cells[5]).startswith("2m0"), cells  # Lag time, about 120 s
            assert "behind" in str(page.summary.render())
            await pilot.press("escape")

            def both_assigned() -> bool:
                lags = client.groups.lag([kip848]).get(kip848)
                return lags is not None and {p.member for p in lags.partitions} == {
                    "sessionizer-1",
                    "sessionizer-2",
                }

            await wait_for(pilot, both_assigned, timeout=60)
            await select_row(pilot, kip848)
            row = app.screen.query_one("#table", KeyedTable).get_row(kip848)
            assert str(row[2]) == "CONSUMER"
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, GroupDetailView))
            page = app.screen
            await wait_for(pilot, lambda: page.lag is not None and page.lag.group_id == kip848)
            table = page.query_one("#partitions", KeyedTable)
            assert [str(table.get_row(f"{topic}:{p}")[7]) for p in (0, 1)] == ["=", "="]
    finally:
        stop.set()
        for member in members:
            member.join(10)
        drop_groups(sandbox_settings, unique)


def _assert_newest_at_bottom(tail: TailView) -> None:
    """The viewport (not only the cursor) ends on the newest record, drawn on the last line."""
    log = tail.log_view
    height = log.scrollable_content_region.height
    assert log.row_count > height > 0  # taller than the window: the position matters
    assert log.scroll_offset.y == log.max_scroll_y
    assert log.scroll_offset.y + height == log.row_count  # the last line is the last row
    newest = tail.session.get(log.seq_at(log.row_count - 1)) if tail.session else None
    assert newest is not None
    bottom = "".join(segment.text for segment in log.render_line(height - 1))
    assert f"{newest.partition:>2}:{newest.offset:<8}" in bottom, bottom


async def test_following_keeps_the_newest_record_at_the_bottom(
    client: ClusterClient, topic: str, sandbox_settings: ConnectionSettings
) -> None:
    """On open, on following again after scrolling away, and after each new batch."""
    produce(sandbox_settings, topic, {0: 60, 1: 60})
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        tail = await open_tail(pilot, topic)
        await wait_for(pilot, lambda: tail.log_view.row_count == 120)
        await pilot.pause()
        _assert_newest_at_bottom(tail)

        await pilot.press("g")  # to the oldest row: following stops
        await pilot.pause()
        assert not tail.log_view.follow and tail.log_view.scroll_offset.y == 0
        await pilot.press("space")  # follow again
        await pilot.pause()
        assert tail.log_view.follow
        _assert_newest_at_bottom(tail)

        for batch in range(3):
            produce(sandbox_settings, topic, {batch % 2: 25})
            await wait_for(pilot, lambda b=batch: tail.log_view.row_count == 120 + 25 * (b + 1))
            await pilot.pause()
            _assert_newest_at_bottom(tail)


async def test_a_topic_deleted_under_an_open_tail_is_reported_on_the_error_path(
    client: ClusterClient, sandbox_settings: ConnectionSettings, unique: str
) -> None:
    """The real consumer's error for a partition that went away reaches report_error and
    `:log` once, naming the topic; the tail keeps what it had read."""
    make_topic(sandbox_settings, unique, 2)
    produce(sandbox_settings, unique, {0: 5, 1: 5})
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        tail = await open_tail(pilot, unique)
        await wait_for(pilot, lambda: tail.log_view.row_count == 10)
        drop_topic(sandbox_settings, unique)

        def logged() -> list[str]:
            return [e.message for e in app.errors if e.source == f"tail {unique}"]

        await wait_for(pilot, lambda: bool(logged()), timeout=60)
        assert f"{unique} [" in logged()[0] and "topic does not exist" in logged()[0]
        await wait_for(pilot, lambda: "does not exist" in _stats_text(tail))  # said plainly
        await pilot.pause(1.0)  # the same error on the next polls: not logged again
        assert len(logged()) == 1
        assert tail.log_view.row_count == 10  # what was read stays on screen


def _stats_text(tail: TailView) -> str:
    return str(tail.query_one("#tail-stats").render())
