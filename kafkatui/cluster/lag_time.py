"""Lag in seconds: exact (from a record's timestamp) and estimated (from sampled end offsets).

Pure, no IO. Records behind are a poor alarm: 10,000 records is a second on one topic and
a day on another. Seconds behind is what an on-call engineer needs.

- Exact: now minus the timestamp of the record at the committed offset, which is the oldest
  record the group has not processed. The reader lives in record_times.
- Estimate (as kafka-lag-exporter does): each poll records (time, end offset) per partition;
  the time the committed offset was written is interpolated between those points, so the
  groups overview needs no record reads at all. Below the oldest point it is a lower bound.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from kafkatui.cluster.models import LagEstimate, PartitionLag

TP = tuple[str, int]
#: end-offset points kept per partition (at a 5 s poll: ten minutes of distinct ends)
POINTS_PER_PARTITION = 120

NO_COMMIT = "no committed offset: the group has never committed here, so it would start at its auto.offset.reset position"  # noqa: E501
END_UNKNOWN = "the partition's end offset could not be read"
NOT_READ = "no record could be read at the committed offset in time"


def age_text(seconds: float) -> str:
    """45s, 2m05s, 3h12m, 2d04h: short, and exact enough to act on."""
    whole = int(max(0.0, seconds))
    for unit, span, small, small_span in (("d", 86400, "h", 3600), ("h", 3600, "m", 60)):
        if whole >= span:
            return f"{whole // span}{unit}{(whole % span) // small_span:02d}{small}"
    if whole >= 60:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole}s"


def seconds_behind(
    row: PartitionLag, record_ms: int | None, now: float
) -> tuple[float | None, str | None]:
    """(lag in seconds, why it is unknown) for one partition.

    `record_ms` is the timestamp of the first record at or after the committed offset (None
    when none was read). 0 when caught up; never negative (a producer clock ahead of ours)."""
    if row.committed is None:
        return None, NO_COMMIT
    if row.lag is None:
        return None, END_UNKNOWN
    if row.lag == 0:
        return 0.0, None
    if record_ms is None:
        return None, NOT_READ
    return max(0.0, now - record_ms / 1000.0), None


@dataclass(frozen=True)
class EndPoint:
    """One end offset seen by the polls: the first and the last time it was seen."""

    first_at: float
    last_at: float
    end: int


def interpolate_seconds(
    points: tuple[EndPoint, ...], committed: int, now: float
) -> LagEstimate | None:
    """When was offset `committed` written, judging by sampled end offsets?

    `points` rise strictly in offset. The record at `committed` was appended while the end
    moved past it: after the last time the end was seen at or below it, and before the
    first time it was seen above it; the time is interpolated in between. A committed
    offset below every point was written before sampling began: its age is then a lower
    bound (no extrapolation, which a burst before sampling would make wrong by minutes)."""
    if not points:
        return None
    if committed >= points[-1].end:
        return LagEstimate(0.0)
    for below, above in pairwise(points):
        if below.end <= committed < above.end:
            share = (committed - below.end) / (above.end - below.end)
            written = below.last_at + share * (above.first_at - below.last_at)
            return LagEstimate(max(0.0, now - written))
    age = now - points[0].first_at
    return LagEstimate(age, at_least=True) if age > 0 else None


class EndOffsetHistory:
    """Sampled end offsets per partition, shared by worker threads."""

    def __init__(self, size: int = POINTS_PER_PARTITION) -> None:
        self._size = size
        self._points: dict[TP, deque[EndPoint]] = {}
        self._lock = threading.Lock()

    def record(self, ends: Mapping[TP, int], at: float) -> None:
        with self._lock:
            for tp, end in ends.items():
                if end < 0:
                    continue
                points = self._points.get(tp)
                if points is None or (points and end < points[-1].end):  # new or recreated
                    points = self._points[tp] = deque(maxlen=self._size)
                if points and points[-1].end == end:
                    points[-1] = EndPoint(points[-1].first_at, at, end)
                else:
                    points.append(EndPoint(at, at, end))

    def estimate(self, tp: TP, committed: int | None, now: float) -> LagEstimate | None:
        if committed is None:
            return None
        with self._lock:
            points = tuple(self._points.get(tp, ()))
        return interpolate_seconds(points, committed, now)


def group_estimate(
    partitions: list[tuple[PartitionLag, LagEstimate | None]],
) -> LagEstimate | None:
    """The group's estimate: its furthest-behind partition. A committed partition that
    lags without an estimate yet (one sample so far) may be the furthest behind, so the
    rest only bound the group from below, and a bound of 0 s says nothing: None."""
    known = [e for _, e in partitions if e is not None]
    unknown = any(
        e is None and row.committed is not None and row.lag != 0 for row, e in partitions
    )
    worst = max(known, key=lambda e: e.seconds, default=None)
    if not unknown or worst is None:
        return worst
    return LagEstimate(worst.seconds, at_least=True) if worst.seconds > 0 else None
