"""Lag in seconds, rebalances and KIP-848 groups against the sandbox's real broker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer

from kafkatui.cluster.groups import Groups
from kafkatui.cluster.health import evaluate
from kafkatui.cluster.lag_time import NO_COMMIT
from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.kafka_helpers import (
    active_member,
    commit,
    drop_groups,
    drop_topic,
    make_topic,
    produce,
    wait_until,
)

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
TWO_MINUTES_MS = 120_000


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    """3 partitions of 10 records each, stamped two minutes ago (plus 1 ms per record)."""
    make_topic(sandbox_settings, unique, 3)
    base = int(time.time() * 1000) - TWO_MINUTES_MS
    produce(sandbox_settings, unique, {0: 10, 1: 10, 2: 10}, timestamps=lambda i: base + i)
    yield unique
    drop_groups(sandbox_settings, unique)
    drop_topic(sandbox_settings, unique)


def test_lag_seconds_of_records_two_minutes_old(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    group = unique + "-g"
    commit(sandbox_settings, group, {(topic, 0): 4, (topic, 1): 10})  # p2: never committed

    lag = groups.with_lag_seconds(groups.lag([group]))[group]
    rows = {p.partition: p for p in lag.partitions}
    assert set(rows) == {0, 1}  # a partition never committed is not the group's at all
    assert rows[0].lag == 6 and rows[0].lag_seconds is not None
    assert 118 <= rows[0].lag_seconds <= 135, rows[0].lag_seconds
    assert rows[1].lag == 0 and rows[1].lag_seconds == 0.0
    assert lag.max_lag_seconds == rows[0].lag_seconds
    assert lag.type == "CLASSIC"


def test_lag_seconds_is_null_without_a_committed_offset(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    """A member owns p0..p2 but committed nothing: lag and lag_seconds are unknown."""
    group = unique + "-member"
    with active_member(sandbox_settings, group, topic):
        lag = groups.with_lag_seconds(groups.lag([group]))[group]
    assert {p.partition for p in lag.partitions} == {0, 1, 2}
    for p in lag.partitions:
        assert p.committed is None and p.lag_seconds is None
        assert p.lag_seconds_note == NO_COMMIT
    assert lag.max_lag_seconds is None


def test_overview_estimate_from_sampled_end_offsets(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    """No record is read: a stalled end gives a lower bound, a moving one an estimate."""
    group = unique + "-est"
    commit(sandbox_settings, group, {(topic, 0): 5})
    assert groups.lag([group])[group].estimate is None  # one look: no rate yet
    time.sleep(1.0)
    stalled = groups.lag([group])[group].estimate
    assert stalled is not None and stalled.at_least and 0.9 <= stalled.seconds <= 10
    produce(sandbox_settings, topic, {0: 10})  # the end moves: 10 -> 20
    before_move = time.time()
    groups.lag([group])
    commit(sandbox_settings, group, {(topic, 0): 15})  # inside the sampled range
    time.sleep(0.5)
    moving = groups.lag([group])[group].estimate
    assert moving is not None and not moving.at_least
    # offset 15 was written between the look at end 10 and the first look at end 20
    assert 0.5 <= moving.seconds <= time.time() - before_move + 1.5


def test_groups_json_has_type_and_lag_seconds(
    topic: str, unique: str, sandbox_settings: ConnectionSettings, tmp_path: Path
) -> None:
    group = unique + "-cli"
    commit(sandbox_settings, group, {(topic, 2): 0})
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAFKATUI_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "c"), XDG_STATE_HOME=str(tmp_path / "s"))
    done = subprocess.run(
        [sys.executable, "-m", "kafkatui", "-b", sandbox_settings.bootstrap_servers,
         "groups", group, "--json"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (doc,) = json.loads(done.stdout)
    assert doc["type"] == "classic"
    (row,) = doc["partitions"]
    assert row["lag"] == 10
    assert 118 <= row["lag_seconds"] <= 135
    assert doc["max_lag_seconds"] == row["lag_seconds"]


def test_check_reports_consumer_lag_seconds(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    """The rule run on what the real cluster answered: 2 min behind is over a 60 s limit."""
    from kafkatui.cluster.health import ClusterFacts

    group = unique + "-check"
    commit(sandbox_settings, group, {(topic, 0): 0})
    lags = groups.with_lag_seconds(groups.lag([group]))
    facts = ClusterFacts(broker_count=1, group_lags=lags, lag_seconds_limit=60)
    found = [f for f in evaluate(facts) if f.code == "CONSUMER_LAG_SECONDS"]
    assert [(f.severity, f.subject) for f in found] == [("warning", group)]
    assert f"{topic}-0" in found[0].detail
    facts = ClusterFacts(broker_count=1, group_lags=lags, lag_seconds_limit=600)
    assert not [f for f in evaluate(facts) if f.code == "CONSUMER_LAG_SECONDS"]


def _kip848_member(bootstrap: str, group: str, topic: str, client_id: str) -> Consumer:
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "group.protocol": "consumer",
            "client.id": client_id,
            "auto.offset.reset": "earliest",
        }
    )
    consumer.subscribe([topic])
    return consumer


def test_kip848_group_shows_type_and_assignment_against_target(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    group = unique + "-848"
    members = [
        _kip848_member(sandbox_settings.bootstrap_servers, group, topic, f"m{i}") for i in (1, 2)
    ]
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            for m in members:
                m.poll(0.1)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        seen_states: set[str] = set()

        def settled() -> object:
            found = [g for g in groups.list() if g.group_id == group]
            if not found:  # not created until the first heartbeat lands
                return None
            summary = found[0]
            seen_states.add(summary.state)
            owned = [tp.partition for m in summary.members for tp in m.assignment]
            ok = summary.state == "STABLE" and sorted(owned) == [0, 1, 2]
            return summary if ok and len(summary.members) == 2 else None

        summary = wait_until(settled, "the KIP-848 group to settle", timeout_s=60)
        rows = groups.lag([group])[group].partitions
    finally:
        stop.set()
        thread.join(10)
        for m in members:
            m.close()
    assert summary.type == "CONSUMER"
    for member in summary.members:
        assert member.target_assignment is not None
        assert set(member.target_assignment) == set(member.assignment)
        assert not member.reconciling
    assert {m.client_id for m in summary.members} == {"m1", "m2"}
    assert len(rows) == 3 and all(r.member == r.target_member for r in rows)
    assert {r.member for r in rows} == {"m1", "m2"}
    # while the second member waited for its partitions the group was reconciling (if a
    # poll caught it then): never shown as a bare UNKNOWN when members say otherwise
    assert seen_states <= {"STABLE", "RECONCILING", "UNKNOWN", "EMPTY"}


def test_members_joining_and_leaving_in_a_loop_are_rebalances(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    group = unique + "-storm"
    groups.list()  # the baseline look
    for i in range(3):
        with active_member(sandbox_settings, group, topic, client_id=f"flapper-{i}"):
            groups.lag([group])  # a look while the member is in
        groups.lag([group])  # and one after it left
    counted = groups.rebalances()
    assert counted.get(group, 0) >= 5, groups.events(group)
    kinds = [(e.kind, e.detail) for e in groups.events(group)]
    # the first look at the group is the baseline: flapper-0 was already in
    assert {("left", "flapper-0"), ("joined", "flapper-2"), ("left", "flapper-2")} <= set(kinds)
    facts_storm = evaluate_storm(groups)
    assert [(f.code, f.subject) for f in facts_storm] == [("REBALANCE_STORM", group)]


def evaluate_storm(groups: Groups) -> list:
    from kafkatui.cluster.health import ClusterFacts

    facts = ClusterFacts(broker_count=1, rebalances=groups.rebalances(), storm_rebalances=3)
    return [f for f in evaluate(facts) if f.code == "REBALANCE_STORM"]


def test_demo_sessionizer_members_form_a_consumer_protocol_group(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    """The demo's KIP-848 group, run on a test topic: two members share its partitions."""
    from kafkatui.sandbox.traffic import sessionizer_member

    group = unique + "-sessionizer"
    stop = threading.Event()
    members = [
        threading.Thread(
            target=sessionizer_member,
            args=(sandbox_settings.bootstrap_servers, stop, i, topic, group),
            daemon=True,
        )
        for i in (1, 2)
    ]
    for thread in members:
        thread.start()
    try:

        def both_assigned() -> object:
            found = [g for g in groups.list() if g.group_id == group]
            if not found or len(found[0].members) != 2:
                return None
            owned = [tp for m in found[0].members for tp in m.assignment]
            return found[0] if len(owned) == 3 else None

        summary = wait_until(both_assigned, "both sessionizer members to get partitions", 60)
    finally:
        stop.set()
        for thread in members:
            thread.join(10)
    assert summary.type == "CONSUMER"
    assert {m.client_id for m in summary.members} == {"sessionizer-1", "sessionizer-2"}


