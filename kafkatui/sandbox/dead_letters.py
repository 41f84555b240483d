"""Real dead letters for the demo: a sink connector that cannot read what it is given.

`orders-json-export` is a FileStream sink set up with the JSON converter on the Avro
`orders` topic, with `errors.tolerance=all` and a dead-letter topic with context headers:
every record it reads fails in the VALUE_CONVERTER stage, and Kafka Connect itself
writes it to `orders.dlq` with the `__connect.errors.*` headers. It is created stopped,
its offsets are moved to the last few records of each partition (so the dead-letter topic
gets a handful, not 12,000), then resumed. Idempotent: an existing connector is left as is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
from confluent_kafka import Consumer, TopicPartition

Say = Callable[[str], None]
CONNECTOR = "orders-json-export"


def sink_config(source: str, dlq: str, file: Path) -> dict[str, str]:
    return {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "tasks.max": "1",
        "topics": source,
        "file": str(file),
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",  # the mistake
        "value.converter.schemas.enable": "false",
        "errors.tolerance": "all",
        "errors.deadletterqueue.topic.name": dlq,
        "errors.deadletterqueue.topic.replication.factor": "1",
        "errors.deadletterqueue.context.headers.enable": "true",
        "errors.log.enable": "false",
    }


def ensure_dead_letter_sink(
    connect_url: str,
    bootstrap: str,
    file: Path,
    *,
    name: str = CONNECTOR,
    source: str = "orders",
    dlq: str = "orders.dlq",
    last_per_partition: int = 5,
    say: Say = lambda _m: None,
    timeout_s: float = 60.0,
) -> int:
    """Start the sink unless it exists; the number of dead letters it will write (0 when
    it already existed). Returns once they are in `dlq`."""
    with httpx.Client(base_url=connect_url, timeout=30) as http:
        if http.get(f"/connectors/{name}").status_code == 200:
            return 0
        ends = _end_offsets(bootstrap, source)
        body = {
            "name": name,
            "config": sink_config(source, dlq, file),
            "initial_state": "STOPPED",
        }
        http.post("/connectors", json=body).raise_for_status()
        _wait_state(http, name, "STOPPED", timeout_s)
        offsets = [
            {
                "partition": {"kafka_topic": source, "kafka_partition": p},
                "offset": {"kafka_offset": max(end - last_per_partition, 0)},
            }
            for p, end in ends.items()
        ]
        http.patch(f"/connectors/{name}/offsets", json={"offsets": offsets}).raise_for_status()
        before = sum(_end_offsets(bootstrap, dlq).values())
        http.put(f"/connectors/{name}/resume").raise_for_status()
    expected = sum(min(end, last_per_partition) for end in ends.values())
    deadline = time.monotonic() + timeout_s
    while sum(_end_offsets(bootstrap, dlq).values()) - before < expected:
        if time.monotonic() > deadline:
            raise RuntimeError(f"seed: {name} did not dead-letter {expected} records in time")
        time.sleep(0.5)
    say(f"connector {name}: {expected} records dead-lettered into {dlq} by Kafka Connect")
    return expected


def _end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "kafkatui-seed-probe"})
    try:
        meta = consumer.list_topics(topic, timeout=10).topics[topic]
        return {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
            for p in sorted(meta.partitions)
        }
    finally:
        consumer.close()


def _wait_state(http: httpx.Client, name: str, state: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        resp = http.get(f"/connectors/{name}/status")
        if resp.status_code == 200 and resp.json()["connector"]["state"] == state:
            return
        time.sleep(0.5)
    raise RuntimeError(f"seed: connector {name} did not reach {state} within {timeout_s:.0f}s")
