"""The tail engine: read a topic with `assign` (no group, no commits), fast.

`TailReader` owns one consumer and is driven by one thread: it resolves where to start,
dedupes after reconnects, notices when each partition reached the end seen at start,
and hands out batches of raw `confluent_kafka.Message` objects. The CLI drives it
directly (no extra thread, no copies). `tail_session.KafkaTail` wraps it in a consumer
thread that fills a `Ring` of `RawRecord`s for the TUI.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Message
from confluent_kafka import TopicPartition as KafkaTopicPartition

from kafkatui.cluster.errors import (
    ConnectionFailed,
    InvalidInput,
    KafkaTuiError,
    NotFound,
)
from kafkatui.cluster.kafka_errors import kafka_error_of, translate
from kafkatui.cluster.librdkafka_log import LOG
from kafkatui.cluster.lifetime import on_foreign_thread, park, release_parked, weak_callback
from kafkatui.cluster.metadata_wait import DownSince, in_slices
from kafkatui.cluster.offset_retry import LEADER_MOVING_CODES, OFFSET_ATTEMPTS, pause_before
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.tail_start import TailStart

# ListOffsets "timestamps" that ask for the log start / the end of the log.
_EARLIEST_TS = -2
_LATEST_TS = -1

#: tuning a user's -X may override
_TAIL_TUNING: dict[str, object] = {
    "client.id": "kafkatui-tail",
    "fetch.wait.max.ms": 100,
    "queued.min.messages": 200_000,
    # After a full read-ahead queue librdkafka waits this long before fetching again; its
    # default (1 s) stalls a reader that drains the queue quickly, while 0 makes the
    # fetcher spin. Measured on a 1M-record topic: 10 ms is the best of the three.
    "fetch.queue.backoff.ms": 10,
}
#: what makes the tail group-less and commit-free: always applied
_TAIL_FIXED: dict[str, object] = {
    # librdkafka insists on a group.id; it is never joined and never committed to.
    "group.id": "kafkatui-tail",
    "enable.auto.commit": False,
    "enable.auto.offset.store": False,
    "enable.partition.eof": True,
    "auto.offset.reset": "earliest",  # a position lost to retention: the oldest kept
}


_FIRST_BATCH = 500  # records: the first lines out without waiting for a full batch
PREFETCH_KBYTES = 65_536  # librdkafka's read-ahead for one reader, the memory it may take


class TailReader:
    """One consumer reading `topic` from `start`. Use from a single thread.

    With `until_end`, each partition stops at the high watermark it had when the reader
    opened, and `done` turns true once every partition got there. With `shard` (index,
    count), it reads only its share of the partitions: those whose position in the sorted
    list (of all partitions, or of the chosen ones) is index modulo count.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        topic: str,
        start: TailStart,
        *,
        until_end: bool = False,
        batch_size: int = 5000,
        metadata_recheck_s: float = 15.0,
        prefetch_kbytes: int = PREFETCH_KBYTES,
        shard: tuple[int, int] | None = None,
    ) -> None:
        self.settings = settings
        self.topic = topic
        self.start = start
        self.until_end = until_end
        self.batch_size = batch_size
        self.metadata_recheck_s = metadata_recheck_s  # how often to look for new partitions
        self.prefetch_kbytes = prefetch_kbytes  # librdkafka's read-ahead, the memory it takes
        self.shard = shard
        self.error: str | None = None  # last consumer error, cleared when records flow
        # Records already fetched before an error still arrive after it (a tail behind a
        # flood can have megabytes queued): only records from after the local queue ran
        # dry once prove the cause gone. librdkafka reports an error once, not again.
        self._drained_since_error = True
        self.next_offsets: dict[int, int] = {}  # partition -> offset expected next
        self.end_at_start: dict[int, int] = {}  # partition -> high watermark at (re)start
        self.pending_end: set[int] = set()  # partitions not yet at end_at_start
        self._fatal: KafkaTuiError | None = None
        self._connection_error: KafkaError | None = None  # explains a timeout
        self._down = DownSince()  # every broker reported down (error_cb), since when
        self._consumer: Consumer | None = None
        self._all_partitions = False
        self._next_metadata_check = 0.0
        self._first_batch_read = False

    # ---- lifecycle ---------------------------------------------------------------
    def open(self) -> None:
        """Connect, resolve the start offsets and assign. Raises KafkaTuiError."""
        conf = {
            **_TAIL_TUNING,
            "queued.max.messages.kbytes": self.prefetch_kbytes,
            **self.settings.librdkafka(),
            **_TAIL_FIXED,
        }
        conf["error_cb"] = weak_callback(self._on_error)  # no cycle: see lifetime.py
        conf["logger"] = LOG
        release_parked()
        try:
            self._consumer = Consumer(conf)
        except KafkaException as exc:
            raise InvalidInput(f"bad client settings: {_kafka_text(exc)}") from None
        try:
            self._assign(self.start)
        except BaseException:
            self.close()
            raise

    def close(self, timeout_s: float = 5.0) -> None:
        """Close the consumer, waiting at most `timeout_s`: librdkafka's close waits for
        requests in flight (its group coordinator's too), which a slow or dying broker
        can hold for much longer, and Ctrl-C must still end a tail promptly."""
        consumer, self._consumer = self._consumer, None
        if consumer is None:
            return
        closer = threading.Thread(
            target=_close_quietly, args=(consumer,), name="tail-close", daemon=True
        )
        closer.start()
        closer.join(timeout_s)

    def __del__(self) -> None:
        # a librdkafka thread must not destroy the consumer (see lifetime.py)
        if on_foreign_thread():
            park(getattr(self, "_consumer", None))

    def seek(self, start: TailStart) -> None:
        """Restart from `start` (all partitions or the chosen ones). A seek that fails
        leaves the reader where it was."""
        self._assign(start)
        self.start = start

    @property
    def done(self) -> bool:
        """With until_end: every partition reached the end seen at start."""
        return self.until_end and not self.pending_end

    @property
    def caught_up(self) -> bool:
        return not self.pending_end

    # ---- reading -----------------------------------------------------------------
    def poll(self, timeout: float = 0.2) -> list[Message]:
        """The next batch of records (possibly empty), in order per partition.

        Errors other than fatal ones do not raise: they land in `error` and the consumer
        keeps retrying, which is how a broker restart is ridden out.
        """
        consumer = self._consumer
        if consumer is None:
            raise RuntimeError("TailReader.poll before open")
        if self._fatal is not None:
            raise self._fatal
        if self._all_partitions and not self.until_end:
            self._maybe_add_partitions()
        try:
            # Any: the hot loop below must not pay for casts on every record
            messages: list[Any] = consumer.consume(self._wanted(), timeout)
        except KafkaException as exc:
            self.error = _kafka_text(exc)
            return []
        if not messages:
            self._drained_since_error = True
            return messages
        expected = self.next_offsets
        limits = self.end_at_start if self.until_end else None
        kept: list[Message] = []
        append = kept.append
        for msg in messages:
            if msg.error() is not None:
                self._on_message_error(msg)
                continue
            partition = msg.partition()
            offset = msg.offset()
            if offset < expected.get(partition, 0):
                continue  # seen before a reconnect: no duplicates
            if limits is not None and offset >= limits[partition]:
                self._reached_end(partition)
                continue
            expected[partition] = offset + 1
            append(msg)
        if kept:
            if self._drained_since_error:
                self.error = None
            if self.pending_end:
                self._check_ends()
        if len(messages) < self.batch_size:
            self._drained_since_error = True
        return kept

    def batches(self, timeout: float = 0.2) -> Iterator[list[Message]]:
        """Non-empty batches until `done` (forever when following)."""
        while not self.done:
            batch = self.poll(timeout)
            if batch:
                yield batch

    # ---- internals ---------------------------------------------------------------
    def _wanted(self) -> int:
        """How many messages to ask `consume` for: it returns when it has that many or at
        the timeout. The first batch is small, so that the first lines come out as soon as
        a fetch arrives; with `until_end`, never more than the offsets left before the end,
        or the last batch waits out the timeout. (Where offsets hold no record, such as
        transaction markers, end-of-partition events make up the count, or the timeout.)"""
        wanted = self.batch_size if self._first_batch_read else min(self.batch_size, _FIRST_BATCH)
        self._first_batch_read = True
        if not self.until_end:
            return wanted
        ends, expected = self.end_at_start, self.next_offsets
        left = sum(ends[p] - expected[p] for p in self.pending_end)
        return max(1, min(wanted, left))

    def _assign(self, start: TailStart) -> None:
        consumer = self._require_consumer()
        partitions = self._partitions(start.partitions)
        if self.shard is not None:
            index, count = self.shard
            partitions = partitions[index::count]
        lows = self._list_offsets(partitions, _EARLIEST_TS)
        highs = self._list_offsets(partitions, _LATEST_TS)
        offsets = _start_offsets(start, lows, highs, self._times(start, partitions))
        self._all_partitions = start.partitions is None and self.shard is None
        self.next_offsets = dict(offsets)
        self.end_at_start = dict(highs)
        self.pending_end = {p for p in partitions if offsets[p] < highs[p]}
        consumer.assign([KafkaTopicPartition(self.topic, p, offsets[p]) for p in partitions])
        self._next_metadata_check = time.monotonic() + self.metadata_recheck_s

    def _partitions(self, chosen: tuple[int, ...] | None) -> list[int]:
        existing = self._topic_partitions()
        if chosen is None:
            return existing
        missing = sorted(set(chosen) - set(existing))
        if missing:
            raise NotFound(
                f"topic {self.topic!r} has no partition {', '.join(map(str, missing))} "
                f"(it has {len(existing)})"
            )
        return sorted(set(chosen))

    def _topic_partitions(self) -> list[int]:
        consumer = self._require_consumer()

        def give_up() -> bool:
            if not self.next_offsets:  # not assigned yet: poll serves error_cb, loses nothing
                consumer.poll(0)
            return self._fatal is not None

        try:
            metadata = in_slices(
                lambda slice_s: consumer.list_topics(self.topic, timeout=slice_s),
                give_up,
                self._down,
                self.settings.timeout_s,
            )
        except KafkaException as exc:
            raise self._connection_error_of(exc) from None
        topic = metadata.topics.get(self.topic)
        unknown = (KafkaError.UNKNOWN_TOPIC_OR_PART, KafkaError._UNKNOWN_TOPIC)
        if topic is None or (topic.error is not None and topic.error.code() in unknown):
            raise NotFound(f"topic {self.topic!r} does not exist")
        if topic.error is not None:
            raise ConnectionFailed(f"cannot read topic {self.topic!r}: {topic.error.str()}")
        return sorted(topic.partitions)

    def _list_offsets(self, partitions: list[int], which: int) -> dict[int, int]:
        """Low (which=-2) or high (-1) watermarks of many partitions in one request."""
        result: dict[int, int] = {}
        for tp in self._offsets_for_times({p: which for p in partitions}):
            if tp.error is not None:
                raise ConnectionFailed(
                    f"cannot list offsets of {self.topic}-{tp.partition}: {tp.error.str()}"
                )
            result[tp.partition] = max(tp.offset, 0)
        return result

    def _times(self, start: TailStart, partitions: list[int]) -> dict[int, int]:
        """For a timestamp start: the first offset at or after it (-1 when none)."""
        if start.mode != "timestamp":
            return {}
        if start.value is None:
            raise InvalidInput("a timestamp start needs a time")
        answer = self._offsets_for_times({p: start.value for p in partitions})
        return {tp.partition: tp.offset for tp in answer}

    def _offsets_for_times(self, stamps: dict[int, int]) -> list[KafkaTopicPartition]:
        """One batched request; partitions whose leader is moving (a broker restart, a new
        topic) are asked again briefly instead of failing the whole tail."""
        consumer = self._require_consumer()
        if not stamps:  # a shard with no partitions of its own
            return []
        pending = dict(stamps)
        done: list[KafkaTopicPartition] = []
        for attempt in range(OFFSET_ATTEMPTS):
            pause_before(attempt)
            last = attempt == OFFSET_ATTEMPTS - 1
            query = [KafkaTopicPartition(self.topic, p, t) for p, t in pending.items()]
            try:
                answer = consumer.offsets_for_times(query, timeout=self.settings.timeout_s)
            except KafkaException as exc:
                error = exc.args[0] if exc.args else None
                moving = isinstance(error, KafkaError) and error.code() in LEADER_MOVING_CODES
                if last or not moving:
                    raise self._connection_error_of(exc) from None
                continue
            retry = {
                tp.partition
                for tp in answer
                if not last and tp.error is not None and tp.error.code() in LEADER_MOVING_CODES
            }
            done += [tp for tp in answer if tp.partition not in retry]
            if not retry:
                break
            pending = {p: pending[p] for p in retry}
        return done

    def _maybe_add_partitions(self) -> None:
        """Pick up partitions added while following; they are read from their start."""
        now = time.monotonic()
        if now < self._next_metadata_check:
            return
        self._next_metadata_check = now + self.metadata_recheck_s
        try:
            metadata = self._require_consumer().list_topics(self.topic, timeout=2.0)
        except KafkaException:
            return  # a metadata hiccup is not worth surfacing; try again later
        topic = metadata.topics.get(self.topic)
        if topic is None or topic.error is not None:
            return
        added = sorted(set(topic.partitions) - set(self.next_offsets))
        if not added:
            return
        new = [KafkaTopicPartition(self.topic, p, 0) for p in added]
        self._require_consumer().incremental_assign(new)
        for p in added:
            self.next_offsets[p] = 0

    def _on_message_error(self, msg: Any) -> None:
        err = msg.error()
        if err.code() == KafkaError._PARTITION_EOF:
            partition = msg.partition()
            if msg.offset() >= self.end_at_start.get(partition, 0):
                self._reached_end(partition)
            return
        if err.fatal():
            self._fatal = self._translate(err, "reading " + self.topic)
        self.error = err.str()
        self._drained_since_error = False

    def _reached_end(self, partition: int) -> None:
        if partition not in self.pending_end:
            return
        self.pending_end.discard(partition)
        if self.until_end and self._consumer is not None:
            # nothing more is wanted from it: stop fetching its new records
            self._consumer.pause([KafkaTopicPartition(self.topic, partition)])

    def _check_ends(self) -> None:
        expected, ends = self.next_offsets, self.end_at_start
        for partition in [p for p in self.pending_end if expected[p] >= ends[p]]:
            self._reached_end(partition)

    def _on_error(self, err: KafkaError) -> None:
        """librdkafka's global errors (broker down, auth): remembered, raised if fatal."""
        self.error = err.str()
        self._drained_since_error = False
        self._connection_error = err
        self._down.saw(err)
        if err.fatal() or err.code() == KafkaError._AUTHENTICATION:
            self._fatal = self._translate(err, "reading " + self.topic)

    def _connection_error_of(self, exc: KafkaException) -> KafkaTuiError:
        if self._fatal is not None:
            return self._fatal
        if self._consumer is not None and not self.next_offsets:
            self._consumer.poll(0)  # not assigned yet: serves error_cb, which says why
        err = kafka_error_of(exc)
        if err is None:
            return ConnectionFailed(f"reading {self.topic}: {exc}")
        return self._translate(err, "reading " + self.topic)

    def _translate(self, err: KafkaError, what: str) -> KafkaTuiError:
        return translate(err, what, self.settings.bootstrap_servers, self._connection_error)

    def _require_consumer(self) -> Consumer:
        if self._consumer is None:
            raise RuntimeError("TailReader used before open() or after close()")
        return self._consumer


def _start_offsets(
    start: TailStart, lows: dict[int, int], highs: dict[int, int], times: dict[int, int]
) -> dict[int, int]:
    """The first offset to read per partition, clamped into [low, high]."""
    offsets: dict[int, int] = {}
    for p, low in lows.items():
        high = highs[p]
        if start.mode == "earliest":
            want = low
        elif start.mode == "latest":
            want = high
        elif start.mode == "offset":
            want = start.value or 0
        elif start.mode == "last":
            want = high - (start.value or 0)
        else:  # timestamp: -1 means nothing at or after that time
            found = times.get(p, -1)
            want = high if found < 0 else found
        offsets[p] = min(max(want, low), high)
    return offsets


def _kafka_text(exc: KafkaException) -> str:
    err = exc.args[0] if exc.args else exc
    return err.str() if isinstance(err, KafkaError) else str(err)


def _close_quietly(consumer: Consumer) -> None:
    # closing a consumer that never connected may complain; nothing to do then
    with contextlib.suppress(KafkaException, RuntimeError):
        consumer.close()
