"""Plain data from the admin APIs librdkafka lacks (log dirs, KRaft quorum, transactions,
reassignments). No IO, no UI: safe to build in tests and fakes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from kafkatui.cluster.models import TopicPartition


@dataclass(frozen=True)
class DepthLimits:
    """Thresholds of the disk, transaction and quorum findings of `check`."""

    disk_warn_pct: float = 80.0
    disk_critical_pct: float = 90.0
    txn_age_s: float = 300.0
    #: a voter not caught up with the leader for this long is a warning
    quorum_stale_s: float = 30.0


# ---- disks -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LogDir:
    """One log directory of one broker, as DescribeLogDirs reports it."""

    broker_id: int
    path: str
    total_bytes: int | None  # None: the broker does not report it (before Kafka 3.3)
    usable_bytes: int | None
    size_bytes: int  # the partition replicas stored in it
    partitions: int
    cordoned: bool = False
    error: str | None = None  # set when the broker reports the directory offline

    @property
    def offline(self) -> bool:
        return self.error is not None

    @property
    def used_bytes(self) -> int | None:
        if self.total_bytes is None or self.usable_bytes is None:
            return None
        return self.total_bytes - self.usable_bytes

    @property
    def used_percent(self) -> float | None:
        """Of the whole file system holding the directory, as `df` counts it."""
        used = self.used_bytes
        if used is None or not self.total_bytes:
            return None
        return round(100.0 * used / self.total_bytes, 1)


@dataclass(frozen=True)
class DiskUsage:
    log_dirs: tuple[LogDir, ...]
    #: bytes per (topic, partition): its largest replica, i.e. the size of one copy
    partition_sizes: Mapping[tuple[str, int], int] = field(default_factory=dict)

    def topic_size(self, topic: str) -> int | None:
        return self._topic_sizes.get(topic)

    @cached_property
    def _topic_sizes(self) -> dict[str, int]:
        """Summed once: a chunk of 250 topics asked each topic's size, and each question
        went through every partition (16% of the topics view's fill at 10,000 topics)."""
        sums: dict[str, int] = {}
        for (topic, _), size in self.partition_sizes.items():
            sums[topic] = sums.get(topic, 0) + size
        return sums


# ---- KRaft quorum ----------------------------------------------------------------------
@dataclass(frozen=True)
class QuorumMember:
    node_id: int
    voter: bool
    log_end_offset: int
    lag: int  # records behind the leader's log end
    last_fetch_ms: int | None  # epoch ms; None when never fetched
    last_caught_up_ms: int | None


@dataclass(frozen=True)
class Quorum:
    leader_id: int
    leader_epoch: int
    high_watermark: int
    voters: tuple[QuorumMember, ...]
    observers: tuple[QuorumMember, ...]


# ---- reassignments ---------------------------------------------------------------------
@dataclass(frozen=True)
class Reassignment:
    topic: str
    partition: int
    replicas: tuple[int, ...]
    adding: tuple[int, ...]
    removing: tuple[int, ...]


# ---- transactions ----------------------------------------------------------------------
#: states in which a transaction holds back read_committed consumers
OPEN_STATES = ("Ongoing", "PrepareCommit", "PrepareAbort", "PrepareEpochFence")


@dataclass(frozen=True)
class Transaction:
    transactional_id: str
    state: str  # Ongoing, PrepareCommit, ... as the coordinator reports it
    producer_id: int
    producer_epoch: int
    timeout_ms: int
    start_ms: int | None  # None before the first partition is added
    partitions: tuple[TopicPartition, ...]
    coordinator_id: int

    def age_seconds(self, now_ms: int) -> float | None:
        if self.start_ms is None or self.start_ms < 0:
            return None
        return max(0.0, (now_ms - self.start_ms) / 1000.0)


@dataclass(frozen=True)
class StableGap:
    """How far the last stable offset (what read_committed consumers may read up to)
    trails the high watermark on one partition."""

    topic: str
    partition: int
    last_stable: int
    high: int

    @property
    def gap(self) -> int:
        return max(0, self.high - self.last_stable)
