"""The one filter rule (smart case; key, whole value, headers) and its raw pre-check."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kafkatui.cluster.models import RawRecord
from kafkatui.decode.auto import AutoDecoder
from kafkatui.records import RecordFilter, decode_record

DECODER = AutoDecoder()  # no registry: wire-format payloads decode to errors as data


def record(
    key: bytes | None = None,
    value: bytes | None = None,
    headers: tuple[tuple[str, bytes | None], ...] = (),
) -> RawRecord:
    return RawRecord("t", 0, 1, 1_700_000_000_000, key, value, headers)


def matches(text: str, rec: RawRecord, fmt: str = "auto") -> bool:
    return RecordFilter(text).matches(decode_record(rec, DECODER, fmt, fmt))


@pytest.mark.parametrize(
    ("text", "rec", "expected"),
    [
        ("order", record(value=b'{"Order": 1}'), True),  # lower case: any case
        ("Order", record(value=b'{"order": 1}'), False),  # an upper-case letter: exact case
        ("Order", record(value=b'{"Order": 1}'), True),
        ("ÉTÉ", record(value="été".encode()), False),
        ("été", record(value="ÉTÉ".encode()), True),
        ("k-7", record(key=b"K-7"), True),  # the key
        ("trace", record(value=b"x", headers=(("Trace-Id", b"1"),)), True),  # header name
        ("abc123", record(value=b"x", headers=(("id", b"ABC123"),)), True),  # header value
        ("3q2+7w==", record(value=b"x", headers=(("bin", b"\xde\xad\xbe\xef"),)), True),  # base64
        ("nothing", record(value=b"x", headers=(("n", None),)), False),
        ("null", record(key=None, value=None), False),  # null has no text
        ('"a":1', record(value=b'{"a": 1}'), True),  # compact JSON is what is searched
        ("100.0", record(value=b"1E2"), False),  # auto: a bare number stays text
        ("deadbeef", record(value=b"\xde\xad\xbe\xef"), True),  # hex of binary
    ],
)
def test_smart_case_over_key_value_and_headers(text: str, rec: RawRecord, expected: bool) -> None:
    assert matches(text, rec) is expected
    if expected:  # the pre-check never hides a match
        assert RecordFilter(text).may_match_raw(rec)


def test_the_whole_value_is_searched_never_a_cut() -> None:
    value = json.dumps({"pad": "x" * 50_000, "needle": "found-me"}).encode()
    assert matches("found-me", record(value=value))


def test_empty_filter_is_false_and_matches_everything() -> None:
    empty = RecordFilter("")
    assert not empty
    assert RecordFilter("x")
    assert empty.matches(decode_record(record(value=b"a"), DECODER))
    assert empty.may_match_raw(record())


@pytest.mark.parametrize(
    ("text", "rec"),
    [
        ("orders", record(key=b"k", value=b'{"a": "customers"}')),
        ("orders", record(key=None, value=b"plain text")),
        ("Orders", record(value=b"orders")),  # exact case: raw bytes differ
        ("no such text", record(value=b"\xff\xfe no such text \x80")),  # not UTF-8: hex
        ("no such", record(value=b"\xff\\no such \x80")),  # a backslash in non-UTF-8 bytes too
        ('"a":', record(value=b"plain text, no JSON")),  # punctuation, and no JSON to make it
        ("zz:", record(key=b"user-12", value=b"\x01\x02")),
        ("order", record(key=b"\x93order", value="été".encode())),  # key: hex too
        ("été", record(value="Hiver ÉTÉ!".encode()[:-1] + b"\xc3")),  # cut UTF-8: hex
        ("été", record(value=b"hiver" + "à".encode())),  # UTF-8 text without it
    ],
)
def test_pre_check_skips_what_cannot_match(text: str, rec: RawRecord) -> None:
    assert not RecordFilter(text).may_match_raw(rec)
    assert not matches(text, rec)


@pytest.mark.parametrize(
    ("text", "rec"),
    [
        ("100.0", record(value=b"[1E2]")),  # a reformatted number
        ("infinity", record(value=b"[1e400]")),  # overflow becomes Infinity
        ("infinity", record(value=b" 1e400")),  # a bare number is JSON too (--value-format json)
        ("-inf", record(value=b"-1e400")),
        ("é", record(value=b'{"a": "\\u00e9"}')),  # an escape
        ("customer", record(value=b"\x00\x00\x00\x00\x01xx")),  # a schema-registry payload
        ("k", record(value="\u212a".encode())),  # the Kelvin sign lower-cases to ASCII k
        ("cafe", record(value=b"\xca\xfe")),  # hex letters
        ("été", record(value="Hiver ÉTÉ".encode())),  # non-ASCII UTF-8 is lower-cased as text
        ("i", record(value="İST".encode())),  # İ lower-cases to i and a combining dot
        ("é", record(value=b'  ["\\u00e9"]')),  # an escape in a JSON text after whitespace
    ],
)
def test_pre_check_decodes_what_it_cannot_judge(text: str, rec: RawRecord) -> None:
    assert RecordFilter(text).may_match_raw(rec)


# ---- property: the pre-check never says "cannot match" for a record that matches --------
_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def _json_payloads(draw: st.DrawFn) -> bytes:
    value = draw(_json_values)
    text = json.dumps(
        value,
        ensure_ascii=draw(st.booleans()),
        indent=draw(st.sampled_from([None, 1])),
        separators=draw(st.sampled_from([None, (",", ":"), (" , ", " : ")])),
    )
    text = text.replace("e+", draw(st.sampled_from(["e+", "E", "e"])))  # other number spellings
    return text.encode()


_payloads = st.one_of(
    st.none(),
    _json_payloads(),
    st.text(max_size=30).map(str.encode),
    st.binary(max_size=30),
    st.sampled_from([b"[1E2]", b"[1e400]", b'"\\u00e9t\\u00c9"', b"\x00\x00\x00\x00\x07ab",
                     "\u0130st \u212a \u00e9T\u00c9".encode(), b'\n{"k": "\\u212a\\u0130"}']),
)
_needle_alphabet = st.sampled_from([*'aeEfiInNtTyYlsuxX019.+-: ,"{é\\k', "\u212a", "\u0130"])


@st.composite
def _needles(draw: st.DrawFn, rec: RawRecord) -> str:
    """Pieces of what the record decodes to (so matches are common), or random text."""
    view = decode_record(rec, DECODER)
    source = draw(st.sampled_from([view.key_text, view.value_text, ""]))
    if source and draw(st.booleans()):
        start = draw(st.integers(0, len(source) - 1))
        piece = source[start : start + draw(st.integers(1, 6))]
        return piece.upper() if draw(st.booleans()) else piece
    return draw(st.text(_needle_alphabet, min_size=1, max_size=5))


@settings(max_examples=600, deadline=None)
@given(data=st.data(), key=_payloads, value=_payloads)
@example(data=None, key=None, value=b"[1e400]")
def test_pre_check_is_never_false_for_a_match(
    data: st.DataObject | None, key: bytes | None, value: bytes | None
) -> None:
    rec = record(key, value, (("h", b"v"),))
    needles = ["inf", "Infinity", "y"] if data is None else [data.draw(_needles(rec))]
    for text in needles:
        record_filter = RecordFilter(text)
        if not record_filter.may_match_raw(rec):
            for fmt in ("auto", "json", "text", "hex"):
                assert not matches(text, rec, fmt), (text, rec, fmt)


# ---- the batch form gives exactly the one-by-one answers -----------------------------
@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(st.text(_needle_alphabet, min_size=1, max_size=4), st.sampled_from(["no such"])),
    rows=st.lists(st.tuples(_payloads, _payloads, st.booleans()), max_size=12),
)
@example(text="k", rows=[(None, "x \u212a".encode(), False)])  # Kelvin: lower-cases to k
@example(text="i", rows=[(b"\xc4\xb0", None, False)])  # İ: to i and a combining dot
def test_the_batch_pre_check_agrees_with_the_one_by_one(
    text: str, rows: list[tuple[bytes | None, bytes | None, bool]]
) -> None:
    record_filter = RecordFilter(text)
    keys = [key for key, _, _ in rows]
    values = [value for _, value, _ in rows]
    headers = [(("h", b"no such"),) if has_header else None for _, _, has_header in rows]
    one_by_one = [
        i
        for i, (key, value, pairs) in enumerate(zip(keys, values, headers, strict=True))
        if record_filter.may_match_payloads(key, value, pairs)
    ]
    assert record_filter.may_match_batch(keys, values, headers) == one_by_one


def test_the_batch_pre_check_clears_random_bytes_and_finds_the_one_that_holds_the_text() -> None:
    values: list[bytes | None] = [bytes([0x80 + i % 100]) * 50 + b"\\x" for i in range(200)]
    values[117] = b"\xff\xfe a Needle in binary, shown as hex \x80"
    values[118] = b"a needle in text"
    values[119] = None
    keys: list[bytes | None] = [f"user-{i}".encode() for i in range(200)]
    kept = RecordFilter("needle").may_match_batch(keys, values, [None] * 200)
    assert kept == [118]  # 117 is not UTF-8, so its text is its hex


def test_the_batch_pre_check_tries_avro_values_on_their_text() -> None:
    framed = b"\x00\x00\x00\x00\x07payload"
    texts = {framed: '{"url": "/cart?i=5"}'}
    record_filter = RecordFilter("i=5")
    assert record_filter.may_match_batch([b"k"], [framed], [None], texts.get) == [0]
    assert RecordFilter("i=6").may_match_batch([b"k"], [framed], [None], texts.get) == []
    # without a text for it, a framed value may decode to anything
    assert RecordFilter("i=6").may_match_batch([b"k"], [framed], [None], lambda _: None) == [0]
