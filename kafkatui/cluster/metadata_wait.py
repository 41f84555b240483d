"""Waiting for a first metadata answer without waiting out the timeout for nothing.

librdkafka retries an unreachable cluster until the request's timeout, though it knows
at once (through `error_cb`) that the password is wrong, the certificate untrusted, or
every broker refused the connection or has no address. So metadata is asked for in
growing slices (1 s, 2 s, 4 s ...) up to the timeout, and after each failed slice the
client's error callback is served and asked whether to give up: at once for a wrong
password or certificate, and after ALL_DOWN_FAIL_S for a cluster all of whose brokers
are down (a wrong host or port is known at once; a restarting broker gets a few seconds).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from confluent_kafka import KafkaError, KafkaException

T = TypeVar("T")

FIRST_SLICE_S = 1.0
ALL_DOWN_FAIL_S = 3.0


class DownSince:
    """When every broker was last reported down (`_ALL_BROKERS_DOWN`), until an answer."""

    def __init__(self) -> None:
        self.since: float | None = None

    def saw(self, err: KafkaError) -> None:
        """From the client's error callback."""
        if err.code() == KafkaError._ALL_BROKERS_DOWN and self.since is None:
            self.since = time.monotonic()

    def answered(self) -> None:
        self.since = None

    def long_enough(self) -> bool:
        return self.since is not None and time.monotonic() - self.since >= ALL_DOWN_FAIL_S


def in_slices(
    ask: Callable[[float], T], give_up: Callable[[], bool], down: DownSince, timeout_s: float
) -> T:
    """`ask(slice_timeout)` until it answers; after each KafkaException, `give_up()` (which
    serves the error callback first) or the timeout re-raises it."""
    deadline = time.monotonic() + timeout_s
    slice_s = FIRST_SLICE_S
    while True:
        left = deadline - time.monotonic()
        try:
            answer = ask(max(0.1, min(slice_s, left)))
        except KafkaException:
            if give_up() or down.long_enough() or time.monotonic() >= deadline:
                raise
            slice_s *= 2
            if down.since is not None:  # look again once it has been down long enough
                slice_s = min(slice_s, max(0.1, down.since + ALL_DOWN_FAIL_S - time.monotonic()))
            continue
        down.answered()
        return answer
