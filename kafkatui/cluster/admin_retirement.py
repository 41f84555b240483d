"""Retire AdminClients instead of destroying them while they have requests in flight.

librdkafka can abort the process when a response arrives while its client is being
destroyed: DescribeCluster's response parser sees the metadata parser refuse the answer
("terminating") and returns success with no result, which trips
`rd_kafka_admin_response_parse: Assertion 'rko_result' failed` (librdkafka 2.16). A
client is replaced after a timeout (see KafkaAdmin._fresh_client_if_due) exactly when
its requests are still waiting on a frozen broker, and a thawing broker answers them all
at once: with a broker frozen and thawed every few seconds, a client polling
DescribeCluster aborted within a minute.

So a replaced or closed client is kept here, and let go (destroyed) only once every
request future handed out up to then has finished, and no call is between sending a
request and handing its futures over. A future finishes by the request's own timeout at
the latest, so a retired client lives at most that long.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

PRUNE_FROM = 4_096


class Retirement:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inflight: list[concurrent.futures.Future[Any]] = []
        self._prune_at = PRUNE_FROM  # finished futures are dropped from this many on
        self._calls = 0  # calls between sending a request and tracking its futures
        self._retired: list[tuple[object, list[concurrent.futures.Future[Any]]]] = []

    @contextmanager
    def sending(self) -> Iterator[None]:
        """Around a call that may send requests; its futures must be `track`ed inside."""
        with self._lock:
            self._calls += 1
        try:
            yield
        finally:
            with self._lock:
                self._calls -= 1

    def track(self, result: object) -> None:
        """Remember the futures in a call's result (one future or a mapping of them)."""
        futures = _futures_in(result)
        if futures:
            with self._lock:
                self._inflight += futures
                # not on every call: a ListOffsets hands out a future per partition, and
                # asking each one whether it is done took 10% of a 10,000-topic fill
                if len(self._inflight) >= self._prune_at:
                    self._inflight = [f for f in self._inflight if not f.done()]
                    self._prune_at = max(PRUNE_FROM, 2 * len(self._inflight))

    def retire(self, client: object) -> None:
        """Keep `client` until the requests that may be its own have finished."""
        with self._lock:
            pending = [f for f in self._inflight if not f.done()]
            self._retired.append((client, pending))

    def release(self) -> int:
        """Let go of the retired clients that are safe to destroy (on this thread, which
        must be one of ours). Returns how many are still kept."""
        with self._lock:
            if self._calls:
                return len(self._retired)
            done = [r for r in self._retired if all(f.done() for f in r[1])]
            self._retired = [r for r in self._retired if r not in done]
            kept = len(self._retired)
        del done  # destroyed here, outside the lock
        return kept

    def wait(self, timeout_s: float) -> int:
        """Wait up to `timeout_s` for the retired clients' requests, then release."""
        with self._lock:
            pending = [f for _, futures in self._retired for f in futures]
        if pending:
            concurrent.futures.wait(pending, timeout=timeout_s)
        return self.release()

    def hand_over(self, to: Retirement) -> None:
        """Move the clients still kept to `to` (a closed connection's go to ORPHANS)."""
        with self._lock:
            kept, self._retired = self._retired, []
        with to._lock:
            to._retired.extend(kept)


# The clients of closed connections whose requests had not finished: let go by the next
# connection's calls (never by a finalizer, which may run on a librdkafka thread).
ORPHANS = Retirement()


def _futures_in(result: object) -> list[concurrent.futures.Future[Any]]:
    if isinstance(result, concurrent.futures.Future):
        return [result]
    if isinstance(result, Mapping):
        return [f for f in result.values() if isinstance(f, concurrent.futures.Future)]
    return []
