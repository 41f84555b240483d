"""Turn decoded Python values into plain JSON values, as docs/jsonl.md maps them.

Codecs hand back what their libraries produce (fastavro gives datetime, date, time,
Decimal, UUID and bytes); `to_json` maps those once, so every codec agrees:
timestamps become RFC 3339 UTC strings, dates and times ISO 8601 strings, decimals
exact strings, uuids strings, bytes base64, and non-finite floats the strings
"NaN"/"Infinity"/"-Infinity" (as Protobuf's JSON mapping does), so `json.dumps`
always yields valid JSON.
"""

from __future__ import annotations

import base64
import math
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID


def _fraction(microsecond: int) -> str:
    """'' for whole seconds, milliseconds when exact, else microseconds."""
    if microsecond == 0:
        return ""
    if microsecond % 1000 == 0:
        return f".{microsecond // 1000:03d}"
    return f".{microsecond:06d}"


def rfc3339(moment: datetime) -> str:
    """UTC, with a Z. A naive datetime (Avro local-timestamp) is taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    whole = moment.replace(tzinfo=None).isoformat(timespec="seconds")
    return f"{whole}{_fraction(moment.microsecond)}Z"


def rfc3339_from_nanos(nanos: int) -> str:
    """RFC 3339 with nanoseconds, for Avro timestamp-nanos (datetime stops at micros)."""
    seconds, rest = divmod(nanos, 1_000_000_000)
    base = datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None).isoformat()
    return f"{base}.{rest:09d}Z" if rest else f"{base}Z"


def iso_time(value: time) -> str:
    return f"{value.isoformat(timespec='seconds')}{_fraction(value.microsecond)}"


def _float(value: float) -> float | str:
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def to_json(value: Any) -> Any:
    """A copy of `value` made only of dict, list, str, int, float, bool and None."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        return {str(k): to_json(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [to_json(v) for v in value]
    if kind is float:
        return _float(value)
    if kind is bytes or kind is bytearray or kind is memoryview:
        return base64.b64encode(value).decode("ascii")
    # datetime is a subclass of date: test it first.
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return iso_time(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, int):  # IntEnum and friends
        return int(value)
    if isinstance(value, float):
        return _float(float(value))
    return str(value)
