"""`kafkatui sandbox seed`: the demo data of SPEC §5, loaded idempotently.

Topics are created when missing and filled only up to their target counts; schemas,
group offsets and connector configs are set to the same values on every run.
"""

from __future__ import annotations

import io
import json
import random
import struct
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kafkatui.sandbox.demo_schemas import ORDER_V1, ORDER_V2, SHIPMENT_PROTO, shipment_class

Say = Callable[[str], None]

TOPICS: dict[str, tuple[int, dict[str, str]]] = {
    "orders": (6, {}),
    "payments": (3, {}),
    "clickstream": (12, {"retention.ms": str(6 * 3600 * 1000)}),
    "orders.dlq": (1, {}),
    "inventory": (3, {"cleanup.policy": "compact", "segment.ms": "60000"}),
    "shipments": (3, {}),
}
TARGETS = {
    "orders": 12_000,
    "payments": 1_500,
    "orders.dlq": 12,
    "inventory": 600,
    "shipments": 800,
}
CUSTOMERS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell"]
SKUS = [f"SKU-{n:04d}" for n in range(1, 60)]


def seed(status: dict[str, Any], say: Say = lambda _m: None) -> None:
    bootstrap = status["bootstrap_servers"]
    admin = AdminClient({"bootstrap.servers": bootstrap})
    _ensure_topics(admin, say)
    registry = status["schema_registry"]
    order_ids = (
        _register(registry, "orders-value", ORDER_V1, "AVRO"),
        _register(registry, "orders-value", ORDER_V2, "AVRO"),
    )
    shipment_id = _register(registry, "shipments-value", SHIPMENT_PROTO, "PROTOBUF")
    producer = Producer(
        {"bootstrap.servers": bootstrap, "linger.ms": 20, "compression.type": "lz4"}
    )
    counts = _message_counts(bootstrap)
    rng = random.Random(42)
    _fill(producer, "orders", counts, lambda i: _order(rng, i, order_ids), say)
    _fill(producer, "payments", counts, lambda i: _payment(rng, i), say)
    _fill(producer, "orders.dlq", counts, lambda i: _dead_letter(i), say)
    _fill(producer, "inventory", counts, lambda i: _stock(rng, i), say)
    _fill(producer, "shipments", counts, lambda i: _shipment(rng, i, shipment_id), say)
    _fill_clickstream(producer, counts, rng, say)
    if producer.flush(60) != 0:
        raise RuntimeError("seed: some demo records were not acknowledged within 60s")
    _set_group_offsets(bootstrap, say)
    _ensure_connectors(status, say)
    _ensure_dead_letters(status, say)


# ---- topics and records ------------------------------------------------------------------
def _ensure_topics(admin: AdminClient, say: Say) -> None:
    existing = set(admin.list_topics(timeout=15).topics)
    wanted = [
        NewTopic(name, partitions, 1, config=configs)
        for name, (partitions, configs) in TOPICS.items()
        if name not in existing
    ]
    if not wanted:
        return
    for name, future in admin.create_topics(wanted, request_timeout=30).items():
        future.result(timeout=30)
        say(f"created topic {name}")


def _message_counts(bootstrap: str) -> dict[str, int]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "kafkatui-seed-probe"})
    counts: dict[str, int] = {}
    try:
        for topic, (partitions, _) in TOPICS.items():
            total = 0
            for p in range(partitions):
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
                total += high - low if topic != "inventory" else high
            counts[topic] = total
    finally:
        consumer.close()
    return counts


Record = tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]


def _fill(
    producer: Producer, topic: str, counts: dict[str, int], make: Callable[[int], Record], say: Say
) -> None:
    have, want = counts.get(topic, 0), TARGETS[topic]
    for i in range(have, want):
        key, value, headers = make(i)
        _produce(producer, topic, key, value, headers)
    if want > have:
        say(f"{topic}: produced {want - have} records")


