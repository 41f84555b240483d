"""Parsing kafka-python's answers and the disk / quorum / transaction / reassignment rules."""

from __future__ import annotations

from kafkatui.cluster.broker_depth import parse_log_dirs, parse_quorum
from kafkatui.cluster.deep_models import (
    DepthLimits,
    LogDir,
    Quorum,
    QuorumMember,
    Reassignment,
    StableGap,
    Transaction,
)
from kafkatui.cluster.depth_health import (
    disk_findings,
    needs_sizes,
    quorum_findings,
    reassignment_findings,
    transaction_findings,
)
from kafkatui.cluster.models import TopicPartition

GiB = 2**30


def _part(index: int, size: int, future: bool = False) -> dict:
    return {"partition_index": index, "partition_size": size, "offset_lag": 0,
            "is_future_key": future}  # fmt: skip


def test_log_dirs_are_summed_and_partition_sizes_take_the_largest_replica() -> None:
    answer = [
        {"broker": 1, "log_dirs": [{"error_code": 0, "log_dir": "/d1", "total_bytes": 100 * GiB,
                                    "usable_bytes": 25 * GiB, "is_cordoned": True,
                                    "topics": [{"name": "a", "partitions": [_part(0, 10),
                                                                            _part(1, 5, True)]}]}]},
        {"broker": 2, "log_dirs": [{"error_code": 0, "log_dir": "/d2", "total_bytes": -1,
                                    "usable_bytes": -1,
                                    "topics": [{"name": "a", "partitions": [_part(0, 12)]}]},
                                   {"error_code": 56, "log_dir": "/bad", "topics": []}]},
    ]  # fmt: skip
    usage = parse_log_dirs(answer)
    one, bad, two = usage.log_dirs  # by broker, then path
    assert (one.size_bytes, one.partitions, one.cordoned) == (15, 1, True)  # future counts in size
    assert one.used_percent == 75.0
    assert two.total_bytes is None and two.used_percent is None
    assert bad.offline and bad.error == "KAFKA_STORAGE_ERROR"
    assert usage.partition_sizes == {("a", 0): 12}
    assert usage.topic_size("a") == 12 and usage.topic_size("b") is None


def test_quorum_lag_is_against_the_leaders_log_end() -> None:
    raw = {"topics": [{"partitions": [{
        "leader_id": 2, "leader_epoch": 7, "high_watermark": 90,
        "current_voters": [
            {"replica_id": 1, "log_end_offset": 80, "last_fetch_timestamp": 5,
             "last_caught_up_timestamp": -1},
            {"replica_id": 2, "log_end_offset": 100, "last_fetch_timestamp": -1,
             "last_caught_up_timestamp": -1},
        ],
        "observers": [{"replica_id": 9, "log_end_offset": 100, "last_fetch_timestamp": 6,
                       "last_caught_up_timestamp": 6}],
    }]}]}  # fmt: skip
    q = parse_quorum(raw)
    assert (q.leader_id, q.leader_epoch, q.high_watermark) == (2, 7, 90)
    voters = [(m.node_id, m.lag, m.last_caught_up_ms) for m in q.voters]
    assert voters == [(1, 20, None), (2, 0, None)]
    assert [(m.node_id, m.voter, m.lag) for m in q.observers] == [(9, False, 0)]


def _dir(used_pct: float, error: str | None = None) -> LogDir:
    total = 10_000
    return LogDir(1, "/data", total, round(total * (100 - used_pct) / 100), 7, 3, error=error)


def test_disk_findings_follow_the_limits() -> None:
    limits = DepthLimits(disk_warn_pct=80, disk_critical_pct=90)
    assert disk_findings([_dir(79.9)], limits) == []
    [warn] = disk_findings([_dir(80)], limits)
    assert (warn.severity, warn.code) == ("warning", "DISK_USAGE_HIGH")
    [crit] = disk_findings([_dir(95)], limits)
    assert crit.severity == "critical" and "95%" in crit.detail
    [offline] = disk_findings([_dir(10, "KAFKA_STORAGE_ERROR")], limits)
    assert (offline.severity, offline.code) == ("critical", "LOG_DIR_OFFLINE")


