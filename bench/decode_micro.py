"""Decoder micro-benchmark: records/s for ~200-byte Avro values and binary (hex) values.

Run: python bench/decode_micro.py [--seconds S]
Decodes the same payloads in a loop through `AutoDecoder` (auto-detection, the tail's
path) with schemas held in memory, so it measures decoding only, not Kafka or the registry.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from kafkatui.cluster.models import SchemaVersion
from kafkatui.decode import AutoDecoder, encode_avro

ORDER = json.dumps({
    "type": "record", "name": "Order", "namespace": "bench",
    "fields": [
        {"name": "order_id", "type": "string"},
        {"name": "customer", "type": "string"},
        {"name": "status",
         "type": {"type": "enum", "name": "S", "symbols": ["NEW", "PAID", "SENT"]}},
        {"name": "items", "type": {"type": "array", "items": {
            "type": "record", "name": "Item",
            "fields": [{"name": "sku", "type": "string"}, {"name": "qty", "type": "int"}]}}},
        {"name": "total", "type": {"type": "bytes", "logicalType": "decimal",
                                   "precision": 12, "scale": 2}},
        {"name": "created", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "note", "type": ["null", "string"]},
    ],
})  # fmt: skip


class InMemorySchemas:
    def __init__(self, schemas: dict[int, SchemaVersion]) -> None:
        self._schemas = schemas

    def schema_by_id(self, schema_id: int) -> SchemaVersion:
        return self._schemas[schema_id]

    def get_version(self, subject: str, version: int) -> SchemaVersion:
        raise KeyError(subject)


def avro_payload() -> bytes:
    datum = {
        "order_id": "ord-0000012345",
        "customer": "customer-with-a-fairly-long-name-0042@example.com",
        "status": "PAID",
        "items": [{"sku": f"SKU-{i:05d}-XYZ", "qty": i} for i in range(5)],
        "total": Decimal("1234.56"),
        "created": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "note": "leave at the door, ring twice, thank you very much",
    }
    return encode_avro(ORDER, 1, datum)


def rate(label: str, decode: Callable[[bytes], object], payload: bytes, seconds: float) -> None:
    decode(payload)  # warm caches (schema parse happens here, once)
    done = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for _ in range(1000):
            decode(payload)
        done += 1000
    elapsed = time.perf_counter() - start
    print(f"{label:<28} {len(payload):>4} B  {done / elapsed:>12,.0f} records/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per case")
    args = parser.parse_args()
    decoder = AutoDecoder(InMemorySchemas({1: SchemaVersion("orders-value", 1, 1, "AVRO", ORDER)}))
    avro = avro_payload()
    binary = os.urandom(200)
    binary = b"\xff" + binary[1:]  # never a wire header, never UTF-8
    text = b"x" * 200
    checked = decoder.decode(avro, is_key=False)
    assert checked.error is None, checked.error
    rate("avro (auto)", lambda d: decoder.decode(d, is_key=False), avro, args.seconds)
    rate("binary -> hex (auto)", lambda d: decoder.decode(d, is_key=False), binary, args.seconds)
    rate("text (auto)", lambda d: decoder.decode(d, is_key=False), text, args.seconds)
    rate("hex (forced)", lambda d: decoder.decode(d, is_key=False, fmt="hex"), binary, args.seconds)


if __name__ == "__main__":
    main()
