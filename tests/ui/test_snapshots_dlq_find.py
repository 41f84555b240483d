"""Snapshots of the dead-letter, redrive, find and copy screens on the fake client."""

from __future__ import annotations

import pytest

from tests.ui.support import SIZE_IDS, SIZES, keys, new_app, typed

size = pytest.mark.parametrize("terminal_size", SIZES, ids=SIZE_IDS)
DLQ = keys("colon", typed("dlq orders.dlq"), "enter")


@size
class TestDeadLetters:
    def test_groups(self, snap_compare, terminal_size):
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=DLQ)

    def test_group_records_with_a_mark(self, snap_compare, terminal_size):
        run = keys("colon", typed("dlq orders.dlq"), "enter", "enter", "space")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_dead_letter_next_to_its_original(self, snap_compare, terminal_size):
        run = keys("colon", typed("dlq orders.dlq"), "enter", "enter", "enter")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_redrive_plan(self, snap_compare, terminal_size):
        run = keys("colon", typed("dlq orders.dlq"), "enter", "R")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)


@size
class TestFind:
    def test_matches_listed(self, snap_compare, terminal_size):
        run = keys("colon", typed("find orders o-001"), "enter")
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)

    def test_copy_plan_of_marked_matches(self, snap_compare, terminal_size):
        run = keys(
            "colon", typed("find orders o-001"), "enter", "space", "space", "C",
            typed("orders-copy"), "enter",
        )  # fmt: skip
        assert snap_compare(new_app(), terminal_size=terminal_size, run_before=run)
