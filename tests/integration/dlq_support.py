"""A real dead-letter topic: a FileStream sink with errors.tolerance=all on a topic of
good and bad records, run on the sandbox's Connect under a unique name."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from confluent_kafka import Consumer, Producer
from confluent_kafka import TopicPartition as KafkaTopicPartition

from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.kafka_helpers import drop_topic, make_topic, wait_until

CONVERTER_STAGE = "VALUE_CONVERTER"
TRANSFORM_STAGE = "TRANSFORMATION"
DATA_EXCEPTION = "org.apache.kafka.connect.errors.DataException"


@dataclass(frozen=True)
class DeadLetters:
    source: str  # 2 partitions: good JSON objects, invalid JSON and bare JSON strings
    dlq: str
    connector: str
    bad_json: list[tuple[int, int]]  # (partition, offset) in the source
    not_objects: list[tuple[int, int]]


def read_all(bootstrap: str, topic: str, timeout_s: float = 30.0) -> list:
    """Every record of `topic` up to its end (plain consumer, no group commits)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "t-read-all",
                         "enable.auto.commit": False, "enable.partition.eof": True})  # fmt: skip
    try:
        meta = consumer.list_topics(topic, timeout=10).topics[topic]
        parts = sorted(meta.partitions)
        consumer.assign([KafkaTopicPartition(topic, p, 0) for p in parts])
        ends = {p: consumer.get_watermark_offsets(KafkaTopicPartition(topic, p))[1] for p in parts}
        pending = {p for p in parts if ends[p] > 0}
        out = []
        deadline = time.monotonic() + timeout_s
        while pending and time.monotonic() < deadline:
            for msg in consumer.consume(500, 0.5):
                if msg.error() is not None:
                    continue
                out.append(msg)
                if msg.offset() >= ends[msg.partition()] - 1:
                    pending.discard(msg.partition())
        assert not pending, f"could not read {topic} to its end"
        return out
    finally:
        consumer.close()


@contextmanager
def dead_letter_sink(
    settings: ConnectionSettings, connect_url: str, prefix: str, tmp: Path, bad: int = 6
) -> Iterator[DeadLetters]:
    """`bad` records that fail the JSON converter and `bad // 2` that fail the transform,
    among good ones, dead-lettered by a real sink; the connector is deleted after."""
    source, dlq, name = f"{prefix}-src", f"{prefix}-dlq", f"{prefix}-sink"
    make_topic(settings, source, 2)
    make_topic(settings, dlq, 1)
    producer = Producer({"bootstrap.servers": settings.bootstrap_servers})
    spots: dict[str, list[tuple[int, int]]] = {"bad": [], "bare": []}

    def note(kind: str):  # type: ignore[no-untyped-def]
        return lambda err, msg: spots[kind].append((msg.partition(), msg.offset()))

    for i in range(bad * 3):
        key = f"k{i}".encode()
        if i % 3 == 0:
            producer.produce(source, key=key, value=b'{"id": ' + str(i).encode() + b", oops",
                             headers=[("origin", b"test")], on_delivery=note("bad"))  # fmt: skip
        elif i % 6 == 1:
            producer.produce(source, key=key, value=json.dumps(f"bare {i}").encode(),
                             on_delivery=note("bare"))  # fmt: skip
        else:
            producer.produce(source, key=key, value=json.dumps({"id": i}).encode())
    assert producer.flush(30) == 0
    config = {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "tasks.max": "1",
        "topics": source,
        "file": str(tmp / "sink.txt"),
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        "transforms": "id",
        "transforms.id.type": "org.apache.kafka.connect.transforms.ExtractField$Value",
        "transforms.id.field": "id",
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": dlq,
        "errors.deadletterqueue.topic.replication.factor": "1",
        "errors.deadletterqueue.context.headers.enable": "true",
    }
    with httpx.Client(base_url=connect_url, timeout=30) as http:
        http.put(f"/connectors/{name}/config", json=config).raise_for_status()
        try:
            expected = len(spots["bad"]) + len(spots["bare"])
            wait_until(
                lambda: len(read_all(settings.bootstrap_servers, dlq)) >= expected,
                f"{expected} dead letters from {name}",
                90,
            )
        finally:  # deleted once it wrote them: a redrive to the source must not loop
            http.delete(f"/connectors/{name}")
    try:
        yield DeadLetters(source, dlq, name, sorted(spots["bad"]), sorted(spots["bare"]))
    finally:
        drop_topic(settings, source)
        drop_topic(settings, dlq)
