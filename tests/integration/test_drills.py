"""Fault drills: the sandbox's real processes are killed and frozen while kafkatui works.

Faults are made for real: SIGKILL, or SIGSTOP then SIGCONT, on the sandbox's own JVMs.
Every drill ends by thawing and restarting every part (`Sandbox().up()`), so the tests
after it find a healthy sandbox. Drills refuse to run on the sandbox in the default
state directory (someone's demo): they need the test session's own, named by
KAFKATUI_SANDBOX_DIR.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka import Producer

from kafkatui.cluster.api import RecordDecoder, TailStart
from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.errors import ConnectionFailed, KafkaTuiError, TimedOut
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.tail_session import KafkaTail
from kafkatui.decode import encode_avro
from kafkatui.sandbox.runtime import Sandbox, all_parts
from tests.integration.drill_support import (
    CliFollower,
    CliRun,
    NumberedTraffic,
    assert_cannot_connect,
    assert_exactly_once,
    finish_cli,
    pilot_wait,
    run_cli,
    start_cli,
    tailed,
    wait_for_tail,
    wait_readable,
)
from tests.integration.kafka_helpers import drop_topic, make_topic, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.drill]

FREEZE_S = 15.0  # longer than every client timeout (10 s by default)
CLI_FAILS_WITHIN_S = 16.0  # "about 10 s", plus interpreter start-up on a busy machine


# ---- fixtures ------------------------------------------------------------------------
def heal(box: Sandbox) -> None:
    """Thaw every part and restart whatever is dead, with its ports and data."""
    layout = box.layout()
    assert layout is not None
    for part in all_parts(layout):
        box.signal(part, signal.SIGCONT)
    box.up(brokers=len(layout.brokers), secure=layout.secure)


@pytest.fixture
def box(sandbox: dict) -> Iterator[Sandbox]:
    if not os.environ.get("KAFKATUI_SANDBOX_DIR"):
        pytest.skip("drills kill processes: they only run on a sandbox in KAFKATUI_SANDBOX_DIR")
    sandbox_box = Sandbox()
    try:
        yield sandbox_box
    finally:
        heal(sandbox_box)


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    make_topic(sandbox_settings, unique, 3)
    wait_readable(sandbox_settings.bootstrap_servers, unique, 3)
    yield unique
    # cleanup is best effort: a failed drill must show its own error
    with contextlib.suppress(Exception):
        drop_topic(sandbox_settings, unique)


def started_tail(client: ClusterClient, topic: str, capacity: int = 200_000) -> KafkaTail:
    tail = client.open_tail(topic, TailStart("earliest"), capacity=capacity)
    tail.start()
    return tail


def part_is_down(box: Sandbox, part: str) -> bool:
    status = box.status()
    return status is not None and not status.alive.get(part, False)


# ---- 1. a broker restarts mid-tail ---------------------------------------------------------
def test_broker_restart_mid_tail_loses_and_repeats_nothing(
    box: Sandbox, client: ClusterClient, topic: str, sandbox: dict, tmp_path: Path
) -> None:
    tail = started_tail(client, topic)  # the TUI's tail session
    follower = CliFollower(sandbox["bootstrap_servers"], topic, tmp_path)  # the headless one
    with NumberedTraffic(sandbox["bootstrap_servers"], topic, partitions=3) as traffic:
        traffic.wait_for(300)
        box.kill("broker-1")
        wait_until(lambda: part_is_down(box, "broker-1"), "broker-1 to die")
        # the tail says why nothing arrives, and keeps trying
        wait_until(lambda: tail.stats().error, "the tail to report the lost broker")
        time.sleep(3)  # records keep being produced into the outage
        box.up()
        traffic.wait_for(300)
    assert_exactly_once(tail, traffic)
    assert tail.stats().error is None, "the error stays shown after recovery"
    tail.stop()
    try:
        follower.assert_exactly_once(traffic)
    finally:
        follower.stop()


# ---- 2. a broker freezes -------------------------------------------------------------------
def test_broker_freeze_cli_says_unreachable_and_nothing_is_lost(
    box: Sandbox, client: ClusterClient, topic: str, sandbox: dict, tmp_path: Path
) -> None:
    bootstrap = sandbox["bootstrap_servers"]
    tail = started_tail(client, topic)
    long_lived = ClusterClient(client.settings, client.guard)  # as a TUI session holds one
    assert any(t.name == topic for t in long_lived.topics.list_names())
    with NumberedTraffic(bootstrap, topic, partitions=3) as traffic:
        traffic.wait_for(200)
        frozen_at = time.monotonic()
        box.signal("broker-1", signal.SIGSTOP)
        try:
            groups = start_cli("-b", bootstrap, "groups", "--json", home=tmp_path)
            check = start_cli("-b", bootstrap, "check", "--json", home=tmp_path)
            asked = time.monotonic()
            with pytest.raises(ConnectionFailed):
                long_lived.topics.list_names()
            assert time.monotonic() - asked < CLI_FAILS_WITHIN_S
            assert_cannot_connect(finish_cli(groups), CLI_FAILS_WITHIN_S)
            assert_cannot_connect(finish_cli(check), CLI_FAILS_WITHIN_S)
            time.sleep(max(0.0, FREEZE_S - (time.monotonic() - frozen_at)))
        finally:
            box.signal("broker-1", signal.SIGCONT)
        # a fresh CLI answers once the broker does; then the long-lived client must too
        recovered = wait_until(
            lambda: _cli_ok(run_cli("-b", bootstrap, "groups", "--json", home=tmp_path)),
            "a fresh `groups` to answer after the thaw", 60)  # fmt: skip
        assert recovered is not None and isinstance(json.loads(recovered.stdout), list)
        _wait_for_topics(long_lived, topic, timeout_s=30)
        traffic.wait_for(200)
    assert_exactly_once(tail, traffic)
    tail.stop()
    long_lived.close()


def _cli_ok(run: CliRun) -> CliRun | None:
    return run if run.code == 0 else None


def _wait_for_topics(client: ClusterClient, topic: str, timeout_s: float) -> None:
    """Until the client lists `topic`; a failure names the last answer it got."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if any(t.name == topic for t in client.topics.list_names()):
                return
            last = f"answered without {topic}"
        except KafkaTuiError as err:
            last = f"{type(err).__name__}: {err}"
        assert time.monotonic() < deadline, (
            f"a fresh client answers, this one still not after {timeout_s:.0f} s: {last}"
        )
        time.sleep(0.5)


