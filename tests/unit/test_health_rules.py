"""Health rules over hand-built facts (SPEC §2.4 codes). No network."""

from __future__ import annotations

from kafkatui.cluster.health import (
    ClusterFacts,
    TopicFacts,
    evaluate,
    lag_findings,
    min_isr_findings,
    partition_findings,
    replication_findings,
    unclean_findings,
)
from kafkatui.cluster.models import (
    ConfigEntry,
    ConnectorHealth,
    ConnectorStatus,
    LagSample,
    LagTrend,
    PartitionInfo,
    TaskStatus,
)


def part(p: int, leader: int | None, replicas: tuple[int, ...], isr: tuple[int, ...]):
    return PartitionInfo(partition=p, leader=leader, replicas=replicas, isr=isr)


def conf(name: str, value: str, source: str = "DYNAMIC_TOPIC_CONFIG") -> dict[str, ConfigEntry]:
    return {name: ConfigEntry(name, value, source == "DEFAULT_CONFIG", False, False, source)}


HEALTHY = TopicFacts(
    "healthy",
    tuple(part(p, p % 3, (0, 1, 2), (0, 1, 2)) for p in range(6)),
    conf("min.insync.replicas", "2", "DEFAULT_CONFIG"),
)


def codes(findings) -> list[tuple[str, str, str]]:
    return [(f.severity, f.code, f.subject) for f in findings]


def test_a_healthy_three_broker_cluster_has_no_findings() -> None:
    assert evaluate(ClusterFacts(broker_count=3, topics=(HEALTHY,))) == []


def test_offline_partition_is_critical() -> None:
    topic = TopicFacts("t", (part(0, None, (1, 2), ()), part(1, 1, (1, 2), (1, 2))))
    findings = partition_findings(topic)
    assert codes(findings) == [("critical", "OFFLINE_PARTITION", "t")]
    assert "1 partition(s) without a leader: 0" in findings[0].detail


def test_under_replicated_is_a_warning_until_isr_drops_below_min_isr() -> None:
    replicas = (0, 1, 2)
    shrunk = TopicFacts(
        "t",
        (part(0, 0, replicas, (0, 1)), part(1, 1, replicas, replicas)),
        conf("min.insync.replicas", "2"),
    )
    assert codes(partition_findings(shrunk)) == [("warning", "UNDER_REPLICATED", "t")]
    assert "1 of 2 partition(s) under-replicated: 0" in partition_findings(shrunk)[0].detail

    blocked = TopicFacts("t", (part(0, 0, replicas, (0,)),), conf("min.insync.replicas", "2"))
    [finding] = partition_findings(blocked)
    assert finding.severity == "critical" and "below min.insync.replicas=2" in finding.detail


def test_replication_factor_low_on_multi_broker_clusters() -> None:
    rf1 = TopicFacts("rf1", (part(0, 0, (0,), (0,)),))
    rf2 = TopicFacts("rf2", (part(0, 0, (0, 1), (0, 1)),))
    assert codes(replication_findings([rf1, rf2, HEALTHY], 3)) == [
        ("warning", "REPLICATION_FACTOR_LOW", "rf1"),
        ("warning", "REPLICATION_FACTOR_LOW", "rf2"),
    ]
    # on two brokers, RF 2 is as good as it gets
    assert codes(replication_findings([rf1, rf2], 2)) == [
        ("warning", "REPLICATION_FACTOR_LOW", "rf1")
    ]


def test_single_broker_gets_one_info_finding_not_one_per_topic() -> None:
    topics = [TopicFacts(f"t{i}", (part(0, 0, (0,), (0,)),)) for i in range(5)]
    assert codes(replication_findings(topics, 1)) == [("info", "REPLICATION_FACTOR_LOW", "cluster")]
    assert replication_findings([], 1) == []


def test_min_isr_rules() -> None:
    rf3 = tuple(part(p, 0, (0, 1, 2), (0, 1, 2)) for p in range(2))
    rf1 = (part(0, 0, (0,), (0,)),)
    above = TopicFacts("above", rf1, conf("min.insync.replicas", "2"))
    equal = TopicFacts("equal", rf3, conf("min.insync.replicas", "3"))
    one = TopicFacts("one", rf3, conf("min.insync.replicas", "1"))
    fine_rf1 = TopicFacts("fine", rf1, conf("min.insync.replicas", "1"))
    assert codes(min_isr_findings(above)) == [("critical", "MIN_ISR_LOW", "above")]
    assert "can never write" in min_isr_findings(above)[0].detail
    assert codes(min_isr_findings(equal)) == [("warning", "MIN_ISR_LOW", "equal")]
    assert codes(min_isr_findings(one)) == [("warning", "MIN_ISR_LOW", "one")]
    assert min_isr_findings(fine_rf1) == [] and min_isr_findings(HEALTHY) == []


