"""Read the timestamp of one record per partition, for lag in seconds.

One consumer is assign()ed every partition at once (no group: it joins nothing and commits
nothing), so librdkafka fetches them from their leaders in parallel. Each partition is
paused once its first record arrives. The read is bounded in time (`timeout_s`), in
partitions (MAX_PARTITIONS, the furthest behind first) and in bytes per fetch.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from confluent_kafka import Consumer, KafkaError, KafkaException
from confluent_kafka import TopicPartition as KafkaTopicPartition

from kafkatui.cluster.errors import InvalidInput, RemoteError
from kafkatui.cluster.settings import ConnectionSettings

TP = tuple[str, int]
#: at most this many partitions are read per call; the rest stay unknown (null)
MAX_PARTITIONS = 2000
READ_TIMEOUT_S = 5.0

_PROBE_CONF: dict[str, object] = {
    "group.id": "kafkatui-lag-probe",  # librdkafka insists on one; never joined
    "enable.auto.commit": False,
    "enable.auto.offset.store": False,
    "enable.partition.eof": True,
    # a committed offset already deleted by retention: the oldest record kept, whose age
    # is then a lower bound of the real lag
    "auto.offset.reset": "earliest",
    # records in an open transaction have timestamps too; the group's own isolation
    # level does not change how old the record at its position is
    "isolation.level": "read_uncommitted",
    "max.partition.fetch.bytes": 65_536,  # one record is wanted, not a megabyte
    "fetch.max.bytes": 4 * 1024 * 1024,
    "queued.max.messages.kbytes": 8192,
}


def read_timestamps(
    settings: ConnectionSettings,
    positions: Mapping[TP, int],
    timeout_s: float = READ_TIMEOUT_S,
) -> dict[TP, int]:
    """Timestamp (epoch ms) of the first record at or after each position.

    Partitions with nothing to read there (only transaction markers, or no answer in time)
    are left out. Raises InvalidInput for client settings librdkafka rejects."""
    wanted = dict(list(positions.items())[:MAX_PARTITIONS])
    if not wanted:
        return {}
    try:
        consumer = Consumer({**settings.librdkafka(), **_PROBE_CONF})
    except KafkaException as exc:
        raise InvalidInput(f"bad client settings: {exc.args[0]}") from None
    found: dict[TP, int] = {}
    try:
        _read(consumer, wanted, found, timeout_s)
    except KafkaException as exc:
        raise RemoteError(f"reading record timestamps: {exc.args[0]}") from None
    finally:
        consumer.close()
    return found


def _read(
    consumer: Consumer, wanted: dict[TP, int], found: dict[TP, int], timeout_s: float
) -> None:
    """Fill `found` until every partition gave a record (or its end) or time runs out."""
    consumer.assign([KafkaTopicPartition(t, p, o) for (t, p), o in wanted.items()])
    pending = set(wanted)
    deadline = time.monotonic() + timeout_s
    while pending and time.monotonic() < deadline:
        left = deadline - time.monotonic()
        # a batch call waits for its full timeout unless 500 records come: the last few
        # partitions must not wait half a second
        for message in consumer.consume(num_messages=500, timeout=min(0.05, max(0.0, left))):
            tp = (message.topic(), message.partition())
            if tp not in pending:
                continue
            error = message.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:
                    pending.discard(tp)  # nothing there to read
                continue
            _, stamp = message.timestamp()
            if stamp >= 0:
                found[tp] = stamp
            pending.discard(tp)
            consumer.pause([KafkaTopicPartition(*tp)])
