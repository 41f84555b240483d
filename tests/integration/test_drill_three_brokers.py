"""Drill: one of three brokers is down. Runs its own 3-broker sandbox in a temporary
state directory, started and stopped inside this module (the session's sandbox has one
broker and is not touched).

With the broker gone, topics and groups still list; `check` (the cluster layer and the
CLI), and the TUI's Health view, report UNDER_REPLICATED for the RF 3 topic and
OFFLINE_PARTITION for an RF 1 topic whose only replica was on that broker; both clear
once it is back.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.errors import ConnectionFailed
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.models import Finding
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.sandbox import ownership
from kafkatui.sandbox.processes import running_pid
from kafkatui.sandbox.runtime import Sandbox
from kafkatui.ui import make_app
from tests.integration.drill_support import pilot_wait, run_cli
from tests.integration.kafka_helpers import commit, produce, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.drill, pytest.mark.slow]

DOWN = "broker-3"
DOWN_ID = 3


@pytest.fixture(scope="module")
def three_brokers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    box = Sandbox(root=tmp_path_factory.mktemp("three-brokers"))
    ownership.claim(box.root)  # its JVMs die with this test process
    try:
        box.up(brokers=3)
        yield box
    finally:
        box.down(purge=True)


def _java_hash(text: str) -> int:
    h = 0
    for ch in text:
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return h


def _offsets_leaders(admin: AdminClient) -> dict[int, int]:
    """__consumer_offsets partition -> leader, once every partition has one."""

    def leaders() -> dict[int, int] | None:
        topic = admin.list_topics(timeout=30).topics.get("__consumer_offsets")
        found = {p: m.leader for p, m in (topic.partitions if topic else {}).items()}
        complete = found and len(found) == max(found) + 1 and -1 not in found.values()
        return found if complete else None

    return wait_until(leaders, "every __consumer_offsets partition to have a leader")


def _coordinator(group_id: str, leaders: dict[int, int]) -> int:
    """The broker coordinating a group: Kafka maps it to the __consumer_offsets partition
    abs(hashCode) % partitions, whose leader is the coordinator."""
    return leaders[(_java_hash(group_id) & 0x7FFFFFFF) % len(leaders)]


def _groups_around(admin: AdminClient, broker_id: int, prefix: str) -> tuple[str, str]:
    """Two group ids: one coordinated by `broker_id`, one by another broker."""
    leaders = _offsets_leaders(admin)
    found: dict[bool, str] = {}
    for n in range(1000):
        name = f"{prefix}{n}"
        found.setdefault(_coordinator(name, leaders) == broker_id, name)
        if len(found) == 2:
            return found[True], found[False]
    raise AssertionError(f"no pair of group ids found around broker {broker_id}")


def _rows(app: Any) -> set[str]:
    return set(getattr(app.screen, "items", {}))


def _codes_for(findings: list[Finding], topic: str) -> set[str]:
    return {f.code for f in findings if f.subject == topic}


async def test_one_broker_of_three_down_is_reported_and_clears(
    three_brokers: Sandbox, unique: str, tmp_path: Path
) -> None:
    layout = three_brokers.layout()
    assert layout is not None
    settings = ConnectionSettings(profile="three", bootstrap_servers=layout.bootstrap_servers)
    replicated, single = f"{unique}-rf3", f"{unique}-rf1"
    admin = AdminClient({"bootstrap.servers": settings.bootstrap_servers})
    # the lost one's coordinator dies with the broker: its lag must come back from the new
    # one (librdkafka used to abort the process there, see KafkaAdmin._fresh_client_if_due)
    lost, kept = _groups_around(admin, DOWN_ID, f"{unique}-g")
    futures = admin.create_topics([
        NewTopic(replicated, 3, 3, config={"min.insync.replicas": "2"}),
        NewTopic(single, num_partitions=1, replica_assignment=[[DOWN_ID]]),
    ])  # fmt: skip
    for future in futures.values():
        future.result(timeout=30)
    # Not kept alive into teardown: a failure's traceback would hold it while brokers stop.
    del admin, futures
    produce(settings, replicated, {0: 5, 1: 5, 2: 5})
    for group in (lost, kept):
        commit(settings, group, {(replicated, p): 2 for p in range(3)})
    client = ClusterClient(settings, Guard(read_only=True, profile="three",
                                           audit_path=tmp_path / "audit.jsonl"))  # fmt: skip
    try:
        assert not _codes_for(client.health.check(), replicated) & {"UNDER_REPLICATED"}

        three_brokers.kill(DOWN)

        def reported() -> list[Finding]:  # empty until both are reported
            try:
                findings = client.health.check()
            except ConnectionFailed as err:
                message = f"check says unreachable while 2 of 3 brokers run: {err}"
                raise AssertionError(message) from err
            want = ("UNDER_REPLICATED" in _codes_for(findings, replicated)
                    and "OFFLINE_PARTITION" in _codes_for(findings, single))  # fmt: skip
            return findings if want else []

        findings = wait_until(reported, "check to report the lost broker", timeout_s=90)
        under = next(
            f for f in findings if f.code == "UNDER_REPLICATED" and f.subject == replicated
        )
        assert "3 of 3 partition(s)" in under.detail
        assert under.severity == "warning"  # ISR 2 still meets min.insync.replicas=2
        offline = next(f for f in findings if f.code == "OFFLINE_PARTITION")
        assert offline.subject == single and offline.severity == "critical"

        names = {t.name for t in client.topics.list_names()}
        assert {replicated, single} <= names
        summaries = {s.name: s for s in client.topics.fill_summaries([replicated, single])}
        assert summaries[replicated].under_replicated == 3
        assert summaries[single].offline == 1
        def group_lags() -> dict[str, list[int | None]] | None:
            try:
                if not {lost, kept} <= {g.group_id for g in client.groups.list()}:
                    return None
                lags = client.groups.lag([lost, kept])
            except ConnectionFailed:
                return None  # asked the lost broker before metadata moved on: again
            found = {g: [p.lag for p in lag.partitions] for g, lag in lags.items()}
            return found if all(None not in v for v in found.values()) else None

        lags = wait_until(group_lags, "both groups' lag, every partition", 90)
        assert lags == {lost: [3, 3, 3], kept: [3, 3, 3]}

        run = run_cli("-b", settings.bootstrap_servers, "check", "--json", home=tmp_path)
        assert run.code == 1, run.stderr
        by_code = {(f["code"], f["subject"]) for f in json.loads(run.stdout)}
        assert {("UNDER_REPLICATED", replicated), ("OFFLINE_PARTITION", single)} <= by_code

        # the Health view shows both, and clears them through its own poll once the broker
        # is back
        app = make_app(client, cursor_blink=False)
        reported_rows = {f"UNDER_REPLICATED|{replicated}", f"OFFLINE_PARTITION|{single}"}
        async with app.run_test(size=(160, 40)) as pilot:
            await pilot.press("6")
            await pilot_wait(pilot, lambda: reported_rows <= _rows(app),
                             "the health view to report the lost broker", 60)  # fmt: skip
            await asyncio.to_thread(three_brokers.up, brokers=3)
            await pilot_wait(pilot, lambda: not reported_rows & _rows(app),
                             "the health view to clear", 120)  # fmt: skip

        def cleared() -> bool:
            findings = client.health.check()
            gone = {"UNDER_REPLICATED", "OFFLINE_PARTITION"}
            return not (_codes_for(findings, replicated) | _codes_for(findings, single)) & gone

        wait_until(cleared, "the findings to clear after the broker returned", timeout_s=120)
        run = run_cli("-b", settings.bootstrap_servers, "check", "--json", home=tmp_path)
        codes = {f["code"] for f in json.loads(run.stdout)}
        assert not codes & {"UNDER_REPLICATED", "OFFLINE_PARTITION"}, run.stdout
    finally:
        client.close()


# A long-lived client that only reads lag, as the Groups view does: the lost group's
# coordinator dies with the broker. In a child process, because librdkafka used to abort
# the whole process here (an assertion, after a request timed out; librdkafka #4605).
LAG_READER = textwrap.dedent("""
    import json, sys, time
    from kafkatui.cluster.client import ClusterClient
    from kafkatui.cluster.errors import ConnectionFailed
    from kafkatui.cluster.guard import Guard
    from kafkatui.cluster.settings import ConnectionSettings

    bootstrap, group, audit = sys.argv[1:4]
    settings = ConnectionSettings(profile="three", bootstrap_servers=bootstrap)
    client = ClusterClient(settings, Guard(read_only=True, profile="three", audit_path=audit))
    print(json.dumps(client.groups.lag([group])[group].total), flush=True)
    sys.stdin.readline()  # the broker is down now
    started, seen = time.monotonic(), []
    while time.monotonic() - started < 60:
        try:
            lag = client.groups.lag([group])[group]
            seen.append([p.lag for p in lag.partitions])
        except ConnectionFailed as exc:
            seen.append(type(exc).__name__)
        if seen[-3:] == [[3, 3, 3]] * 3:
            break
        time.sleep(1)
    print(json.dumps(seen), flush=True)
    client.close()
