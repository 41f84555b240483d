"""The Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the body.

Protobuf bodies start with the message-index path: a zigzag varint count followed by that
many zigzag varint indexes; a count of 0 (a single 0 byte) is shorthand for [0].
Parsing functions never raise: bad input gives None.
"""

from __future__ import annotations

from collections.abc import Sequence

MAGIC = 0
HEADER_SIZE = 5
MAX_INDEX_DEPTH = 64  # real schemas nest a handful of levels; more is garbage
_MAX_VARINT_BYTES = 10


def schema_id_of(data: bytes) -> int | None:
    """The schema id when `data` starts with a wire header, else None."""
    if len(data) >= HEADER_SIZE and data[0] == MAGIC:
        return int.from_bytes(data[1:HEADER_SIZE], "big")
    return None


def encode_header(schema_id: int) -> bytes:
    return bytes((MAGIC,)) + schema_id.to_bytes(4, "big")


def _read_zigzag(data: bytes, pos: int) -> tuple[int, int] | None:
    """One zigzag varint at `pos`: (value, next position), or None when truncated/too long."""
    result = 0
    shift = 0
    end = min(len(data), pos + _MAX_VARINT_BYTES)
    while pos < end:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return (result >> 1) ^ -(result & 1), pos
        shift += 7
    return None


def _write_zigzag(value: int, out: bytearray) -> None:
    n = (value << 1) ^ (value >> 63)
    n &= (1 << 64) - 1
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def read_message_indexes(data: bytes, pos: int = HEADER_SIZE) -> tuple[tuple[int, ...], int] | None:
    """The Protobuf message-index path starting at `pos` and where the message begins.

    None when the array is truncated, negative, or longer than MAX_INDEX_DEPTH.
    """
    head = _read_zigzag(data, pos)
    if head is None:
        return None
    count, pos = head
    if count == 0:
        return (0,), pos
    if count < 0 or count > MAX_INDEX_DEPTH:
        return None
    indexes = []
    for _ in range(count):
        item = _read_zigzag(data, pos)
        if item is None or item[0] < 0:
            return None
        indexes.append(item[0])
        pos = item[1]
    return tuple(indexes), pos


def encode_message_indexes(indexes: Sequence[int]) -> bytes:
    """The index array as producers write it ([0] becomes the single byte 0)."""
    if list(indexes) == [0]:
        return b"\x00"
    out = bytearray()
    _write_zigzag(len(indexes), out)
    for index in indexes:
        _write_zigzag(index, out)
    return bytes(out)
