"""Confluent wire format: header and Protobuf message-index arrays, from hand-built bytes."""

from __future__ import annotations

import pytest

from kafkatui.decode.wire import (
    encode_header,
    encode_message_indexes,
    read_message_indexes,
    schema_id_of,
)


def test_header_gives_the_big_endian_schema_id() -> None:
    assert schema_id_of(b"\x00\x00\x00\x01\x02body") == 258
    assert schema_id_of(b"\x00\xff\xff\xff\xff") == 0xFFFFFFFF
    assert encode_header(258) == b"\x00\x00\x00\x01\x02"


@pytest.mark.parametrize(
    "data", [b"", b"\x00", b"\x00\x00\x00\x01", b"\x01\x00\x00\x00\x01", b"{}"]
)
def test_no_header_when_magic_byte_or_length_is_wrong(data: bytes) -> None:
    assert schema_id_of(data) is None


@pytest.mark.parametrize(
    ("raw", "indexes"),
    [
        (b"\x00", (0,)),  # the shorthand for [0]
        (b"\x02\x02", (1,)),  # count 1 (zigzag 2), index 1 (zigzag 2)
        (b"\x04\x00\x00", (0, 0)),
        (b"\x06\x02\x04\x06", (1, 2, 3)),
        (b"\x02\x80\x01", (64,)),  # a two-byte varint: zigzag(64) = 128
    ],
)
def test_message_indexes_are_zigzag_varints(raw: bytes, indexes: tuple[int, ...]) -> None:
    header = b"\x00\x00\x00\x00\x07"
    assert read_message_indexes(header + raw + b"rest") == (indexes, 5 + len(raw))
    assert encode_message_indexes(indexes) == raw


@pytest.mark.parametrize(
    "raw",
    [
        b"",  # nothing after the header
        b"\x80",  # varint cut short
        b"\x04\x00",  # two indexes announced, one present
        b"\x01",  # count -1
        b"\x02\x01",  # index -1
        b"\xff" * 11,  # varint longer than 10 bytes
        b"\xfe\x01",  # count 127: deeper than any real schema
    ],
)
def test_malformed_message_indexes_give_none(raw: bytes) -> None:
    assert read_message_indexes(b"\x00\x00\x00\x00\x07" + raw) is None
