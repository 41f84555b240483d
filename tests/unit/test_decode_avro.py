"""Avro through the wire format, with bodies written byte by byte (not by fastavro)."""

from __future__ import annotations

import json
import struct
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from kafkatui.decode import AutoDecoder, encode_avro
from tests.unit.decode_fakes import MemoryRegistry


def zz(n: int) -> bytes:
    """Avro int/long: zigzag varint."""
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def s(text: str) -> bytes:
    raw = text.encode()
    return zz(len(raw)) + raw


def header(schema_id: int) -> bytes:
    return b"\x00" + schema_id.to_bytes(4, "big")


def decode_with(schema: Any, body: bytes) -> Any:
    registry = MemoryRegistry()
    registry.add(7, json.dumps(schema))
    result = AutoDecoder(registry).decode(header(7) + body, is_key=False)
    assert result.error is None, result.error
    assert (result.format, result.schema_id, result.subject) == ("avro", 7, "subject-7")
    json.dumps(result.value, allow_nan=False)  # plain JSON, as the JSONL line needs
    return result.value


@pytest.mark.parametrize(
    ("schema", "body", "expected"),
    [
        ("null", b"", None),
        ("boolean", b"\x01", True),
        ("int", zz(-64), -64),
        ("long", zz(2**40), 2**40),
        ("float", struct.pack("<f", 1.5), 1.5),
        ("double", struct.pack("<d", -2.25), -2.25),
        ("double", struct.pack("<d", float("nan")), "NaN"),
        ("double", struct.pack("<d", float("-inf")), "-Infinity"),
        ("string", s("grüße"), "grüße"),
        ("bytes", zz(3) + b"\x00\xff\x10", "AP8Q"),
        ({"type": "fixed", "name": "F", "size": 4}, b"\xde\xad\xbe\xef", "3q2+7w=="),
    ],
)
def test_primitives(schema: Any, body: bytes, expected: Any) -> None:
    assert decode_with(schema, body) == expected


