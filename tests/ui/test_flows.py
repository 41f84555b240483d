"""Pilot tests of the flows that matter, on the deterministic fake client."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from textual.screen import Screen
from textual.widgets import Button, Input, Static

from kafkatui.cluster.errors import ConnectionFailed
from kafkatui.cluster.models import RawRecord, TopicPartition
from kafkatui.ui.modals.common import ConfirmModal
from kafkatui.ui.modals.reset_wizard import ResetWizard
from kafkatui.ui.screens.connectors import ConnectorsView
from kafkatui.ui.screens.groups import GroupsView
from kafkatui.ui.screens.schemas import SchemasView
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.screens.tail import TailView
from kafkatui.ui.screens.topic_detail import TopicDetailView
from kafkatui.ui.screens.topics import TopicsView
from kafkatui.ui.widgets.inputs import KTextArea
from kafkatui.ui.widgets.keyed_table import KeyedTable
from tests.ui.fake_client import FakeClient
from tests.ui.support import Notes, new_app, press, settle, typed, wait_for

SIZE = (100, 30)


def table_keys(app: Any) -> list[str]:
    return app.screen.query_one("#table", KeyedTable).row_keys


class TestTopicsFlows:
    async def test_names_then_columns_and_filter_narrows(self) -> None:
        app = new_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, TopicsView)
            assert len(table_keys(app)) == 7
            assert app.screen.items["orders"].partitions == 6  # filled by the second call
            await press(pilot, "slash", *typed("ord"))
            assert table_keys(app) == ["orders", "orders.dlq"]
            await pilot.press("enter")
            table = app.screen.query_one("#table", KeyedTable)
            assert app.focused is table and table.cursor_row == 0
            await press(pilot, "escape")
            assert len(table_keys(app)) == 7

    async def test_enter_opens_detail(self) -> None:
        app = new_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "j", "j", "j", "enter")
            assert isinstance(app.screen, TopicDetailView)
            assert app.screen.topic == "orders"
            assert app.screen.query_one("#partitions", KeyedTable).row_count == 6
            await pilot.press("escape")
            assert isinstance(app.screen, TopicsView)

    async def test_sort_by_other_column(self) -> None:
        app = new_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("greater_than_sign")  # sort by partitions
            await settle(pilot)
            assert table_keys(app)[0] == "orders.dlq"
            await press(pilot, "exclamation_mark")
            assert table_keys(app)[0] == "__consumer_offsets"

    async def test_delete_needs_the_typed_name(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "j", "j", "j", "ctrl+d")
            assert isinstance(app.screen, ConfirmModal)
            await pilot.press(*typed("order"), "enter")
            assert client.calls == []
            await press(pilot, "s", "enter")
            assert client.calls == [("topic.delete", ("orders",))]
            assert "orders" not in table_keys(app)

    async def test_create_topic(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "n", *typed("audit.events"), "enter")
            assert client.calls == [("topic.create", ("audit.events", 3, 1))]
            assert "audit.events" in table_keys(app)


class TestReadOnly:
    async def test_changing_keys_say_read_only(self) -> None:
        client = FakeClient(read_only=True)
        app = new_app(client)
        notes = Notes()
        async with app.run_test(size=SIZE, message_hook=notes) as pilot:
            await settle(pilot)
            for key in ("n", "ctrl+d", "plus", "P"):
                await press(pilot, key)
                assert isinstance(app.screen, TopicsView), key
            for view, presses in (
                ("2", "o ctrl+d"),
                ("3", "p s r"),
                ("colon a c l s enter", "n ctrl+d"),
            ):
                await press(pilot, *view.split())
                await press(pilot, *presses.split())
            refused = [n for n in notes if n.startswith("read-only")]
            assert len(refused) == 11, refused
            assert client.calls == []

    async def test_client_refusal_takes_the_error_path(self) -> None:
        """Even if a screen forgot to ask, the client's guard refuses and the user is told."""
        client = FakeClient(read_only=True)
        app = new_app(client, read_only=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "3", "p")
            assert any("read-only" in e.message for e in app.errors)
            assert client.calls == []


