"""Offset resets against the sandbox: dry-run, execute with read-back, refusal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kafkatui.cluster.errors import InvalidInput, NotFound, Refused
from kafkatui.cluster.groups import Groups
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.models import ResetMode, ResetSpec
from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.kafka_helpers import (
    active_member,
    commit,
    drop_groups,
    drop_topic,
    make_topic,
    produce,
)

pytestmark = pytest.mark.integration

T0 = 1_700_000_000_000  # record i of each partition is stamped T0 + i seconds


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    make_topic(sandbox_settings, unique, 3)
    produce(sandbox_settings, unique, {0: 10, 1: 10, 2: 10}, timestamps=lambda i: T0 + i * 1000)
    yield unique
    drop_groups(sandbox_settings, unique)
    drop_topic(sandbox_settings, unique)


@pytest.fixture
def group(topic: str, unique: str, sandbox_settings: ConnectionSettings) -> str:
    """An empty group committed at 5 on every partition."""
    gid = unique + "-g"
    commit(sandbox_settings, gid, {(topic, p): 5 for p in range(3)})
    return gid


def test_dry_run_changes_nothing(groups: Groups, topic: str, group: str) -> None:
    plan = groups.plan_reset(group, topic, None, ResetSpec(ResetMode.EARLIEST))
    assert [(r.partition, r.current, r.new, r.lag_change) for r in plan.rows] == [
        (0, 5, 0, 5),
        (1, 5, 0, 5),
        (2, 5, 0, 5),
    ]
    assert groups.committed(group) == {(topic, p): 5 for p in range(3)}


def test_execute_applies_and_reads_back(
    groups: Groups, topic: str, group: str, guard: Guard
) -> None:
    plan = groups.plan_reset(group, topic, [0, 2], ResetSpec(ResetMode.SHIFT, 3))
    assert [(r.partition, r.new) for r in plan.rows] == [(0, 8), (2, 8)]
    result = groups.execute_reset(plan)
    assert result.applied and result.mismatches == ()
    assert groups.committed(group) == {(topic, 0): 8, (topic, 1): 5, (topic, 2): 8}
    [entry] = [e for e in guard.read_audit() if e["action"] == "group.reset_offsets"]
    assert entry["target"] == group and entry["result"] == "ok"


def test_every_mode_plans_against_real_offsets(groups: Groups, topic: str, group: str) -> None:
    def new(spec: ResetSpec, partitions: list[int] | None = None) -> list[int]:
        return [r.new for r in groups.plan_reset(group, topic, partitions, spec).rows]

    assert new(ResetSpec(ResetMode.LATEST)) == [10, 10, 10]
    assert new(ResetSpec(ResetMode.OFFSET, 2), [1]) == [2]
    assert new(ResetSpec(ResetMode.SHIFT, -2)) == [3, 3, 3]
    # the first record at or after T0 + 6.5 s is record 7
    assert new(ResetSpec(ResetMode.DATETIME, "2023-11-14T22:13:26.500Z")) == [7, 7, 7]

    beyond = groups.plan_reset(group, topic, [0], ResetSpec(ResetMode.OFFSET, 99_999))
    assert beyond.rows[0].new == 10 and "beyond the end 10" in beyond.warnings[0]
    future = groups.plan_reset(group, topic, None, ResetSpec(ResetMode.DATETIME, "2999-01-01"))
    assert [r.new for r in future.rows] == [10, 10, 10] and "in the future" in future.warnings[0]


def test_bad_plans_are_refused_before_anything_changes(
    groups: Groups, topic: str, group: str, unique: str
) -> None:
    with pytest.raises(InvalidInput, match="no partition 7"):
        groups.plan_reset(group, topic, [7], ResetSpec(ResetMode.EARLIEST))
    with pytest.raises(NotFound):
        groups.plan_reset(group, unique + "-missing", None, ResetSpec(ResetMode.EARLIEST))
    with pytest.raises(InvalidInput):
        groups.plan_reset(group, topic, None, ResetSpec(ResetMode.DATETIME, "last tuesday"))


def test_reset_is_refused_while_a_consumer_is_in_the_group(
    groups: Groups, topic: str, group: str, sandbox_settings: ConnectionSettings, guard: Guard
) -> None:
    with active_member(sandbox_settings, group, topic, client_id="busy-reader"):
        plan = groups.plan_reset(group, topic, None, ResetSpec(ResetMode.EARLIEST))
        with pytest.raises(Refused, match=r"1 active member\(s\) \(busy-reader\)"):
            groups.execute_reset(plan)
    assert groups.committed(group) == {(topic, p): 5 for p in range(3)}
    [entry] = [e for e in guard.read_audit() if e["action"] == "group.reset_offsets"]
    assert entry["result"].startswith("error:")
