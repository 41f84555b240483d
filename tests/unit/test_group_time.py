"""Lag in seconds (exact and estimated), rebalance tracking and their health rules."""

from __future__ import annotations

import pytest

from kafkatui.cluster.group_health import lag_seconds_findings, storm_findings
from kafkatui.cluster.lag_time import (
    END_UNKNOWN,
    NO_COMMIT,
    NOT_READ,
    EndOffsetHistory,
    EndPoint,
    age_text,
    group_estimate,
    interpolate_seconds,
    seconds_behind,
)
from kafkatui.cluster.models import (
    GroupLag,
    GroupMember,
    GroupSummary,
    LagEstimate,
    PartitionLag,
    TopicPartition,
)
from kafkatui.cluster.rebalances import RebalanceTracker, changes_between

NOW = 1_800_000_000.0


def row(committed: int | None, end: int = 100, lag_s: float | None = None) -> PartitionLag:
    lag = None if committed is None or end < 0 else max(0, end - committed)
    return PartitionLag("t", 0, committed, end, lag, lag_seconds=lag_s)


# ---- exact -------------------------------------------------------------------------------
def test_seconds_behind_is_the_age_of_the_record_at_the_committed_offset() -> None:
    assert seconds_behind(row(40), int((NOW - 120) * 1000), NOW) == (120.0, None)


def test_seconds_behind_is_zero_when_caught_up_without_reading() -> None:
    assert seconds_behind(row(100), None, NOW) == (0.0, None)


def test_seconds_behind_unknown_says_why() -> None:
    assert seconds_behind(row(None), None, NOW) == (None, NO_COMMIT)
    assert seconds_behind(row(4, end=-1), None, NOW) == (None, END_UNKNOWN)
    assert seconds_behind(row(4), None, NOW) == (None, NOT_READ)


def test_seconds_behind_never_negative_with_a_producer_clock_ahead() -> None:
    assert seconds_behind(row(4), int((NOW + 30) * 1000), NOW) == (0.0, None)


def test_max_lag_seconds_ignores_unknown_partitions() -> None:
    lag = GroupLag("g", "EMPTY", 0, (row(1, lag_s=5.0), row(None), row(2, lag_s=61.5)))
    assert lag.max_lag_seconds == 61.5
    assert GroupLag("g", "EMPTY", 0, (row(None),)).max_lag_seconds is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (59.9, "59s"), (125, "2m05s"), (3 * 3600 + 720, "3h12m"), (2 * 86400 + 4 * 3600, "2d04h")],  # noqa: E501
)
def test_age_text(seconds: float, text: str) -> None:
    assert age_text(seconds) == text


# ---- estimate ----------------------------------------------------------------------------
def test_estimate_interpolates_between_sampled_end_offsets() -> None:
    points = (EndPoint(NOW - 120, NOW - 100, 1000), EndPoint(NOW - 50, NOW, 2000))
    # offset 1500 was written halfway between the last look at 1000 and the first at 2000
    assert interpolate_seconds(points, 1500, NOW) == LagEstimate(75.0)
    assert interpolate_seconds(points, 2000, NOW) == LagEstimate(0.0)


def test_estimate_below_every_sample_is_a_lower_bound_not_an_extrapolation() -> None:
    points = (EndPoint(NOW - 100, NOW - 100, 1000), EndPoint(NOW, NOW, 2000))
    assert interpolate_seconds(points, 500, NOW) == LagEstimate(100.0, at_least=True)
    assert interpolate_seconds((EndPoint(NOW - 40, NOW, 50),), 10, NOW) == LagEstimate(40.0, True)
    assert interpolate_seconds((EndPoint(NOW, NOW, 50),), 10, NOW) is None  # first look
    assert interpolate_seconds((), 10, NOW) is None


def test_history_keeps_first_and_last_time_per_end_and_resets_on_recreate() -> None:
    ends = EndOffsetHistory()
    tp = ("t", 0)
    ends.record({tp: 100}, NOW - 60)
    ends.record({tp: 100}, NOW - 30)  # flat: the record at 100 was written after NOW-30
    ends.record({tp: 200}, NOW - 20)
    ends.record({tp: 200}, NOW - 10)  # ... and before NOW-20, the first look at 200
    assert ends.estimate(tp, 150, NOW) == LagEstimate(25.0)
    assert ends.estimate(tp, 50, NOW) == LagEstimate(60.0, at_least=True)
    assert ends.estimate(tp, None, NOW) is None
    ends.record({tp: 5}, NOW)  # topic recreated: older points no longer apply
    assert ends.estimate(tp, 2, NOW) is None


def test_group_estimate_is_the_worst_partition() -> None:
    worst = LagEstimate(90.0, at_least=True)
    no_commit, caught_up, lagging = (
        PartitionLag("t", 0, None, 9, None),
        PartitionLag("t", 1, 9, 9, 0),
        PartitionLag("t", 2, 1, 9, 8),
    )
    partitions = [(no_commit, None), (lagging, LagEstimate(3.0)), (lagging, worst)]
    assert group_estimate(partitions) == worst
    assert group_estimate([(no_commit, None)]) is None
    assert group_estimate([(caught_up, LagEstimate(0.0))]) == LagEstimate(0.0)


