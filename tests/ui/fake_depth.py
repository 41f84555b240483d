"""The fake client's disks, KRaft quorum, reassignments and transactions.

Kept apart from fake_client.py: these are the answers of the kafka-python APIs (see
kafkatui.cluster.deep_admin). Shapes are exactly what the real client returns, with
fixed numbers: a broker near full, an offline log dir, a lagging voter, a transaction
holding records back. Ages are measured from BASE_TS (snapshot tests fix the clock there).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from kafkatui.cluster.deep_models import (
    DiskUsage,
    LogDir,
    Quorum,
    QuorumMember,
    Reassignment,
    StableGap,
    Transaction,
)
from kafkatui.cluster.errors import NotFound
from kafkatui.cluster.models import TopicPartition

BASE_TS = 1_767_225_600_000  # 2026-01-01T00:00:00Z, as in fake_client
GiB = 2**30

LOG_DIRS = (
    LogDir(1, "/var/kafka/data", 500 * GiB, 190 * GiB, 3_409_920, 12),
    LogDir(2, "/var/kafka/data", 500 * GiB, 77 * GiB, 48_758_784, 15),
    LogDir(3, "/var/kafka/data1", 1000 * GiB, 590 * GiB, 221_184, 9, cordoned=True),
    LogDir(3, "/var/kafka/data2", None, None, 0, 0, error="KAFKA_STORAGE_ERROR"),
)
QUORUM = Quorum(
    leader_id=1,
    leader_epoch=14,
    high_watermark=88_210,
    voters=(
        QuorumMember(1, True, 88_214, 0, BASE_TS - 40, BASE_TS - 40),
        QuorumMember(2, True, 88_214, 0, BASE_TS - 120, BASE_TS - 120),
        QuorumMember(3, True, 87_901, 313, BASE_TS - 95_000, BASE_TS - 95_000),
    ),
    observers=(),
)
#: a reassignment in progress on orders-1 (fake_client's describe shows it too)
REASSIGNMENTS = (Reassignment("orders", 1, (2, 3, 1), (1,), (2,)),)
TRANSACTIONS = (
    Transaction(
        "payments-settlement",
        "Ongoing",
        4012,
        3,
        60_000,
        BASE_TS - 412_000,
        (TopicPartition("payments", 0), TopicPartition("payments", 2)),
        2,
    ),
    Transaction(
        "orders-enricher-1",
        "Ongoing",
        4090,
        0,
        60_000,
        BASE_TS - 2_000,
        (TopicPartition("orders", 3),),
        1,
    ),
)
GAPS = {
    ("payments", 0): StableGap("payments", 0, 980, 997),
    ("payments", 2): StableGap("payments", 2, 1_004, 1_004),
    ("orders", 3): StableGap("orders", 3, 2_000, 2_003),
}


class FakeBrokerDepth:
    """Mixed into FakeBrokers: the BrokersApi methods backed by DescribeLogDirs & co."""

    def log_dirs(self) -> list[LogDir]:
        return list(LOG_DIRS)

    def disk_usage(self) -> DiskUsage:
        return DiskUsage(log_dirs=LOG_DIRS)

    def quorum(self) -> Quorum:
        return QUORUM

    def reassignments(self, topic: str | None = None) -> list[Reassignment]:
        return [r for r in REASSIGNMENTS if topic is None or r.topic == topic]


class FakeTransactions:
    def __init__(self, shared: Any) -> None:
        self._shared = shared
        self._open = list(TRANSACTIONS)

    def list(self) -> builtins.list[Transaction]:
        return builtins.list(self._open)

    def gaps(self, partitions: Sequence[TopicPartition]) -> builtins.list[StableGap]:
        wanted = sorted({(tp.topic, tp.partition) for tp in partitions})
        return [GAPS[tp] for tp in wanted if tp in GAPS]

    def abort(self, txn: Transaction) -> Any:
        self._shared.change("transaction.abort", txn.transactional_id)
        if txn not in self._open:
            raise NotFound(f"transaction {txn.transactional_id!r} has nothing open")
        self._open.remove(txn)
        return None
