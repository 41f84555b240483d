"""Committed offsets read through kafka-python agree with librdkafka's answer (the path
kept for authentications kafka-python cannot use), on the real sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kafkatui.cluster.deep_admin import DeepAdmin
from kafkatui.cluster.group_offsets import CommittedOffsets
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.kafka_helpers import commit, drop_groups, drop_topic, make_topic, produce

pytestmark = pytest.mark.integration


@pytest.fixture
def readers(sandbox_settings: ConnectionSettings) -> Iterator[dict[str, CommittedOffsets]]:
    admin, deep = KafkaAdmin(sandbox_settings), DeepAdmin(sandbox_settings)
    yield {
        "kafka-python": CommittedOffsets(admin, deep),
        "librdkafka": CommittedOffsets(admin, None),
    }
    deep.close()
    admin.close()


def test_both_paths_read_the_same_offsets_for_many_groups(
    readers: dict[str, CommittedOffsets], sandbox_settings: ConnectionSettings, unique: str
) -> None:
    make_topic(sandbox_settings, unique, 3)
    try:
        produce(sandbox_settings, unique, {0: 10, 1: 10, 2: 10})
        groups = [f"{unique}-g{n}" for n in range(12)]
        for n, group in enumerate(groups):
            commit(sandbox_settings, group, {(unique, n % 3): n, (unique, (n + 1) % 3): 10})
        never = f"{unique}-never-committed"
        answers = {name: reader.read([*groups, never]) for name, reader in readers.items()}
        for name, (found, errors) in answers.items():
            assert not errors, (name, errors)
            for n, group in enumerate(groups):
                want = {(unique, n % 3): n, (unique, (n + 1) % 3): 10}
                assert found[group] == want, (name, group)
            assert found.get(never, {}) == {}, name  # no group: nothing committed, no error
        # asked for chosen partitions: the ones without an offset say None
        chosen = [(unique, 0), (unique, 1), (unique, 2)]
        for name, reader in readers.items():
            found, _ = reader.read([groups[0]], chosen)
            assert found[groups[0]] == {(unique, 0): 0, (unique, 1): 10, (unique, 2): None}, name
    finally:
        drop_groups(sandbox_settings, unique)
        drop_topic(sandbox_settings, unique)
