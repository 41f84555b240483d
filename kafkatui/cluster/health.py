"""Health findings for `check` (docs/cli.md, check).

The rules are pure functions over `ClusterFacts`, so each can be tested on hand-built
data; `Health.check()` only gathers the facts (batched calls) and runs them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from confluent_kafka.admin import ResourceType

from kafkatui.cluster.api import ConnectApi, GroupsApi, TransactionsApi
from kafkatui.cluster.broker_depth import BrokerDepth
from kafkatui.cluster.config_reads import CHUNK_SIZE as CONFIG_CHUNK
from kafkatui.cluster.config_reads import in_flight_for, read_configs
from kafkatui.cluster.deep_models import DepthLimits
from kafkatui.cluster.depth_health import evaluate_depth, gather_depth
from kafkatui.cluster.errors import ConnectionFailed, KafkaTuiError
from kafkatui.cluster.group_health import (
    LAG_SECONDS_LIMIT,
    STORM_REBALANCES,
    lag_seconds_findings,
    storm_findings,
)
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.models import (
    ConfigEntry,
    ConnectorHealth,
    ConnectorStatus,
    Finding,
    GroupLag,
    GroupSummary,
    LagTrend,
    PartitionInfo,
)
from kafkatui.cluster.named_configs import named_topic_configs
from kafkatui.cluster.topics import partition_infos

CRITICAL, WARNING, INFO = "critical", "warning", "info"
_SEVERITY_ORDER = {CRITICAL: 0, WARNING: 1, INFO: 2}
#: the replication factor production clusters aim for
TARGET_RF = 3


@dataclass(frozen=True)
class TopicFacts:
    name: str
    partitions: tuple[PartitionInfo, ...]
    configs: Mapping[str, ConfigEntry] = field(default_factory=dict)

    @property
    def replication_factor(self) -> int:
        return max((len(p.replicas) for p in self.partitions), default=0)

    def config_int(self, name: str) -> int | None:
        entry = self.configs.get(name)
        try:
            return int(entry.value) if entry is not None and entry.value is not None else None
        except ValueError:
            return None


@dataclass(frozen=True)
class ClusterFacts:
    broker_count: int
    topics: tuple[TopicFacts, ...] = ()
    broker_configs: Mapping[int, Mapping[str, ConfigEntry]] = field(default_factory=dict)
    lag_trends: Mapping[str, LagTrend] = field(default_factory=dict)
    connectors: Mapping[str, Sequence[ConnectorStatus]] = field(default_factory=dict)
    connect_errors: Mapping[str, str] = field(default_factory=dict)  # cluster -> reason
    unread: Mapping[str, str] = field(default_factory=dict)  # facts that could not be read
    group_lags: Mapping[str, GroupLag] = field(default_factory=dict)  # with lag_seconds
    lag_seconds_limit: float = LAG_SECONDS_LIMIT
    rebalances: Mapping[str, int] = field(default_factory=dict)  # within storm_window_s
    storm_rebalances: int = STORM_REBALANCES
    storm_window_s: float = 600.0


# ---- rules -------------------------------------------------------------------------------
def partition_findings(topic: TopicFacts) -> list[Finding]:
    """OFFLINE_PARTITION (no leader) and UNDER_REPLICATED (ISR smaller than replicas).

    Under-replication is critical once an ISR is below min.insync.replicas, because
    acks=all producers are then refused."""
    findings = []
    offline = [p.partition for p in topic.partitions if p.leader is None]
    if offline:
        findings.append(
            Finding(
                CRITICAL,
                "OFFLINE_PARTITION",
                topic.name,
                f"{len(offline)} partition(s) without a leader: {_list(offline)}",
            )
        )
    under = [p for p in topic.partitions if p.leader is not None and len(p.isr) < len(p.replicas)]
    if under:
        min_isr = topic.config_int("min.insync.replicas") or 1
        blocked = [p.partition for p in under if len(p.isr) < min_isr]
        detail = (
            f"{len(under)} of {len(topic.partitions)} partition(s) under-replicated: "
            f"{_list([p.partition for p in under])}"
        )
        if blocked:
            detail += f"; ISR below min.insync.replicas={min_isr} on {_list(blocked)}"
        findings.append(
            Finding(CRITICAL if blocked else WARNING, "UNDER_REPLICATED", topic.name, detail)
        )
    return findings


def replication_findings(topics: Sequence[TopicFacts], broker_count: int) -> list[Finding]:
    """REPLICATION_FACTOR_LOW: RF below min(3, brokers) per topic.

    A single-broker cluster cannot replicate at all; it gets one info finding for the
    cluster instead of one per topic."""
    if not topics:
        return []
    if broker_count <= 1:
        return [
            Finding(
                INFO,
                "REPLICATION_FACTOR_LOW",
                "cluster",
                "single broker: no topic can be replicated, a broker loss loses data",
            )
        ]
    target = min(TARGET_RF, broker_count)
    return [
        Finding(
            WARNING,
            "REPLICATION_FACTOR_LOW",
            t.name,
            f"replication factor {t.replication_factor} on {broker_count} brokers "
            f"(at least {target} recommended)",
        )
        for t in topics
        if 0 < t.replication_factor < target
    ]


def min_isr_findings(topic: TopicFacts) -> list[Finding]:
    """MIN_ISR_LOW: min.insync.replicas that defeats acks=all.

    Above RF, acks=all can never succeed (critical). Equal to RF (RF > 1), one replica
    down stops writes. Below 2 with RF >= 3, one replica may acknowledge alone."""
    min_isr = topic.config_int("min.insync.replicas")
    rf = topic.replication_factor
    if min_isr is None or rf == 0:
        return []
    if min_isr > rf:
        return [
            Finding(
                CRITICAL,
                "MIN_ISR_LOW",
                topic.name,
                f"min.insync.replicas={min_isr} exceeds replication factor {rf}: "
                "acks=all producers can never write",
            )
        ]
    if rf > 1 and min_isr == rf:
        return [
            Finding(
                WARNING,
                "MIN_ISR_LOW",
                topic.name,
                f"min.insync.replicas={min_isr} equals replication factor {rf}: "
                "one replica down stops acks=all writes",
            )
        ]
    if rf >= TARGET_RF and min_isr < 2:
        return [
            Finding(
                WARNING,
                "MIN_ISR_LOW",
                topic.name,
                f"min.insync.replicas={min_isr} with replication factor {rf}: "
                "a write acknowledged by one replica can be lost",
            )
        ]
    return []


def _is_true(entry: ConfigEntry | None) -> bool:
    return entry is not None and (entry.value or "").strip().lower() == "true"


def unclean_findings(facts: ClusterFacts) -> list[Finding]:
    """UNCLEAN_LEADER_ELECTION on brokers, and on topics that override it themselves
    (a topic inheriting it from a broker is covered by that broker's finding)."""
    detail = "unclean.leader.election.enable=true: an out-of-sync replica may lead and lose data"
    findings = [
        Finding(WARNING, "UNCLEAN_LEADER_ELECTION", f"broker {broker_id}", detail)
        for broker_id, configs in sorted(facts.broker_configs.items())
        if _is_true(configs.get("unclean.leader.election.enable"))
    ]
    for topic in facts.topics:
        entry = topic.configs.get("unclean.leader.election.enable")
        if _is_true(entry) and entry is not None and entry.source == "DYNAMIC_TOPIC_CONFIG":
            findings.append(Finding(WARNING, "UNCLEAN_LEADER_ELECTION", topic.name, detail))
    return findings


def lag_findings(trends: Mapping[str, LagTrend]) -> list[Finding]:
    """CONSUMER_LAG_GROWING for every group whose trend says so."""
    findings = []
    for group_id, trend in sorted(trends.items()):
        if not trend.growing or not trend.samples:
            continue
        first, last = trend.samples[0], trend.samples[-1]
        findings.append(
            Finding(
                WARNING,
                "CONSUMER_LAG_GROWING",
                group_id,
                f"lag grew from {first.lag} to {last.lag} over {last.at - first.at:.0f} s "
                f"({trend.rate_per_s or 0:+.1f}/s)",
            )
        )
    return findings


def connect_findings(
    connectors: Mapping[str, Sequence[ConnectorStatus]], errors: Mapping[str, str]
) -> list[Finding]:
    """CONNECT_UNREACHABLE, CONNECTOR_FAILED and TASK_FAILED, with the first trace line."""
    findings = [
        Finding(CRITICAL, "CONNECT_UNREACHABLE", f"connect {cluster}", reason)
        for cluster, reason in sorted(errors.items())
    ]
    for cluster, statuses in sorted(connectors.items()):
        for c in statuses:
            subject = f"{cluster}/{c.name}"
            if c.health is ConnectorHealth.FAILED or c.state == "FAILED":
                findings.append(
                    Finding(CRITICAL, "CONNECTOR_FAILED", subject, _connector_failure(c))
                )
            for task in c.tasks:
                if task.state == "FAILED":
                    findings.append(
                        Finding(
                            CRITICAL,
                            "TASK_FAILED",
                            f"{subject}/task-{task.id}",
                            _first_line(task.trace) or f"task failed on {task.worker_id}",
                        )
                    )
    return findings


def _connector_failure(c: ConnectorStatus) -> str:
    """Why a connector counts as failed: its own trace, or its failed tasks."""
    if c.state == "FAILED":
        return _first_line(c.trace) or "connector state FAILED"
    failed = sum(1 for t in c.tasks if t.state == "FAILED")
    return f"connector {c.state} but {failed} of {len(c.tasks)} task(s) failed"


def evaluate(facts: ClusterFacts) -> list[Finding]:
    """Every rule over the facts, most severe first."""
    findings: list[Finding] = []
    for topic in facts.topics:
        findings += partition_findings(topic)
        findings += min_isr_findings(topic)
    findings += replication_findings(facts.topics, facts.broker_count)
    findings += unclean_findings(facts)
    findings += lag_findings(facts.lag_trends)
    findings += lag_seconds_findings(facts.group_lags, facts.lag_seconds_limit)
    findings += storm_findings(facts.rebalances, facts.storm_rebalances, facts.storm_window_s)
    findings += connect_findings(facts.connectors, facts.connect_errors)
    findings += [
        Finding(WARNING, "CHECK_INCOMPLETE", what, f"could not read {what}: {reason}")
        for what, reason in sorted(facts.unread.items())
    ]
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER.get(f.severity, 9), f.code, f.subject))


