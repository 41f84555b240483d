"""Consumer groups against the sandbox, with real consumers committing offsets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kafkatui.cluster.errors import NotFound, Refused
from kafkatui.cluster.groups import Groups
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.models import TopicPartition
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


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    """3 partitions holding 10 records each."""
    make_topic(sandbox_settings, unique, 3)
    produce(sandbox_settings, unique, {0: 10, 1: 10, 2: 10})
    yield unique
    drop_groups(sandbox_settings, unique)
    drop_topic(sandbox_settings, unique)


def test_lag_per_partition_and_total(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    group = unique + "-g"
    commit(sandbox_settings, group, {(topic, 0): 4, (topic, 1): 10, (topic, 2): 7})

    lag = groups.lag([group])[group]
    rows = {p.partition: (p.committed, p.end, p.lag) for p in lag.partitions}
    assert rows == {0: (4, 10, 6), 1: (10, 10, 0), 2: (7, 10, 3)}
    assert lag.total == 9
    assert lag.state == "EMPTY" and lag.members == 0


def test_lag_for_many_groups_at_once(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    ids = [f"{unique}-g{i}" for i in range(5)]
    for i, gid in enumerate(ids):
        commit(sandbox_settings, gid, {(topic, 0): i, (topic, 1): 10})
    lags = groups.lag([*ids, unique + "-never-existed"])
    assert {gid: lags[gid].total for gid in ids} == {gid: 10 - i for i, gid in enumerate(ids)}
    assert lags[unique + "-never-existed"].partitions == ()


def test_list_shows_state_type_and_members_with_assignment(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    group = unique + "-g"
    with active_member(sandbox_settings, group, topic, client_id="lag-probe"):
        summary = wait_until(
            lambda: next(
                (g for g in groups.list() if g.group_id == group and g.state == "STABLE"), None
            ),
            "the group to become STABLE",
        )
        assert summary.type in {"CLASSIC", "CONSUMER"}
        [member] = summary.members
        assert member.client_id == "lag-probe" and member.host
        assert sorted(tp.partition for tp in member.assignment) == [0, 1, 2]
        assert {tp.topic for tp in member.assignment} == {topic}

        lag = groups.lag([group])[group]
        assert lag.members == 1
        # no commits yet: every assigned partition is listed, owned by the member
        assert {(p.partition, p.committed, p.member) for p in lag.partitions} == {
            (0, None, "lag-probe"),
            (1, None, "lag-probe"),
            (2, None, "lag-probe"),
        }
        with pytest.raises(Refused, match="active member"):
            groups.delete_offsets(group, [TopicPartition(topic, 0)])


def test_trend_records_a_sample_per_lag_call(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    group = unique + "-g"
    commit(sandbox_settings, group, {(topic, 0): 0})
    groups.lag([group])
    produce(sandbox_settings, topic, {0: 5})
    groups.lag([group])
    trend = groups.trend(group)
    assert [s.lag for s in trend.samples] == [10, 15]
    assert trend.rate_per_s is not None and trend.rate_per_s > 0
    assert not trend.growing  # two samples a moment apart prove nothing


def test_delete_group(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings, guard: Guard
) -> None:
    group = unique + "-g"
    commit(sandbox_settings, group, {(topic, 0): 3})
    change = groups.delete(group)
    assert change["before"] == {f"{topic}-0": 3}
    assert group not in {g.group_id for g in groups.list()}
    with pytest.raises(NotFound):
        groups.delete(group)
    results = [e["result"] for e in guard.read_audit() if e["action"] == "group.delete"]
    assert results[0] == "ok" and results[1].startswith("error:")


def test_delete_group_with_a_member_is_refused(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    group = unique + "-g"
    with active_member(sandbox_settings, group, topic), pytest.raises(Refused):
        groups.delete(group)


def test_delete_offsets_keeps_the_other_partitions(
    groups: Groups, topic: str, unique: str, sandbox_settings: ConnectionSettings
) -> None:
    group = unique + "-g"
    commit(sandbox_settings, group, {(topic, 0): 1, (topic, 1): 2, (topic, 2): 3})
    change = groups.delete_offsets(group, [TopicPartition(topic, 1)])
    assert change["after"] == {f"{topic}-0": 1, f"{topic}-2": 3}
    assert groups.committed(group) == {(topic, 0): 1, (topic, 2): 3}
    with pytest.raises(NotFound, match="no committed offset"):
        groups.delete_offsets(group, [TopicPartition(topic, 1)])


def test_listing_groups_of_an_unreachable_cluster_raises_instead_of_returning_none() -> None:
    from kafkatui.cluster.errors import ConnectionFailed

    admin = KafkaAdmin(ConnectionSettings(bootstrap_servers="127.0.0.1:1", timeout_s=3.0))
    try:
        with pytest.raises(ConnectionFailed, match=r"127\.0\.0\.1:1"):
            Groups(admin, Guard(audit_path=None)).list()
    finally:
        admin.close()
