"""The offset reset planner: every SPEC §2.3 mode, clamping and warnings. No network."""

from __future__ import annotations

import pytest

from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.models import ResetMode, ResetSpec
from kafkatui.cluster.resets import PartitionOffsets, parse_datetime, plan_rows, select_partitions

# orders-0: committed 50 of [10, 100); orders-1: never committed, [0, 40)
PARTS = [
    PartitionOffsets("orders", 0, current=50, low=10, high=100),
    PartitionOffsets("orders", 1, current=None, low=0, high=40),
]


def new_offsets(spec: ResetSpec, **kwargs) -> dict[int, int]:
    plan = plan_rows("g", spec, PARTS, **kwargs)
    return {row.partition: row.new for row in plan.rows}


def test_earliest_and_latest_use_the_watermarks() -> None:
    assert new_offsets(ResetSpec(ResetMode.EARLIEST)) == {0: 10, 1: 0}
    assert new_offsets(ResetSpec(ResetMode.LATEST)) == {0: 100, 1: 40}


def test_rows_carry_current_and_lag_change() -> None:
    plan = plan_rows("g", ResetSpec(ResetMode.EARLIEST), PARTS)
    first, second = plan.rows
    assert (first.current, first.new, first.lag_before, first.lag_after) == (50, 10, 50, 90)
    assert first.lag_change == 40
    assert second.current is None and second.lag_change is None and second.lag_after == 40
    assert plan.warnings == ()


def test_to_offset_inside_range_is_taken_as_is() -> None:
    plan = plan_rows("g", ResetSpec(ResetMode.OFFSET, 20), PARTS)
    assert [r.new for r in plan.rows] == [20, 20]
    assert plan.warnings == ()


def test_to_offset_beyond_end_or_before_start_is_clamped_with_a_warning() -> None:
    plan = plan_rows("g", ResetSpec(ResetMode.OFFSET, 5), PARTS)
    assert [r.new for r in plan.rows] == [10, 5]
    assert len(plan.warnings) == 1 and "before the start 10 of orders-0" in plan.warnings[0]

    plan = plan_rows("g", ResetSpec(ResetMode.OFFSET, 99999), PARTS)
    assert [r.new for r in plan.rows] == [100, 40]
    assert len(plan.warnings) == 2
    assert all("beyond the end" in w and "clamped" in w for w in plan.warnings)


def test_shift_moves_from_the_committed_offset_and_clamps() -> None:
    assert new_offsets(ResetSpec(ResetMode.SHIFT, -20))[0] == 30
    assert new_offsets(ResetSpec(ResetMode.SHIFT, 30))[0] == 80
    plan = plan_rows("g", ResetSpec(ResetMode.SHIFT, -1000), PARTS[:1])
    assert plan.rows[0].new == 10
    assert "before the start" in plan.warnings[0]


def test_shift_without_a_committed_offset_starts_from_the_end_and_says_so() -> None:
    plan = plan_rows("g", ResetSpec(ResetMode.SHIFT, -5), PARTS[1:])
    assert plan.rows[0].new == 35
    assert "no committed offset on orders-1" in plan.warnings[0]


def test_datetime_uses_the_offsets_found_for_the_time() -> None:
    spec = ResetSpec(ResetMode.DATETIME, "2024-05-01T12:00:00Z")
    found = {("orders", 0): 60, ("orders", 1): 7}
    plan = plan_rows("g", spec, PARTS, by_time=found, now_ms=parse_datetime("2025-01-01"))
    assert [r.new for r in plan.rows] == [60, 7]
    assert plan.warnings == ()


def test_datetime_with_no_record_after_it_goes_to_the_end_with_a_warning() -> None:
    spec = ResetSpec(ResetMode.DATETIME, "2024-05-01T12:00:00Z")
    found = {("orders", 0): -1}  # ListOffsets answers -1: nothing at or after that time
    plan = plan_rows("g", spec, PARTS, by_time=found, now_ms=parse_datetime("2025-01-01"))
    assert [r.new for r in plan.rows] == [100, 40]
    assert len(plan.warnings) == 2 and "no record at or after" in plan.warnings[0]


def test_datetime_in_the_future_goes_to_latest_with_one_warning() -> None:
    spec = ResetSpec(ResetMode.DATETIME, "2999-01-01T00:00:00Z")
    plan = plan_rows("g", spec, PARTS, by_time={}, now_ms=parse_datetime("2025-01-01"))
    assert [r.new for r in plan.rows] == [100, 40]
    assert plan.warnings == (
        "2999-01-01T00:00:00Z is in the future; every partition goes to its end",
    )


def test_rows_are_sorted_by_topic_and_partition() -> None:
    parts = [PartitionOffsets("b", 1, 0, 0, 1), PartitionOffsets("a", 2, 0, 0, 1), PARTS[0]]
    plan = plan_rows("g", ResetSpec(ResetMode.LATEST), parts)
    assert [(r.topic, r.partition) for r in plan.rows] == [("a", 2), ("b", 1), ("orders", 0)]


@pytest.mark.parametrize(
    "spec",
    [
        ResetSpec(ResetMode.OFFSET, None),
        ResetSpec(ResetMode.OFFSET, "12"),
        ResetSpec(ResetMode.OFFSET, -3),
        ResetSpec(ResetMode.SHIFT, 1.5),
        ResetSpec(ResetMode.SHIFT, True),
        ResetSpec(ResetMode.DATETIME, None),
        ResetSpec(ResetMode.DATETIME, "yesterday"),
    ],
)
def test_bad_values_are_invalid_input(spec: ResetSpec) -> None:
    with pytest.raises(InvalidInput):
        plan_rows("g", spec, PARTS)


def test_no_partitions_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="no partitions"):
        plan_rows("g", ResetSpec(ResetMode.LATEST), [])


def test_parse_datetime_forms() -> None:
    assert parse_datetime("1970-01-01T00:00:01Z") == 1000
    assert parse_datetime("1970-01-01T00:00:01") == 1000  # no zone: UTC
    assert parse_datetime("1970-01-01T01:00:01+01:00") == 1000
    assert parse_datetime("1970-01-02") == 86_400_000


def test_select_partitions() -> None:
    assert select_partitions("t", [2, 0, 1], None) == [0, 1, 2]
    assert select_partitions("t", [0, 1, 2], [2, 0, 2]) == [0, 2]
    with pytest.raises(InvalidInput, match=r"no partition 7 \(it has 0-2\)"):
        select_partitions("t", [0, 1, 2], [1, 7])
