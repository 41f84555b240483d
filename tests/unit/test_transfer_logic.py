"""The pure parts of copy and redrive: markers, the partitioner, the rate limit."""

from __future__ import annotations

import time

import pytest

from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.models import RawRecord
from kafkatui.cluster.partitioner import murmur2, partition_for_key
from kafkatui.cluster.transfer import MARKER, _RateLimit, last_marker, marker_value, parse_marker


def _signed(value: int) -> int:
    return value - (1 << 32) if value >= 1 << 31 else value


@pytest.mark.parametrize(
    ("data", "expected"),
    [  # the vectors of Kafka's own UtilsTest
        (b"21", -973932308),
        (b"foobar", -790332482),
        (b"a-little-bit-long-string", -985981536),
        (b"a-little-bit-longer-string", -1486304829),
        (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
        (b"abc", 479470107),
    ],
)
def test_murmur2_matches_kafka(data: bytes, expected: int) -> None:
    assert _signed(murmur2(data)) == expected


def test_partition_for_key_is_positive_modulo() -> None:
    assert partition_for_key(b"21", 7) == (-973932308 & 0x7FFFFFFF) % 7
    assert {partition_for_key(str(i).encode(), 6) for i in range(200)} == set(range(6))


def test_marker_round_trip_and_last_one_wins() -> None:
    record = RawRecord("orders.dlq", 3, 42, 0, None, None)
    assert marker_value(record) == b"orders.dlq/3/42"
    assert parse_marker(b"orders.dlq/3/42") == ("orders.dlq", 3, 42)
    assert parse_marker(b"a/b/c/1/2") == ("a/b/c", 1, 2)
    for bad in (None, b"", b"orders", b"orders/x/1", b"\xff/1/2"):
        assert parse_marker(bad) is None
    headers = [(MARKER, b"first/0/1"), ("other", b"x"), (MARKER, b"second/1/2")]
    assert last_marker(headers) == ("second", 1, 2)
    assert last_marker([("other", None)]) is None


def test_rate_limit_paces_calls() -> None:
    limiter = _RateLimit(50.0)
    began = time.monotonic()
    for _ in range(11):
        limiter.wait()
    assert time.monotonic() - began >= 10 / 50 * 0.95
    with pytest.raises(InvalidInput):
        _RateLimit(0)
