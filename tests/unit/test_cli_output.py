"""The SPEC §2.2 JSONL mapping, the fast paths against the reference, text lines, tables."""

from __future__ import annotations

import base64
import json
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

import kafkatui.cli.output as output
from kafkatui.cli.output import RecordFormatter, plain_text_json, table
from kafkatui.decode.auto import AutoDecoder
from kafkatui.decode.model import Decoded
from kafkatui.records.text import decoded_text, header_map, rfc3339_ms
from kafkatui.records.view import record_document

TS = 1795849535123  # 2026-11-28T...Z with 123 ms


@dataclass
class Msg:
    """Stands in for confluent_kafka.Message: the same accessor methods."""

    _value: bytes | None
    _key: bytes | None = b"k1"
    _offset: int = 7
    _partition: int = 2
    _timestamp: int = TS
    _headers: list[tuple[str, bytes | None]] | None = None
    _topic: str = "orders"
    extra: dict[str, Any] = field(default_factory=dict)

    def topic(self) -> str:
        return self._topic

    def partition(self) -> int:
        return self._partition

    def offset(self) -> int:
        return self._offset

    def timestamp(self) -> tuple[int, int]:
        return (1, self._timestamp)

    def key(self) -> bytes | None:
        return self._key

    def value(self) -> bytes | None:
        return self._value

    def headers(self) -> list[tuple[str, bytes | None]] | None:
        return self._headers


def _lines(messages: list[Msg], **options: Any) -> list[dict[str, Any]]:
    formatter = RecordFormatter(AutoDecoder(None), **options)
    return [json.loads(line) for line in formatter.format(messages)]


def _reference(msg: Msg, key_format: str = "auto", value_format: str = "auto") -> dict:
    decoder = AutoDecoder(None)
    return record_document(
        msg.topic(),
        msg.partition(),
        msg.offset(),
        msg.timestamp()[1],
        decoder.decode(msg.key(), is_key=True, fmt=key_format),
        decoder.decode(msg.value(), is_key=False, fmt=value_format),
        msg.headers(),
    )


SAMPLES = [
    Msg(b'{"id": 1, "name": "caf\xc3\xa9", "tags": ["a", "b"]}'),
    Msg(b"plain text with \"quotes\" and \\ backslash", _key=None),
    Msg(b"\x00\x01\x02binary\xff", _key=b"\xfe\xfe"),
    Msg(None, _headers=[("trace", b"abc"), ("bin", b"\xff\x00"), ("empty", None)]),
    Msg(b"line1\nline2\ttab", _timestamp=-1),
    Msg(b"\x00\x00\x00\x00\x05rest"),  # a registry header but no registry configured
    Msg(b"[1, 2.5, null, true]", _offset=10**12, _partition=11),
]


@pytest.mark.parametrize("msg", SAMPLES, ids=range(len(SAMPLES)))
@pytest.mark.parametrize("value_format", ["auto", "hex", "text", "json"])
def test_fast_path_lines_equal_the_reference_mapping(msg: Msg, value_format: str) -> None:
    (line,) = _lines([msg], value_format=value_format)
    assert line == _reference(msg, value_format=value_format)


@pytest.mark.parametrize("msg", SAMPLES, ids=range(len(SAMPLES)))
def test_filtered_path_lines_equal_the_reference_mapping(msg: Msg) -> None:
    """With a filter the generic path runs; a needle taken from the record keeps it."""
    reference = _reference(msg)
    decoder = AutoDecoder(None)
    texts = [decoded_text(decoder.decode(msg.value(), is_key=False))]
    texts.append(decoded_text(decoder.decode(msg.key(), is_key=True)))
    needle = next(t for t in texts if t)[:3]
    assert _lines([msg], filter_text=needle) == [reference]


def test_jsonl_has_exactly_the_spec_fields_in_order() -> None:
    (line,) = RecordFormatter(AutoDecoder(None)).format([SAMPLES[0]])
    doc = json.loads(line)
    assert list(doc) == [
        "topic", "partition", "offset", "timestamp", "key", "value", "headers",
        "key_format", "value_format", "schema_id",
    ]
    assert doc["timestamp"] == "2026-11-28T07:05:35.123Z"
    assert doc["value"] == {"id": 1, "name": "café", "tags": ["a", "b"]}
    assert (doc["key"], doc["key_format"], doc["value_format"]) == ("k1", "text", "json")
    assert doc["schema_id"] is None
    assert line.endswith("}\n") and line.count("\n") == 1


