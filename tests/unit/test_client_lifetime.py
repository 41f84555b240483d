"""librdkafka clients are never destroyed on a librdkafka thread (that aborts the process).

The scenario is real: an AdminClient delivers its results on its background thread,
Python's garbage collector may run there, and a client collected there used to take the
whole app down with SIGABRT. The child process below forces that collection.
"""

from __future__ import annotations

import _thread
import gc
import socket
import subprocess
import sys
import textwrap
import threading
import weakref
from collections.abc import Callable

import pytest
from confluent_kafka import KafkaError, KafkaException

from kafkatui.cluster import lifetime
from kafkatui.cluster.errors import ConnectionFailed, TimedOut
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.settings import ConnectionSettings

UNREACHABLE = ConnectionSettings(profile="p", bootstrap_servers="127.0.0.1:1")

# A request to nobody times out after 1 s; its future is completed on the AdminClient's
# background thread, where a done-callback runs a full collection.
CHILD = textwrap.dedent("""
    import gc, sys, time
    from confluent_kafka.admin import ConfigResource
    from kafkatui.cluster import lifetime
    from kafkatui.cluster.kafka_admin import KafkaAdmin
    from kafkatui.cluster.settings import ConnectionSettings

    gc.disable()
    admin = KafkaAdmin(ConnectionSettings(profile="p", bootstrap_servers="127.0.0.1:1"))
    if sys.argv[1] == "owner-in-a-cycle":
        admin.itself = admin
    futures = admin.client.describe_configs([ConfigResource("topic", "t")], request_timeout=1)
    collected = []
    for future in futures.values():
        future.add_done_callback(lambda f: collected.append(gc.collect()))
    del admin, futures
    deadline = time.monotonic() + 10
    while not collected and time.monotonic() < deadline:
        time.sleep(0.05)
    parked = len(lifetime._parked)
    lifetime.release_parked()
    print("collected", len(collected), "parked", parked, "left", len(lifetime._parked))
""")


@pytest.mark.parametrize(
    ("case", "parked"), [("plain", 0), ("owner-in-a-cycle", 1)]
)
def test_a_collection_on_the_background_thread_does_not_abort(case: str, parked: int) -> None:
    run = subprocess.run(
        [sys.executable, "-c", CHILD, case], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr[-2000:]  # -6 (SIGABRT) before the fix
    assert run.stdout.split() == ["collected", "1", "parked", str(parked), "left", "0"]


def test_a_dropped_admin_is_freed_at_once_not_left_to_the_collector() -> None:
    gc.disable()
    try:
        admin = KafkaAdmin(UNREACHABLE)
        ref = weakref.ref(admin)
        del admin
        assert ref() is None  # nothing refers back to it from the AdminClient
    finally:
        gc.enable()


class _Owner:
    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def on_error(self, *args: object) -> None:
        self.calls.append(args)


def test_a_weak_callback_calls_through_but_keeps_nothing_alive() -> None:
    owner = _Owner()
    callback = lifetime.weak_callback(owner.on_error)
    callback("broker down")
    assert owner.calls == [("broker down",)]
    ref = weakref.ref(owner)
    del owner
    assert ref() is None
    callback("late")  # the owner is gone: nothing happens, nothing raises


def _on_unregistered_thread(fn: Callable[[], object]) -> object:
    """Run fn on a thread started below the threading module, as librdkafka's are."""
    done = threading.Event()
    out: list[object] = []

    def run() -> None:
        out.append(fn())
        done.set()

    _thread.start_new_thread(run, ())
    assert done.wait(10)
    return out[0]


def test_parked_clients_are_released_only_off_librdkafka_threads() -> None:
    assert not lifetime.on_foreign_thread()
    assert _on_unregistered_thread(lifetime.on_foreign_thread) is True

    client = _Owner()
    ref = weakref.ref(client)
    lifetime.park(None, client)
    del client
    _on_unregistered_thread(lifetime.release_parked)
    assert ref() is not None  # still parked: that thread may not destroy it
    lifetime.release_parked()
    assert ref() is None and lifetime._parked == []


# In a child process of its own: threads of other tests' clients come and go otherwise.
THREADS_CHILD = textwrap.dedent("""
    import os
    from kafkatui.cluster.kafka_admin import KafkaAdmin
    from kafkatui.cluster.settings import ConnectionSettings

    def threads():
        return len(os.listdir("/proc/self/task"))

    before = threads()
    admin = KafkaAdmin(ConnectionSettings(profile="p", bootstrap_servers="127.0.0.1:1"))
    admin.producer  # the lazy producer too
    during = threads()
    admin.close()
    print(before, during, threads())
""")


def test_close_destroys_the_clients_and_later_use_is_a_clear_error() -> None:
    run = subprocess.run(
        [sys.executable, "-c", THREADS_CHILD], capture_output=True, text=True, timeout=60
    )
    before, during, after = map(int, run.stdout.split())
    assert during > before and after == before  # librdkafka's threads are gone
    admin = KafkaAdmin(UNREACHABLE)
    admin.close()
    admin.close()  # twice is fine
    with pytest.raises(ConnectionFailed, match="was closed"):
        admin.metadata()
    with pytest.raises(ConnectionFailed, match="was closed"):
        admin.client.list_topics(timeout=1)
    with pytest.raises(ConnectionFailed, match="was closed"):
        _ = admin.producer


def test_after_a_timeout_the_next_request_gets_a_fresh_client() -> None:
    # librdkafka can abort the process on a group request that follows one timed out
    # waiting for a dead coordinator (issue #4605); a fresh client has no such state.
    # The broker is a socket that accepts and never answers: a refused connection, seen
    # first on a busy machine, would rightly turn the timeout into "cannot connect".
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    settings = ConnectionSettings(
        profile="p", bootstrap_servers=f"127.0.0.1:{silent.getsockname()[1]}"
    )
    admin = KafkaAdmin(settings)
    try:
        first = admin.client
        assert admin.client is first  # nothing happened: the same client
        error = admin.error(KafkaException(KafkaError(KafkaError._TIMED_OUT)), "describing")
        assert isinstance(error, TimedOut)
        fresh = admin.client
        assert fresh is not first
        assert admin.client is fresh  # once per timeout, not on every use
        admin.error(KafkaException(KafkaError(KafkaError._TRANSPORT)), "describing")
        assert admin.client is fresh  # other failures rebuild only after REBUILD_AFTER_S
    finally:
        admin.close()
        silent.close()