@pytest.mark.parametrize(
    ("schema", "body", "expected"),
    [
        ({"type": "long", "logicalType": "timestamp-millis"}, zz(1700000000123),
         "2023-11-14T22:13:20.123Z"),
        ({"type": "long", "logicalType": "timestamp-micros"}, zz(1700000000123456),
         "2023-11-14T22:13:20.123456Z"),
        ({"type": "long", "logicalType": "timestamp-nanos"}, zz(1700000000123456789),
         "2023-11-14T22:13:20.123456789Z"),
        ({"type": "long", "logicalType": "local-timestamp-millis"}, zz(1700000000000),
         "2023-11-14T22:13:20Z"),
        ({"type": "long", "logicalType": "local-timestamp-micros"}, zz(1),
         "1970-01-01T00:00:00.000001Z"),
        ({"type": "int", "logicalType": "date"}, zz(19000), "2022-01-08"),
        ({"type": "int", "logicalType": "time-millis"}, zz(3723004), "01:02:03.004"),
        ({"type": "long", "logicalType": "time-micros"}, zz(3723004005), "01:02:03.004005"),
        ({"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2},
         zz(2) + (12345).to_bytes(2, "big", signed=True), "123.45"),
        ({"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2},
         zz(1) + b"\xff", "-0.01"),
        ({"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 9},
         zz(1) + b"\x01", "0.000000001"),  # exact, never 1E-9 and never a float
        ({"type": "fixed", "name": "Money", "size": 8, "logicalType": "decimal",
          "precision": 18, "scale": 4},
         (-1234567).to_bytes(8, "big", signed=True), "-123.4567"),
        ({"type": "string", "logicalType": "uuid"}, s("0f8fad5b-d9cb-469f-a165-70867728950e"),
         "0f8fad5b-d9cb-469f-a165-70867728950e"),
    ],
)  # fmt: skip
def test_logical_types(schema: Any, body: bytes, expected: Any) -> None:
    assert decode_with(schema, body) == expected


COLOR = {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}
ADDRESS = {
    "type": "record",
    "name": "Address",
    "fields": [{"name": "city", "type": "string"}, {"name": "zip", "type": ["null", "int"]}],
}


def test_enum_becomes_its_symbol() -> None:
    assert decode_with(COLOR, zz(2)) == "BLUE"


@pytest.mark.parametrize(
    ("branch", "body", "expected"),
    [
        (0, b"", None),
        (1, s("x"), "x"),
        (2, s("Oslo") + zz(1) + zz(150), {"city": "Oslo", "zip": 150}),
    ],
)
def test_unions_become_the_bare_value(branch: int, body: bytes, expected: Any) -> None:
    assert decode_with(["null", "string", ADDRESS], zz(branch) + body) == expected


def test_nested_records_arrays_and_maps() -> None:
    order = {
        "type": "record",
        "name": "Order",
        "namespace": "shop",
        "fields": [
            {"name": "id", "type": "long"},
            {"name": "ship_to", "type": ADDRESS},
            {"name": "color", "type": COLOR},
            {"name": "qty", "type": {"type": "array", "items": "int"}},
            {"name": "tags", "type": {"type": "map", "values": "string"}},
            {"name": "parts", "type": {"type": "array", "items": "Address"}},
        ],
    }
    body = (
        zz(42)
        + s("Bergen") + zz(0)  # ship_to, zip null
        + zz(1)  # GREEN
        + zz(3) + zz(1) + zz(2) + zz(3) + zz(0)  # one block of three, then the end
        + zz(2) + s("a") + s("x") + s("b") + s("y") + zz(0)
        + zz(-1) + zz(7) + s("Lima") + zz(0) + zz(0)  # negative count: block with byte size
    )  # fmt: skip
    assert decode_with(order, body) == {
        "id": 42,
        "ship_to": {"city": "Bergen", "zip": None},
        "color": "GREEN",
        "qty": [1, 2, 3],
        "tags": {"a": "x", "b": "y"},
        "parts": [{"city": "Lima", "zip": None}],
    }


def test_referenced_named_types_come_from_other_subjects() -> None:
    registry = MemoryRegistry()
    registry.add(1, json.dumps({**ADDRESS, "namespace": "geo"}), subject="address", version=3)
    customer = {
        "type": "record",
        "name": "Customer",
        "fields": [{"name": "home", "type": "geo.Address"}],
    }
    registry.add(2, json.dumps(customer), references=(("geo.Address", "address", 3),))
    result = AutoDecoder(registry).decode(header(2) + s("Oslo") + zz(0), is_key=True)
    assert result.value == {"home": {"city": "Oslo", "zip": None}}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (s("Bergen")[:-2], "truncated"),
        (zz(6) + b"ab\xffdef" + zz(0), "UTF-8"),
        (s("Oslo") + zz(5), "does not match"),  # union branch 5 of 2
    ],
)
def test_bad_bodies_are_errors_as_data(body: bytes, reason: str) -> None:
    registry = MemoryRegistry()
    registry.add(3, json.dumps(ADDRESS))
    data = header(3) + body
    result = AutoDecoder(registry).decode(data, is_key=False)
    assert result.value is None and result.format == "avro" and result.schema_id == 3
    assert reason in (result.error or "")
    assert result.hex == data.hex()


def test_schema_is_parsed_once_per_id() -> None:
    registry = MemoryRegistry()
    registry.add(3, json.dumps(ADDRESS))
    decoder = AutoDecoder(registry)
    for city in ("a", "b", "c"):
        assert decoder.decode(header(3) + s(city) + zz(0), is_key=False).value["city"] == city
    assert registry.calls == 1


def test_encode_avro_round_trips_through_the_decoder() -> None:
    schema = {
        "type": "record",
        "name": "Event",
        "fields": [
            {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal",
                                        "precision": 9, "scale": 2}},
        ],
    }  # fmt: skip
    text = json.dumps(schema)
    datum = {"at": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC), "amount": Decimal("10.50")}
    data = encode_avro(text, 11, datum)
    assert data[:5] == header(11)
    registry = MemoryRegistry()
    registry.add(11, text)
    assert AutoDecoder(registry).decode(data, is_key=False).value == {
        "at": "2024-05-06T07:08:09Z",
        "amount": "10.50",
    }


def test_conversion_reaches_inside_nested_arrays_maps_unions_and_recursive_types() -> None:
    ts = {"type": "long", "logicalType": "timestamp-millis"}
    node = {
        "type": "record",
        "name": "Node",
        "fields": [
            {"name": "blob", "type": "bytes"},
            {"name": "next", "type": ["null", "Node"]},
        ],
    }
    schema = {
        "type": "record",
        "name": "Outer",
        "fields": [
            {"name": "plain", "type": {"type": "array", "items": "string"}},
            {"name": "times", "type": {"type": "array", "items": ts}},
            {"name": "blobs", "type": {"type": "map", "values": "bytes"}},
            {"name": "maybe", "type": ["null", {"type": "record", "name": "Amount", "fields": [
                {"name": "v", "type": {"type": "bytes", "logicalType": "decimal",
                                       "precision": 5, "scale": 1}}]}]},
            {"name": "chain", "type": node},
            {"name": "ratio", "type": "float"},
        ],
    }  # fmt: skip
    body = (
        zz(1) + s("a") + zz(0)
        + zz(1) + zz(0) + zz(0)
        + zz(1) + s("k") + zz(1) + b"\xff" + zz(0)
        + zz(1) + zz(1) + b"\x7b"
        + zz(1) + b"\x01" + zz(1) + zz(1) + b"\x02" + zz(0)
        + struct.pack("<f", float("inf"))
    )  # fmt: skip
    assert decode_with(schema, body) == {
        "plain": ["a"],
        "times": ["1970-01-01T00:00:00Z"],
        "blobs": {"k": "/w=="},
        "maybe": {"v": "12.3"},
        "chain": {"blob": "AQ==", "next": {"blob": "Ag==", "next": None}},
        "ratio": "Infinity",
    }