def test_check_samples_lag_seconds_and_a_rebalance_storm(
    client: Any, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    """`check` end to end: a group two minutes behind, and one whose members come and go."""
    behind, storm = unique + "-behind", unique + "-storm"
    commit(sandbox_settings, behind, {(topic, 1): 0})
    stop = threading.Event()

    def flap() -> None:
        """Classic members (a KIP-848 member takes seconds to get its first assignment):
        each joins, holds its partitions for half a second, and leaves."""
        n = 0
        while not stop.is_set():
            n += 1
            member = Consumer(
                {"bootstrap.servers": sandbox_settings.bootstrap_servers, "group.id": storm,
                 "client.id": f"f{n}"}
            )  # fmt: skip
            member.subscribe([topic])
            deadline = time.monotonic() + 5
            while not member.assignment() and time.monotonic() < deadline and not stop.is_set():
                member.poll(0.1)
            stop.wait(0.5)
            member.close()

    thread = threading.Thread(target=flap, daemon=True)
    thread.start()
    try:
        listed = lambda: storm in {g.group_id for g in client.groups.list()}  # noqa: E731
        wait_until(listed, "the flapping group to exist")  # a storm in a group check knows
        found = client.health.check(lag_window_s=6.0, lag_seconds=60, storm_rebalances=2)
    finally:
        stop.set()
        thread.join(10)
    codes = {(f.code, f.subject) for f in found}
    assert ("CONSUMER_LAG_SECONDS", behind) in codes
    assert ("REBALANCE_STORM", storm) in codes, client.groups.events(storm)
    assert ("REBALANCE_STORM", behind) not in codes


def test_lag_seconds_for_many_groups_at_different_offsets_of_one_partition(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    """One reader holds one position per partition: six groups on p0 need six rounds."""
    ids = [f"{unique}-g{i}" for i in range(6)]
    for i, gid in enumerate(ids):
        commit(sandbox_settings, gid, {(topic, 0): i + 1})
    timed = groups.with_lag_seconds(groups.lag(ids))
    ages = [timed[gid].partitions[0].lag_seconds for gid in ids]
    assert all(age is not None and 118 <= age <= 135 for age in ages), ages
    # record i was stamped base + i ms: a later commit is a (slightly) younger record
    assert ages == sorted(ages, reverse=True)
