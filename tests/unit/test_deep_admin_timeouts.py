"""The kafka-python client never hangs a caller: a peer that accepts and never answers, and
a port nobody listens on, both end in a kafkatui error within the call's time limit."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from kafkatui.cluster.deep_admin import DeepAdmin
from kafkatui.cluster.errors import ConnectionFailed
from kafkatui.cluster.settings import ConnectionSettings


@pytest.fixture
def silent_peer() -> Iterator[str]:
    """A TCP listener that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not done.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.getsockname()[1]}"
    done.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_a_silent_broker_times_out_within_the_limit(silent_peer: str) -> None:
    deep = DeepAdmin(ConnectionSettings(bootstrap_servers=silent_peer, timeout_s=1.0))
    started = time.monotonic()
    with pytest.raises(ConnectionFailed):
        deep.call("describing the KRaft quorum", lambda c: c.describe_metadata_quorum())
    assert time.monotonic() - started < 2 * 1.0 + 2.5
    started = time.monotonic()
    with pytest.raises(ConnectionFailed):  # known down: the next call does not wait again
        deep.call("listing transactions", lambda c: c.list_transactions())
    assert time.monotonic() - started < 0.5
    deep.close()


def test_nobody_listening_is_connection_failed_naming_the_servers() -> None:
    deep = DeepAdmin(ConnectionSettings(bootstrap_servers="127.0.0.1:1", timeout_s=1.0))
    with pytest.raises(ConnectionFailed, match=r"127\.0\.0\.1:1"):
        deep.call("describing log dirs", lambda c: c.describe_log_dirs())
    deep.close()


def test_a_closed_connection_is_a_clear_error() -> None:
    deep = DeepAdmin(ConnectionSettings(bootstrap_servers="127.0.0.1:1", timeout_s=1.0))
    deep.close()
    with pytest.raises(ConnectionFailed, match="closed"):
        deep.call("describing log dirs", lambda c: c.describe_log_dirs())
