"""Lag over time: a bounded sample history per group and the trend math. Pure, no IO.

Committed-offset lag is a sawtooth for a healthy consumer (it rises between commits and
drops at each commit), so "growing" needs a least-squares slope over a window longer
than a commit interval, not a comparison of two samples.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Sequence

from kafkatui.cluster.models import LagSample, LagTrend

#: samples kept per group (at a 5 s refresh: ten minutes)
HISTORY_SIZE = 120
#: a trend is only called "growing" over at least this span, longer than auto-commit's 5 s
MIN_SPAN_S = 30.0
MIN_SAMPLES = 3


def least_squares_rate(samples: Sequence[LagSample]) -> float | None:
    """Slope of lag over time (per second) by ordinary least squares; None if undefined."""
    if len(samples) < 2:
        return None
    t0 = samples[0].at
    xs = [s.at - t0 for s in samples]
    ys = [float(s.lag) for s in samples]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    var_x = sum((x - mean_x) ** 2 for x in xs)
    if var_x == 0:
        return None
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return cov / var_x


def residual_spread(samples: Sequence[LagSample], rate: float) -> float:
    """Standard deviation of the samples around their least-squares line."""
    t0 = samples[0].at
    xs = [s.at - t0 for s in samples]
    ys = [float(s.lag) for s in samples]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    residuals = [y - (mean_y + rate * (x - mean_x)) for x, y in zip(xs, ys, strict=True)]
    return math.sqrt(sum(r * r for r in residuals) / len(residuals))


def trend_of(
    samples: Sequence[LagSample],
    min_span_s: float = MIN_SPAN_S,
    min_samples: int = MIN_SAMPLES,
) -> LagTrend:
    """Rate, growing flag and time to catch up from a group's samples.

    growing: enough samples over at least `min_span_s`, a positive slope, and a rise over
    the window larger than twice the scatter around the line (so a commit sawtooth with
    a slight tilt is not called growing). seconds_to_catch_up: latest lag / -rate while
    shrinking, 0 when there is no lag, otherwise None.
    """
    ordered = tuple(sorted(samples, key=lambda s: s.at))
    rate = least_squares_rate(ordered)
    if rate is None:
        return LagTrend(samples=ordered, rate_per_s=None, growing=False, seconds_to_catch_up=None)
    span = ordered[-1].at - ordered[0].at
    latest = ordered[-1].lag
    growing = (
        len(ordered) >= min_samples
        and span >= min_span_s
        and rate > 0
        and rate * span > 2 * residual_spread(ordered, rate)
    )
    if latest == 0:
        catch_up: float | None = 0.0
    elif rate < 0:
        catch_up = latest / -rate
    else:
        catch_up = None
    return LagTrend(samples=ordered, rate_per_s=rate, growing=growing, seconds_to_catch_up=catch_up)


class LagHistory:
    """The last `size` lag samples per group, safe to share between worker threads."""

    def __init__(self, size: int = HISTORY_SIZE) -> None:
        self._size = size
        self._samples: dict[str, deque[LagSample]] = {}
        self._lock = threading.Lock()

    def record(self, group_id: str, sample: LagSample) -> None:
        with self._lock:
            self._samples.setdefault(group_id, deque(maxlen=self._size)).append(sample)

    def samples(self, group_id: str) -> tuple[LagSample, ...]:
        with self._lock:
            return tuple(self._samples.get(group_id, ()))

    def forget(self, group_id: str) -> None:
        with self._lock:
            self._samples.pop(group_id, None)
