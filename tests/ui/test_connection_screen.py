"""The connection screen: shown while the cluster has never answered, gone once it does."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from kafkatui.cluster.errors import ConnectionFailed
from kafkatui.ui.modals.common import ChoiceModal
from kafkatui.ui.modals.connection import ConnectionScreen, retry_text
from kafkatui.ui.screens.topic_detail import TopicDetailView
from kafkatui.ui.screens.topics import TopicsView
from kafkatui.ui.widgets.keyed_table import KeyedTable
from tests.ui.fake_client import FakeClient
from tests.ui.support import Notes, keys, new_app, press, settle, wait_for

SIZE = (100, 30)
DOWN = "cannot reach 127.0.0.1:9092 within 10 s"


def unreachable_client(profile: str = "fake") -> FakeClient:
    client = FakeClient(profile=profile)
    client.brokers.unreachable = DOWN
    return client


def shown_text(app: Any) -> str:
    return " ".join(str(s.render()) for s in app.screen.query(Static))


def test_retry_text_counts_whole_seconds_up() -> None:
    assert retry_text(110.0, 100.0) == "retrying in 10 s"
    assert retry_text(100.2, 100.0) == "retrying in 1 s"
    assert retry_text(None, 100.0) == "trying now..."
    assert retry_text(99.0, 100.0) == "trying now..."


class TestConnectionScreen:
    async def test_retry_then_dismissed_once_the_cluster_answers(self) -> None:
        client = unreachable_client()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ConnectionScreen)
            text = shown_text(app)
            for part in ("profile fake", "bootstrap 127.0.0.1:9092", DOWN, "retrying in"):
                assert part in text
            probes = client.brokers.probes
            await press(pilot, "r")
            assert client.brokers.probes == probes + 1
            assert isinstance(app.screen, ConnectionScreen)

            client.brokers.unreachable = None
            await press(pilot, "r")
            assert not isinstance(app.screen, ConnectionScreen)
            assert isinstance(app.screen, TopicsView) and app.connection_state == "connected"
            await press(pilot, "j", "j", "j", "enter")  # the topics view works
            screen = app.screen
            assert isinstance(screen, TopicDetailView) and screen.topic == "orders"

    async def test_scheduled_probe_dismisses_it_without_a_key(self, monkeypatch: Any) -> None:
        monkeypatch.setattr("kafkatui.ui.app.CLUSTER_POLL_S", 0.1)
        client = unreachable_client()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, ConnectionScreen))
            client.brokers.unreachable = None
            await wait_for(pilot, lambda: isinstance(app.screen, TopicsView))
            assert app.screen.query_one("#table", KeyedTable).row_count == 7

    async def test_later_outages_do_not_show_it(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            client.brokers.unreachable = DOWN
            app.probe_now()
            await settle(pilot)
            assert app.connection_state == "disconnected"
            assert isinstance(app.screen, TopicsView)

    async def test_switch_profile_reaches_the_other_cluster(self) -> None:
        good = FakeClient(profile="prod")
        app = new_app(
            unreachable_client(), profiles=("fake", "prod"), switch_profile=lambda name: good
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "p")
            assert isinstance(app.screen, ChoiceModal)
            await press(pilot, "enter")
            assert app.client is good and app.profile == "prod"
            assert isinstance(app.screen, TopicsView)

    async def test_without_profiles_says_so_and_l_opens_the_log(self) -> None:
        notes = Notes()
        client = unreachable_client()
        app = new_app(client)
        async with app.run_test(size=SIZE, message_hook=notes) as pilot:
            await settle(pilot)
            assert "no other profiles" in shown_text(app)
            await press(pilot, "p")
            assert any("no other profiles configured" in n for n in notes)
            await press(pilot, "l")
            assert getattr(app.screen, "TITLE_TEXT", "") == "error log"
            assert any(e.message == DOWN for e in app.errors)
            await press(pilot, "1")
            assert isinstance(app.screen, ConnectionScreen)  # still unreachable

            await press(pilot, "l")
            client.brokers.unreachable = None
            app.probe_now()  # answers while the log view shows
            await settle(pilot)
            await press(pilot, "1")
            assert isinstance(app.screen, TopicsView)

    async def test_cluster_errors_behind_it_are_logged_not_toasted(self) -> None:
        """Views fail too while the cluster is down; the screen already says why, and on a
        small terminal their toasts covered it."""
        notes = Notes()
        app = new_app(unreachable_client())
        async with app.run_test(size=(80, 24), message_hook=notes) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ConnectionScreen)
            shown = len(notes)
            registry_down = ConnectionFailed("registry down")
            registry_down.service = "http"
            app.report_error("listing topics", ConnectionFailed("cannot connect to Kafka at x"))
            app.report_error("reading schemas", registry_down)
            await settle(pilot)
            assert [e.message for e in app.errors][-2:] == [
                "cannot connect to Kafka at x", "registry down"
            ]
            assert notes[shown:] == ["registry down"]  # not the cluster: still a toast

    async def test_q_quits(self) -> None:
        app = new_app(unreachable_client())
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("q")
        assert app.return_value == 0


@pytest.mark.parametrize("terminal_size", [(80, 24)], ids=["80x24"])
def test_snapshot(snap_compare: Any, terminal_size: tuple[int, int], monkeypatch: Any) -> None:
    app = new_app(unreachable_client())

    def frozen_clock() -> float:  # the countdown always shows 10 s
        at = app.next_probe_at
        return 0.0 if at is None else at - 9.5

    monkeypatch.setattr("kafkatui.ui.modals.connection.monotonic", frozen_clock)
    assert snap_compare(app, terminal_size=terminal_size, run_before=keys())
