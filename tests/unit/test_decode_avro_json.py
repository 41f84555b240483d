"""The one-pass Avro-to-JSON reader prints exactly what the reference path prints.

The reference is `AvroCodec.decode` (fastavro, logical types, `to_json`) and the
tail's JSON encoder. Data comes from fastavro's own random generator, so every type
and logical type is exercised with values nobody picked; broken bodies must make the
fast path give up whenever the reference refuses them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from fastavro.utils import generate_many

from kafkatui.cli.output import RecordFormatter
from kafkatui.decode.auto import AutoDecoder
from kafkatui.decode.avro import AvroCodec, encode_avro
from kafkatui.decode.errors import DecodeFailure
from kafkatui.records.text import dumps
from kafkatui.records.view import record_document
from tests.unit.decode_fakes import MemoryRegistry
from tests.unit.test_cli_output import Msg

EVERYTHING = {
    "type": "record",
    "name": "Everything",
    "namespace": "t",
    "fields": [
        {"name": "n", "type": "null"},
        {"name": "flag", "type": "boolean"},
        {"name": "small", "type": "int"},
        {"name": "big", "type": "long"},
        {"name": "f32", "type": "float"},
        {"name": "f64", "type": "double"},
        {"name": "raw", "type": "bytes"},
        {"name": "text", "type": "string"},
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "at_ms", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "at_us", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "local_ms", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "clock", "type": {"type": "int", "logicalType": "time-millis"}},
        {
            "name": "price",
            "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2},
        },
        {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 4}},
        {"name": "colour", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "BLUE"]}},
        {"name": "maybe", "type": ["null", "string", "long"]},
        {
            "name": "inner",
            "type": {
                "type": "record",
                "name": "Inner",
                "fields": [{"name": "tags", "type": {"type": "array", "items": "string"}}],
            },
        },
        {"name": "again", "type": "Inner"},
        {"name": "scores", "type": {"type": "map", "values": "double"}},
        {"name": "matrix", "type": {"type": "array", "items": {"type": "array", "items": "int"}}},
        {"name": "same_hash", "type": ["null", "Hash"]},
    ],
}


UUID_RECORD = {
    "type": "record",
    "name": "U",
    "fields": [{"name": "id", "type": {"type": "string", "logicalType": "uuid"}}],
}
LONG_RECORD = {"type": "record", "name": "L", "fields": [{"name": "n", "type": "long"}]}


def _codec(schema: dict[str, Any]) -> AvroCodec:
    return AvroCodec(json.dumps(schema))


def _both(schema: dict[str, Any]) -> tuple[AvroCodec, Callable[[bytes, int], str]]:
    """The reference codec and its one-pass reader (which the schema must have)."""
    codec = _codec(schema)
    transcode = codec.json_transcoder
    assert transcode is not None
    return codec, transcode


def _bodies(schema: dict[str, Any], count: int) -> list[bytes]:
    text = json.dumps(schema)
    return [encode_avro(text, 1, datum)[5:] for datum in generate_many(schema, count)]


def _reference(codec: AvroCodec, body: bytes) -> str:
    return dumps(codec.decode(body, 0))


def test_every_type_and_logical_type_prints_as_the_reference() -> None:
    codec = _codec(EVERYTHING)
    transcode = codec.json_transcoder
    assert transcode is not None
    for body in _bodies(EVERYTHING, 300):
        assert transcode(body, 0) == _reference(codec, body)


def test_uuid_forms_are_normalised_like_the_reference() -> None:
    codec, transcode = _both(UUID_RECORD)
    for text in (
        "6f1c1f2e-4b7a-4c55-9d1e-8a2b3c4d5e6f",
        "6F1C1F2E4B7A4C559D1E8A2B3C4D5E6F",
        "{6f1c1f2e-4b7a-4c55-9d1e-8a2b3c4d5e6f}",
        "urn:uuid:6f1c1f2e-4b7a-4c55-9d1e-8a2b3c4d5e6f",
    ):
        body = bytes([len(text) * 2]) + text.encode()
        assert transcode(body, 0) == _reference(codec, body)


@pytest.mark.parametrize(
    "number", [0, -1, 63, -64, 64, 8191, -8192, 8192, 2**31, -(2**31) - 1, 2**63 - 1, -(2**63)]
)
def test_longs_of_every_length_print_as_the_reference(number: int) -> None:
    codec, transcode = _both(LONG_RECORD)
    body = encode_avro(json.dumps(LONG_RECORD), 1, {"n": number})[5:]
    assert transcode(body, 0) == _reference(codec, body) == f'{{"n":{number}}}'


def test_a_varint_longer_than_ten_bytes_is_left_to_the_reference() -> None:
    codec, transcode = _both(LONG_RECORD)
    body = b"\x80" * 10 + b"\x01"
    with pytest.raises(Exception):  # noqa: B017  the caller then asks the reference path
        transcode(body, 0)
    assert _reference(codec, body).startswith('{"n":')  # fastavro reads it; it decides


@pytest.mark.parametrize(
    "text",
    [
        " 6f1c1f2e4b7a4c559d1e8a2b3c4d5e6",  # what int() reads, UUID() reads too
        "+6f1c1f2e4b7a4c559d1e8a2b3c4d5e6",
        "6f1c_1f2e4b7a4c559d1e8a2b3c4d5e6",
        "\u0661" * 16 + "0" * 16,  # Arabic-Indic digits: int() takes them, so does UUID()
        "-6f1c1f2e4b7a4c559d1e8a2b3c4d5e6",
        " -000000000000000000000000000000",  # a dash: UUID() drops it and refuses
        "6f1c1f2e4b7a4c559d1e8a2b3c4d5e6g",
        "{6f1c1f2e4b7a4c559d1e8a2b3c4d5e}",
        "",
    ],
)
def test_odd_uuid_texts_print_or_fail_as_the_reference_does(text: str) -> None:
    codec, transcode = _both(UUID_RECORD)
    encoded = text.encode()
    body = bytes([len(encoded) * 2]) + encoded
    try:
        reference: str | None = _reference(codec, body)
    except DecodeFailure:
        reference = None
    try:
        fast: str | None = transcode(body, 0)
    except Exception:
        fast = None
    assert fast == reference


def test_broken_bodies_never_print_what_the_reference_refuses() -> None:
    codec = _codec(EVERYTHING)
    transcode = codec.json_transcoder
    assert transcode is not None
    rng = random.Random(7)
    refused_by_both = 0
    for body in _bodies(EVERYTHING, 60):
        for _ in range(20):
            broken = bytearray(body[: rng.randrange(len(body) + 1)])
            if broken and rng.random() < 0.7:
                broken[rng.randrange(len(broken))] = rng.randrange(256)
            try:
                reference: str | None = _reference(codec, bytes(broken))
            except DecodeFailure:
                reference = None
            try:
                fast: str | None = transcode(bytes(broken), 0)
            except Exception:
                fast = None  # the caller then asks the reference path
            if reference is None:
                assert fast is None
                refused_by_both += 1
            elif fast is not None:
                assert fast == reference
    assert refused_by_both > 100  # the mutations did break bodies


@pytest.mark.parametrize(
    "schema",
    [
        {  # recursive: a linked list
            "type": "record",
            "name": "Node",
            "fields": [{"name": "next", "type": ["null", "Node"]}],
        },
        {"type": "array", "items": "null"},  # a hostile count would loop without reading
    ],
    ids=["recursive", "array-of-nothing"],
)
def test_schemas_it_cannot_do_fall_back_to_the_reference(schema: dict[str, Any]) -> None:
    assert _codec(schema).json_transcoder is None


def _reference_lines(decoder: AutoDecoder, messages: list[Msg]) -> list[Any]:
    reference = [
        record_document(
            msg.topic(),
            msg.partition(),
            msg.offset(),
            msg.timestamp()[1],
            decoder.decode(msg.key(), is_key=True),
            decoder.decode(msg.value(), is_key=False),
            msg.headers(),
        )
        for msg in messages
    ]
    parsed: list[Any] = json.loads(json.dumps(reference, default=str))
    return parsed


def test_the_tail_formatter_uses_it_and_prints_the_reference_lines() -> None:
    registry = MemoryRegistry()
    registry.add(9, json.dumps(EVERYTHING))
    decoder = AutoDecoder(registry)
    text = json.dumps(EVERYTHING)
    values = [encode_avro(text, 9, datum) for datum in generate_many(EVERYTHING, 50)]
    values.append(values[0][:12])  # truncated: the fast path gives up, the reference says why
    messages = [Msg(value, _offset=i) for i, value in enumerate(values)]
    formatter = RecordFormatter(decoder)
    lines = [json.loads(line) for line in formatter.format(messages)]
    assert formatter._transcoders  # the one-pass reader was used
    assert lines == _reference_lines(decoder, messages)
    assert lines[0]["value_format"] == "avro" and lines[0]["schema_id"] == 9
    assert lines[-1]["value"] is None and lines[-1]["value_error"]


def test_a_batch_mixing_schemas_and_unframed_values_prints_the_reference_lines() -> None:
    """The formatter remembers the last wire header's reader; every switch must show."""
    registry = MemoryRegistry()
    small = {"type": "record", "name": "S", "fields": [{"name": "n", "type": "long"}]}
    registry.add(9, json.dumps(EVERYTHING))
    registry.add(10, json.dumps(small))
    decoder = AutoDecoder(registry)
    everything = [encode_avro(json.dumps(EVERYTHING), 9, d) for d in generate_many(EVERYTHING, 3)]
    values = [
        everything[0],
        encode_avro(json.dumps(small), 10, {"n": -5}),
        everything[1],
        b'{"plain": "json"}',
        b"\x00\x00\x00",  # framed but too short for a header
        b"\x00\x00\x00\x00\x63" + everything[0][5:],  # schema id 99: unknown
        b"\x00\x00\x00\x00\x63" + everything[1][5:],  # and again: no lookup, same words
        everything[2],
        b"\x00\x00\x00\x00\x0a\x80",  # schema 10 with a body cut short
        None,
    ]
    messages = [Msg(value, _offset=i) for i, value in enumerate(values)]
    lines = [json.loads(line) for line in RecordFormatter(decoder).format(messages)]
    assert lines == _reference_lines(decoder, messages)
    assert [line["schema_id"] for line in lines] == [9, 10, 9, None, None, 99, 99, 9, 10, None]
    assert lines[1]["value"] == {"n": -5} and lines[3]["value_format"] == "json"
    assert lines[5]["value_error"] == lines[6]["value_error"] and lines[8]["value_error"]