def _produce(
    producer: Producer,
    topic: str,
    key: bytes | None,
    value: bytes | None,
    headers: list[tuple[str, bytes]] | None = None,
    partition: int | None = None,
) -> None:
    kwargs: dict[str, Any] = {"key": key, "value": value, "headers": headers or None}
    if partition is not None:
        kwargs["partition"] = partition
    while True:
        try:
            producer.produce(topic, **kwargs)
            return
        except BufferError:
            producer.poll(0.1)


def _wire(schema_id: int, body: bytes, indexes: bytes = b"") -> bytes:
    return b"\x00" + struct.pack(">I", schema_id) + indexes + body


def _order(rng: random.Random, i: int, schema_ids: tuple[int, int]) -> Record:
    import fastavro

    v2 = i % 3 == 0
    datum: dict[str, Any] = {
        "order_id": f"o-{i:06d}",
        "customer": rng.choice(CUSTOMERS),
        "amount": Decimal(rng.randint(100, 99_999)) / 100,
        "currency": rng.choice(["EUR", "USD", "GBP"]),
        "created_at": 1_764_000_000_000 + i * 60_000,
        "items": [
            {"sku": rng.choice(SKUS), "quantity": rng.randint(1, 5)}
            for _ in range(rng.randint(1, 3))
        ],
        "coupon": rng.choice([None, None, "WELCOME10", "BLACKFRIDAY"]),
    }
    if v2:
        datum["channel"] = rng.choice(["web", "app", "store"])
    out = io.BytesIO()
    fastavro.schemaless_writer(out, _parsed(ORDER_V2 if v2 else ORDER_V1), datum)
    return datum["customer"].encode(), _wire(schema_ids[v2], out.getvalue()), []


_PARSED: dict[str, Any] = {}


def _parsed(schema: str) -> Any:
    import fastavro

    if schema not in _PARSED:
        _PARSED[schema] = fastavro.parse_schema(json.loads(schema))
    return _PARSED[schema]


def _payment(rng: random.Random, i: int) -> Record:
    payment_id = f"p-{i:06d}"
    body = {
        "payment_id": payment_id,
        "order_id": f"o-{rng.randint(0, 11_999):06d}",
        "method": rng.choice(["card", "sepa", "paypal"]),
        "amount": round(rng.uniform(1, 999), 2),
        "status": rng.choice(["captured", "captured", "captured", "refunded", "declined"]),
    }
    return payment_id.encode(), json.dumps(body).encode(), []


def _dead_letter(i: int) -> Record:
    reasons = [
        (b"\x00\x00\x01\x86\x9f" + b"\x02xx", "Unknown schema id 99999"),  # id that does not exist
        (b"\x00\x00\x00\x00\x01\x0co-0", "Truncated Avro record"),
        (bytes(range(250, 256)) + b"\xff\xfe garbage", "Not valid UTF-8"),
        (b'{"order_id": "o-1", "amount": ', "Invalid JSON"),
    ]
    value, reason = reasons[i % len(reasons)]
    headers = [
        ("__connect.errors.topic", b"orders"),
        ("__connect.errors.exception.class.name", b"org.apache.kafka.connect.errors.DataException"),
        ("__connect.errors.exception.message", reason.encode()),
        ("error.retries", str(i % 4).encode()),
    ]
    return f"o-{i:06d}".encode(), value, headers


def _stock(rng: random.Random, i: int) -> Record:
    sku = SKUS[i % len(SKUS)]
    if i > 500 and i % 50 == 0:
        return sku.encode(), None, []  # tombstone: a compacted topic's delete
    return sku.encode(), json.dumps({"sku": sku, "on_hand": rng.randint(0, 500)}).encode(), []


def _shipment(rng: random.Random, i: int, schema_id: int) -> Record:
    message = shipment_class()(
        shipment_id=f"s-{i:05d}",
        order_id=f"o-{rng.randint(0, 11_999):06d}",
        carrier=rng.choice(["dhl", "ups", "fedex", "postnl"]),
        status=rng.randint(0, 2),
        weight_grams=rng.randint(100, 30_000),
    )
    # Message index [0] is written as a single zero byte.
    return f"s-{i:05d}".encode(), _wire(schema_id, message.SerializeToString(), b"\x00"), []


