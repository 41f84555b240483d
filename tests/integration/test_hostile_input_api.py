"""Hostile input at the API level, against the sandbox: each case gives a clear error or a
clamped, announced result, and changes nothing it should not.

Connector names with path characters are covered against the real Connect worker in
test_connect.py (and without a request in tests/unit/test_hostile_input.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kafkatui.cluster.api import TailStart
from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.errors import InvalidInput, NotFound
from kafkatui.cluster.models import ResetMode, ResetSpec
from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.drill_support import run_cli, tailed
from tests.integration.kafka_helpers import (
    commit,
    drop_groups,
    drop_topic,
    make_topic,
    produce,
    wait_until,
)

pytestmark = pytest.mark.integration

FUTURE = (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    """Two partitions of 10 records each."""
    make_topic(sandbox_settings, unique, 2)
    produce(sandbox_settings, unique, {0: 10, 1: 10})
    yield unique
    drop_groups(sandbox_settings, unique)
    drop_topic(sandbox_settings, unique)


@pytest.fixture
def group(sandbox_settings: ConnectionSettings, topic: str, unique: str) -> str:
    gid = unique + "-g"
    commit(sandbox_settings, gid, {(topic, 0): 5, (topic, 1): 5})
    return gid


def _committed(client: ClusterClient, group: str) -> dict[tuple[str, int], int | None]:
    lag = client.groups.lag([group])[group]
    return {(p.topic, p.partition): p.committed for p in lag.partitions}


@pytest.mark.parametrize(
    ("spec", "new", "says"),
    [
        (ResetSpec(ResetMode.OFFSET, 10**12), 10, "beyond the end"),
        (ResetSpec(ResetMode.SHIFT, -(10**9)), 0, "before the start"),
        (ResetSpec(ResetMode.SHIFT, 10**9), 10, "beyond the end"),
        (ResetSpec(ResetMode.DATETIME, FUTURE), 10, "in the future"),
    ],
)
def test_out_of_range_resets_are_clamped_announced_and_applied_exactly(
    client: ClusterClient, topic: str, group: str, spec: ResetSpec, new: int, says: str
) -> None:
    groups = client.groups
    plan = groups.plan_reset(group, topic, [0], spec)
    assert [(r.partition, r.current, r.new) for r in plan.rows] == [(0, 5, new)]
    assert any(says in w for w in plan.warnings), plan.warnings
    assert _committed(client, group) == {(topic, 0): 5, (topic, 1): 5}  # planning changed nothing
    result = groups.execute_reset(plan)
    assert result.applied and not result.mismatches
    # exactly the clamped offset, and the partition not asked for is untouched
    assert _committed(client, group) == {(topic, 0): new, (topic, 1): 5}


def test_an_unknown_topic_is_named_and_nothing_is_created(
    client: ClusterClient, group: str, topic: str, unique: str, tmp_path: Path
) -> None:
    missing = unique + "-nope"
    with pytest.raises(NotFound, match=f"topic '{missing}' does not exist"):
        client.groups.plan_reset(group, missing, None, ResetSpec(ResetMode.EARLIEST))
    with pytest.raises(NotFound, match=missing):
        client.topics.describe(missing)
    with pytest.raises(NotFound, match=f"topic '{missing}' does not exist"):
        client.open_tail(missing, TailStart("earliest")).start()
    run = run_cli("-b", client.settings.bootstrap_servers, "tail", missing, "--until-end",
                  home=tmp_path)  # fmt: skip
    assert run.code == 1 and run.stdout == ""
    assert run.stderr.strip() == f"error: topic '{missing}' does not exist"
    assert missing not in {t.name for t in client.topics.list_names()}
    assert _committed(client, group) == {(topic, 0): 5, (topic, 1): 5}


@pytest.mark.parametrize(
    "start",
    [TailStart("offset", 10**12), TailStart("timestamp", 4_102_444_800_000)],  # year 2100
    ids=["offset-beyond-end", "time-in-future"],
)
def test_a_tail_starting_past_the_end_waits_for_new_records(
    client: ClusterClient, sandbox_settings: ConnectionSettings, topic: str, start: TailStart
) -> None:
    tail = client.open_tail(topic, start)
    tail.start()
    try:
        wait_until(lambda: tail.stats().positions == {0: 10, 1: 10}, "the tail to sit at the end")
        produce(sandbox_settings, topic, {1: 1})
        wait_until(lambda: tail.stats().received == 1, "the new record")
        time.sleep(0.5)
        assert tailed(tail) == [(1, 10, b"v0")]
    finally:
        tail.stop()


def test_last_n_beyond_the_log_reads_all_of_it(client: ClusterClient, topic: str) -> None:
    tail = client.open_tail(topic, TailStart("last", 10**9))
    tail.start()
    try:
        wait_until(lambda: tail.stats().received == 20, "all 20 records")
        assert sorted((p, o) for p, o, _ in tailed(tail)) == [
            (p, o) for p in range(2) for o in range(10)
        ]
    finally:
        tail.stop()


@pytest.mark.parametrize(
    ("schema", "schema_type"),
    [
        ('{"type": "record", "name": "X", "fields": [{"name": "a"}]}', "AVRO"),
        ("{ not json", "AVRO"),
        ('syntax = "proto3"; message X { string a = ; }', "PROTOBUF"),
        ('{"type": 12}', "JSON"),
    ],
    ids=["avro-field-without-type", "avro-not-json", "protobuf", "json-schema"],
)
def test_a_schema_that_does_not_parse_is_refused_and_registers_nothing(
    client: ClusterClient, unique: str, schema: str, schema_type: str
) -> None:
    registry = client.registry
    subject = f"{unique}-value"
    with pytest.raises(InvalidInput) as err:
        registry.register(subject, schema, schema_type)
    assert "\n" not in str(err.value)
    assert subject not in registry.subjects()
