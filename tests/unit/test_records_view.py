"""RecordView: full text, the JSONL document, and the CLI's fast lines equal to it."""

from __future__ import annotations

import io
import json
from typing import Any

import fastavro
import pytest

from kafkatui.cli.output import RecordFormatter
from kafkatui.cluster.models import RawRecord
from kafkatui.decode.auto import AutoDecoder
from kafkatui.decode.model import Decoded
from kafkatui.decode.wire import encode_header
from kafkatui.records.text import decoded_text, escape_line, header_map, header_text
from kafkatui.records.view import RecordView, decode_record
from tests.unit.decode_fakes import MemoryRegistry
from tests.unit.test_cli_output import TS, Msg

SCHEMA = {
    "type": "record",
    "name": "Order",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount", "type": "double"},
        {"name": "note", "type": ["null", "string"], "default": None},
    ],
}


def _avro(schema_id: int, value: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    fastavro.schemaless_writer(out, fastavro.parse_schema(SCHEMA), value)
    return encode_header(schema_id) + out.getvalue()


def _decoder() -> AutoDecoder:
    registry = MemoryRegistry()
    registry.add(7, json.dumps(SCHEMA))
    return AutoDecoder(registry)


MESSAGES = [
    Msg(_avro(7, {"id": "o-1", "amount": 2.5, "note": 'caf\u00e9 "x"\n'}), _key=b"k1"),
    Msg(_avro(7, {"id": "o-2", "amount": 1e21, "note": None}), _key=None),
    Msg(_avro(99, {"id": "o-3", "amount": 0.0}), _key=b"k2"),  # unknown schema id
    Msg(b"\x00\x00\x00\x00\x07\xff\xff", _key=b"\xfe\xff"),  # a broken Avro body, binary key
    Msg(b'{"a": [1, 2.50, "\\u00e9"]}', _headers=[("h", b"v"), ("bin", b"\xff"), ("n", None)]),
    Msg(b"plain text\twith tab", _key=None, _timestamp=-1),
    Msg(None, _key=b"tombstone"),
    Msg(b"\x01\x02binary", _offset=10**12, _partition=11),
]


def _view(decoder: AutoDecoder, msg: Msg, key_format: str, value_format: str) -> RecordView:
    record = RawRecord(
        msg.topic(),
        msg.partition(),
        msg.offset(),
        msg.timestamp()[1],
        msg.key(),
        msg.value(),
        tuple(msg.headers() or ()),
    )
    return decode_record(record, decoder, key_format, value_format)


@pytest.mark.parametrize("value_format", ["auto", "avro", "hex", "text", "json"])
@pytest.mark.parametrize("key_format", ["auto", "avro"])
@pytest.mark.parametrize("batched", [True, False])
def test_cli_fast_lines_equal_record_view_jsonl(
    value_format: str, key_format: str, batched: bool
) -> None:
    """The benchmark-tuned CLI line builder prints exactly RecordView.jsonl()."""
    decoder = _decoder()
    formatter = RecordFormatter(decoder, key_format=key_format, value_format=value_format)
    if batched:
        lines = formatter.format(MESSAGES)
    else:
        lines = [line for msg in MESSAGES for line in formatter.format([msg])]
    expected = [_view(decoder, m, key_format, value_format).jsonl() + "\n" for m in MESSAGES]
    assert lines == expected
    if value_format == "auto":  # the Avro values really took the one-pass transcoder
        assert formatter._transcoders


def test_filtered_cli_lines_equal_record_view_jsonl() -> None:
    decoder = _decoder()
    lines = RecordFormatter(decoder, filter_text="o-").format(MESSAGES)
    assert lines == [_view(decoder, m, "auto", "auto").jsonl() + "\n" for m in MESSAGES[:2]]


def test_document_carries_errors_and_hex_per_side() -> None:
    view = _view(_decoder(), MESSAGES[3], "auto", "auto")
    doc = view.document()
    assert doc["key"] == "feff" and doc["key_format"] == "hex"  # binary key: hex as data
    assert "key_error" not in doc
    assert doc["value"] is None and doc["schema_id"] == 7
    assert doc["value_error"] and doc["value_hex"] == "0000000007ffff"
    forced = _view(_decoder(), MESSAGES[3], "avro", "auto").document()
    assert forced["key"] is None and forced["key_hex"] == "feff" and forced["key_error"]
    assert json.loads(view.jsonl()) == doc


def test_view_text_is_whole_and_null_is_empty() -> None:
    long_value = b'{"pad": "' + b"x" * 10_000 + b'"}'
    view = decode_record(RawRecord("t", 0, 0, TS, None, long_value), AutoDecoder())
    assert view.key_text == ""
    assert len(view.value_text) == len(long_value) - 1  # compact JSON, never cut


def test_text_helpers() -> None:
    assert decoded_text(Decoded("text", "hi")) == "hi"
    assert decoded_text(Decoded("json", {"a": [1]})) == '{"a":[1]}'
    assert decoded_text(Decoded("null", None)) == ""
    assert decoded_text(Decoded("avro", None, error="bad", hex="00ff")) == "00ff"
    assert header_text(b"\xff") == "/w=="
    assert header_map([("a", b"x"), ("b", None)]) == {"a": "x", "b": None}
    assert escape_line("a\\b\nc\td\r") == "a\\\\b\\nc\\td\\r"