def clickstream_event(rng: random.Random, i: int) -> Record:
    session = f"sess-{rng.randint(1, 400):04d}"
    body = {
        "session": session,
        "page": rng.choice(["/", "/cart", "/checkout", "/product/42", "/search?q=kafka"]),
        "ts": int(time.time() * 1000),
        "seq": i,
    }
    return session.encode(), json.dumps(body).encode(), []


def _fill_clickstream(
    producer: Producer, counts: dict[str, int], rng: random.Random, say: Say
) -> None:
    if counts.get("clickstream", 0) >= 2_000:
        return
    for i in range(2_000):
        key, value, headers = clickstream_event(rng, i)
        _produce(producer, "clickstream", key, value, headers)
    say("clickstream: produced 2000 records")


# ---- registry ----------------------------------------------------------------------------
def _register(registry_url: str, subject: str, schema: str, schema_type: str) -> int:
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

    client = SchemaRegistryClient({"url": registry_url, "timeout": 15})
    return int(client.register_schema(subject, Schema(schema, schema_type)))


# ---- groups ------------------------------------------------------------------------------
def _set_group_offsets(bootstrap: str, say: Say) -> None:
    """order-service lags on orders (70% consumed); billing is caught up on payments."""
    plans = {"order-service": ("orders", 0.7), "billing": ("payments", 1.0)}
    for group, (topic, fraction) in plans.items():
        consumer = Consumer(
            {"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False}
        )
        try:
            offsets = []
            for p in range(TOPICS[topic][0]):
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
                offsets.append(TopicPartition(topic, p, low + int((high - low) * fraction)))
            consumer.commit(offsets=offsets, asynchronous=False)
        finally:
            consumer.close()
        say(f"group {group}: committed offsets on {topic}")


# ---- connectors --------------------------------------------------------------------------
def clickstream_source_file(status: dict[str, Any]) -> Path:
    path = Path(status["state_dir"]) / "connect" / "clickstream.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(exist_ok=True)
    return path


def _ensure_connectors(status: dict[str, Any], say: Say) -> None:
    connect = status["connect"]
    archive = Path(status["state_dir"]) / "connect" / "orders-archive.txt"
    connectors = {
        "clickstream-file-source": {
            "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
            "file": str(clickstream_source_file(status)),
            "topic": "clickstream",
            "tasks.max": "1",
        },
        "orders-archive": {
            "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "file": str(archive),
            "topics": "payments",
            "tasks.max": "1",
        },
        "broken-sink": {
            # The directory does not exist, so the task fails on start with a trace.
            "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "file": str(Path(status["state_dir"]) / "no-such-dir" / "sink.txt"),
            "topics": "orders.dlq",
            "tasks.max": "1",
        },
    }
    with httpx.Client(base_url=connect, timeout=30) as http:
        for name, config in connectors.items():
            resp = http.put(f"/connectors/{name}/config", json=config)
            resp.raise_for_status()
        http.put("/connectors/orders-archive/pause").raise_for_status()
        _wait_connector(http, "orders-archive", "PAUSED")
    say("connectors: clickstream-file-source, orders-archive (paused), broken-sink")


def _ensure_dead_letters(status: dict[str, Any], say: Say) -> None:
    """Real dead letters in orders.dlq, written by Kafka Connect (see dead_letters.py)."""
    from kafkatui.sandbox.dead_letters import ensure_dead_letter_sink

    export = Path(status["state_dir"]) / "connect" / "orders-export.json"
    ensure_dead_letter_sink(status["connect"], status["bootstrap_servers"], export, say=say)


def _wait_connector(http: httpx.Client, name: str, state: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        resp = http.get(f"/connectors/{name}/status")
        if resp.status_code == 200 and resp.json()["connector"]["state"] == state:
            return
        time.sleep(0.5)
    raise RuntimeError(f"seed: connector {name} did not reach {state} within {timeout_s:.0f}s")