def test_undecodable_value_is_data_with_error_and_hex() -> None:
    (doc,) = _lines([Msg(b"\xff\xfe not utf-8")], value_format="text")
    assert doc["value"] is None
    assert "UTF-8" in doc["value_error"]
    assert doc["value_hex"] == b"\xff\xfe not utf-8".hex()
    assert "key_error" not in doc


def test_undecodable_key_gets_key_error_and_key_hex() -> None:
    (doc,) = _lines([Msg(b"v", _key=b"\xff")], key_format="json")
    assert doc["key"] is None
    assert doc["key_hex"] == "ff"
    assert doc["key_error"]
    assert doc["value"] == "v"


def test_wire_header_without_registry_is_reported_with_schema_id() -> None:
    (doc,) = _lines([SAMPLES[5]])
    assert doc["schema_id"] == 5
    assert doc["value"] is None
    assert "registry" in doc["value_error"]
    assert doc["value_hex"] == b"\x00\x00\x00\x00\x05rest".hex()


def test_hex_of_an_undecodable_value_is_cut_at_one_kib() -> None:
    (doc,) = _lines([Msg(b"\xff" * 5000)], value_format="text")
    assert doc["value_hex"] == "ff" * 1024


def test_headers_are_text_or_base64() -> None:
    assert header_map([("a", b"x"), ("b", b"\xff\x01"), ("c", None)]) == {
        "a": "x",
        "b": base64.b64encode(b"\xff\x01").decode(),
        "c": None,
    }
    assert header_map(None) == {}


@pytest.mark.parametrize("value_format", ["hex", "auto"])  # each has a line loop of its own
def test_timestamps_keep_millis_across_seconds_in_one_batch(value_format: str) -> None:
    times = (TS, TS + 1, TS + 877, TS + 878, TS - 124, -1, TS - 123, 0, 999, 1000)
    msgs = [Msg(b"v", _timestamp=t) for t in times]
    stamps = [d["timestamp"] for d in _lines(msgs, value_format=value_format)]
    assert stamps == [
        "2026-11-28T07:05:35.123Z",
        "2026-11-28T07:05:35.124Z",
        "2026-11-28T07:05:36.000Z",
        "2026-11-28T07:05:36.001Z",
        "2026-11-28T07:05:34.999Z",
        None,
        "2026-11-28T07:05:35.000Z",
        "1970-01-01T00:00:00.000Z",
        "1970-01-01T00:00:00.999Z",
        "1970-01-01T00:00:01.000Z",
    ]
    assert rfc3339_ms(TS) == "2026-11-28T07:05:35.123Z"


def test_key_cache_does_not_leak_between_different_keys() -> None:
    msgs = [Msg(b"v", _key=k) for k in (b"a", b"b", b"a", None, b"\x00\x01")]
    keys = [(d["key"], d["key_format"]) for d in _lines(msgs)]
    assert keys == [("a", "text"), ("b", "text"), ("a", "text"), (None, "null"), ("0001", "hex")]


def _plain_text_samples() -> list[bytes]:
    rng = random.Random(5)
    samples = [bytes([b]) for b in range(256)]
    samples += [bytes([b]) + b"-id" for b in range(256)]  # every first byte
    samples += [b"id-" + bytes([b]) for b in range(256)]  # every later byte
    samples += [
        b"",
        b"caf\xc3\xa9",
        b"\xc3\xa9t\xc3\xa9",
        b"a\xff",
        b' {"a": 1}',
        b'{"a": 1}',
        b'["x"]',
        b'"quoted"',
        b"\xc2\xa0[1]",  # a non-ASCII space before JSON
        b"\x00\x00\x00\x00\x05x",
        b'a"b\\c',
        b"123",
        b"true",
        b"-1",
        b"a\tb\nc\rd",
        str(uuid.UUID(int=7)).encode(),
    ]
    for low, high, longest in ((0, 256, 12), (32, 127, 40)):  # any bytes, printable ASCII
        samples += [
            bytes(rng.randrange(low, high) for _ in range(rng.randrange(1, longest)))
            for _ in range(3000)
        ]
    return samples


