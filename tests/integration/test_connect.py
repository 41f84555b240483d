"""Connect against the sandbox's distributed worker (FileStream connectors)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kafkatui.cluster.connect import Connect
from kafkatui.cluster.errors import (
    ConnectionFailed,
    InvalidInput,
    NotFound,
    Refused,
    TimedOut,
)
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.models import ConnectorHealth, ConnectorStatus
from kafkatui.cluster.settings import ConnectionSettings, HttpEndpoint

pytestmark = pytest.mark.integration

T = TypeVar("T")
SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"


def wait_for(read: Callable[[], T], ok: Callable[[T], bool], timeout: float = 30.0) -> T:
    """Poll `read` until `ok` holds; fail with the last value seen after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = read()
            if ok(value):
                return value
        except NotFound:
            value = None  # type: ignore[assignment]
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s; last value: {value!r}")
        time.sleep(0.3)


@pytest.fixture
def connect(sandbox_settings: ConnectionSettings, guard: Guard) -> Iterator[Connect]:
    client = Connect(sandbox_settings.connect, guard)
    yield client
    client.close()


@pytest.fixture
def cluster(sandbox_settings: ConnectionSettings) -> str:
    return sandbox_settings.connect[0].name


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    admin = AdminClient({"bootstrap.servers": sandbox_settings.bootstrap_servers})
    admin.create_topics([NewTopic(unique, 1, 1)])[unique].result(timeout=30)
    yield unique
    admin.delete_topics([unique])[unique].result(timeout=30)


def read_values(bootstrap: str, topic: str, want: int, timeout: float = 30.0) -> list[bytes]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"{topic}-reader",
                         "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    values: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while len(values) < want and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and message.error() is None:
                values.append(message.value())
    finally:
        consumer.close()
    return values


def health(connect: Connect, cluster: str, name: str) -> Callable[[], ConnectorStatus]:
    return lambda: connect.status(cluster, name)


def test_file_source_lifecycle(
    connect: Connect, cluster: str, topic: str, unique: str, tmp_path: Path,
    sandbox_settings: ConnectionSettings, guard: Guard,
) -> None:
    source_file = tmp_path / "in.txt"
    source_file.write_text("alpha\nbeta\ngamma\n")
    name = unique
    connect.create(cluster, name, {
        "connector.class": SOURCE, "tasks.max": "1", "file": str(source_file), "topic": topic,
        "db.password": "hunter2-secret",
    })
    try:
        values = read_values(sandbox_settings.bootstrap_servers, topic, 3)
        assert values == [b"alpha", b"beta", b"gamma"]

        status = wait_for(health(connect, cluster, name),
                          lambda s: s.health is ConnectorHealth.HEALTHY)
        assert status.type == "source" and status.connector_class == SOURCE
        assert [t.id for t in status.tasks] == [0]
        listed = {c.name: c for c in connect.list(cluster)}
        assert listed[name].health is ConnectorHealth.HEALTHY
        assert listed[name].connector_class == SOURCE

        config = connect.config(cluster, name)
        assert config["topic"] == topic and config["db.password"] == "******"

        connect.pause(cluster, name)
        wait_for(health(connect, cluster, name), lambda s: s.health is ConnectorHealth.PAUSED)
        connect.resume(cluster, name)
        wait_for(health(connect, cluster, name), lambda s: s.state == "RUNNING")

        with pytest.raises(Refused, match="stop it first"):
            connect.reset_offsets(cluster, name)

        connect.restart(cluster, name, include_tasks=True)
        wait_for(health(connect, cluster, name), lambda s: s.health is ConnectorHealth.HEALTHY)
        connect.restart_task(cluster, name, 0)
        wait_for(health(connect, cluster, name), lambda s: s.health is ConnectorHealth.HEALTHY)

        connect.stop(cluster, name)
        wait_for(health(connect, cluster, name),
                 lambda s: s.health is ConnectorHealth.STOPPED and s.tasks == ())

        offsets = wait_for(lambda: connect.offsets(cluster, name), lambda o: len(o) == 1)
        assert offsets[0]["partition"] == {"filename": str(source_file)}
        assert offsets[0]["offset"]["position"] == len("alpha\nbeta\ngamma\n")

        connect.alter_offsets(cluster, name, [
            {"partition": {"filename": str(source_file)}, "offset": {"position": 6}},
        ])
        assert connect.offsets(cluster, name)[0]["offset"] == {"position": 6}
        connect.reset_offsets(cluster, name)
        # A reset source partition stays listed with a null offset (Connect wrote a tombstone).
        assert all(o["offset"] is None for o in connect.offsets(cluster, name))
    finally:
        connect.delete(cluster, name)
    wait_for(lambda: [c.name for c in connect.list(cluster)], lambda names: name not in names)
    with pytest.raises(NotFound):
        connect.status(cluster, name)

    audited = [e["action"] for e in guard.read_audit()]
    for action in ("connector.create", "connector.pause", "connector.resume",
                   "connector.restart", "connector.restart_task", "connector.stop",
                   "connector.alter_offsets", "connector.reset_offsets", "connector.delete"):
        assert action in audited
    assert "hunter2-secret" not in guard.audit_path.read_text()  # type: ignore[union-attr]


