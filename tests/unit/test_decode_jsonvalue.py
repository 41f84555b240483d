"""The one mapping from decoded Python values to plain JSON (SPEC §2.2)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest

from kafkatui.decode.jsonvalue import rfc3339_from_nanos, to_json

OSLO = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2024, 6, 1, 12, 0, 0, 250000, tzinfo=OSLO), "2024-06-01T10:00:00.250Z"),
        (datetime(2024, 6, 1, 12, 0, 0, 1, tzinfo=OSLO), "2024-06-01T10:00:00.000001Z"),
        (datetime(2024, 6, 1), "2024-06-01T00:00:00Z"),  # naive: taken as UTC
        (datetime(7, 1, 2, 3, 4, 5), "0007-01-02T03:04:05Z"),
        (date(7, 1, 2), "0007-01-02"),
        (time(23, 59, 1, 5000), "23:59:01.005"),
        (Decimal("1E+3"), "1000"),
        (Decimal("-0.00000001"), "-0.00000001"),
        (UUID(int=1), "00000000-0000-0000-0000-000000000001"),
        (b"\x00\x01", "AAE="),
        (bytearray(b"hi"), "aGk="),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        ((1, "a"), [1, "a"]),
        ({1: {"k": [b"x", None, True, 2.5]}}, {"1": {"k": ["eA==", None, True, 2.5]}}),
    ],
)
def test_to_json(value: object, expected: object) -> None:
    assert to_json(value) == expected
    json.dumps(to_json(value), allow_nan=False)


def test_nanosecond_timestamps_keep_all_digits() -> None:
    assert rfc3339_from_nanos(1) == "1970-01-01T00:00:00.000000001Z"
    assert rfc3339_from_nanos(2_000_000_000) == "1970-01-01T00:00:02Z"
