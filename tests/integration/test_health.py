"""Health check against the sandbox: quiet on a healthy topic, loud on misconfigured ones."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kafkatui.cluster.connect import Connect
from kafkatui.cluster.groups import Groups
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.health import Health
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.settings import ConnectionSettings, HttpEndpoint
from tests.integration.kafka_helpers import drop_topic, make_topic

pytestmark = pytest.mark.integration


@pytest.fixture
def admin(sandbox_settings: ConnectionSettings) -> Iterator[KafkaAdmin]:
    admin = KafkaAdmin(sandbox_settings)
    yield admin
    admin.close()


@pytest.fixture
def topics(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[dict[str, str]]:
    names = {"healthy": unique + "-ok", "min_isr": unique + "-minisr", "unclean": unique + "-ule"}
    make_topic(sandbox_settings, names["healthy"], 2)
    make_topic(sandbox_settings, names["min_isr"], 1, **{"min.insync.replicas": "2"})
    make_topic(sandbox_settings, names["unclean"], 1, **{"unclean.leader.election.enable": "true"})
    yield names
    for name in names.values():
        drop_topic(sandbox_settings, name)


def test_check_finds_misconfigured_topics_and_a_dead_connect_cluster(
    admin: KafkaAdmin, guard: Guard, topics: dict[str, str], sandbox: dict
) -> None:
    connect = Connect(
        (
            HttpEndpoint(url=sandbox["connect"], name="sandbox"),
            HttpEndpoint(url="http://127.0.0.1:1", name="gone", timeout_s=3.0),
        ),
        guard,
    )
    findings = Health(admin, Groups(admin, guard), connect).check()
    by_subject: dict[str, list[tuple[str, str]]] = {}
    for f in findings:
        by_subject.setdefault(f.subject, []).append((f.severity, f.code))

    assert topics["healthy"] not in by_subject
    assert by_subject[topics["min_isr"]] == [("critical", "MIN_ISR_LOW")]
    assert by_subject[topics["unclean"]] == [("warning", "UNCLEAN_LEADER_ELECTION")]
    assert not [s for s in by_subject if s.startswith("broker ")]  # brokers keep the default
    assert by_subject["connect gone"] == [("critical", "CONNECT_UNREACHABLE")]
    assert "connect sandbox" not in by_subject
    if sandbox["brokers"] == 1:
        assert by_subject["cluster"] == [("info", "REPLICATION_FACTOR_LOW")]
    else:  # make_topic creates RF 1 topics
        assert ("warning", "REPLICATION_FACTOR_LOW") in by_subject[topics["min_isr"]]
    assert not [f for f in findings if f.code in {"OFFLINE_PARTITION", "UNDER_REPLICATED"}]


def test_a_one_shot_check_with_a_lag_window_sees_lag_growing(
    admin: KafkaAdmin, guard: Guard, sandbox_settings: ConnectionSettings, unique: str
) -> None:
    """A group whose committed offset stands still while records keep arriving."""
    import threading

    from tests.integration.kafka_helpers import commit, drop_groups, produce

    make_topic(sandbox_settings, unique, 1)
    commit(sandbox_settings, unique, {(unique, 0): 0})
    stop = threading.Event()

    def keep_producing() -> None:
        while not stop.is_set():
            produce(sandbox_settings, unique, {0: 20})
            stop.wait(0.3)

    producer = threading.Thread(target=keep_producing, daemon=True)
    producer.start()
    try:
        findings = Health(admin, Groups(admin, guard), None).check(lag_window_s=6.0)
    finally:
        stop.set()
        producer.join(timeout=10)
        drop_groups(sandbox_settings, unique)
        drop_topic(sandbox_settings, unique)
    growing = [f for f in findings if f.code == "CONSUMER_LAG_GROWING" and f.subject == unique]
    assert len(growing) == 1, findings
    assert growing[0].severity == "warning"
