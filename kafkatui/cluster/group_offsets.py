"""Committed offsets of consumer groups (OffsetFetch), read through kafka-python.

Not through librdkafka: its admin ListConsumerGroupOffsets crashes the whole process
when a group's coordinator answers NOT_COORDINATOR (librdkafka issue #5040, open in
2.16: the answer makes it re-query the coordinator through the consumer-group handle,
which an admin client does not have, and it dereferences NULL). A coordinator moves
whenever a broker restarts, freezes or loses leadership, which is exactly when an
operator has kafkatui open. kafka-python reports that answer as an error, and asks for
every group a coordinator holds in one OffsetFetch (v8, Kafka 3.0+).

Where kafka-python cannot connect with the user's settings (OAUTHBEARER, GSSAPI: see
connection.py), librdkafka is still used, as before.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from confluent_kafka import ConsumerGroupTopicPartitions
from confluent_kafka import TopicPartition as KafkaTopicPartition

from kafkatui.cluster.deep_admin import DeepAdmin
from kafkatui.cluster.errors import (
    ConnectionFailed,
    CoordinatorMoved,
    KafkaTuiError,
    NotAvailable,
)
from kafkatui.cluster.kafka_admin import KafkaAdmin

T = TypeVar("T")
TP = tuple[str, int]
Offsets = dict[TP, int | None]
Found = tuple[dict[str, Offsets], dict[str, KafkaTuiError]]


class CommittedOffsets:
    def __init__(self, admin: KafkaAdmin, deep: DeepAdmin | None) -> None:
        self.admin = admin
        self.deep = deep

    def read(self, group_ids: Sequence[str], partitions: Iterable[TP] | None = None) -> Found:
        """({group: {partition: offset or None}}, {group: error}) for every group asked.

        With `partitions`, exactly those (None where nothing is committed); without, every
        partition the group has an offset for."""
        ids = list(dict.fromkeys(group_ids))
        wanted = None if partitions is None else list(partitions)
        if not ids:
            return {}, {}
        if self.deep is None or self.deep.unavailable is not None:
            return self._through_librdkafka(ids, wanted)
        try:
            return self._batch(ids, wanted), {}
        except KafkaTuiError as err:
            whole_cluster = isinstance(err, ConnectionFailed | NotAvailable)
            if len(ids) == 1 or (whole_cluster and not isinstance(err, CoordinatorMoved)):
                return {}, dict.fromkeys(ids, err)  # the same answer for every group
        # kafka-python fails a whole batch for one group's error (one coordinator down,
        # say): ask each alone, so the groups whose coordinators answer still get theirs
        found: dict[str, Offsets] = {}
        errors: dict[str, KafkaTuiError] = {}
        for gid in ids:
            try:
                found.update(self._batch([gid], wanted))
            except KafkaTuiError as err:
                errors[gid] = err
        return found, errors

    def _batch(self, ids: list[str], wanted: list[TP] | None) -> dict[str, Offsets]:
        from kafka import TopicPartition

        assert self.deep is not None
        chosen = None if wanted is None else [TopicPartition(t, p) for t, p in wanted]
        what = f"reading offsets of group {ids[0]!r}" if len(ids) == 1 else "reading offsets"
        answer = self.deep.call(what, lambda c: c.list_group_offsets(dict.fromkeys(ids, chosen)))
        found: dict[str, Offsets] = {}
        for gid in ids:
            offsets = answer.get(gid, {})
            found[gid] = {
                (tp.topic, tp.partition): meta.offset if meta.offset >= 0 else None
                for tp, meta in offsets.items()
            }
            for tp in wanted or []:
                found[gid].setdefault(tp, None)
        return found

    def _through_librdkafka(self, ids: list[str], wanted: list[TP] | None) -> Found:
        chosen = None if wanted is None else [KafkaTopicPartition(t, p) for t, p in wanted]
        futures: dict[str, Any] = {}
        for gid in ids:  # the API takes one group per request; they run concurrently
            request = [ConsumerGroupTopicPartitions(gid, chosen)]
            futures.update(
                self.admin.call(
                    f"reading offsets of group {gid!r}",
                    lambda request=request: self.admin.client.list_consumer_group_offsets(  # type: ignore[misc]
                        request, request_timeout=self.admin.coordinator_timeout
                    ),
                )
            )
        what = f"reading offsets of group {ids[0]!r}" if len(ids) == 1 else "reading offsets"
        results, errors = self.admin.wait_all(futures, what)
        found = {
            gid: {
                (tp.topic, tp.partition): tp.offset if tp.offset >= 0 else None
                for tp in result.topic_partitions or []
            }
            for gid, result in results.items()
        }
        return found, errors


def in_background(
    fn: Callable[[], T], name: str = "kafkatui-group-offsets"
) -> concurrent.futures.Future[T]:
    """Run `fn` on a thread of its own; its future holds the result or the error."""
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def run() -> None:
        try:
            future.set_result(fn())
        except BaseException as exc:  # handed to whoever takes the result
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