@pytest.mark.parametrize("key_format", ["auto", "text"])
def test_plain_text_keys_equal_what_the_decoder_makes(key_format: str) -> None:
    """The decoder-free key path answers only where the decoder says text, and alike."""
    decoder = AutoDecoder(None)
    answered = 0
    for data in _plain_text_samples():
        found = plain_text_json(data)
        if found is None:
            continue
        answered += 1
        decoded = decoder.decode(data, is_key=True, fmt=key_format)
        assert (decoded.format, decoded.error) == ("text", None), data
        assert json.loads(found) == decoded.value, data
        assert found == output.dumps(decoded.value), data
    assert answered > 3000  # the printable samples took the fast path


def test_distinct_keys_beyond_the_key_cache_keep_every_line_right(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keys that never repeat fill the cache once; it then stops keeping text keys, and
    every line (text, JSON and undecodable keys among them) still equals the reference."""
    monkeypatch.setattr(output, "_KEY_CACHE_MAX", 64)
    keys = [str(uuid.UUID(int=n)).encode() for n in range(300)]
    keys[10::37] = [b'{"id": %d}' % n for n in range(len(keys[10::37]))]
    keys[20::41] = [b"\xfe\xff%d" % n for n in range(len(keys[20::41]))]
    msgs = [Msg(b"v%d" % n, _key=k, _offset=n) for n, k in enumerate(keys + keys[:50])]
    formatter = RecordFormatter(AutoDecoder(None), value_format="hex")
    lines = [json.loads(line) for start in range(0, len(msgs), 25)
             for line in formatter.format(msgs[start : start + 25])]  # fmt: skip
    assert lines == [_reference(m, value_format="hex") for m in msgs]
    assert len(formatter._key_parts_cache) < 64  # only the decoder's keys are kept now


def test_repeated_keys_stay_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "_KEY_CACHE_MAX", 64)
    keys = [b"user-%d" % (n % 40) for n in range(400)]
    formatter = RecordFormatter(AutoDecoder(None))
    lines = formatter.format([Msg(b"v", _key=k) for k in keys])
    assert [json.loads(line)["key"] for line in lines] == [k.decode() for k in keys]
    assert len(formatter._key_parts_cache) == 40


def test_filter_searches_the_decoded_key_and_value_text() -> None:
    msgs = [
        Msg(b'{"city": "Z\xc3\xbcrich"}', _key=b"one"),
        Msg(b"nothing here", _key=b"has-needle"),
        Msg(b"plain", _key=b"two"),
    ]
    assert [d["key"] for d in _lines(msgs, filter_text="Zürich")] == ["one"]
    assert [d["key"] for d in _lines(msgs, filter_text="needle")] == ["has-needle"]
    assert [d["key"] for d in _lines(msgs, filter_text='"city"')] == ["one"]
    assert _lines(msgs, filter_text="absent") == []


def test_text_output_is_one_tab_separated_line_per_record() -> None:
    formatter = RecordFormatter(AutoDecoder(None), output="text")
    lines = formatter.format([Msg(b"a\nb\tc", _key=None), Msg(b'{"x": 1}')])
    assert lines == [
        "2026-11-28T07:05:35.123Z\t2\t7\t\ta\\nb\\tc\n",
        '2026-11-28T07:05:35.123Z\t2\t7\tk1\t{"x":1}\n',
    ]


def test_decoded_text_forms() -> None:
    assert decoded_text(Decoded("text", "hi")) == "hi"
    assert decoded_text(Decoded("json", {"a": [1]})) == '{"a":[1]}'
    assert decoded_text(Decoded("null", None)) == ""
    assert decoded_text(Decoded("avro", None, error="bad", hex="00ff")) == "00ff"


def test_table_aligns_columns_and_shows_missing_values_as_dash() -> None:
    text = table(("GROUP", "LAG"), [("a", 5), ("longer-name", None), ("b", 1234)])
    assert text.splitlines() == [
        "GROUP         LAG",
        "a               5",
        "longer-name     -",
        "b            1234",
    ]