def test_failing_task_shows_failed_with_trace(
    connect: Connect, cluster: str, topic: str, unique: str, tmp_path: Path
) -> None:
    # The sink task cannot open a file in a directory that does not exist: it fails at start.
    connect.create(cluster, unique, {
        "connector.class": SINK, "tasks.max": "1", "topics": topic,
        "file": str(tmp_path / "no-such-dir" / "out.txt"),
    })
    try:
        status = wait_for(health(connect, cluster, unique),
                          lambda s: any(t.state == "FAILED" for t in s.tasks))
        assert status.health in (ConnectorHealth.FAILED, ConnectorHealth.DEGRADED)
        failed = [t for t in status.tasks if t.state == "FAILED"]
        assert failed[0].trace and "Exception" in failed[0].trace
        listed = {c.name: c for c in connect.list(cluster)}
        assert listed[unique].health is status.health

        connect.restart(cluster, unique, include_tasks=True, only_failed=True)
        wait_for(health(connect, cluster, unique),
                 lambda s: any(t.state == "FAILED" for t in s.tasks))
    finally:
        connect.delete(cluster, unique)


def test_names_with_path_characters_are_refused(connect: Connect, cluster: str) -> None:
    for name in ("../connectors", "a/b", "x?expand=status", "frag#x", "line\nbreak"):
        with pytest.raises(InvalidInput):
            connect.status(cluster, name)
        with pytest.raises(InvalidInput):
            connect.create(cluster, name, {"connector.class": SOURCE})
        with pytest.raises(InvalidInput):
            connect.delete(cluster, name)


def test_unknown_connector_is_not_found(connect: Connect, cluster: str, unique: str) -> None:
    with pytest.raises(NotFound, match=unique):
        connect.status(cluster, unique)
    with pytest.raises(NotFound):
        connect.config(cluster, unique)


def test_connect_down_fails_within_timeout(guard: Guard) -> None:
    down = Connect([HttpEndpoint(url="http://127.0.0.1:1", name="down", timeout_s=3)], guard)
    started = time.monotonic()
    with pytest.raises(ConnectionFailed, match="down"):
        down.list("down")
    assert time.monotonic() - started < 4


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (kernel backlog) but never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


def test_silent_connect_times_out(guard: Guard, silent_port: int) -> None:
    silent = Connect([HttpEndpoint(url=f"http://127.0.0.1:{silent_port}", name="silent",
                                   timeout_s=1.5)], guard)
    started = time.monotonic()
    with pytest.raises(TimedOut, match=r"no answer within 1\.5 s"):
        silent.list("silent")
    assert time.monotonic() - started < 3