def test_unclean_leader_election_on_brokers_and_topic_overrides_only() -> None:
    inherited = TopicFacts(
        "inherits",
        HEALTHY.partitions,
        conf("unclean.leader.election.enable", "true", "STATIC_BROKER_CONFIG"),
    )
    override = TopicFacts(
        "overrides", HEALTHY.partitions, conf("unclean.leader.election.enable", "true")
    )
    off = TopicFacts("off", HEALTHY.partitions, conf("unclean.leader.election.enable", "false"))
    facts = ClusterFacts(
        broker_count=3,
        topics=(inherited, override, off),
        broker_configs={
            1: conf("unclean.leader.election.enable", "true", "STATIC_BROKER_CONFIG"),
            2: conf("unclean.leader.election.enable", "false", "DEFAULT_CONFIG"),
        },
    )
    assert codes(unclean_findings(facts)) == [
        ("warning", "UNCLEAN_LEADER_ELECTION", "broker 1"),
        ("warning", "UNCLEAN_LEADER_ELECTION", "overrides"),
    ]


def test_growing_lag_is_a_warning_with_numbers() -> None:
    grow = (LagSample(0, 100), LagSample(30, 400), LagSample(60, 700))
    trends = {
        "slow": LagTrend(grow, 10.0, True, None),
        "fine": LagTrend(grow, 10.0, False, None),
        "new": LagTrend((), None, False, None),
    }
    [finding] = lag_findings(trends)
    assert (finding.code, finding.subject) == ("CONSUMER_LAG_GROWING", "slow")
    assert "from 100 to 700 over 60 s (+10.0/s)" in finding.detail


def connector(name: str, health: ConnectorHealth, state: str, tasks=(), trace=None):
    return ConnectorStatus("main", name, "sink", state, "w:8083", tuple(tasks), health, trace=trace)


def test_connector_and_task_failures_and_unreachable_connect() -> None:
    failed_task = TaskStatus(0, "FAILED", "w:8083", trace="org.Boom: disk full\n\tat x.y")
    facts = ClusterFacts(
        broker_count=3,
        connectors={
            "main": [
                connector(
                    "ok", ConnectorHealth.HEALTHY, "RUNNING", [TaskStatus(0, "RUNNING", "w")]
                ),
                connector("half", ConnectorHealth.DEGRADED, "RUNNING", [failed_task]),
                connector("dead", ConnectorHealth.FAILED, "FAILED", trace="Bad config\nmore"),
                connector("paused", ConnectorHealth.PAUSED, "PAUSED"),
                connector("tasksdown", ConnectorHealth.FAILED, "RUNNING", [failed_task]),
            ]
        },
        connect_errors={"backup": "cannot connect to http://b:8083"},
    )
    findings = evaluate(facts)
    assert codes(findings) == [
        ("critical", "CONNECTOR_FAILED", "main/dead"),
        ("critical", "CONNECTOR_FAILED", "main/tasksdown"),
        ("critical", "CONNECT_UNREACHABLE", "connect backup"),
        ("critical", "TASK_FAILED", "main/half/task-0"),
        ("critical", "TASK_FAILED", "main/tasksdown/task-0"),
    ]
    assert findings[0].detail == "Bad config"
    assert findings[1].detail == "connector RUNNING but 1 of 1 task(s) failed"
    assert findings[3].detail == "org.Boom: disk full"


def test_evaluate_sorts_most_severe_first() -> None:
    offline = TopicFacts("z-offline", (part(0, None, (0,), ()),))
    rf1 = TopicFacts("a-rf1", (part(0, 0, (0,), (0,)),))
    findings = evaluate(ClusterFacts(broker_count=3, topics=(rf1, offline, HEALTHY)))
    assert [f.severity for f in findings] == ["critical", "warning", "warning"]
    assert findings[0].code == "OFFLINE_PARTITION"


def test_facts_that_could_not_be_read_make_the_check_incomplete_not_silent() -> None:
    from kafkatui.cluster.health import ClusterFacts, evaluate

    findings = evaluate(ClusterFacts(broker_count=3, unread={"topic configs": "timed out"}))
    incomplete = [f for f in findings if f.code == "CHECK_INCOMPLETE"]
    assert len(incomplete) == 1
    assert incomplete[0].severity == "warning"
    assert "topic configs" in incomplete[0].detail and "timed out" in incomplete[0].detail
