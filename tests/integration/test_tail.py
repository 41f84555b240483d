"""The tail engine against the sandbox: seeks, end detection, the threaded session."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from confluent_kafka import Producer
from confluent_kafka import TopicPartition as KafkaTopicPartition
from confluent_kafka.admin import AdminClient, NewPartitions

from kafkatui.cluster.api import TailStart
from kafkatui.cluster.background import NICENESS
from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.errors import NotFound
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.tail import TailReader
from kafkatui.cluster.tail_session import KafkaTail
from tests.integration.kafka_helpers import drop_topic, make_topic, produce, wait_until

pytestmark = pytest.mark.integration

BASE_TS = 1_700_000_000_000  # record i of each partition gets BASE_TS + i seconds


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    """3 partitions holding 10, 20 and 0 records (v0..vN), timestamps a second apart."""
    make_topic(sandbox_settings, unique, 3)
    produce(sandbox_settings, unique, {0: 10, 1: 20}, timestamps=lambda i: BASE_TS + i * 1000)
    yield unique
    drop_topic(sandbox_settings, unique)


def read_to_end(reader: TailReader, timeout_s: float = 30.0) -> list[Any]:
    """Every message of an opened until-end reader; fails instead of hanging."""
    deadline = time.monotonic() + timeout_s
    messages: list[Any] = []
    while not reader.done:
        assert time.monotonic() < deadline, f"not at the end after {timeout_s:.0f} s"
        messages += reader.poll(0.5)
    return messages


def read_all(settings: ConnectionSettings, topic: str, start: TailStart) -> list[tuple[int, int]]:
    """(partition, offset) of everything a reader with --until-end returns."""
    reader = TailReader(settings, topic, start, until_end=True)
    reader.open()
    try:
        return [(m.partition(), m.offset()) for m in read_to_end(reader)]
    finally:
        reader.close()


def by_partition(pairs: list[tuple[int, int]]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    for partition, offset in pairs:
        result.setdefault(partition, []).append(offset)
    return result


def test_earliest_until_end_reads_everything_in_order(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    got = by_partition(read_all(sandbox_settings, topic, TailStart("earliest")))
    assert got == {0: list(range(10)), 1: list(range(20))}


def test_until_end_asks_for_no_more_than_is_left(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    """`consume` returns when it has as many messages as asked or at its timeout: the
    reader asks for the records left before the end, so the last batch never waits."""
    reader = TailReader(sandbox_settings, topic, TailStart("earliest"), until_end=True)
    reader.open()
    try:
        started = time.monotonic()
        got: list[Any] = []
        while not reader.done and time.monotonic() - started < 60:
            got += reader.poll(20.0)  # the old last batch waited these 20 s out
        elapsed = time.monotonic() - started
    finally:
        reader.close()
    assert len(got) == 30
    assert elapsed < 10, f"the read took {elapsed:.1f} s: a batch waited for its timeout"


def test_latest_until_end_is_done_at_once(sandbox_settings: ConnectionSettings, topic: str) -> None:
    assert read_all(sandbox_settings, topic, TailStart("latest")) == []


def test_last_n_per_partition_clamped_to_the_start(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    got = by_partition(read_all(sandbox_settings, topic, TailStart("last", 3)))
    assert got == {0: [7, 8, 9], 1: [17, 18, 19]}
    everything = by_partition(read_all(sandbox_settings, topic, TailStart("last", 15)))
    assert everything[0] == list(range(10))
    assert everything[1] == list(range(5, 20))


def test_offset_start_is_clamped_into_each_partition(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    got = by_partition(read_all(sandbox_settings, topic, TailStart("offset", 15)))
    assert got == {1: list(range(15, 20))}  # partition 0 has only 10: starts at its end


def test_timestamp_start_finds_the_first_record_at_or_after(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    got = by_partition(read_all(sandbox_settings, topic, TailStart("timestamp", BASE_TS + 8000)))
    assert got == {0: [8, 9], 1: list(range(8, 20))}
    after_all = read_all(sandbox_settings, topic, TailStart("timestamp", BASE_TS + 10**9))
    assert after_all == []


def test_chosen_partitions_only(sandbox_settings: ConnectionSettings, topic: str) -> None:
    got = by_partition(read_all(sandbox_settings, topic, TailStart("earliest", None, (1, 2))))
    assert got == {1: list(range(20))}


def test_unknown_topic_and_partition_are_not_found(
    sandbox_settings: ConnectionSettings, topic: str, unique: str
) -> None:
    with pytest.raises(NotFound, match="does not exist"):
        TailReader(sandbox_settings, unique + "-missing", TailStart()).open()
    with pytest.raises(NotFound, match="no partition 7"):
        TailReader(sandbox_settings, topic, TailStart("earliest", None, (0, 7))).open()


def test_an_open_reader_dropped_without_close_is_freed_at_once(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    """Its consumer holds no reference back to it, so the consumer is destroyed here and
    now, never by a later collection on some librdkafka thread (see cluster/lifetime.py)."""
    gc.disable()
    try:
        reader = TailReader(sandbox_settings, topic, TailStart("earliest"))
        reader.open()
        ref = weakref.ref(reader)
        del reader
        assert ref() is None
    finally:
        gc.enable()


def test_records_replayed_after_a_reconnect_are_not_delivered_twice(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    """librdkafka resuming from an older position (as after a broker restart) is simulated
    by seeking the consumer back behind the reader's back: nothing is repeated."""
    reader = TailReader(sandbox_settings, topic, TailStart("earliest", None, (1,)))
    reader.open()
    try:
        first: list[int] = []
        while len(first) < 20:
            first += [m.offset() for m in reader.poll(1.0)]
        consumer = reader._consumer
        assert consumer is not None
        consumer.seek(KafkaTopicPartition(topic, 1, 5))
        produce(sandbox_settings, topic, {1: 3})
        later: list[int] = []
        wait_until(lambda: later.extend(m.offset() for m in reader.poll(0.5)) or len(later) >= 3,
                   "the new records")
        assert first == list(range(20))
        assert later == [20, 21, 22]
    finally:
        reader.close()