def test_sizes_are_read_only_for_a_dir_a_disk_finding_will_name() -> None:
    limits = DepthLimits(disk_warn_pct=80, disk_critical_pct=90)
    assert not needs_sizes([_dir(79.9), _dir(10)], limits)
    assert needs_sizes([_dir(10), _dir(80)], limits)
    assert needs_sizes([_dir(10, "KAFKA_STORAGE_ERROR")], limits)
    unreported = LogDir(1, "/data", None, None, 0, 0)  # before Kafka 3.3
    assert not needs_sizes([unreported], limits) and not disk_findings([unreported], limits)


def _member(node: int, lag: int, caught_up_ms: int | None) -> QuorumMember:
    return QuorumMember(node, True, 100 - lag, lag, caught_up_ms, caught_up_ms)


def test_quorum_findings() -> None:
    limits = DepthLimits(quorum_stale_s=30)
    now = 1_000_000
    single = Quorum(1, 1, 100, (_member(1, 0, now),), ())
    assert [f.severity for f in quorum_findings(single, now, limits)] == ["info"]
    even = Quorum(1, 1, 100, (_member(1, 0, now), _member(2, 0, now)), ())
    assert "even" in quorum_findings(even, now, limits)[0].detail
    healthy = Quorum(1, 1, 100, tuple(_member(n, 0, now) for n in (1, 2, 3)), ())
    assert quorum_findings(healthy, now, limits) == []
    briefly_behind = Quorum(1, 1, 100, (_member(1, 0, now), _member(2, 5, now - 10_000),
                                        _member(3, 0, now)), ())  # fmt: skip
    assert quorum_findings(briefly_behind, now, limits) == []
    stuck = Quorum(1, 1, 100, (_member(1, 0, now), _member(2, 5, now - 60_000),
                               _member(3, 9, None)), ())  # fmt: skip
    found = quorum_findings(stuck, now, limits)
    assert [(f.severity, f.subject) for f in found] == [
        ("warning", "voter 2"),
        ("warning", "voter 3"),
    ]
    assert "last caught up 60 s ago" in found[0].detail and "never" in found[1].detail


def test_open_transaction_names_the_partitions_it_blocks() -> None:
    tps = (TopicPartition("a", 0), TopicPartition("b", 3))
    txn = Transaction("tx", "Ongoing", 7, 1, 60_000, 0, tps, 1)
    gaps = [StableGap("a", 0, 10, 14), StableGap("b", 3, 5, 5)]
    limits = DepthLimits(txn_age_s=300)
    assert transaction_findings([txn], gaps, 299_000, limits) == []
    [f] = transaction_findings([txn], gaps, 301_000, limits)
    assert (f.severity, f.code, f.subject) == ("warning", "OPEN_TRANSACTION", "tx")
    assert f.detail.endswith("blocks a-0 (4 records)")
    [free] = transaction_findings([txn], [StableGap("a", 0, 14, 14)], 301_000, limits)
    assert free.detail.endswith("holds no partition back now")
    unstarted = Transaction("tx", "Ongoing", 7, 1, 60_000, None, (), 1)
    assert transaction_findings([unstarted], [], 10**12, limits) == []


def test_reassignments_are_one_info_per_topic() -> None:
    moves = [Reassignment("a", 0, (1, 2, 3), (3,), (1,)), Reassignment("a", 1, (2, 3), (3,), ())]
    [f] = reassignment_findings(moves)
    assert (f.severity, f.code, f.subject) == ("info", "REASSIGNMENT_IN_PROGRESS", "a")
    assert f.detail.startswith("2 partition(s)")
