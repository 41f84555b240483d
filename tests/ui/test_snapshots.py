"""Snapshots of every view and the main dialogs at 80x24 and 120x40, on the fake client."""

from __future__ import annotations

import pytest

from tests.ui.fake_client import FakeClient
from tests.ui.support import SIZE_IDS, SIZES, keys, new_app, typed

size = pytest.mark.parametrize("terminal_size", SIZES, ids=SIZE_IDS)


@size
class TestTopics:
    def test_list(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys())

    def test_filtered(self, snap_compare, terminal_size):
        run = keys("slash", typed("ord"), "enter")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_detail(self, snap_compare, terminal_size):
        run = keys(["j", "j", "j"], "d")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_create_dialog(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("n"))

    def test_delete_confirm(self, snap_compare, terminal_size):
        run = keys(["j", "j", "j"], "ctrl+d", typed("ord"))
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_add_partitions_dialog(self, snap_compare, terminal_size):
        run = keys(["j", "j", "j"], "plus")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_produce_dialog(self, snap_compare, terminal_size):
        run = keys(["j", "j", "j"], "P")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_config_form(self, snap_compare, terminal_size):
        run = keys(["j", "j", "j"], "d", ["tab", "j"], "c")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_long_names_leave_room_for_the_other_columns(self, snap_compare, terminal_size):
        client = FakeClient()
        client.topics.create("com.example.payments.settlement.events.v2.retry-queue.dlq", 3, 1)
        assert snap_compare(new_app(client), terminal_size=terminal_size, run_before=keys())


@size
class TestTail:
    def test_following(self, snap_compare, terminal_size):
        run = keys(["j", "j", "j"], "t")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_paused_and_filtered(self, snap_compare, terminal_size):
        run = keys(["j", "j", "j"], "t", "space", "slash", typed("o-001"), "enter")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_wrapped(self, snap_compare, terminal_size):
        run = keys(["j", "j", "j"], "t", "w")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_inspector(self, snap_compare, terminal_size):
        run = keys(["j", "j", "j"], "t", ["k", "k", "k"], "enter")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_seek_dialog(self, snap_compare, terminal_size):
        run = keys(["j", "j", "j"], "t", "s")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)


@size
class TestGroups:
    def test_list(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("2"))

    def test_detail(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("2", "enter"))

    def test_detail_consumer_protocol(self, snap_compare, terminal_size):
        """sessionizer: a KIP-848 group mid-reconciliation (third row by lag)."""
        run = keys("2", "j", "j", "enter")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_delete_offsets_confirm(self, snap_compare, terminal_size):
        run = keys("2", "enter", "x")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_reset_mode(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("2", "o"))

    def test_reset_preview(self, snap_compare, terminal_size):
        run = keys("2", "o", ["down", "down", "down", "enter"], typed("100"), "enter", "enter")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_reset_result(self, snap_compare, terminal_size):
        run = keys("2", "o", "down", "enter", "enter", "enter", "enter")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)


@size
class TestConnectors:
    def test_list(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("3"))

    def test_detail(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("3", "enter"))

    def test_restart_choice(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("3", "r"))

    def test_config(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("3", "c"))

    def test_trace(self, snap_compare, terminal_size):
        run = keys("3", "enter", "enter")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)


@size
class TestSchemas:
    def test_list(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("4"))

    def test_versions(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("4", "enter"))

    def test_diff(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("4", "D"))

    def test_compatibility(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("4", "c"))

    def test_check(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("4", "k"))

    def test_delete_choice(self, snap_compare, terminal_size):
        run = keys("4", "ctrl+d")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_hard_delete_confirm(self, snap_compare, terminal_size):
        run = keys("4", "ctrl+d", ["down", "enter"])
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)


@size
class TestOtherViews:
    def test_brokers(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("5"))

    def test_health(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=keys("6"))

    def test_acls(self, snap_compare, terminal_size):
        run = keys("colon", typed("acls"), "enter")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_acl_create_dialog(self, snap_compare, terminal_size):
        run = keys("colon", typed("acls"), "enter", "n")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_audit(self, snap_compare, terminal_size):
        client = FakeClient()
        client.connect.pause("sandbox", "clickstream-file-source")
        run = keys("colon", typed("audit"), "enter")
        assert snap_compare(new_app(client), terminal_size=terminal_size, run_before=run)


@size
class TestShell:
    def test_help(self, snap_compare, terminal_size):
        assert snap_compare(
            new_app(), terminal_size=terminal_size, run_before=keys("question_mark")
        )

    def test_command_line_completion(self, snap_compare, terminal_size):
        run = keys("colon", typed("tail cl"))
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_read_only_badge_and_refusal(self, snap_compare, terminal_size):
        app = new_app(FakeClient(read_only=True))
        assert snap_compare(app, terminal_size=terminal_size, run_before=keys("ctrl+d"))

    def test_ascii_borders(self, snap_compare, terminal_size):
        app = new_app(ascii_borders=True)
        assert snap_compare(app, terminal_size=terminal_size, run_before=keys("3", "r"))

    def test_light_theme(self, snap_compare, terminal_size):
        assert snap_compare(
            new_app(theme="light"), terminal_size=terminal_size, run_before=keys("2")
        )

    def test_high_contrast_theme(self, snap_compare, terminal_size):
        assert snap_compare(
            new_app(theme="high-contrast"), terminal_size=terminal_size, run_before=keys("3")
        )


@size
class TestTransactions:
    """The transactions view: ages are measured from the fake's fixed clock."""

    @pytest.fixture(autouse=True)
    def fixed_clock(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from tests.ui.fake_depth import BASE_TS

        monkeypatch.setattr("kafkatui.ui.screens.transactions.wall_ms", lambda: BASE_TS)

    def test_list(self, snap_compare, terminal_size):
        run = keys("colon", typed("transactions"), "enter")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_abort_preview(self, snap_compare, terminal_size):
        run = keys("colon", typed("transactions"), "enter", "A")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)
