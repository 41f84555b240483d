"""Test-side Kafka helpers: plain confluent-kafka clients, independent of the code under test."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kafkatui.cluster.settings import ConnectionSettings

T = TypeVar("T")


def default_sigint() -> None:
    """preexec_fn for a CLI the test interrupts with SIGINT (ctrl+c). A test runner
    started in the background inherits SIGINT ignored, and so would the child: Python
    then keeps it ignored, and the interrupt never arrives."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_until(check: Callable[[], T], what: str, timeout_s: float = 30.0) -> T:
    """Poll `check` until it returns something truthy; fail with `what` after the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(0.2)


def make_topic(settings: ConnectionSettings, name: str, partitions: int, **configs: str) -> None:
    """Create a topic directly (for tests whose subject is not topic creation)."""
    admin = AdminClient({"bootstrap.servers": settings.bootstrap_servers})
    futures = admin.create_topics([NewTopic(name, partitions, 1, config=configs)])
    futures[name].result(timeout=30)
    wait_until(lambda: name in admin.list_topics(timeout=10).topics, f"topic {name}")


def drop_topic(settings: ConnectionSettings, name: str) -> None:
    admin = AdminClient({"bootstrap.servers": settings.bootstrap_servers})
    admin.delete_topics([name])[name].result(timeout=30)


def drop_groups(settings: ConnectionSettings, prefix: str) -> None:
    """Delete every group whose id starts with `prefix` (the test's unique name)."""
    admin = AdminClient({"bootstrap.servers": settings.bootstrap_servers})
    listing = admin.list_consumer_groups().result(timeout=30)
    ids = [g.group_id for g in listing.valid if g.group_id.startswith(prefix)]
    if ids:
        for future in admin.delete_consumer_groups(ids).values():
            future.exception(timeout=30)  # a group that is already gone is fine


def produce(
    settings: ConnectionSettings,
    topic: str,
    per_partition: dict[int, int],
    timestamps: Callable[[int], int] | None = None,
) -> None:
    """Produce `count` records to each partition; record i gets timestamp timestamps(i)."""
    producer = Producer({"bootstrap.servers": settings.bootstrap_servers})
    for partition, count in per_partition.items():
        for i in range(count):
            extra: dict[str, Any] = {"timestamp": timestamps(i)} if timestamps else {}
            producer.produce(topic, value=f"v{i}".encode(), partition=partition, **extra)
    assert producer.flush(30) == 0, "records left undelivered"


def commit(settings: ConnectionSettings, group: str, offsets: dict[tuple[str, int], int]) -> None:
    """Commit offsets as a real member of `group` would, then leave the group."""
    consumer = Consumer(
        {
            "bootstrap.servers": settings.bootstrap_servers,
            "group.id": group,
            "enable.auto.commit": False,
        }
    )
    try:
        tps = [TopicPartition(t, p, o) for (t, p), o in offsets.items()]
        consumer.commit(offsets=tps, asynchronous=False)
    finally:
        consumer.close()


@contextmanager
def active_member(
    settings: ConnectionSettings, group: str, topic: str, client_id: str = "kafkatui-test"
) -> Iterator[Consumer]:
    """A consumer subscribed in `group`, kept polling in a thread while the block runs."""
    consumer = Consumer(
        {
            "bootstrap.servers": settings.bootstrap_servers,
            "group.id": group,
            "client.id": client_id,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topic])
    stop = threading.Event()
    assigned = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            consumer.poll(0.2)
            if consumer.assignment():
                assigned.set()

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        if not assigned.wait(30):
            raise AssertionError(f"consumer in {group} got no assignment within 30 s")
        yield consumer
    finally:
        stop.set()
        thread.join(10)
        consumer.close()