class TestGroupsFlows:
    async def test_sorted_by_lag(self) -> None:
        app = new_app()
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "2")
            assert isinstance(app.screen, GroupsView)
            assert table_keys(app) == ["order-service", "analytics", "sessionizer", "billing"]

    async def test_reset_wizard_reaches_preview_then_applies(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "2")
            await press(pilot, "o")
            wizard = app.screen
            assert isinstance(wizard, ResetWizard)
            await pilot.press("down", "down", "down", "down", "enter")  # shift by N
            await pilot.press(*typed("-100"), "enter")
            assert wizard.step == "step-scope"
            await press(pilot, "enter")
            assert wizard.step == "step-preview"
            assert wizard.plan is not None and len(wizard.plan.rows) == 6
            assert [r.new - (r.current or 0) for r in wizard.plan.rows] == [-100] * 6
            assert client.calls == []  # nothing changes before the confirmation
            await pilot.press("enter")
            assert wizard.step == "step-confirm"
            await press(pilot, "enter")
            assert wizard.step == "step-result"
            assert client.calls == [("group.reset_offsets", ("order-service",))]
            lag = client.groups.lag(["order-service"])["order-service"]
            assert [p.committed for p in lag.partitions] == [900 + 100 * p for p in range(6)]

    async def test_reset_refused_while_members_are_active(self) -> None:
        app = new_app()
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "2")
            await press(pilot, "j", "o", "down", "enter", "enter")
            await press(pilot, "enter", "enter")
            assert app.screen.step == "step-confirm"
            assert any("active member" in e.message for e in app.errors)


class TestConnectorFlows:
    async def test_pause_calls_client_and_shows_new_state(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "3")
            assert isinstance(app.screen, ConnectorsView)
            await pilot.press("j", "p")
            await wait_for(
                pilot, lambda: app.screen.items["sandbox/clickstream-file-source"].state == "PAUSED"
            )
            assert client.calls == [("connector.pause", ("clickstream-file-source",))]
            await pilot.press("p")
            await wait_for(pilot, lambda: len(client.calls) == 2)
            assert client.calls[1] == ("connector.resume", ("clickstream-file-source",))

    async def test_restart_failed_tasks_only(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "3")
            await pilot.press("r", "down", "down", "enter")
            await wait_for(pilot, lambda: bool(client.calls))
            assert client.calls == [("connector.restart", ("broken-sink", True, True))]