def test_a_lagging_partition_without_an_estimate_makes_the_rest_a_lower_bound() -> None:
    # the first poll of a group with lag: only caught-up partitions have an estimate yet,
    # and "0s" beside a lag of thousands would be a lie
    caught_up, lagging = PartitionLag("t", 0, 9, 9, 0), PartitionLag("t", 1, 1, 3603, 3602)
    end_unknown = PartitionLag("t", 2, 1, -1, None)
    assert group_estimate([(caught_up, LagEstimate(0.0)), (lagging, None)]) is None
    assert group_estimate([(caught_up, LagEstimate(0.0)), (end_unknown, None)]) is None
    assert group_estimate([(lagging, LagEstimate(40.0)), (lagging, None)]) == LagEstimate(
        40.0, at_least=True
    )



def test_a_group_lag_is_unknown_only_where_no_partition_lag_is_known() -> None:
    def group(*partitions: PartitionLag) -> GroupLag:
        return GroupLag("g", "STABLE", 1, partitions)

    assert group(row(None), row(None)).known_total is None
    assert group().known_total is None
    assert group(row(None), row(40)).known_total == 60
    assert group(row(100), row(100)).known_total == 0

# ---- rebalances --------------------------------------------------------------------------
def summary(state: str, *clients: str) -> GroupSummary:
    members = tuple(GroupMember(f"id-{c}", c, "/h") for c in clients)
    return GroupSummary("g", state, "CLASSIC", members)


def test_a_member_joining_is_one_rebalance_with_its_events() -> None:
    events = changes_between(summary("STABLE", "a"), summary("STABLE", "a", "b"), NOW)
    assert [(e.kind, e.detail, e.rebalance) for e in events] == [("joined", "b", True)]


def test_state_change_into_rebalancing_counts_once_with_member_change() -> None:
    events = changes_between(summary("STABLE", "a"), summary("PREPARING_REBALANCE"), NOW)
    assert [(e.kind, e.detail) for e in events] == [
        ("state", "STABLE -> PREPARING_REBALANCE"),
        ("left", "a"),
    ]
    assert sum(e.rebalance for e in events) == 1


def test_state_change_without_rebalance_is_recorded_but_not_counted() -> None:
    events = changes_between(summary("EMPTY"), summary("DEAD"), NOW)
    assert [(e.detail, e.rebalance) for e in events] == [("EMPTY -> DEAD", False)]


def test_tracker_baseline_window_and_forget() -> None:
    tracker = RebalanceTracker()
    tracker.observe([summary("STABLE", "a")], NOW - 900)  # baseline: no events
    tracker.observe([summary("STABLE", "a", "b")], NOW - 700)  # outside a 10 min window
    tracker.observe([summary("STABLE", "a")], NOW - 60)
    tracker.observe([summary("STABLE", "a")], NOW - 30)  # nothing changed
    tracker.observe([summary("STABLE", "c")], NOW)
    assert tracker.rebalances(NOW) == {"g": 2}
    assert tracker.rebalances(NOW, window_s=1000) == {"g": 3}
    assert [e.detail for e in tracker.events("g")][:2] == ["b", "b"]
    tracker.forget("g")
    assert tracker.events("g") == () and tracker.rebalances(NOW) == {}


def test_kip848_member_reconciling_until_it_owns_its_target() -> None:
    p0, p1 = TopicPartition("t", 0), TopicPartition("t", 1)
    assert GroupMember("m", "c", "h", (p0,), (p0, p1)).reconciling
    assert not GroupMember("m", "c", "h", (p1, p0), (p0, p1)).reconciling
    assert not GroupMember("m", "c", "h", (p0,)).reconciling  # classic: no target


# ---- health rules ------------------------------------------------------------------------
def test_lag_seconds_finding_names_the_late_partitions() -> None:
    late = GroupLag(
        "g",
        "STABLE",
        1,
        (
            PartitionLag("t", 0, 1, 9, 8, lag_seconds=400.0),
            PartitionLag("t", 1, 1, 9, 8, lag_seconds=30.0),
        ),
    )
    ok = GroupLag("h", "STABLE", 1, (PartitionLag("t", 0, 1, 9, 8, lag_seconds=299.0),))
    (found,) = lag_seconds_findings({"g": late, "h": ok}, 300)
    assert (found.severity, found.code, found.subject) == ("warning", "CONSUMER_LAG_SECONDS", "g")
    assert "t-0 6m40s" in found.detail and "t-1" not in found.detail


def test_storm_findings_at_the_threshold() -> None:
    found = storm_findings({"a": 2, "b": 3}, threshold=3, window_s=11)
    assert [(f.code, f.subject) for f in found] == [("REBALANCE_STORM", "b")]
    assert "3 rebalances" in found[0].detail