MANY_SYMBOLS = {
    "type": "record",
    "name": "E",
    "fields": [
        {
            "name": "e",
            "type": {"type": "enum", "name": "Many", "symbols": [f"S{i}" for i in range(100)]},
        }
    ],
}
WIDE_UNION = {  # 70 branches: null and 69 one-byte fixed types
    "type": "record",
    "name": "W",
    "fields": [
        {
            "name": "w",
            "type": ["null"] + [{"type": "fixed", "name": f"F{i}", "size": 1} for i in range(69)],
        }
    ],
}


@pytest.mark.parametrize("index", [0, 1, 63, 64, 99])
def test_enum_indexes_past_one_byte_print_as_the_reference(index: int) -> None:
    codec, transcode = _both(MANY_SYMBOLS)
    body = encode_avro(json.dumps(MANY_SYMBOLS), 1, {"e": f"S{index}"})[5:]
    assert transcode(body, 0) == _reference(codec, body) == f'{{"e":"S{index}"}}'


@pytest.mark.parametrize("index", [0, 1, 63, 64, 69])
def test_union_branches_past_one_byte_print_as_the_reference(index: int) -> None:
    codec, transcode = _both(WIDE_UNION)
    body = _zigzag(index) + (b"" if index == 0 else b"\x07")
    assert transcode(body, 0) == _reference(codec, body)


def test_a_long_encoding_of_a_small_index_is_left_to_the_reference() -> None:
    """Zigzag 2 (branch or symbol 1) written in two bytes: legal, and never seen in
    practice; the one-byte fast path gives up and the reference reads it."""
    union = {"type": "record", "name": "U", "fields": [{"name": "u", "type": ["null", "long"]}]}
    enum = {
        "type": "record",
        "name": "N",
        "fields": [{"name": "n", "type": {"type": "enum", "name": "AB", "symbols": ["A", "B"]}}],
    }
    for schema, body, expected in (
        (union, b"\x82\x00\x0a", '{"u":5}'),
        (enum, b"\x82\x00", '{"n":"B"}'),
    ):
        codec, transcode = _both(schema)
        with pytest.raises(Exception):  # noqa: B017  the caller then asks the reference path
            transcode(body, 0)
        assert _reference(codec, body) == expected


def _zigzag(number: int) -> bytes:
    value, out = (number << 1) ^ (number >> 63), bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)