class TestTailFlows:
    async def open_tail(self, pilot: Any) -> TailView:
        await settle(pilot)
        await press(pilot, "j", "j", "j", "t")
        screen = pilot.app.screen
        assert isinstance(screen, TailView)
        return screen

    async def test_rows_follow_filter_and_pause(self) -> None:
        app = new_app()
        async with app.run_test(size=SIZE) as pilot:
            tail = await self.open_tail(pilot)
            log = tail.log_view
            assert len(log.rows) == 60 and log.follow and log.cursor == 59
            await pilot.press("slash", *typed("o-000"))
            await wait_for(pilot, lambda: len(log.rows) == 9)  # o-0000..o-0009 minus one binary
            await pilot.press("enter", "space")
            assert not log.follow
            await pilot.press("escape")
            await wait_for(pilot, lambda: len(log.rows) == 60)

    async def test_new_records_arrive_and_pending_counts_while_paused(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            tail = await self.open_tail(pilot)
            await pilot.press("k")  # moving up stops following
            assert not tail.log_view.follow
            session = client.tails[0]
            session.push([RawRecord("orders", 0, 1000 + i, 0, b"k", b'{"n": 1}') for i in range(5)])
            await wait_for(pilot, lambda: tail.log_view.pending == 5)
            await pilot.press("G")
            assert tail.log_view.follow and tail.log_view.pending == 0
            assert tail.log_view.cursor == 64

    async def test_keys_answer_during_a_flood(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            tail = await self.open_tail(pilot)
            session = client.tails[0]
            # paused before the flood: a poll between the push and the key would otherwise
            # still be following, and drop the shown rows this test looks for
            await pilot.press("space")
            assert not tail.log_view.follow
            flood = [RawRecord("orders", i % 12, i, 0, None, b"x" * 100) for i in range(150_000)]
            session.push(flood)
            # How fast the key answers is measured by bench/p3_flood.py; here it must
            # answer at all, within a bound that only a hang can exceed.
            await asyncio.wait_for(pilot.press("k"), timeout=30)
            assert tail.log_view.cursor == 58
            await wait_for(pilot, lambda: tail._last_seq == session.next_seq() - 1, 20)
            assert len(tail.log_view.rows) == 100_000  # the ring buffer's capacity
            assert session.stats().dropped == 50_060
            # paused: the 60 shown rows the buffer evicted keep their places (records evicted
            # before they were ever listed are not listed)
            assert tail.log_view.row_count == 100_060 and len(tail.log_view.gone) == 60
            await pilot.press("G")
            assert tail.log_view.row_count == 100_000 and not tail.log_view.gone
            assert tail.log_view.cursor == 99_999

    async def test_inspect_copy_and_export(self, tmp_path: Path) -> None:
        app = new_app()
        async with app.run_test(size=SIZE) as pilot:
            tail = await self.open_tail(pilot)
            await pilot.press("y")
            copied = json.loads(app.clipboard)
            assert copied["offset"] == 19 and copied["partition"] == 2
            assert copied["value"] == {"id": "o-0059", "amount": 83.75, "status": "NEW"}
            await press(pilot, "e")
            target = tmp_path / "out.jsonl"
            app.screen.query_one("#field-path", Input).value = str(target)
            await pilot.press("enter")
            await wait_for(pilot, target.exists)
            await settle(pilot)
            lines = target.read_text().splitlines()
            assert len(lines) == len(tail.log_view.rows) == 60
            bad = json.loads(lines[7])
            assert bad["value"] is None and bad["value_error"] and bad["value_hex"]
            assert bad["headers"] == {"error": "deserialization failed"}

    async def test_seek_restarts_from_the_chosen_place(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            tail = await self.open_tail(pilot)
            await press(pilot, "s")
            await pilot.press("down", "down", "down", "down", "enter")  # last N
            await settle(pilot)
            assert app.focused is not None and app.focused.id == "value"
            await pilot.press(*typed("5"), "enter")
            await wait_for(pilot, lambda: len(tail.log_view.rows) == 5)
            assert client.tails[0].seeks[-1].mode == "last"
            assert client.tails[0].seeks[-1].value == 5


class TestShellFlows:
    async def test_keymap_rebinds_by_id(self) -> None:
        app = new_app(keymap={"app.groups": "x"})
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "x")
            assert isinstance(app.screen, GroupsView)

    async def test_unknown_theme_falls_back_with_a_notice(self) -> None:
        app = new_app(theme="no-such-theme")
        notes = Notes()
        async with app.run_test(size=SIZE, message_hook=notes) as pilot:
            await settle(pilot)
            assert app.theme == "dark"
            assert any("no-such-theme" in n for n in notes)

    async def test_command_line_tail_and_theme(self) -> None:
        app = new_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("colon", *typed("theme light"), "enter")
            assert app.theme == "light"
            await press(pilot, "colon", *typed("tail pay"), "tab", "enter")
            assert isinstance(app.screen, TailView) and app.screen.topic == "payments"

    async def test_errors_notify_and_land_in_the_log_view(self) -> None:
        client = FakeClient()

        def unreachable() -> list[Any]:
            raise ConnectionFailed("cannot reach 127.0.0.1:9092 within 10 s")

        client.topics.list_names = unreachable  # type: ignore[method-assign]
        client.brokers.cluster_info = unreachable  # type: ignore[method-assign]
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.connection_state == "disconnected"
            assert {e.message for e in app.errors} == {"cannot reach 127.0.0.1:9092 within 10 s"}
            await press(pilot, "colon", *typed("log"), "enter")
            screen = app.screen
            assert isinstance(screen, TableView)
            assert screen.TITLE_TEXT == "error log" and len(table_keys(app)) == len(app.errors)

    async def test_health_jumps_to_the_subject(self) -> None:
        app = new_app()
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "6")
            await pilot.press("j", "j", "enter")  # CONSUMER_LAG_GROWING analytics
            await settle(pilot)
            assert isinstance(app.screen, GroupsView)
            assert table_keys(app) == ["analytics"]

    async def test_no_color_is_monochrome(self, monkeypatch: Any) -> None:
        monkeypatch.setenv("NO_COLOR", "1")
        app = new_app()
        assert app.no_color
        assert any(type(f).__name__ == "Monochrome" for f in app._filters)


class TestProfileSwitch:
    async def test_profile_command_reconnects_on_the_new_client(self) -> None:
        first = FakeClient()
        second = FakeClient(read_only=True, profile="prod")
        app = new_app(first, profiles=("prod",), switch_profile=lambda name: second)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "2")
            await press(pilot, "colon", *typed("profile prod"), "enter")
            assert app.client is second and first.closed
            assert app.profile == "prod" and app.read_only
            await press(pilot, "1", "n")
            assert isinstance(app.screen, TopicsView)
            assert second.calls == []


async def produce_on_orders(pilot: Any, value: str, **inputs: str) -> Screen[Any]:
    """Open the produce dialog on `orders`, fill it in and press OK; returns the dialog."""
    await settle(pilot)
    await press(pilot, "j", "j", "j", "P")
    screen = pilot.app.screen
    for name, text in inputs.items():
        screen.query_one(f"#{name}", Input).value = text
    screen.query_one("#value", KTextArea).text = value
    screen.query_one("#ok", Button).press()
    await settle(pilot)
    return screen


