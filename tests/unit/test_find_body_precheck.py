"""find's test on Avro bodies: a value it leaves out untranscoded never matches.

A value is left out on its bytes only when its schema prints nothing but its own words
and what the body holds (decode.avro_words), and the text cannot come from an escape, a
number or a literal (RecordFilter.body_piece). The property below draws values with
control characters, quotes, backslashes, the Kelvin sign and dotted I, floats with NaN
and infinities, and needles cut from the printed text, and holds the test to the text.
"""

from __future__ import annotations

import io
import json
import string
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import fastavro.read
import pytest
from fastavro import parse_schema, schemaless_writer
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kafkatui.decode.avro import AvroCodec
from kafkatui.decode.avro_words import printed
from kafkatui.records import RecordFilter
from kafkatui.records.text import dumps

RICH: dict[str, Any] = {
    "type": "record",
    "name": "Click",
    "namespace": "shop",
    "fields": [
        {"name": "url", "type": "string"},
        {"name": "attrs", "type": {"type": "map", "values": ["null", "string", "double"]}},
        {"name": "items", "type": {"type": "array", "items": ["null", "string", "long", "float", "boolean"]}},  # noqa: E501
        {"name": "colour", "type": {"type": "enum", "name": "Colour", "symbols": ["RED", "DARK_BLUE"]}},  # noqa: E501
        {"name": "inner", "type": ["null", {"type": "record", "name": "Inner", "fields": [{"name": "deepName", "type": "string"}]}]},  # noqa: E501
        # printed as text made from the bytes: base64, RFC 3339, a UUID, a decimal
        {"name": "blob", "type": ["null", "bytes"]},
        {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},  # noqa: E501
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
    ],
}
HEADER = b"\x00\x00\x00\x00\x09"

_chars = st.one_of(
    st.characters(max_codepoint=0x7F),  # ASCII, control characters included
    st.sampled_from(['"', "\\", "\x1a", "\n", "\u212a", "\u0130", "é", "É", "∞"]),
)
_strings = st.one_of(st.text(_chars, max_size=14), st.sampled_from(["alice", "NaN", "true", "RED"]))
_floats = st.floats(allow_nan=True, allow_infinity=True, width=32)


@st.composite
def _clicks(draw: st.DrawFn) -> dict[str, Any]:
    item = st.one_of(st.none(), _strings, st.integers(-(2**63), 2**63 - 1), _floats, st.booleans())
    return {
        "url": draw(_strings),
        "attrs": draw(st.dictionaries(_strings, st.one_of(st.none(), _strings, st.floats()), max_size=3)),  # noqa: E501
        "items": draw(st.lists(item, max_size=4)),
        "colour": draw(st.sampled_from(["RED", "DARK_BLUE"])),
        "inner": draw(st.one_of(st.none(), st.builds(lambda s: {"deepName": s}, _strings))),
        "blob": draw(st.one_of(st.none(), st.binary(max_size=12))),
        "ts": draw(st.datetimes(min_value=datetime(1970, 1, 1), timezones=st.just(UTC))),
        "id": str(draw(st.uuids())),
        "price": draw(st.decimals(min_value=-9999999, max_value=9999999, places=2)),
        "day": draw(st.dates(min_value=date(1970, 1, 1))),
    }


def _datum(**fields: Any) -> dict[str, Any]:
    """A Click with these fields, the rest plain."""
    plain: dict[str, Any] = {"url": "/", "attrs": {}, "items": [], "colour": "RED", "inner": None,
             "blob": None, "ts": datetime(2026, 12, 5, tzinfo=UTC), "id": str(UUID(int=7)),
             "price": Decimal("1.50"), "day": date(2026, 12, 5)}  # fmt: skip
    return plain | fields


def _framed(schema: Any, datum: Any) -> bytes:
    out = io.BytesIO()
    schemaless_writer(out, parse_schema(schema), datum)
    return HEADER + out.getvalue()


def _printed_text(codec: AvroCodec, framed: bytes) -> str:
    """What the filter searches: a string is itself, anything else compact JSON."""
    value = codec.decode(framed)
    return value if isinstance(value, str) else dumps(value)


def _left_out(text: str, codec: AvroCodec, framed: bytes) -> bool:
    """True when find's batch test leaves the value out on its bytes (as Finder asks)."""
    record_filter = RecordFilter(text)
    found = codec.printed

    def judged_on_body(header: bytes) -> bool:
        return found is not None and record_filter.beyond(found.words, found.derived)

    return record_filter.may_match_batch([None], [framed], [None], None, judged_on_body) == []


