"""Hostile input: generated payloads through auto-detection and every forced format.

Each test decodes every payload in all six modes (auto, avro, protobuf, json, text, hex),
with a registry that answers, one that knows nothing and one that is down. The example
counts add up to 10,500 payloads per run. Nothing may raise, and every result must be
well formed: an error comes with value None and at most 1 KiB of hex, a success with a
value that `json.dumps` turns into valid JSON.
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kafkatui.decode import FORMATS, AutoDecoder, Decoded, encode_avro, encode_protobuf
from kafkatui.decode.model import HEX_LIMIT
from kafkatui.decode.wire import encode_header, encode_message_indexes
from tests.unit.decode_fakes import MemoryRegistry

KNOWN_FORMATS = {"null", "avro", "protobuf", "json-schema", "json", "text", "hex", "yaml"}

ORDER = json.dumps({
    "type": "record", "name": "Order", "namespace": "shop",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "qty", "type": "int"},
        {"name": "note", "type": ["null", "string"]},
        {"name": "tags", "type": {"type": "map", "values": "long"}},
        {"name": "lines", "type": {"type": "array", "items": "double"}},
        {"name": "state", "type": {"type": "enum", "name": "S", "symbols": ["NEW", "DONE"]}},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal",
                                    "precision": 20, "scale": 4}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
    ],
})  # fmt: skip
CHAIN = json.dumps({  # recursive: nests as deep as the bytes say
    "type": "record", "name": "Node",
    "fields": [{"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"]}],
})  # fmt: skip
PROTO = """
syntax = "proto3";
package fuzz;
message Event {
  string id = 1;
  sint64 n = 2;
  message Inner { repeated Event children = 1; bytes blob = 2; double d = 3; }
  Inner inner = 3;
  map<string, int32> counts = 4;
}
message Other { float f = 1; }
"""
PERSON = json.dumps({"type": "object", "properties": {"name": {"type": "string"}}})

REGISTRY = MemoryRegistry()
REGISTRY.add(1, ORDER)
REGISTRY.add(2, PROTO, "PROTOBUF")
REGISTRY.add(3, PERSON, "JSON")
REGISTRY.add(4, CHAIN)
REGISTRY.add(5, "{ not a schema", "AVRO")
REGISTRY.add(6, "type: object", "YAML")
DOWN = MemoryRegistry()
DOWN.down = True
DECODERS = (AutoDecoder(REGISTRY), AutoDecoder(MemoryRegistry()), AutoDecoder(DOWN), AutoDecoder())
SCHEMA_IDS = st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 999, 2**31, 2**32 - 1])
FUZZ = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))


def check(data: bytes, result: Decoded) -> None:
    assert isinstance(result, Decoded)
    assert result.format in KNOWN_FORMATS
    if result.error is not None:
        assert result.value is None
        assert result.hex == data[:HEX_LIMIT].hex()
        assert len(result.hex) <= 2 * HEX_LIMIT
    else:
        assert result.hex is None
        json.dumps(result.value, allow_nan=False)


def decode_everywhere(data: bytes) -> None:
    for decoder in DECODERS:
        for fmt in (*FORMATS, "yaml"):
            check(data, decoder.decode(data, is_key=False, fmt=fmt))


def mutate(data: bytes, draw: Any) -> bytes:
    """Truncate, flip a byte, or splice in noise: 'valid header, corrupt body' (or keep it)."""
    how = draw(st.sampled_from(["truncate", "flip", "splice", "extend", "keep"]))
    if how == "keep" or len(data) <= 5:
        return data
    at = draw(st.integers(5, len(data) - 1))
    if how == "truncate":
        return data[:at]
    if how == "flip":
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    noise = draw(st.binary(min_size=1, max_size=16))
    return data[:at] + noise + (data[at:] if how == "splice" else b"")


finite = st.floats(allow_nan=False, allow_infinity=False)
orders = st.fixed_dictionaries({
    "id": st.text(max_size=20), "qty": st.integers(-(2**31), 2**31 - 1),
    "note": st.none() | st.text(max_size=10),
    "tags": st.dictionaries(st.text(max_size=5), st.integers(-(2**63), 2**63 - 1), max_size=3),
    "lines": st.lists(st.floats(), max_size=4), "state": st.sampled_from(["NEW", "DONE"]),
    "amount": st.decimals(min_value=-(10**10), max_value=10**10, places=4, allow_nan=False),
    "at": st.integers(0, 2**41), "day": st.integers(0, 2_000_000),
})  # fmt: skip


@settings(FUZZ, max_examples=2500)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    decode_everywhere(data)


@settings(FUZZ, max_examples=2000)
@given(SCHEMA_IDS, st.binary(max_size=200))
def test_valid_header_random_body(schema_id: int, body: bytes) -> None:
    decode_everywhere(encode_header(schema_id) + body)


@settings(FUZZ, max_examples=2000)
@given(st.data())
def test_avro_records_whole_and_corrupted(data: st.DataObject) -> None:
    if data.draw(st.booleans()):
        order = data.draw(orders)
        payload = encode_avro(ORDER, 1, order)
        expected = {"id": order["id"], "state": order["state"]}
    else:  # a linked list up to ~300 nodes deep
        depth = data.draw(st.integers(0, 300))
        payload = encode_header(4) + b"\x02\x02" * depth + b"\x02\x00"
        expected = {"v": 1}
    mutated = mutate(payload, data.draw)
    decode_everywhere(mutated)
    if mutated == payload:  # intact records must decode
        value = DECODERS[0].decode(payload, is_key=False).value
        assert {k: value[k] for k in expected} == expected


events = st.recursive(
    st.fixed_dictionaries({"id": st.text(max_size=8), "n": st.integers(-(2**63), 2**63 - 1)}),
    lambda kids: st.fixed_dictionaries({
        "inner": st.fixed_dictionaries({"children": st.lists(kids, max_size=3),
                                        "d": finite, "blob": st.just("AAE=")}),
        "counts": st.dictionaries(st.text(max_size=4), st.integers(-(2**31), 2**31 - 1),
                                  max_size=2),
    }),
    max_leaves=8,
)  # fmt: skip


@settings(FUZZ, max_examples=1500)
@given(st.data())
def test_protobuf_messages_with_right_and_wrong_indexes(data: st.DataObject) -> None:
    intact = encode_protobuf(PROTO, 2, "fuzz.Event", data.draw(events))
    payload = intact
    if data.draw(st.booleans()):  # swap in another index path, often one that does not exist
        indexes = data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=4))
        payload = encode_header(2) + encode_message_indexes(indexes) + payload[6:]
    mutated = mutate(payload, data.draw)
    decode_everywhere(mutated)
    if mutated == intact:  # intact messages must decode
        assert DECODERS[0].decode(mutated, is_key=False).format == "protobuf"


json_values = st.recursive(
    st.none() | st.booleans() | finite | st.integers() | st.text(max_size=10),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids, max_size=4)
    ),
    max_leaves=20,
)


@settings(FUZZ, max_examples=1500)
@given(json_values, st.sampled_from(["plain", "wire", "bad-utf8", "deep"]), st.integers(0, 3000))
def test_json_text_invalid_utf8_and_deep_nesting(value: Any, shape: str, depth: int) -> None:
    text = json.dumps(value).encode()
    if shape == "wire":
        text = encode_header(3) + text
    elif shape == "bad-utf8":
        cut = depth % (len(text) + 1)
        text = text[:cut] + b"\xc3\x28\xff" + text[cut:]
    elif shape == "deep":
        text = b'{"a":' * depth + text + b"}" * depth
    decode_everywhere(text)


@settings(FUZZ, max_examples=1000)
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    decode_everywhere(data)
    auto = DECODERS[0].decode(data, is_key=True)
    if auto.format == "text":
        assert auto.value == text
    if auto.format == "json":
        assert not isinstance(auto.value, float) or math.isfinite(auto.value)