""")


def test_lag_comes_back_from_the_new_coordinator_without_a_crash(
    three_brokers: Sandbox, unique: str, tmp_path: Path
) -> None:
    three_brokers.up(brokers=3)  # idempotent: the drill above may have left it up
    settings = ConnectionSettings(
        profile="three", bootstrap_servers=three_brokers.layout().bootstrap_servers
    )
    topic, lost = f"{unique}-lag", f"{unique}-lost"
    admin = AdminClient({"bootstrap.servers": settings.bootstrap_servers})
    # the broker to kill is the group's coordinator (after the drill above restarted
    # broker-3, it may lead no __consumer_offsets partition for a while)
    victim = f"broker-{_coordinator(lost, _offsets_leaders(admin))}"
    for future in admin.create_topics([NewTopic(topic, 3, 3)]).values():
        future.result(timeout=30)
    del admin
    produce(settings, topic, {0: 5, 1: 5, 2: 5})
    commit(settings, lost, {(topic, p): 2 for p in range(3)})
    reader = subprocess.Popen(
        [sys.executable, "-c", LAG_READER, settings.bootstrap_servers, lost,
         str(tmp_path / "audit.jsonl")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert json.loads(reader.stdout.readline()) == 9
        assert running_pid(three_brokers.root, victim) is not None
        three_brokers.kill(victim)
        assert wait_until(lambda: running_pid(three_brokers.root, victim) is None, "the kill")
        reader.stdin.write("go\n")
        reader.stdin.flush()
        out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, err[-2000:]
        seen = json.loads(out)
        assert seen[-3:] == [[3, 3, 3]] * 3, seen
    finally:
        if reader.poll() is None:
            reader.kill()
        three_brokers.up(brokers=3)