@st.composite
def _needles(draw: st.DrawFn, printed: str) -> str:
    """A piece of the printed text in some case, or random text near the escapes."""
    if printed and draw(st.booleans()):
        start = draw(st.integers(0, len(printed) - 1))
        piece = printed[start : start + draw(st.integers(1, 8))]
        return draw(st.sampled_from([piece, piece.lower(), piece.upper()]))
    return draw(st.text(st.sampled_from([*"alicenu01fbrtRDkKi", "\u212a", "\u0130"]), min_size=1, max_size=6))  # noqa: E501


#: without `blob`, whose base64 may print any letter or digit, most texts are judged
RICH_NO_BYTES = RICH | {"fields": [f for f in RICH["fields"] if f["name"] != "blob"]}


@pytest.mark.parametrize("schema", [RICH, RICH_NO_BYTES], ids=["with-bytes", "no-bytes"])
@settings(max_examples=600, deadline=None)
@given(data=st.data(), datum=_clicks())
@example(data=None, datum=_datum(url="\x1alice"))
def test_a_value_left_out_on_its_bytes_never_matches(
    schema: dict[str, Any], data: st.DataObject | None, datum: dict[str, Any]
) -> None:
    codec = AvroCodec(json.dumps(schema))
    if schema is RICH_NO_BYTES:
        datum = {k: v for k, v in datum.items() if k != "blob"}
    framed = _framed(schema, datum)
    printed = _printed_text(codec, framed)
    needles = ["alice", "1alice", "lice"] if data is None else [data.draw(_needles(printed))]
    for needle in needles:
        if _left_out(needle, codec, framed):
            assert not RecordFilter(needle).contains(printed), (needle, printed)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), text=_strings)
def test_a_top_level_string_is_judged_on_its_bytes_too(data: st.DataObject, text: str) -> None:
    codec = AvroCodec('"string"')
    framed = _framed("string", text)
    needle = data.draw(_needles(text)) if text else "x"
    if _left_out(needle, codec, framed):
        assert not RecordFilter(needle).contains(text)


def test_a_common_search_leaves_out_what_does_not_hold_it() -> None:
    codec = AvroCodec(json.dumps(RICH))
    other = _framed(RICH, _datum(url="/cart?i=7"))
    assert _left_out("?i=5", codec, other)
    assert not _left_out("?i=7", codec, other)
    assert not _left_out("i=5", codec, other)  # base64 (of `blob`) may print it
    assert not _left_out("blue", codec, other)  # an enum symbol: transcoded
    assert not _left_out("url", codec, other)  # a field name
    assert not _left_out("12-05t", codec, other)  # may be in a timestamp


@pytest.mark.parametrize(
    ("schema", "derived"),
    [
        ("bytes", set(string.ascii_lowercase + string.digits + "+/=")),
        ({"type": "fixed", "name": "F", "size": 2}, set(string.ascii_lowercase + string.digits + "+/=")),  # noqa: E501
        ({"type": "long", "logicalType": "timestamp-millis"}, set(string.digits + "-:.tz")),
        ({"type": "string", "logicalType": "uuid"}, set(string.digits + "abcdef-")),
        ({"type": "string", "logicalType": "no-such-type"}, set()),  # prints as a string
    ],
)
def test_what_text_made_from_bytes_can_hold(schema: Any, derived: set[str]) -> None:
    found = printed(parse_schema(schema), {})
    assert found is not None and found.derived == derived


def test_a_logical_type_fastavro_reads_but_we_do_not_know_is_not_judged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(fastavro.read.LOGICAL_READERS, "string-shouting", str.upper)
    assert printed(parse_schema({"type": "string", "logicalType": "shouting"}), {}) is None


def test_words_are_field_names_and_enum_symbols_through_references() -> None:
    named: dict[str, Any] = {}
    found = printed(parse_schema(RICH, named_schemas=named), named)
    assert found is not None and found.words == {
        "url", "attrs", "items", "colour", "inner", "deepName", "RED", "DARK_BLUE",
        "blob", "ts", "id", "price", "day",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "piece"),
    [
        ("alice", b"lice"),  # a match may start in "\u001a"
        ("Order", b"Order"),
        ("u001alice", b"lice"),
        ("xyz", b"xyz"),
        ("b", None),  # inside an escape: "\b"
        ("u00", None),
        ("nan", None),  # a literal
        ("{x", None),  # JSON punctuation
        ("été", None),  # non-ASCII in any case: Unicode lower case
    ],
)
def test_the_piece_a_body_must_hold(text: str, piece: bytes | None) -> None:
    assert RecordFilter(text).body_piece() == piece