class TestDialogs:
    async def test_produce_encodes_avro_through_the_subject(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=(120, 40)) as pilot:
            value = '{"id": "o-1", "amount": 2.5}'
            await produce_on_orders(
                pilot, value, key="k-1", headers="source=test", subject="orders-value"
            )
            assert client.calls[0][0] == "topic.produce"
            topic, key, value = client.topics.produced[0]
            assert (topic, key) == ("orders", b"k-1")
            assert value is not None and value[:5] == b"\x00\x00\x00\x00\x02"  # schema id 2
            assert isinstance(app.screen, TopicsView)

    async def test_produce_rejects_a_value_that_does_not_fit(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await produce_on_orders(pilot, '{"id": 7}', subject="orders-value")
            assert client.calls == []
            assert any("does not fit orders-value" in e.message for e in app.errors)
            assert not screen.query_one("#ok", Button).disabled

    async def test_compatibility_set_and_candidate_check(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=(120, 40)) as pilot:
            await press(pilot, "4")
            await press(pilot, "c")
            await pilot.press("down", "down", "enter")  # FORWARD
            await settle(pilot)
            assert client.registry.compatibility("orders-value") == "FORWARD"
            await press(pilot, "k")
            candidate = (
                '{"type": "record", "name": "Order", "fields": [{"name": "x", "type": "int"}]}'
            )
            app.screen.query_one("#candidate", KTextArea).text = candidate
            app.screen.query_one("#check", Button).press()
            await settle(pilot)
            result = str(app.screen.query_one("#check-result", Static).render())
            assert "NOT compatible" in result and "'x' has no default" in result

    async def test_palette_switches_views(self) -> None:
        app = new_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+p", *typed("View: connectors"))
            await press(pilot, "enter")
            assert isinstance(app.screen, ConnectorsView)

    async def test_acl_create(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=(120, 40)) as pilot:
            await press(pilot, "colon", *typed("acls"), "enter")
            await press(pilot, "n")
            app.screen.query_one("#field-principal", Input).value = "User:alice"
            app.screen.query_one("#field-resource_name", Input).value = "orders"
            await press(pilot, "enter")
            assert client.calls == [("acl.create", ("orders",))]
            assert len(table_keys(app)) == 4


class TestConfig:
    async def test_app_takes_theme_keymap_warnings_and_profiles_from_config(
        self, tmp_path: Path
    ) -> None:
        from kafkatui.cluster.settings import ConnectionSettings
        from kafkatui.config.loader import LoadedConfig
        from kafkatui.ui import make_app

        (tmp_path / "mine.toml").write_text("name = 'mine'\nprimary = '#ff8800'\n")
        config = LoadedConfig(
            settings=ConnectionSettings(profile="prod", theme="mine"),
            warnings=["config.toml holds secrets and is readable by others"],
            keymap={"app.groups": "x"},
            themes_dir=tmp_path,
            profiles=("prod", "sandbox"),
        )
        app = make_app(FakeClient(), config)
        app.cursor_blink_enabled = False
        notes = Notes()
        async with app.run_test(size=SIZE, message_hook=notes) as pilot:
            await settle(pilot)
            assert app.theme == "mine"
            assert "readable by others" in " ".join(notes)
            assert "profile sandbox" in app.command_words()
            await press(pilot, "x")
            assert isinstance(app.screen, GroupsView)


class TestInspector:
    async def test_long_values_are_cut_until_asked_for(self) -> None:
        from kafkatui.decode.model import Decoded
        from kafkatui.records.view import RecordView
        from kafkatui.ui.modals.inspector import SHORT_LIMIT, InspectorModal
        from kafkatui.ui.widgets.long_text import LongText

        blob = "z" * 50_000
        record = RawRecord("big", 0, 7, 0, b"k", b"...")
        view = RecordView(record, Decoded("text", "k"), Decoded("json", {"blob": blob}))
        app = new_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            modal = InspectorModal(view)
            await app.push_screen(modal)
            await settle(pilot)
            shown = str(modal.query_one("#value", Static).render())
            assert len(shown) < SHORT_LIMIT + 100 and "more characters (m)" in shown
            await press(pilot, "m")
            whole = modal.query_one("#value-all", LongText)
            width = whole.scrollable_content_region.width
            assert whole.virtual_size.height == 2 + -(-len(f'  "blob": "{blob}"') // width)
            assert modal.full


def test_health_subjects_map_to_views() -> None:
    from kafkatui.cluster.models import Finding
    from kafkatui.ui.screens.health import jump_target

    def target(code: str, subject: str) -> tuple[str, str] | None:
        return jump_target(Finding("warning", code, subject, ""))

    assert target("UNDER_REPLICATED", "orders-1") == ("topics", "orders-1")  # a topic name
    assert target("UNCLEAN_LEADER_ELECTION", "broker 2") == ("brokers", "2")
    assert target("REPLICATION_FACTOR_LOW", "cluster") == ("brokers", "")
    assert target("CONSUMER_LAG_GROWING", "analytics") == ("groups", "analytics")
    assert target("TASK_FAILED", "main/sink-a/task-0") == ("connectors", "sink-a")
    assert target("CONNECT_UNREACHABLE", "connect main") is None


class TestDeletesAndConfigChanges:
    async def test_hard_delete_of_a_subject_needs_its_name_typed(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "4")
            await press(pilot, "ctrl+d")
            await press(pilot, "down", "enter")  # hard
            dialog = app.screen
            assert isinstance(dialog, ConfirmModal)
            hint = str(dialog.query_one(".hint", Static).render())
            assert "cannot be restored" in hint
            assert dialog.query_one("#ok", Button).disabled
            await press(pilot, *typed("orders-value"), "enter")
            assert client.calls == [("schema.delete_subject", ("orders-value", True))]
            assert table_keys(app) == ["shipments-value"]

    async def test_soft_delete_of_a_version_returns_to_the_list(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "4")
            await press(pilot, "enter")  # orders-value: versions 2 (highlighted) and 1
            await press(pilot, "ctrl+d")
            await press(pilot, "enter")  # soft
            assert isinstance(app.screen, ConfirmModal)
            assert "v2" in str(app.screen.query_one(".title", Static).render())
            await press(pilot, "enter")
            assert client.calls == [("schema.delete_version", ("orders-value", 2, False))]
            subjects = app.screen
            assert isinstance(subjects, SchemasView)
            await wait_for(pilot, lambda: subjects.items["orders-value"].versions == (1,))

    async def test_delete_a_groups_offsets_for_a_topic(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "2")
            await press(pilot, "enter")  # order-service: six partitions of orders
            await press(pilot, "x")
            dialog = app.screen
            assert isinstance(dialog, ConfirmModal)
            hint = str(dialog.query_one(".hint", Static).render())
            assert "p0=1,000" in hint and "p5=1,500" in hint
            await press(pilot, *typed("orders"), "enter")
            parts = tuple(TopicPartition("orders", p) for p in range(6))
            assert client.calls == [("group.delete_offsets", ("order-service", parts))]
            table = app.screen.query_one("#partitions", KeyedTable)
            await wait_for(pilot, lambda: table.row_count == 0)

    async def test_set_a_topic_config_shows_before_and_after(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "j", "j", "j", "d")  # orders
            await press(pilot, "tab", "j")  # configs: retention.ms
            await press(pilot, "c")
            field = app.screen.query_one("#field-setting", Input)
            assert field.value == "retention.ms=604800000"
            field.value = "retention.ms=86400000"
            await press(pilot, "enter")
            assert isinstance(app.screen, ConfirmModal)
            hint = str(app.screen.query_one(".hint", Static).render())
            assert hint == "retention.ms: 604800000 -> 86400000"
            assert client.calls == []
            await press(pilot, "enter")
            assert client.calls == [
                ("topic.alter_config", ("orders", {"retention.ms": "86400000"}))
            ]
            configs = app.screen.query_one("#configs", KeyedTable)
            await wait_for(pilot, lambda: "86400000" in str(configs.get_row("retention.ms")))

    async def test_unknown_config_name_is_refused_in_the_form(self) -> None:
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "j", "j", "j", "d", "c")
            app.screen.query_one("#field-setting", Input).value = "retention.mss=1"
            await press(pilot, "enter")
            error = str(app.screen.query_one("#form-error", Static).render())
            assert "not a config of this topic" in error and client.calls == []

    async def test_read_only_refuses_the_new_actions(self) -> None:
        client = FakeClient(read_only=True)
        notes = Notes()
        app = new_app(client)
        async with app.run_test(size=SIZE, message_hook=notes) as pilot:
            await settle(pilot)
            await press(pilot, "j", "j", "j", "d", "c", "escape")
            await press(pilot, "2", "enter", "x", "escape")
            await press(pilot, "4", "ctrl+d", "enter", "ctrl+d")
            refused = [n for n in notes if n.startswith("read-only")]
            assert refused == [
                "read-only: topic.alter_config is disabled",
                "read-only: group.delete_offsets is disabled",
                "read-only: schema.delete_subject is disabled",
                "read-only: schema.delete_version is disabled",
            ]
            assert client.calls == []