def test_the_tail_never_joins_or_commits_a_group(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    read_all(sandbox_settings, topic, TailStart("earliest"))
    admin = AdminClient({"bootstrap.servers": sandbox_settings.bootstrap_servers})
    groups = {g.group_id for g in admin.list_consumer_groups().result(timeout=15).valid}
    assert not any(g.startswith("kafkatui-tail") for g in groups)


# ---- the threaded session ---------------------------------------------------------------
def test_session_fills_the_ring_follows_new_records_and_stops(
    sandbox_settings: ConnectionSettings, topic: str, guard: Guard
) -> None:
    client = ClusterClient(sandbox_settings, guard)
    tail = client.open_tail(topic, TailStart("earliest"))
    tail.start()
    try:
        wait_until(lambda: tail.stats().caught_up and tail.stats().kept == 30, "30 records")
        records = [r for _, r in tail.read(-1, 100)]
        assert sorted((r.partition, r.offset) for r in records) == sorted(
            [(0, i) for i in range(10)] + [(1, i) for i in range(20)]
        )
        assert all(r.topic == topic and r.value == f"v{r.offset}".encode() for r in records)
        assert tail.first_seq() == 0 and tail.next_seq() == 30
        assert tail.get(29) == records[-1]

        produce(sandbox_settings, topic, {2: 4})
        wait_until(lambda: tail.stats().received == 34, "4 followed records")
        stats = tail.stats()
        assert stats.positions == {0: 10, 1: 20, 2: 4}
        assert stats.error is None
        assert [r.partition for _, r in tail.read(29, 10)] == [2, 2, 2, 2]
    finally:
        client.close()
    assert tail.stopped


def test_session_seek_clears_the_buffer_and_restarts(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    tail = KafkaTail(sandbox_settings, topic, TailStart("earliest"))
    tail.start()
    try:
        wait_until(lambda: tail.stats().kept == 30, "30 records")
        before = tail.next_seq()
        tail.seek(TailStart("last", 2))
        wait_until(lambda: tail.stats().kept == 4, "the last 2 of each partition")
        assert tail.first_seq() >= before  # sequence numbers are never reused
        got = sorted((r.partition, r.offset) for _, r in tail.read(before - 1, 10))
        assert got == [(0, 8), (0, 9), (1, 18), (1, 19)]
    finally:
        tail.stop()


# Run in a fresh process that has no other Kafka client: in the test process, clients
# left by other tests start librdkafka threads at any moment. Threads may also end
# (librdkafka retires its bootstrap connection), so a vanished one is skipped.
_NICENESS_PROBE = """
import json, os, sys, time
from kafkatui.cluster.api import TailStart
from kafkatui.cluster.background import librdkafka_threads
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.tail_session import KafkaTail

bootstrap, topic = sys.argv[1:3]
tail = KafkaTail(ConnectionSettings(bootstrap_servers=bootstrap), topic, TailStart("earliest"))
tail.start()
deadline = time.monotonic() + 30
while tail.stats().received < 30 and time.monotonic() < deadline:
    time.sleep(0.05)
levels = []
for tid in librdkafka_threads():
    try:
        levels.append(os.getpriority(os.PRIO_PROCESS, tid))
    except ProcessLookupError:
        pass
main = os.getpriority(os.PRIO_PROCESS, 0)
print(json.dumps({"received": tail.stats().received, "tail": levels, "main": main}))
tail.stop()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="threads are read from /proc")
def test_session_fetch_threads_yield_the_cpu_to_the_ui(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    """The tail's librdkafka threads run at a lower priority; the calling thread keeps its."""
    probe = [sys.executable, "-c", _NICENESS_PROBE, sandbox_settings.bootstrap_servers, topic]
    done = subprocess.run(probe, capture_output=True, text=True, timeout=120, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["received"] == 30
    assert found["tail"]  # librdkafka's main thread and broker threads
    assert set(found["tail"]) == {min(19, found["main"] + NICENESS)}
    assert found["main"] < 19


def test_session_ring_keeps_the_newest_and_counts_the_dropped(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    tail = KafkaTail(sandbox_settings, topic, TailStart("earliest"), capacity=8)
    tail.start()
    try:
        wait_until(lambda: tail.stats().received == 30, "30 records")
        stats = tail.stats()
        assert (stats.kept, stats.dropped) == (8, 22)
        assert tail.get(tail.first_seq() - 1) is None
        assert len(tail.read(-1, 100)) == 8
    finally:
        tail.stop()


def test_session_picks_up_partitions_added_while_following(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    tail = KafkaTail(sandbox_settings, topic, TailStart("latest"), metadata_recheck_s=0.5)
    tail.start()
    try:
        admin = AdminClient({"bootstrap.servers": sandbox_settings.bootstrap_servers})
        admin.create_partitions([NewPartitions(topic, 4)])[topic].result(timeout=30)
        wait_until(lambda: 3 in tail.stats().positions, "the new partition to be assigned")
        producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
        producer.produce(topic, value=b"new", partition=3)
        producer.flush(10)
        wait_until(lambda: tail.stats().received == 1, "the record in the new partition")
        (_, record), = tail.read(-1, 10)
        assert (record.partition, record.offset, record.value) == (3, 0, b"new")
    finally:
        tail.stop()


def test_until_end_skips_aborted_records_and_ends_despite_an_open_transaction(
    sandbox_settings: ConnectionSettings, unique: str
) -> None:
    make_topic(sandbox_settings, unique, 1)
    producer = Producer(
        {"bootstrap.servers": sandbox_settings.bootstrap_servers, "transactional.id": unique,
         "log_level": 0}
    )
    try:
        producer.init_transactions(30)
        for values, finish in ((b"c", producer.commit_transaction),
                               (b"a", producer.abort_transaction)):
            producer.begin_transaction()
            for i in range(3):
                producer.produce(unique, value=values + str(i).encode())
            finish(30)
        producer.begin_transaction()
        producer.produce(unique, value=b"open")
        producer.flush(30)  # written, never committed while the tail runs

        reader = TailReader(sandbox_settings, unique, TailStart("earliest"), until_end=True)
        reader.open()
        try:
            values = [m.value() for m in read_to_end(reader)]
        finally:
            reader.close()
        assert values == [b"c0", b"c1", b"c2"]
    finally:
        producer.abort_transaction(30)
        drop_topic(sandbox_settings, unique)


def test_a_failed_seek_raises_to_the_caller_and_is_not_overwritten(
    sandbox_settings: ConnectionSettings, topic: str
) -> None:
    """A seek to a partition the topic lacks raises from seek() itself; the session's
    status keeps no stale text that a later poll would silently replace."""
    tail = KafkaTail(sandbox_settings, topic, TailStart("earliest"))
    tail.start()
    try:
        wait_until(lambda: tail.stats().kept == 30, "30 records")
        with pytest.raises(NotFound, match="has no partition 9"):
            tail.seek(TailStart("earliest", partitions=(9,)))
        tail.seek(TailStart("last", 1))  # the session still works after the failure
        try:
            wait_until(lambda: tail.stats().kept == 2, "the last record of each partition")
        except AssertionError as exc:  # say what the session holds instead
            raise AssertionError(f"{exc}; the session: {tail.stats()}") from None
    finally:
        tail.stop()