async def test_tui_says_unreachable_during_a_freeze_and_recovers_by_itself(
    box: Sandbox, client: ClusterClient, topic: str
) -> None:
    from kafkatui.ui import make_app

    app = make_app(client, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")  # the groups view polls every 5 s
        await pilot_wait(pilot, lambda: app.connection_state == "connected", "connected", 30)
        box.signal("broker-1", signal.SIGSTOP)
        try:
            await pilot_wait(pilot, lambda: app.connection_state == "disconnected",
                            "the status to say disconnected", 45)  # fmt: skip
            reason = app.errors[-1].message
            assert client.settings.bootstrap_servers in reason, reason
            assert "\n" not in reason
        finally:
            box.signal("broker-1", signal.SIGCONT)
        # no key pressed: the view's own poll finds the cluster again
        await pilot_wait(pilot, lambda: app.connection_state == "connected", "recovery", 90)
        assert app.is_running


async def test_tui_connectors_pane_reports_connect_down_backs_off_and_recovers(
    box: Sandbox, client: ClusterClient, topic: str, unique: str, tmp_path: Path
) -> None:
    from kafkatui.ui import make_app

    cluster = client.connect.clusters()[0]
    source = tmp_path / "in.txt"
    source.write_text("one\n")
    client.connect.create(cluster, unique, {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks.max": "1", "file": str(source), "topic": topic,
    })  # fmt: skip
    try:
        app = make_app(client, cursor_blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("3")
            key = f"{cluster}/{unique}"
            await pilot_wait(pilot, lambda: key in getattr(app.screen, "items", {}), "listed", 30)
            box.kill("connect")
            url = client.settings.connect[0].url

            def connect_errors() -> list[float]:
                return [e.at for e in app.errors if url in e.message]

            await pilot_wait(pilot, lambda: len(connect_errors()) >= 2, "two failed polls", 60)
            first, second = connect_errors()[:2]
            assert second - first >= 9, "the poll did not back off (5 s interval, doubled)"
            await pilot.press("1")  # every other view still works
            await pilot_wait(pilot, lambda: topic in getattr(app.screen, "items", {}),
                            "the topics view to list", 40)  # fmt: skip
            await asyncio.to_thread(box.up)
            # a restarted worker answers GET /connectors before it can report statuses
            await asyncio.to_thread(
                wait_until, lambda: _connect_answers(client, cluster), "connect statuses", 90
            )
            await pilot.press("3")
            before = app.screen.items  # type: ignore[attr-defined]
            # no refresh key: the poll finds Connect again (backoff at most 40 s, plus a call)
            await pilot_wait(pilot, lambda: app.screen.items is not before,  # type: ignore[attr-defined]
                             "connectors to list again", 60)  # fmt: skip
            assert key in getattr(app.screen, "items", {})
            assert app.is_running
    finally:
        with contextlib.suppress(KafkaTuiError):
            client.connect.delete(cluster, unique)


# ---- 4. the registry is down or frozen -----------------------------------------------------
ORDER = json.dumps({
    "type": "record", "name": "DrillOrder", "namespace": "drill",
    "fields": [{"name": "n", "type": "int"}, {"name": "note", "type": "string"}],
})  # fmt: skip
RECORDS = 200


@pytest.fixture
def avro_topic(
    client: ClusterClient, sandbox_settings: ConnectionSettings, topic: str, unique: str
) -> Iterator[tuple[str, int]]:
    """`topic` holding RECORDS Avro values written with a schema registered under `unique`."""
    subject = f"{unique}-value"
    schema_id = client.registry.register(subject, ORDER)
    producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
    for n in range(RECORDS):
        value = encode_avro(ORDER, schema_id, {"n": n, "note": f"order {n}"})
        producer.produce(topic, value, partition=n % 3)
    assert producer.flush(30) == 0
    # The sandbox registry keeps schemas in an embedded H2 file that is flushed about once
    # a second: a SIGKILL sooner would lose the schema itself, which no drill is about.
    time.sleep(2)
    yield topic, schema_id
    with contextlib.suppress(KafkaTuiError):
        client.registry.delete_subject(subject, permanent=True)


def _fresh(client: ClusterClient) -> ClusterClient:
    """A client with empty caches: nothing decoded before the fault."""
    return ClusterClient(client.settings, client.guard)


def _decode_all_as_hex(fresh: ClusterClient, tail: KafkaTail, schema_id: int) -> None:
    """Every record comes back at once as hex with the reason; no call waits unbounded."""
    timeout = fresh.settings.schema_registry.timeout_s  # type: ignore[union-attr]
    decoder = fresh.decoder()
    slowest = 0.0
    started = time.monotonic()
    for _, _, value in tailed(tail):
        at = time.monotonic()
        decoded = decoder.decode(value, is_key=False)
        slowest = max(slowest, time.monotonic() - at)
        assert decoded.format == "hex"
        assert decoded.value is None
        assert decoded.schema_id == schema_id
        assert decoded.error is not None and "registry" in decoded.error, decoded.error
        assert decoded.hex == value.hex()
    assert slowest < timeout + 3, f"one decode took {slowest:.1f} s"
    # after the first failed lookup the rest fail fast (backoff), they do not wait in turn
    assert time.monotonic() - started < 2 * timeout + 5


def _wait_for_decoding(decoder: RecordDecoder, value: bytes, timeout_s: float = 60) -> None:
    """Until `value` decodes as Avro again; a failure names the last reason."""
    deadline = time.monotonic() + timeout_s
    while True:
        decoded = decoder.decode(value, is_key=False)
        if decoded.format == "avro":
            assert decoded.value == {"n": 0, "note": "order 0"}
            return
        assert time.monotonic() < deadline, f"still not decoded: {decoded.error}"
        time.sleep(0.5)


def test_registry_killed_tail_shows_hex_with_reason_then_decodes_again(
    box: Sandbox, client: ClusterClient, avro_topic: tuple[str, int]
) -> None:
    topic, schema_id = avro_topic
    box.kill("registry")
    wait_until(lambda: part_is_down(box, "registry"), "the registry to die")
    fresh = _fresh(client)
    tail = started_tail(fresh, topic)
    wait_for_tail(tail, RECORDS, timeout_s=30)
    _decode_all_as_hex(fresh, tail, schema_id)
    asked = time.monotonic()
    with pytest.raises(ConnectionFailed):
        _fresh(client).registry.subjects()
    assert time.monotonic() - asked < 5, "a refused connection must fail fast"

    box.up()
    first = next(v for p, o, v in tailed(tail) if p == 0 and o == 0)
    _wait_for_decoding(fresh.decoder(), first)
    tail.stop()
    fresh.close()


def test_registry_frozen_calls_time_out_and_decoding_resumes(
    box: Sandbox, client: ClusterClient, avro_topic: tuple[str, int], tmp_path: Path, sandbox: dict
) -> None:
    topic, schema_id = avro_topic
    fresh = _fresh(client)
    tail = started_tail(fresh, topic)
    wait_for_tail(tail, RECORDS, timeout_s=30)
    box.signal("registry", signal.SIGSTOP)
    try:
        _decode_all_as_hex(fresh, tail, schema_id)
        with pytest.raises(TimedOut):
            _fresh(client).registry.subjects()
        # the headless tail prints every record, undecoded, in bounded time
        run = run_cli("-b", sandbox["bootstrap_servers"], "--schema-registry",
                      sandbox["schema_registry"], "tail", topic, "--until-end",
                      home=tmp_path, timeout_s=120)  # fmt: skip
        assert run.code == 0, run.stderr
        lines = [json.loads(line) for line in run.stdout.splitlines()]
        assert len(lines) == RECORDS
        assert all(line["value"] is None and line["value_hex"] for line in lines)
        assert all("registry" in line["value_error"] for line in lines)
        assert run.seconds < 40, f"the tail took {run.seconds:.0f} s with the registry frozen"
    finally:
        box.signal("registry", signal.SIGCONT)
    first = next(v for p, o, v in tailed(tail) if p == 0 and o == 0)
    _wait_for_decoding(fresh.decoder(), first)
    tail.stop()
    fresh.close()


async def test_tui_schemas_view_reports_a_frozen_registry_and_the_rest_works(
    box: Sandbox, client: ClusterClient, topic: str, unique: str
) -> None:
    from kafkatui.ui import make_app

    subject = f"{unique}-value"
    client.registry.register(subject, ORDER)
    try:
        app = make_app(client, cursor_blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("4")
            await pilot_wait(pilot, lambda: subject in getattr(app.screen, "items", {}),
                            "the subject to list", 30)  # fmt: skip
            box.signal("registry", signal.SIGSTOP)
            try:
                await pilot.press("ctrl+r")
                where = f"schema registry ({client.settings.schema_registry.url})"  # type: ignore[union-attr]
                await pilot_wait(pilot, lambda: any(where in e.message for e in app.errors),
                                "the schemas view to report the registry", 40)  # fmt: skip
                await pilot.press("1")  # every other view still works
                await pilot_wait(pilot, lambda: topic in getattr(app.screen, "items", {}),
                                "the topics view to list", 40)  # fmt: skip
            finally:
                box.signal("registry", signal.SIGCONT)
            await pilot.press("4")
            before = app.screen.items  # type: ignore[attr-defined]
            await pilot.press("ctrl+r")
            await pilot_wait(pilot, lambda: app.screen.items is not before,  # type: ignore[attr-defined]
                             "subjects to list again", 60)  # fmt: skip
            assert subject in getattr(app.screen, "items", {})
    finally:
        with contextlib.suppress(KafkaTuiError):
            client.registry.delete_subject(subject, permanent=True)


# ---- 5. Connect is down ---------------------------------------------------------------------
def test_connect_down_fails_fast_and_everything_else_works(
    box: Sandbox, client: ClusterClient, topic: str
) -> None:
    cluster = client.connect.clusters()[0]
    client.connect.list(cluster)  # answers before the fault
    box.kill("connect")
    wait_until(lambda: part_is_down(box, "connect"), "connect to die")
    url = client.settings.connect[0].url
    for _ in range(2):  # the first call may find its kept-alive connection broken
        asked = time.monotonic()
        with pytest.raises(ConnectionFailed, match=r"cannot connect|connection lost") as err:
            client.connect.list(cluster)
        assert time.monotonic() - asked < 3
        assert url in str(err.value)
    assert any(t.name == topic for t in client.topics.list_names())
    client.groups.list()
    findings = client.health.check()
    assert any(f.code == "CONNECT_UNREACHABLE" for f in findings)

    box.up()
    wait_until(lambda: _connect_answers(client, cluster), "connect to answer again", 60)


def test_connect_frozen_times_out_within_its_timeout(box: Sandbox, client: ClusterClient) -> None:
    cluster = client.connect.clusters()[0]
    timeout = client.settings.connect[0].timeout_s
    box.signal("connect", signal.SIGSTOP)
    try:
        asked = time.monotonic()
        with pytest.raises(TimedOut):
            client.connect.list(cluster)
        assert time.monotonic() - asked < timeout + 3
        client.topics.list_names()
    finally:
        box.signal("connect", signal.SIGCONT)
    wait_until(lambda: _connect_answers(client, cluster), "connect to answer again", 60)


def _connect_answers(client: ClusterClient, cluster: str) -> bool:
    try:
        client.connect.list(cluster)
    except KafkaTuiError:
        return False
    return True


# ---- 6. the bootstrap host is wrong or unreachable ----------------------------------------
@pytest.mark.parametrize("bootstrap", ["127.0.0.1:1", "nosuchhost.invalid:9092"])
@pytest.mark.parametrize("command", [["groups", "--json"], ["check", "--json"], ["tail", "x"]])
def test_unreachable_bootstrap_exits_3_with_one_line(
    bootstrap: str, command: list[str], tmp_path: Path
) -> None:
    run = run_cli("-b", bootstrap, *command, home=tmp_path)
    assert_cannot_connect(run, CLI_FAILS_WITHIN_S)
    assert "cannot connect" in run.stderr or "timed out" in run.stderr.lower()
    assert run.stdout == ""


async def test_tui_on_an_unreachable_cluster_shows_the_error_and_keeps_running(
    guard: Guard,
) -> None:
    from kafkatui.ui import make_app
    from kafkatui.ui.modals.connection import ConnectionScreen

    settings = ConnectionSettings(profile="nowhere", bootstrap_servers="127.0.0.1:1",
                                  timeout_s=3.0)  # fmt: skip
    app = make_app(ClusterClient(settings, guard), cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        deadline = time.monotonic() + 20
        while app.connection_state != "disconnected" and time.monotonic() < deadline:
            await pilot.pause(0.2)
        assert app.connection_state == "disconnected"
        assert app.errors, "the failure is kept for :log"
        assert all("Traceback" not in e.message for e in app.errors)
        assert any("127.0.0.1:1" in e.message for e in app.errors)
        deadline = time.monotonic() + 10
        while not isinstance(app.screen, ConnectionScreen) and time.monotonic() < deadline:
            await pilot.pause(0.2)
        screen = app.screen
        assert isinstance(screen, ConnectionScreen), "the connection screen, never a crash"
        assert app.probe_error and "127.0.0.1:1" in app.probe_error
        assert app.next_probe_at is not None, "it keeps retrying"

        def probes_failed() -> int:
            return sum(e.source == "reading cluster metadata" for e in app.errors)

        failed = probes_failed()
        await pilot.press("r")  # retry now, well before the scheduled retry (10 s after the first)
        deadline = time.monotonic() + 9
        while probes_failed() == failed and time.monotonic() < deadline:
            await pilot.pause(0.2)
        assert probes_failed() > failed and app.screen is screen
        await pilot.press("2")  # other views still open and fail the same, politely
        await pilot.pause(0.5)
        assert app.is_running
    app.client.close()


# ---- 7. a huge message --------------------------------------------------------------------
HUGE = 10 * 1024 * 1024


def test_huge_message_is_tailed_decoded_and_exported_whole(
    client: ClusterClient, sandbox_settings: ConnectionSettings, unique: str, tmp_path: Path
) -> None:
    make_topic(sandbox_settings, unique, 1, **{"max.message.bytes": "15728640"})
    try:
        body = {"blob": "x" * HUGE}
        value = json.dumps(body).encode()
        producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers,
                             "message.max.bytes": 16 * 1024 * 1024})  # fmt: skip
        producer.produce(unique, value, key=b"big")
        producer.produce(unique, b'{"small": true}', key=b"after")
        assert producer.flush(60) == 0

        tail = started_tail(client, unique)
        wait_for_tail(tail, 2, timeout_s=60)
        record = tail.get(tail.first_seq())
        assert record is not None and record.value == value
        started = time.monotonic()
        decoded = client.decoder().decode(record.value, is_key=False)
        assert time.monotonic() - started < 5
        assert decoded.format == "json" and decoded.value == body
        tail.stop()

        run = run_cli("-b", sandbox_settings.bootstrap_servers, "tail", unique, "--until-end",
                      "--format", "jsonl", home=tmp_path, timeout_s=120)  # fmt: skip
        assert run.code == 0, run.stderr
        lines = run.stdout.splitlines()
        assert len(lines) == 2
        exported = json.loads(lines[0])
        assert exported["value"] == body and len(exported["value"]["blob"]) == HUGE
        assert json.loads(lines[1])["value"] == {"small": True}
    finally:
        drop_topic(sandbox_settings, unique)


async def test_inspector_truncates_a_huge_value_and_shows_all_on_request(
    client: ClusterClient, guard: Guard
) -> None:
    from textual.widgets import Static

    from kafkatui.cluster.models import RawRecord
    from kafkatui.records.view import RecordView
    from kafkatui.ui import make_app
    from kafkatui.ui.modals.inspector import SHORT_LIMIT, InspectorModal

    value = json.dumps({"blob": "y" * HUGE}).encode()
    decoder = client.decoder()
    record = RawRecord("big", 0, 0, 0, b"k", value)
    view = RecordView(record, decoder.decode(b"k", is_key=True),
                      decoder.decode(value, is_key=False))  # fmt: skip
    app = make_app(client, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        modal = InspectorModal(view)
        started = time.monotonic()
        await app.push_screen(modal)
        await pilot.pause()
        assert time.monotonic() - started < 5, "opening the inspector must stay responsive"
        shown = str(modal.query_one("#value", Static).render())
        assert len(shown) < SHORT_LIMIT + 200
        assert "more characters (m)" in shown
        assert modal.full is False
        started = time.monotonic()
        await pilot.press("m")
        await pilot.pause()
        assert modal.full is True
        assert time.monotonic() - started < 5, "showing more must stay responsive"


# ---- 8. memory stays bounded -----------------------------------------------------------------
def test_ring_buffer_stays_at_capacity_and_counts_what_it_drops(
    client: ClusterClient, sandbox_settings: ConnectionSettings, unique: str
) -> None:
    total, capacity = 20_000, 1_000
    make_topic(sandbox_settings, unique, 1)
    try:
        producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
        for n in range(total):
            producer.produce(unique, str(n).encode())
            if n % 1000 == 0:
                producer.poll(0)
        assert producer.flush(60) == 0
        tail = started_tail(client, unique, capacity=capacity)
        dropped_seen = [0]
        deadline = time.monotonic() + 60
        while tail.stats().received < total:
            stats = tail.stats()
            assert stats.kept <= capacity
            assert stats.dropped >= dropped_seen[-1], "dropped count went down"
            dropped_seen.append(stats.dropped)
            assert time.monotonic() < deadline, f"only {stats.received} of {total} received"
            time.sleep(0.01)
        stats = tail.stats()
        assert (stats.kept, stats.received, stats.dropped) == (capacity, total, total - capacity)
        kept = tailed(tail)
        assert [int(v) for _, _, v in kept] == list(range(total - capacity, total))
        assert tail.get(tail.first_seq() - 1) is None
        tail.stop()
    finally:
        drop_topic(sandbox_settings, unique)
