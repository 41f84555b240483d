"""Topics against the sandbox: list, batched summaries, describe and every change."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from kafkatui.cluster.broker_depth import BrokerDepth
from kafkatui.cluster.deep_admin import DeepAdmin
from kafkatui.cluster.errors import InvalidInput, NotFound, ReadOnlyError
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.topics import Topics
from tests.integration.kafka_helpers import produce, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def topics(sandbox_settings: ConnectionSettings, guard: Guard) -> Iterator[Topics]:
    admin, deep = KafkaAdmin(sandbox_settings), DeepAdmin(sandbox_settings)
    yield Topics(admin, guard, BrokerDepth(deep))
    deep.close()
    admin.close()


@pytest.fixture
def topic(topics: Topics, unique: str) -> Iterator[str]:
    """A fresh 3-partition topic, deleted afterwards if the test did not."""
    topics.create(unique, 3, 1)
    wait_until(lambda: unique in {t.name for t in topics.list_names()}, f"topic {unique}")
    yield unique
    with contextlib.suppress(NotFound):
        topics.delete(unique)


def test_create_then_list_and_describe(topics: Topics, topic: str, guard: Guard) -> None:
    names = {t.name: t for t in topics.list_names()}
    assert topic in names and not names[topic].internal
    assert names[topic].partitions is None  # names come first; details are filled later
    assert "__consumer_offsets" in names and names["__consumer_offsets"].internal

    detail = topics.describe(topic)
    assert [p.partition for p in detail.partitions] == [0, 1, 2]
    for p in detail.partitions:
        assert p.leader is not None and p.leader in p.replicas
        assert p.isr == p.replicas and (p.low, p.high) == (0, 0)
    configs = {c.name: c for c in detail.configs}
    assert configs["cleanup.policy"].value == "delete" and configs["cleanup.policy"].is_default

    [entry] = [e for e in guard.read_audit() if e["action"] == "topic.create"]
    assert entry["target"] == topic and entry["result"] == "ok"
    assert entry["after"]["partitions"] == 3


def test_fill_summaries_counts_messages_from_watermarks(
    topics: Topics, topic: str, sandbox_settings: ConnectionSettings
) -> None:
    produce(sandbox_settings, topic, {0: 5, 1: 7, 2: 0})
    partition, offset = topics.produce(
        topic, b"hello", key=b"k", headers=[("h", b"1")], partition=2
    )
    assert (partition, offset) == (2, 0)

    [summary] = topics.fill_summaries([topic, "no-such-topic-anywhere"])
    assert summary.name == topic
    assert summary.messages == 13
    assert (summary.partitions, summary.replication_factor) == (3, 1)
    assert (summary.under_replicated, summary.offline) == (0, 0)
    assert summary.cleanup_policy == "delete"
    assert summary.retention_ms is not None and summary.retention_ms > 0
    assert summary.size_bytes is not None and summary.size_bytes > 0  # see test_depth

    highs = {p.partition: p.high for p in topics.describe(topic).partitions}
    assert highs == {0: 5, 1: 7, 2: 1}


def test_alter_config_marks_the_override_and_can_revert_it(topics: Topics, topic: str) -> None:
    change = topics.alter_config(topic, {"retention.ms": "3600000"})
    assert change["after"] == {"retention.ms": "3600000"}
    assert change["before"]["retention.ms"] != "3600000"

    entry = {c.name: c for c in topics.describe(topic).configs}["retention.ms"]
    assert entry.value == "3600000" and not entry.is_default
    assert entry.source == "DYNAMIC_TOPIC_CONFIG"
    assert topics.fill_summaries([topic])[0].retention_ms == 3_600_000

    topics.alter_config(topic, {"retention.ms": None})
    entry = {c.name: c for c in topics.describe(topic).configs}["retention.ms"]
    assert entry.source != "DYNAMIC_TOPIC_CONFIG"

    with pytest.raises(InvalidInput, match="unknown topic config"):
        topics.alter_config(topic, {"no.such.config": "1"})


def test_add_partitions(topics: Topics, topic: str) -> None:
    change = topics.add_partitions(topic, 5)
    assert change == {"before": {"partitions": 3}, "after": {"partitions": 5}}
    assert len(topics.describe(topic).partitions) == 5
    with pytest.raises(InvalidInput, match="has 5 partitions"):
        topics.add_partitions(topic, 5)


def test_delete(topics: Topics, topic: str) -> None:
    topics.delete(topic)
    wait_until(lambda: topic not in {t.name for t in topics.list_names()}, "topic deletion")
    with pytest.raises(NotFound):
        topics.describe(topic)


def test_bad_input_is_refused_clearly(topics: Topics, topic: str, unique: str) -> None:
    with pytest.raises(InvalidInput, match="invalid topic name"):
        topics.create("bad name!", 1, 1)
    with pytest.raises(InvalidInput, match="at least 1"):
        topics.create(unique + "-x", 0, 1)
    with pytest.raises(InvalidInput, match="already exists"):
        topics.create(topic, 3, 1)
    with pytest.raises(InvalidInput):
        topics.create(unique + "-rf", 1, 99)  # more replicas than brokers
    with pytest.raises(NotFound):
        topics.add_partitions(unique + "-missing", 4)
    with pytest.raises(NotFound):
        topics.delete(unique + "-missing")
    with pytest.raises(InvalidInput, match="no partition 9"):
        topics.produce(topic, b"x", partition=9)


def test_produce_to_a_missing_topic_does_not_create_it(topics: Topics, unique: str) -> None:
    with pytest.raises(NotFound):
        topics.produce(unique, b"x")
    assert unique not in {t.name for t in topics.list_names()}


def test_read_only_refuses_every_change(sandbox_settings: ConnectionSettings, topic: str) -> None:
    admin = KafkaAdmin(sandbox_settings)
    read_only = Topics(admin, Guard(read_only=True, audit_path=None))
    with pytest.raises(ReadOnlyError):
        read_only.delete(topic)
    with pytest.raises(ReadOnlyError):
        read_only.produce(topic, b"x")
    assert len(read_only.describe(topic).partitions) == 3  # reading still works
    admin.close()