def _list(numbers: Sequence[int], limit: int = 10) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f" (+{len(numbers) - limit} more)" if len(numbers) > limit else "")


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0][:300] if (text or "").strip() else ""


# ---- gathering ---------------------------------------------------------------------------
#: the only configs the rules read (a topic has about 35)
RULE_CONFIGS = frozenset({"min.insync.replicas", "unclean.leader.election.enable"})
#: how old a metadata answer a check may reuse
METADATA_REUSE_S = 2.0
#: lag samples a one-shot check takes over its window
LAG_SAMPLES = 5


class Health:
    def __init__(
        self,
        admin: KafkaAdmin,
        groups: GroupsApi,
        connect: ConnectApi | None,
        depth: BrokerDepth | None = None,
        transactions: TransactionsApi | None = None,
    ) -> None:
        self.admin = admin
        self.groups = groups
        self.connect = connect
        self.depth = depth  # disks, quorum, reassignments: see depth_health
        self.transactions = transactions
        self.config_chunk = CONFIG_CHUNK  # resources per DescribeConfigs request

    def check(
        self,
        lag_window_s: float = 0.0,
        limits: DepthLimits | None = None,
        lag_seconds: float = LAG_SECONDS_LIMIT,
        storm_rebalances: int = STORM_REBALANCES,
    ) -> list[Finding]:
        """Run every rule. Each call also records one lag sample per group, so lag growth
        shows once the samples span a while (see kafkatui.cluster.lag.MIN_SPAN_S); with
        `lag_window_s` the samples are taken now, over that window. Rebalances count over
        that window too, or over the last ten minutes of looks without one. `limits`:
        disk, transaction and quorum thresholds.

        The broker depth (log dirs and the rest, through their own client) is read in a
        thread meanwhile: each part waits on the brokers, not on this process."""
        limits = limits or DepthLimits()
        with ThreadPoolExecutor(1, thread_name_prefix="check-depth") as pool:
            depth = (
                None
                if self.depth is None
                else pool.submit(gather_depth, self.depth, self.transactions, limits)
            )
            facts = self.gather(lag_window_s)
            findings = evaluate(
                replace(facts, lag_seconds_limit=lag_seconds, storm_rebalances=storm_rebalances)
            )
            if depth is not None:
                findings += evaluate_depth(depth.result(), limits)
        return sorted(
            findings, key=lambda f: (_SEVERITY_ORDER.get(f.severity, 9), f.code, f.subject)
        )

    def gather(self, lag_window_s: float = 0.0) -> ClusterFacts:
        # a command's connection probe has just read it: 10,000 topics take 0.2 s
        meta = self.admin.metadata(max_age_s=METADATA_REUSE_S)
        names = sorted(meta.topics)
        unread: dict[str, str] = {}
        broker_ids = sorted(meta.brokers)
        in_flight = in_flight_for(len(broker_ids))
        with ThreadPoolExecutor(1, thread_name_prefix="check-configs") as pool:
            # the configs and the groups' lag wait on different brokers' work: overlapped
            reading = pool.submit(
                self._configs, ResourceType.TOPIC, names, "topic configs", unread, in_flight
            )
            group_ids, span, lags = self._groups_and_lag(lag_window_s, unread)
            timed_lags = self._with_seconds(lags, unread)
            topic_configs = reading.result()
        broker_configs = self._configs(  # one broker per request: Kafka allows no more
            ResourceType.BROKER,
            [str(b) for b in broker_ids],
            "broker configs",
            unread,
            in_flight,
            1,
        )
        topics = tuple(
            TopicFacts(n, partition_infos(meta.topics[n]), topic_configs.get(n, {})) for n in names
        )
        storm_window_s = lag_window_s + 1.0 if lag_window_s > 0 else 600.0
        connectors, connect_errors = self._connectors()
        return ClusterFacts(
            broker_count=len(broker_ids),
            topics=topics,
            broker_configs={int(b): c for b, c in broker_configs.items()},
            lag_trends={g: self.groups.trend(g, **span) for g in group_ids},
            connectors=connectors,
            connect_errors=connect_errors,
            unread=unread,
            group_lags=timed_lags,
            rebalances=self.groups.rebalances(storm_window_s) if group_ids else {},
            storm_window_s=storm_window_s,
        )

    def _configs(
        self,
        kind: ResourceType,
        names: list[str],
        what: str,
        unread: dict[str, str],
        in_flight: int,
        chunk: int | None = None,
    ) -> dict[str, dict[str, ConfigEntry]]:
        """The configs the rules read, in chunks (see config_reads), or as many as could be
        read right now: metadata answered, so the cluster is up (a controller election
        after a broker loss stalls DescribeConfigs), and the partition rules still run;
        the gap itself is reported, with how many it left out."""
        found = read_configs(
            self.admin,
            kind,
            names,
            f"reading {what}",
            chunk_size=chunk or self.config_chunk,
            in_flight=in_flight,
            keep=RULE_CONFIGS,
            named=self._named_configs(kind, f"reading {what}"),
        )
        if found.unread:
            unread[what] = found.describe_gap(len(names), what.split()[0] + "s")
        return found.configs

    def _named_configs(
        self, kind: ResourceType, what: str
    ) -> Callable[[list[str]], dict[str, dict[str, ConfigEntry]]] | None:
        """Topic configs asking for the rules' keys only (see named_configs), where the
        deep admin can connect."""
        if kind != ResourceType.TOPIC or self.depth is None or self.depth.deep.unavailable:
            return None
        deep = self.depth.deep
        return lambda chunk: named_topic_configs(deep, chunk, RULE_CONFIGS, what)

    def _groups_and_lag(
        self, window_s: float, unread: dict[str, str]
    ) -> tuple[list[str], dict[str, float], dict[str, GroupLag]]:
        """Group ids, the lag trend span and the last lags, or none while a group
        coordinator cannot be reached (after a broker loss it moves to another broker, and
        asking the old one times out): metadata answered, so the other rules still run;
        the gap is reported."""
        try:
            listed = self.groups.list(with_offsets=window_s <= 0)
            group_ids = [g.group_id for g in listed]
            return group_ids, *self._sample_lag(group_ids, window_s, listed)
        except ConnectionFailed as exc:
            unread["consumer groups"] = str(exc)
            return [], {}, {}

    def _sample_lag(
        self, group_ids: list[str], window_s: float, listed: list[GroupSummary]
    ) -> tuple[dict[str, float], dict[str, GroupLag]]:
        """Record lag samples (one, using the groups as just listed, or LAG_SAMPLES over
        `window_s`, each describing them again: that gives the rebalance tracker that many
        looks); the trend span to use, and the last lags."""
        if window_s <= 0:
            return {}, self.groups.lag(group_ids, described=listed)
        for i in range(LAG_SAMPLES):
            if i:
                time.sleep(window_s / (LAG_SAMPLES - 1))
            lags = self.groups.lag(group_ids)
        return {"min_span_s": window_s * 0.9}, lags

    def _with_seconds(
        self, lags: dict[str, GroupLag], unread: dict[str, str]
    ) -> Mapping[str, GroupLag]:
        """Lags with seconds behind (one record read per lagging partition)."""
        try:
            return self.groups.with_lag_seconds(lags) if lags else {}
        except KafkaTuiError as exc:
            unread["consumer lag in seconds"] = str(exc)
            return {}

    def _connectors(self) -> tuple[dict[str, list[ConnectorStatus]], dict[str, str]]:
        """Statuses per Connect cluster; a cluster that does not answer is a finding."""
        statuses: dict[str, list[ConnectorStatus]] = {}
        errors: dict[str, str] = {}
        if self.connect is None:
            return statuses, errors
        for cluster in self.connect.clusters():
            try:
                statuses[cluster] = self.connect.list(cluster)
            except KafkaTuiError as exc:
                errors[cluster] = str(exc)
        return statuses, errors
