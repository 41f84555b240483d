"""Where librdkafka clients are destroyed.

librdkafka aborts the whole process when a client is destroyed on one of that client's
own threads ("calling rd_kafka_destroy() from librdkafka owned thread is prohibited").
confluent-kafka runs Python on such a thread: an AdminClient's results are handed to
their futures on its background thread. Python's garbage collector runs wherever
objects are allocated, so if it collects a client there, the app dies.

Two rules keep that from happening:
- An owner (KafkaAdmin, TailReader) gives its client only `weak_callback`s, so the
  client holds no reference back to it: no cycle, so dropping the owner frees the
  client at once, on the thread that dropped it, not later in some collector pass.
- If an owner is finalized on a thread Python did not start (a librdkafka thread), it
  `park`s its clients instead; `release_parked` lets them go later, from one of ours.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

_parked: list[object] = []


def on_foreign_thread() -> bool:
    """True on a thread that Python did not start, such as a librdkafka thread."""
    return isinstance(threading.current_thread(), threading._DummyThread)


def weak_callback(method: Callable[..., Any]) -> Callable[..., None]:
    """A callback for librdkafka that does not keep `method`'s object alive."""
    ref = weakref.WeakMethod(method)

    def call(*args: Any) -> None:
        target = ref()
        if target is not None:
            target(*args)

    return call


def park(*clients: object) -> None:
    """Keep clients alive until `release_parked` runs on one of our threads.

    Called from finalizers, so no lock: list.append is atomic under the GIL."""
    for client in clients:
        if client is not None:
            _parked.append(client)


def release_parked() -> None:
    """Destroy the parked clients here, unless this is a librdkafka thread."""
    while _parked and not on_foreign_thread():
        _parked.pop()
