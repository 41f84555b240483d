"""The benches' workloads, made in the bench sandbox and reused while they are intact.

- `raw_topic` / `avro_topic`: N records of about 200 bytes over 12 partitions; raw values
  are random bytes, Avro values a registered clickstream schema in the registry's wire
  format (magic byte, schema id, body). Keys repeat: 50,000 distinct user keys.
- `raw_ids_topic` / `avro_ids_topic`: the same values, but every key is new (a UUID
  string), as on a topic keyed by event or order ids.
- `overview`: T topics x 3 partitions with a few records each, and G consumer groups
  with committed offsets on 3 topics each (so every group has lag).
"""

from __future__ import annotations

import io
import json
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from cluster import BenchCluster
from common import say

PARTITIONS = 12
RAW_VALUE_BYTES = 200

CLICK_SCHEMA = {
    "type": "record",
    "name": "PageView",
    "namespace": "bench",
    "fields": [
        {"name": "event_id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "user_id", "type": "long"},
        {"name": "session", "type": "string"},
        {"name": "url", "type": "string"},
        {"name": "referrer", "type": ["null", "string"], "default": None},
        {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "duration_ms", "type": "int"},
        {"name": "country", "type": "string"},
        {
            "name": "device",
            "type": {"type": "enum", "name": "Device", "symbols": ["DESKTOP", "MOBILE", "TABLET"]},
        },
        {"name": "amount", "type": "double"},
    ],
}
PAGES = ["/", "/search", "/cart", "/checkout", "/product/{}", "/category/{}/list", "/help"]


def click(i: int, rng: random.Random) -> dict[str, Any]:
    """One page view; its Avro encoding is about 190 bytes, its JSON about 330."""
    page = rng.choice(PAGES).format(rng.randrange(100_000))
    return {
        "event_id": f"{rng.getrandbits(128):032x}"[:32],
        "user_id": rng.randrange(1_000_000),
        "session": f"s-{rng.getrandbits(80):020x}",
        "url": f"https://shop.example.com{page}?utm_source=bench&i={i}",
        "referrer": None if i % 3 else f"https://search.example.org/q?{rng.getrandbits(64):x}",
        "ts": 1_760_000_000_000 + i,
        "duration_ms": rng.randrange(10_000),
        "country": rng.choice(["DE", "US", "FR", "BR", "IN", "JP"]),
        "device": rng.choice(["DESKTOP", "MOBILE", "TABLET"]),
        "amount": round(rng.random() * 500, 2),
    }


# ---- producing ----------------------------------------------------------------------------
def produce(
    cluster: BenchCluster, topic: str, records: Iterator[tuple[bytes, bytes]], partitions: int
) -> int:
    """Produce (key, value) pairs round-robin over partitions as fast as the client can."""
    producer = cluster.producer()
    sent = 0
    for key, value in records:
        while True:
            try:
                producer.produce(topic, value, key, partition=sent % partitions)
                break
            except BufferError:  # local queue full: let librdkafka send
                producer.poll(0.05)
        sent += 1
        if sent % 20_000 == 0:
            producer.poll(0)
    left = producer.flush(300)
    if left:
        raise RuntimeError(f"{left} records of {topic} were not delivered")
    return sent


def create_topics(cluster: BenchCluster, names: list[str], partitions: int) -> None:
    from confluent_kafka import KafkaError
    from confluent_kafka.admin import NewTopic

    admin = cluster.admin()
    for start in range(0, len(names), 200):
        chunk = [NewTopic(n, partitions, 1) for n in names[start : start + 200]]
        for name, future in admin.create_topics(chunk, request_timeout=120).items():
            try:
                future.result(timeout=180)
            except Exception as exc:
                err = exc.args[0] if exc.args else None
                if getattr(err, "code", lambda: None)() != KafkaError.TOPIC_ALREADY_EXISTS:
                    raise RuntimeError(f"creating {name}: {exc}") from None


def _ensure(cluster: BenchCluster, topic: str, count: int, fill: Callable[[], int]) -> str:
    have = cluster.record_count(topic)
    if have == count:
        say(f"{topic}: reusing {count:,} records")
        return topic
    if have is not None:
        raise RuntimeError(f"{topic} holds {have:,} records, not {count:,}: purge the sandbox")
    create_topics(cluster, [topic], PARTITIONS)
    started = time.perf_counter()
    sent = fill()
    say(f"{topic}: produced {sent:,} records in {time.perf_counter() - started:.1f}s")
    return topic


def user_keys(count: int) -> Iterator[bytes]:
    """50,000 user keys, over and over: a key cache holds them all."""
    return (b"user-%d" % (i % 50_000) for i in range(count))


def id_keys(count: int) -> Iterator[bytes]:
    """`count` distinct UUID strings (36 ASCII characters), the same ones on every build."""
    rng = random.Random(11)
    return (str(uuid.UUID(int=rng.getrandbits(128), version=4)).encode() for _ in range(count))


def raw_topic(cluster: BenchCluster, count: int, distinct_keys: bool = False) -> str:
    topic = f"bench-raw-ids-{count}" if distinct_keys else f"bench-raw-{count}"

    def records() -> Iterator[tuple[bytes, bytes]]:
        values = [os.urandom(RAW_VALUE_BYTES) for _ in range(4096)]
        keys = id_keys(count) if distinct_keys else user_keys(count)
        for i, key in enumerate(keys):
            yield key, values[i % len(values)]

    return _ensure(cluster, topic, count, lambda: produce(cluster, topic, records(), PARTITIONS))


def register_click_schema(cluster: BenchCluster, subject: str) -> int:
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

    client = SchemaRegistryClient({"url": cluster.registry, "timeout": 15})
    schema_id: int = client.register_schema(subject, Schema(json.dumps(CLICK_SCHEMA), "AVRO"))
    return schema_id


def avro_topic(cluster: BenchCluster, count: int, distinct_keys: bool = False) -> str:
    from fastavro import parse_schema, schemaless_writer

    topic = f"bench-avro-ids-{count}" if distinct_keys else f"bench-avro-{count}"

    def records() -> Iterator[tuple[bytes, bytes]]:
        schema_id = register_click_schema(cluster, f"{topic}-value")
        parsed = parse_schema(CLICK_SCHEMA)
        header = b"\x00" + schema_id.to_bytes(4, "big")
        rng = random.Random(7)
        keys = id_keys(count) if distinct_keys else user_keys(count)
        for i, key in enumerate(keys):
            body = io.BytesIO()
            body.write(header)
            schemaless_writer(body, parsed, click(i, rng))
            yield key, body.getvalue()

    return _ensure(cluster, topic, count, lambda: produce(cluster, topic, records(), PARTITIONS))


# ---- the cluster overview workload --------------------------------------------------------
def overview_names(topics: int, groups: int) -> tuple[list[str], list[str]]:
    return (
        [f"bench-ov-{topics}-t{i:05d}" for i in range(topics)],
        [f"bench-ov-{topics}-g{i:04d}" for i in range(groups)],
    )


def overview(cluster: BenchCluster, topics: int, groups: int) -> tuple[list[str], list[str]]:
    """T topics x 3 partitions (5 records per partition) and G groups with lag."""
    from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition

    names, group_ids = overview_names(topics, groups)
    admin = cluster.admin()
    existing = set(admin.list_topics(timeout=30).topics)
    listed = admin.list_consumer_groups(request_timeout=30).result(timeout=60)
    existing_groups = {g.group_id for g in listed.valid}
    if existing.issuperset(names) and existing_groups.issuperset(group_ids):
        say(f"overview workload: reusing {topics} topics and {groups} groups")
        return names, group_ids
    started = time.perf_counter()
    create_topics(cluster, [n for n in names if n not in existing], 3)
    say(f"created {topics} topics in {time.perf_counter() - started:.1f}s")
    fill = ((b"k", b"x" * 100) for _ in range(topics * 15))
    producer = cluster.producer()
    for i, (key, value) in enumerate(fill):
        producer.produce(names[(i // 15) % topics], value, key, partition=i % 3)
        if i % 10_000 == 0:
            producer.poll(0)
    producer.flush(120)
    futures = []
    for g, group in enumerate(group_ids):
        chosen = [names[(g * 7 + k) % topics] for k in range(3)]
        offsets = [TopicPartition(t, p, 2) for t in chosen for p in range(3)]
        request = [ConsumerGroupTopicPartitions(group, offsets)]
        futures += list(admin.alter_consumer_group_offsets(request, request_timeout=60).values())
    for future in futures:
        future.result(timeout=120)
    say(f"overview workload ready in {time.perf_counter() - started:.1f}s")
    return names, group_ids
