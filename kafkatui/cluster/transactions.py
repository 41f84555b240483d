"""Open transactions: who holds read_committed consumers back, and aborting a hanging one.

Listing and describing go through deep_admin (ListTransactions, DescribeTransactions,
DescribeProducers, WriteTxnMarkers). The last stable offset comes from confluent-kafka's
ListOffsets with read_committed isolation, next to the high watermark.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Sequence
from typing import Any

from confluent_kafka import IsolationLevel
from confluent_kafka import TopicPartition as KafkaTopicPartition
from confluent_kafka.admin import OffsetSpec

from kafkatui.cluster.deep_admin import DeepAdmin
from kafkatui.cluster.deep_models import OPEN_STATES, StableGap, Transaction
from kafkatui.cluster.errors import NotFound
from kafkatui.cluster.guard import Guard, changes
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.models import TopicPartition


def _state(value: Any) -> str:
    return str(getattr(value, "value", value))


def to_transaction(transactional_id: str, desc: Any) -> Transaction:
    """Our Transaction from kafka-python's TransactionDescription."""
    return Transaction(
        transactional_id=transactional_id,
        state=_state(desc.state),
        producer_id=int(desc.producer_id),
        producer_epoch=int(desc.producer_epoch),
        timeout_ms=int(desc.transaction_timeout_ms),
        start_ms=int(desc.transaction_start_time_ms)
        if desc.transaction_start_time_ms >= 0
        else None,
        partitions=tuple(
            TopicPartition(t, p)
            for t, p in sorted((tp.topic, tp.partition) for tp in desc.topic_partitions)
        ),
        coordinator_id=int(desc.coordinator_id),
    )


class Transactions:
    def __init__(self, deep: DeepAdmin, admin: KafkaAdmin, guard: Guard) -> None:
        self.deep = deep
        self.admin = admin
        self.guard = guard

    def list(self) -> list[Transaction]:
        """Open transactions (OPEN_STATES) on every broker, oldest first."""

        def ask(client: Any) -> builtins.list[Transaction]:
            listed = client.list_transactions(state_filters=list(OPEN_STATES))
            ids = sorted({t.transactional_id for found in listed.values() for t in found})
            return self._describe(client, ids)

        found = self.deep.call("listing transactions", ask)
        return sorted(found, key=lambda t: (t.start_ms or 0, t.transactional_id))

    @staticmethod
    def _describe(client: Any, ids: Sequence[str]) -> builtins.list[Transaction]:
        """Describe in one batch; if one id vanished meanwhile (the whole batch then
        fails), describe one by one and skip the vanished."""
        if not ids:
            return []
        try:
            described = client.describe_transactions(ids)
        except Exception as exc:
            if type(exc).__name__ != "TransactionalIdNotFoundError":
                raise
            described = {}
            for one in ids:
                try:
                    described.update(client.describe_transactions([one]))
                except Exception as inner:
                    if type(inner).__name__ != "TransactionalIdNotFoundError":
                        raise
        return [
            to_transaction(tid, d) for tid, d in described.items() if _state(d.state) in OPEN_STATES
        ]

    def gaps(self, partitions: Sequence[TopicPartition]) -> builtins.list[StableGap]:
        """Last stable offset against high watermark for each partition (two ListOffsets)."""
        wanted = sorted({(tp.topic, tp.partition) for tp in partitions})
        if not wanted:
            return []
        high = self.admin.offsets({tp: OffsetSpec.latest() for tp in wanted}, "reading offsets")
        stable = self._last_stable(wanted)
        return [
            StableGap(t, p, stable[(t, p)], high[(t, p)].offset)
            for t, p in wanted
            if (t, p) in stable and (t, p) in high
        ]

    def _last_stable(self, wanted: Sequence[tuple[str, int]]) -> dict[tuple[str, int], int]:
        what = "reading last stable offsets"
        request = {KafkaTopicPartition(t, p): OffsetSpec.latest() for t, p in wanted}
        futures = self.admin.call(
            what,
            lambda: self.admin.client.list_offsets(
                request,
                isolation_level=IsolationLevel.READ_COMMITTED,
                request_timeout=self.admin.request_timeout,
            ),
        )
        results, _ = self.admin.wait_all(futures, what)
        return {(tp.topic, tp.partition): info.offset for tp, info in results.items()}

    @changes("transaction.abort", target=lambda txn: txn.transactional_id)
    def abort(self, txn: Transaction) -> Any:
        """Write abort markers on every partition where this producer still has the
        transaction open (as DescribeProducers reports it), like
        `kafka-transactions.sh abort`. Consumers blocked behind it move on at once."""
        before = {f"{g.topic}-{g.partition}": g.gap for g in self.gaps(txn.partitions)}

        def run(client: Any) -> builtins.list[str]:
            from kafka.admin import AbortTransactionSpec
            from kafka.structs import TopicPartition as PyTopicPartition

            tps = [PyTopicPartition(tp.topic, tp.partition) for tp in txn.partitions]
            aborted = []
            for tp, state in client.describe_producers(tps).items():
                for producer in state.active_producers:
                    if producer.producer_id != txn.producer_id:
                        continue
                    if producer.current_transaction_start_offset < 0:
                        continue  # nothing open there any more
                    spec = AbortTransactionSpec(
                        topic_partition=tp,
                        producer_id=producer.producer_id,
                        producer_epoch=producer.producer_epoch,
                        coordinator_epoch=producer.coordinator_epoch,
                    )
                    client.abort_transaction(spec)
                    aborted.append(f"{tp.topic}-{tp.partition}")
            return aborted

        aborted = self.deep.call(f"aborting transaction {txn.transactional_id!r}", run)
        if not aborted:
            raise NotFound(
                f"transaction {txn.transactional_id!r} has nothing open on its partitions now"
            )
        time.sleep(0.2)  # the markers are written; let the LSO move before reading it back
        after = {f"{g.topic}-{g.partition}": g.gap for g in self.gaps(txn.partitions)}
        return {
            "before": {"stable_gap": before},
            "after": {"stable_gap": after},
            "parameters": {"producer_id": txn.producer_id, "aborted_on": aborted},
        }
