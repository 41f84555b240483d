"""Topic configs read in chunks, against the sandbox: every topic's own configs come back,
and a chunk that gets no answer leaves its names unread instead of failing the read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from confluent_kafka.admin import AdminClient, NewTopic, ResourceType

from kafkatui.cluster.broker_depth import BrokerDepth
from kafkatui.cluster.config_reads import chunks_of, read_configs
from kafkatui.cluster.deep_admin import DeepAdmin
from kafkatui.cluster.errors import ConnectionFailed
from kafkatui.cluster.groups import Groups
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.health import Health
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.named_configs import named_topic_configs
from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.kafka_helpers import wait_until

pytestmark = pytest.mark.integration

TOPICS = 300
CHUNK = 40  # 8 chunks, the last one short


def retention_of(index: int) -> str:
    return str(3_600_000 + index)  # a value of its own per topic


@pytest.fixture
def many_topics(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[list[str]]:
    names = [f"{unique}-{i:03d}" for i in range(TOPICS)]
    admin = AdminClient({"bootstrap.servers": sandbox_settings.bootstrap_servers})
    new = [
        NewTopic(
            name,
            1,
            1,
            config={"retention.ms": retention_of(i)}
            | ({"min.insync.replicas": "2"} if i % 100 == 7 else {}),
        )
        for i, name in enumerate(names)
    ]
    for future in admin.create_topics(new, request_timeout=60).values():
        future.result(timeout=90)
    wait_until(lambda: set(names) <= set(admin.list_topics(timeout=10).topics), f"{TOPICS} topics")
    yield names
    for future in admin.delete_topics(names, request_timeout=60).values():
        future.exception(timeout=90)


@pytest.fixture
def admin(sandbox_settings: ConnectionSettings) -> Iterator[KafkaAdmin]:
    admin = KafkaAdmin(sandbox_settings)
    yield admin
    admin.close()


@pytest.fixture
def deep(sandbox_settings: ConnectionSettings) -> Iterator[DeepAdmin]:
    deep = DeepAdmin(sandbox_settings)
    yield deep
    deep.close()


KEPT = {"retention.ms", "min.insync.replicas", "cleanup.policy"}


def test_named_configs_read_the_same_entries_as_all_configs(
    admin: KafkaAdmin, deep: DeepAdmin, many_topics: list[str]
) -> None:
    """kafka-python asking for three keys gives what confluent-kafka's read of every
    config gives for them; a topic that does not exist is left out."""
    wanted = many_topics[:120]
    named = named_topic_configs(deep, [*wanted, "no-such-topic-anywhere"], KEPT, "reading")
    assert set(named) == set(wanted)
    every, errors = admin.configs(ResourceType.TOPIC, wanted, "reading", keep=KEPT)
    assert errors == {}
    assert named == every
    assert named[wanted[3]]["retention.ms"].source == "DYNAMIC_TOPIC_CONFIG"
    assert named[wanted[3]]["cleanup.policy"].is_default


def test_what_the_named_read_did_not_answer_is_read_the_usual_way(
    admin: KafkaAdmin, deep: DeepAdmin, many_topics: list[str]
) -> None:
    left_out = set(many_topics[::37])

    def named_but_forgetful(chunk: list[str]) -> dict[str, Any]:
        found = named_topic_configs(deep, chunk, KEPT, "reading")
        return {name: entries for name, entries in found.items() if name not in left_out}

    def named_but_down(chunk: list[str]) -> dict[str, Any]:
        raise ConnectionFailed("Kafka at 127.0.0.1:1 did not answer")

    for named in (named_but_forgetful, named_but_down):
        found = read_configs(
            admin, ResourceType.TOPIC, many_topics, "reading", CHUNK, 2, keep=KEPT, named=named
        )
        assert found.unread == [] and set(found.configs) == set(many_topics)
        for i, name in enumerate(many_topics):
            assert found.configs[name]["retention.ms"].value == retention_of(i)


def test_chunked_reads_return_every_topics_own_configs(
    admin: KafkaAdmin, many_topics: list[str]
) -> None:
    assert len(chunks_of(many_topics, CHUNK)) == 8
    found = read_configs(
        admin, ResourceType.TOPIC, many_topics, "reading topic configs", CHUNK, in_flight=3
    )
    assert found.unread == []
    assert set(found.configs) == set(many_topics)
    for i, name in enumerate(many_topics):
        assert found.configs[name]["retention.ms"].value == retention_of(i)
        assert len(found.configs[name]) > 20  # all of them, not just the one set


def test_keep_converts_only_the_configs_asked_for(
    admin: KafkaAdmin, many_topics: list[str]
) -> None:
    found = read_configs(
        admin, ResourceType.TOPIC, many_topics[:50], "reading topic configs", 20, 2,
        keep={"retention.ms", "min.insync.replicas"},
    )  # fmt: skip
    assert set(found.configs) == set(many_topics[:50])
    assert {frozenset(c) for c in found.configs.values()} == {
        frozenset({"retention.ms", "min.insync.replicas"})
    }
    assert found.configs[many_topics[7]]["min.insync.replicas"].value == "2"


def test_chunks_that_get_no_answer_are_unread_not_an_error(
    sandbox_settings: ConnectionSettings, many_topics: list[str]
) -> None:
    # nothing listens there: every chunk waits out its own timeout and gets no answer
    hasty = KafkaAdmin(replace(sandbox_settings, bootstrap_servers="127.0.0.1:1", timeout_s=2.0))
    try:
        found = read_configs(
            hasty, ResourceType.TOPIC, many_topics, "reading topic configs", CHUNK, 3
        )
    finally:
        hasty.close()
    assert found.configs == {}
    assert sorted(found.unread) == sorted(many_topics)
    assert found.reason
    assert found.describe_gap(TOPICS, "topics").startswith(f"{TOPICS} of {TOPICS} topics: ")


@pytest.mark.parametrize("named", [False, True], ids=["all-configs", "named-configs"])
def test_check_with_small_chunks_applies_the_rules_to_every_topic(
    admin: KafkaAdmin, guard: Guard, many_topics: list[str], deep: DeepAdmin, named: bool
) -> None:
    health = Health(admin, Groups(admin, guard), None, BrokerDepth(deep) if named else None)
    health.config_chunk = CHUNK
    facts = health.gather()
    assert "topic configs" not in facts.unread
    # Kafka takes one broker per DescribeConfigs: each broker's configs are read alone
    assert "broker configs" not in facts.unread
    assert len(facts.broker_configs) == facts.broker_count >= 1
    assert all("unclean.leader.election.enable" in c for c in facts.broker_configs.values())
    ours = {t.name: t for t in facts.topics if t.name in set(many_topics)}
    assert set(ours) == set(many_topics)
    assert all(t.configs for t in ours.values())  # each topic got its configs
    low = sorted(f.subject for f in health.check() if f.code == "MIN_ISR_LOW")
    assert [s for s in low if s in set(many_topics)] == [
        name for i, name in enumerate(many_topics) if i % 100 == 7
    ]
