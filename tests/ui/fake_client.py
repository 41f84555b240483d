"""A deterministic in-memory client implementing the `KafkaTuiClient` Protocols.

Used only by UI snapshot and Pilot tests: fixed data, no clock, no network. Changing
methods refuse with `ReadOnlyError` when read-only, like the real client's guard, and
append to `calls` so tests can assert what the UI asked for.
"""

from __future__ import annotations

import builtins
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

from kafkatui.cluster.api import RecordDecoder, TailStart
from kafkatui.cluster.deep_models import DepthLimits
from kafkatui.cluster.errors import ConnectionFailed, NotFound, ReadOnlyError, Refused
from kafkatui.cluster.lag_time import NO_COMMIT
from kafkatui.cluster.models import (
    Acl,
    Broker,
    ClusterInfo,
    CompatibilityCheck,
    ConfigEntry,
    ConnectorHealth,
    ConnectorStatus,
    Finding,
    GroupEvent,
    GroupLag,
    GroupMember,
    GroupSummary,
    LagEstimate,
    LagSample,
    LagTrend,
    PartitionInfo,
    PartitionLag,
    RawRecord,
    ResetMode,
    ResetPlan,
    ResetResult,
    ResetRow,
    ResetSpec,
    SchemaVersion,
    TailStats,
    TaskStatus,
    TopicDetail,
    TopicPartition,
    TopicSummary,
)
from kafkatui.decode.auto import AutoDecoder
from tests.ui.fake_depth import REASSIGNMENTS, FakeBrokerDepth, FakeTransactions
from tests.ui.fake_transfers import FakeTransfers

BASE_TS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


class _Shared:
    """State every sub-API sees: the read-only flag and the call journal."""

    def __init__(self, read_only: bool) -> None:
        self.read_only = read_only
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.audit: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def change(self, action: str, *args: Any) -> None:
        if self.read_only:
            raise ReadOnlyError(action)
        with self.lock:
            self.calls.append((action, args))
            self.audit.append(
                {  # the keys of the real audit log's lines (see Guard.record)
                    "time": "2026-01-01T00:00:00Z",
                    "action": action,
                    "target": str(args[0]) if args else "",
                    "parameters": {f"arg{i}": str(a) for i, a in enumerate(args)},
                    "result": "ok",
                    "profile": "fake",
                    "user": "operator",
                }
            )


# ---- brokers --------------------------------------------------------------------------
class FakeBrokers(FakeBrokerDepth):  # log dirs, quorum, reassignments: see fake_depth
    def __init__(self, shared: _Shared) -> None:
        self._shared = shared
        self.unreachable: str | None = None  # a message: cluster_info fails with it
        self.probes = 0  # cluster_info calls, to see the UI's retries

    def cluster_info(self) -> ClusterInfo:
        self.probes += 1
        if self.unreachable is not None:
            raise ConnectionFailed(self.unreachable)
        brokers = (
            Broker(1, "127.0.0.1", 9092, "rack-a", True),
            Broker(2, "127.0.0.1", 9093, "rack-b", False),
            Broker(3, "127.0.0.1", 9094, None, False),
        )
        return ClusterInfo(cluster_id="fake-cluster-0001", controller_id=1, brokers=brokers)

    def broker_configs(self, broker_id: int) -> list[ConfigEntry]:
        return [
            ConfigEntry("log.retention.hours", "168", True, False, True, "DEFAULT_CONFIG"),
            ConfigEntry("num.partitions", "3", False, False, True, "STATIC_BROKER_CONFIG"),
            ConfigEntry("min.insync.replicas", "1", True, False, False, "DEFAULT_CONFIG"),
            ConfigEntry("ssl.keystore.password", None, True, True, False, "DEFAULT_CONFIG"),
            ConfigEntry(
                "broker.rack", f"rack-{broker_id}", False, False, True, "STATIC_BROKER_CONFIG"
            ),
        ]


# ---- topics ---------------------------------------------------------------------------
_TOPICS: dict[str, TopicSummary] = {
    t.name: t
    for t in (
        TopicSummary("__consumer_offsets", True, 50, 3, 0, 0, 812, "compact", -1, 90_112),
        TopicSummary("clickstream", False, 12, 3, 0, 0, 250_000, "delete", 86_400_000, 48_234_496),
        TopicSummary("inventory", False, 3, 3, 0, 0, 1_200, "compact", -1, 204_800),
        TopicSummary("orders", False, 6, 3, 2, 0, 12_000, "delete", 604_800_000, 3_145_728),
        TopicSummary("orders.dlq", False, 1, 1, 0, 0, 42, "delete", 604_800_000, 8_192),
        TopicSummary("payments", False, 3, 3, 0, 0, 3_000, "delete", 604_800_000, 524_288),
        TopicSummary("shipments", False, 3, 2, 0, 1, 900, "delete", 604_800_000, 131_072),
    )
}


class FakeTopics:
    def __init__(self, shared: _Shared) -> None:
        self._shared = shared
        self._topics = dict(_TOPICS)
        self._overrides: dict[str, dict[str, str | None]] = {}  # topic -> altered configs
        self.produced: list[tuple[str, bytes | None, bytes | None]] = []

    def list_names(self) -> list[TopicSummary]:
        return [TopicSummary(t.name, t.internal) for t in self._topics.values()]

    def fill_summaries(self, names: Sequence[str]) -> list[TopicSummary]:
        return [self._topics[n] for n in names if n in self._topics]

    def describe(self, name: str) -> TopicDetail:
        summary = self._topics.get(name)
        if summary is None:
            raise NotFound(f"topic {name!r} does not exist")
        count = summary.partitions or 1
        moving = {r.partition: r for r in REASSIGNMENTS if r.topic == name}
        parts = tuple(
            PartitionInfo(
                partition=p,
                leader=None if (summary.offline and p == 0) else 1 + p % 3,
                replicas=tuple(1 + (p + r) % 3 for r in range(summary.replication_factor or 1)),
                isr=(1 + p % 3,)
                if (summary.under_replicated and p < 2)
                else tuple(1 + (p + r) % 3 for r in range(summary.replication_factor or 1)),
                low=0,
                high=(summary.messages or 0) // count,
                size_bytes=(summary.size_bytes or 0) // count,
                adding=moving[p].adding if p in moving else (),
                removing=moving[p].removing if p in moving else (),
            )
            for p in range(count)
        )
        configs = (
            ConfigEntry(
                "cleanup.policy",
                summary.cleanup_policy,
                False,
                False,
                False,
                "DYNAMIC_TOPIC_CONFIG",
            ),
            ConfigEntry(
                "retention.ms", str(summary.retention_ms), True, False, False, "DEFAULT_CONFIG"
            ),
            ConfigEntry("min.insync.replicas", "2", False, False, False, "DYNAMIC_TOPIC_CONFIG"),
            ConfigEntry("segment.bytes", "1073741824", True, False, False, "DEFAULT_CONFIG"),
        )
        altered = self._overrides.get(name, {})
        shown = tuple(
            ConfigEntry(c.name, altered[c.name], False, False, False, "DYNAMIC_TOPIC_CONFIG")
            if altered.get(c.name) is not None
            else c
            for c in configs
        )
        return TopicDetail(name=name, partitions=parts, configs=shown)

    def create(
        self,
        name: str,
        partitions: int,
        replication_factor: int,
        configs: Mapping[str, str] | None = None,
    ) -> None:
        self._shared.change("topic.create", name, partitions, replication_factor)
        self._topics[name] = TopicSummary(
            name, False, partitions, replication_factor, 0, 0, 0, "delete", 604_800_000, 0
        )

    def delete(self, name: str) -> None:
        self._shared.change("topic.delete", name)
        self._topics.pop(name, None)

    def add_partitions(self, name: str, total: int) -> None:
        self._shared.change("topic.add_partitions", name, total)
        old = self._topics[name]
        self._topics[name] = TopicSummary(**{**old.__dict__, "partitions": total})

    def alter_config(self, name: str, updates: Mapping[str, str | None]) -> Any:
        self._shared.change("topic.alter_config", name, dict(updates))
        self._overrides.setdefault(name, {}).update(updates)
        return None

    def produce(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | None = None,
        headers: Sequence[tuple[str, bytes]] = (),
        partition: int | None = None,
    ) -> tuple[int, int]:
        self._shared.change("topic.produce", topic, key, value)
        self.produced.append((topic, key, value))
        return (partition or 0, 1000 + len(self.produced))


# ---- groups ---------------------------------------------------------------------------
def _group_lags() -> dict[str, GroupLag]:
    orders = tuple(
        PartitionLag("orders", p, 1000 + 100 * p, 2000, 1000 - 100 * p) for p in range(6)
    )
    payments = tuple(PartitionLag("payments", p, 1000, 1000, 0, "billing-1") for p in range(3))
    clicks = tuple(
        PartitionLag("clickstream", p, 20_000, 20_000 + 37 * (p + 1), 37 * (p + 1), "analytics-1")
        for p in range(12)
    )
    return {
        "order-service": GroupLag(
            "order-service", "EMPTY", 0, orders, "CLASSIC", LagEstimate(7200.0, at_least=True)
        ),
        "billing": GroupLag("billing", "STABLE", 1, payments, "CLASSIC", LagEstimate(0.0)),
        "analytics": GroupLag("analytics", "STABLE", 1, clicks, "CLASSIC", LagEstimate(41.0)),
        "sessionizer": _sessionizer_lag(),
    }


# ---- groups: lag in seconds, rebalances and a KIP-848 group ---------------------------
# What the real client gives: a CONSUMER-type group caught mid-reconciliation (the member
# that joined last does not own its target partition yet, and librdkafka reports the
# state UNKNOWN, which the client names RECONCILING), lag_seconds read per partition.
def _sessionizer_summary() -> GroupSummary:
    def parts(*ps: int) -> tuple[TopicPartition, ...]:
        return tuple(TopicPartition("clickstream", p) for p in ps)

    return GroupSummary(
        "sessionizer",
        "RECONCILING",
        "CONSUMER",
        (
            GroupMember("k-1", "sessionizer-1", "/127.0.0.1", parts(*range(7)), parts(*range(6))),
            GroupMember("k-2", "sessionizer-2", "/127.0.0.1", parts(*range(7, 12)), parts(*range(7, 12))),  # noqa: E501
            GroupMember("k-3", "sessionizer-3", "/127.0.0.1", (), parts(6)),
        ),
    )


def _sessionizer_lag() -> GroupLag:
    def owner(p: int) -> tuple[str, str]:
        if p == 6:
            return "sessionizer-1", "sessionizer-3"
        name = "sessionizer-1" if p < 6 else "sessionizer-2"
        return name, name

    rows = tuple(
        PartitionLag("clickstream", p, 20_030, 20_040, 10, *owner(p)) for p in range(12)
    )
    return GroupLag("sessionizer", "RECONCILING", 3, rows, "CONSUMER", LagEstimate(3.0))


#: seconds behind per (group, partition) for partitions with lag
_AGES = {"order-service": 7_300.0, "analytics": 38.0, "sessionizer": 2.5}


def _with_seconds(lag: GroupLag) -> GroupLag:
    def timed(p: PartitionLag) -> PartitionLag:
        if p.committed is None:
            return replace(p, lag_seconds=None, lag_seconds_note=NO_COMMIT)
        if not p.lag:
            return replace(p, lag_seconds=0.0)
        return replace(p, lag_seconds=_AGES.get(lag.group_id, 1.0) + p.partition)

    return replace(lag, partitions=tuple(timed(p) for p in lag.partitions))


_SECONDS_SAMPLES = {
    "analytics": tuple(LagSample(1000.0 + 5 * i, 5 + 2 * i - (i % 4)) for i in range(24)),
    "order-service": tuple(LagSample(1000.0 + 5 * i, 7_190 + 5 * i) for i in range(24)),
    "sessionizer": tuple(LagSample(1000.0 + 5 * i, 2 + (i * 5) % 11) for i in range(24)),
}
_GROUP_EVENTS = (
    GroupEvent(1_767_225_540.0, "analytics", "state", "STABLE -> PREPARING_REBALANCE", True),
    GroupEvent(1_767_225_540.0, "analytics", "left", "analytics-0"),
    GroupEvent(1_767_225_545.0, "analytics", "state", "PREPARING_REBALANCE -> STABLE"),
    GroupEvent(1_767_225_590.0, "sessionizer", "joined", "sessionizer-3", True),
    GroupEvent(1_767_225_590.0, "sessionizer", "state", "STABLE -> RECONCILING"),
)


class FakeGroups:
    def __init__(self, shared: _Shared) -> None:
        self._shared = shared
        self._lags = _group_lags()

    def list(self, with_offsets: bool = False) -> list[GroupSummary]:
        member = GroupMember(
            "m-1", "billing-1", "/127.0.0.1", tuple(TopicPartition("payments", p) for p in range(3))
        )
        analytics = GroupMember(
            "m-2",
            "analytics-1",
            "/127.0.0.1",
            tuple(TopicPartition("clickstream", p) for p in range(12)),
        )
        return [
            GroupSummary("analytics", "STABLE", "CLASSIC", (analytics,)),
            GroupSummary("billing", "STABLE", "CLASSIC", (member,)),
            GroupSummary("order-service", "EMPTY", "CLASSIC", ()),
            _sessionizer_summary(),
        ]

    def lag(
        self, group_ids: Sequence[str], described: Sequence[GroupSummary] | None = None
    ) -> dict[str, GroupLag]:
        return {g: self._lags[g] for g in group_ids if g in self._lags}

    # lag in seconds, rebalances, KIP-848: data in the block below
    def with_lag_seconds(self, lags: Mapping[str, GroupLag]) -> dict[str, GroupLag]:
        return {gid: _with_seconds(lag) for gid, lag in lags.items()}

    def lag_seconds_samples(self, group_id: str) -> tuple[LagSample, ...]:
        return _SECONDS_SAMPLES.get(group_id, ())

    def events(self, group_id: str) -> builtins.list[GroupEvent]:
        return [e for e in _GROUP_EVENTS if e.group_id == group_id]

    def rebalances(self, window_s: float = 600.0) -> dict[str, int]:
        return {"analytics": 1, "sessionizer": 4}

    def trend(self, group_id: str, min_span_s: float = 30.0) -> LagTrend:
        if group_id == "analytics":
            samples = tuple(
                LagSample(1000.0 + 5 * i, 100 + 20 * i + (i % 3) * 7) for i in range(24)
            )
            return LagTrend(samples, 4.2, True, None)
        if group_id == "sessionizer":
            samples = tuple(LagSample(1000.0 + 5 * i, 90 + (i * 7) % 40) for i in range(24))
            return LagTrend(samples, 0.1, False, None)
        if group_id == "order-service":
            samples = tuple(LagSample(1000.0 + 5 * i, 4500 - 10 * i) for i in range(24))
            return LagTrend(samples, -2.0, False, 1500.0)
        return LagTrend((LagSample(1000.0, 0), LagSample(1005.0, 0)), 0.0, False, None)

    def delete(self, group_id: str) -> None:
        self._shared.change("group.delete", group_id)
        self._lags.pop(group_id, None)

    def delete_offsets(self, group_id: str, partitions: Sequence[TopicPartition]) -> None:
        self._shared.change("group.delete_offsets", group_id, tuple(partitions))
        drop = {(tp.topic, tp.partition) for tp in partitions}
        old = self._lags[group_id]
        kept = tuple(p for p in old.partitions if (p.topic, p.partition) not in drop)
        self._lags[group_id] = replace(old, partitions=kept)

    def plan_reset(
        self, group_id: str, topic: str, partitions: Sequence[int] | None, spec: ResetSpec
    ) -> ResetPlan:
        lag = self._lags.get(group_id)
        if lag is None:
            raise NotFound(f"group {group_id!r} does not exist")
        rows = []
        for p in lag.partitions:
            if p.topic != topic or (partitions is not None and p.partition not in partitions):
                continue
            rows.append(ResetRow(topic, p.partition, p.committed, _target(spec, p), 0, p.end))
        return ResetPlan(group_id, spec, tuple(rows))

    def execute_reset(self, plan: ResetPlan) -> ResetResult:
        self._shared.change("group.reset_offsets", plan.group_id)
        lag = self._lags[plan.group_id]
        if lag.members:
            raise Refused(f"group {plan.group_id!r} has {lag.members} active member(s)")
        new = {(r.topic, r.partition): r.new for r in plan.rows}
        parts = tuple(
            PartitionLag(
                p.topic,
                p.partition,
                new.get((p.topic, p.partition), p.committed),
                p.end,
                p.end - new.get((p.topic, p.partition), p.committed or 0),
                p.member,
            )
            for p in lag.partitions
        )
        self._lags[plan.group_id] = GroupLag(lag.group_id, lag.state, lag.members, parts)
        return ResetResult(plan, applied=True)


def _target(spec: ResetSpec, p: PartitionLag) -> int:
    if spec.mode is ResetMode.EARLIEST:
        return 0
    if spec.mode is ResetMode.LATEST:
        return p.end
    if spec.mode is ResetMode.OFFSET:
        return min(int(spec.value or 0), p.end)
    if spec.mode is ResetMode.SHIFT:
        return max(0, min(p.end, (p.committed or 0) + int(spec.value or 0)))
    return p.end // 2  # DATETIME: the fake has no timestamps; a fixed middle point


# ---- Connect --------------------------------------------------------------------------
_TRACE = (
    "org.apache.kafka.connect.errors.ConnectException: file /nonexistent/out.txt not writable\n"
    "\tat org.apache.kafka.connect.file.FileStreamSinkTask.start(FileStreamSinkTask.java:64)\n"
    "\tat org.apache.kafka.connect.runtime.WorkerSinkTask.initializeAndStart(WorkerSinkTask.java)"
)


class FakeConnect:
    def __init__(self, shared: _Shared) -> None:
        self._shared = shared
        self._state = {
            "clickstream-file-source": "RUNNING",
            "orders-archive": "PAUSED",
            "broken-sink": "RUNNING",
        }

    def clusters(self) -> list[str]:
        return ["sandbox"]

    def list(self, cluster: str) -> list[ConnectorStatus]:
        return [self.status(cluster, name) for name in sorted(self._state)]

    def status(self, cluster: str, name: str) -> ConnectorStatus:
        if name not in self._state:
            raise NotFound(f"connector {name!r} does not exist on {cluster}")
        state = self._state[name]
        sink = name != "clickstream-file-source"
        task_state = "FAILED" if name == "broken-sink" else state
        tasks = (
            TaskStatus(0, task_state, "127.0.0.1:8083", _TRACE if task_state == "FAILED" else None),
        )
        health = {
            "RUNNING": ConnectorHealth.DEGRADED
            if task_state == "FAILED"
            else ConnectorHealth.HEALTHY,
            "PAUSED": ConnectorHealth.PAUSED,
            "STOPPED": ConnectorHealth.STOPPED,
        }[state]
        cls = "FileStreamSink" if sink else "FileStreamSource"
        return ConnectorStatus(
            cluster,
            name,
            "sink" if sink else "source",
            state,
            "127.0.0.1:8083",
            tasks,
            health,
            f"org.apache.kafka.connect.file.{cls}Connector",
        )

    def config(self, cluster: str, name: str) -> dict[str, str]:
        return {
            "connector.class": self.status(cluster, name).connector_class,
            "tasks.max": "1",
            "file": f"/tmp/{name}.txt",
            "topics": "orders",
            "db.password": "******",
        }

    def create(self, cluster: str, name: str, config: Mapping[str, str]) -> None:
        self._shared.change("connector.create", name)
        self._state[name] = "RUNNING"

    def delete(self, cluster: str, name: str) -> None:
        self._shared.change("connector.delete", name)
        self._state.pop(name, None)

    def pause(self, cluster: str, name: str) -> None:
        self._shared.change("connector.pause", name)
        self._state[name] = "PAUSED"

    def resume(self, cluster: str, name: str) -> None:
        self._shared.change("connector.resume", name)
        self._state[name] = "RUNNING"

    def stop(self, cluster: str, name: str) -> None:
        self._shared.change("connector.stop", name)
        self._state[name] = "STOPPED"

    def restart(
        self, cluster: str, name: str, include_tasks: bool = False, only_failed: bool = False
    ) -> None:
        self._shared.change("connector.restart", name, include_tasks, only_failed)

    def restart_task(self, cluster: str, name: str, task_id: int) -> None:
        self._shared.change("connector.restart_task", name, task_id)

    def offsets(self, cluster: str, name: str) -> builtins.list[dict[str, Any]]:
        return [{"partition": {"filename": "/tmp/in.txt"}, "offset": {"position": 1234}}]

    def reset_offsets(self, cluster: str, name: str) -> None:
        self._shared.change("connector.reset_offsets", name)

    def alter_offsets(
        self, cluster: str, name: str, offsets: builtins.list[dict[str, Any]]
    ) -> None:
        self._shared.change("connector.alter_offsets", name)


# ---- registry -------------------------------------------------------------------------
# Minified, as the registry stores and returns them (v2 adds a field with a default).
_ORDERS_V1 = json.dumps(
    {
        "type": "record",
        "name": "Order",
        "namespace": "demo",
        "fields": [{"name": "id", "type": "string"}, {"name": "amount", "type": "double"}],
    },
    separators=(",", ":"),
)
_ORDERS_V2 = json.dumps(
    {
        "type": "record",
        "name": "Order",
        "namespace": "demo",
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "amount", "type": "double"},
            {"name": "currency", "type": "string", "default": "EUR"},
        ],
    },
    separators=(",", ":"),
)
_SHIPMENT = 'syntax = "proto3";\npackage demo;\nmessage Shipment {\n  string id = 1;\n}\n'


class FakeRegistry:
    def __init__(self, shared: _Shared) -> None:
        self._shared = shared
        self._compat: dict[str | None, str] = {None: "BACKWARD", "orders-value": "BACKWARD"}
        self._versions = {
            "orders-value": [
                SchemaVersion("orders-value", 1, 1, "AVRO", _ORDERS_V1),
                SchemaVersion("orders-value", 2, 2, "AVRO", _ORDERS_V2),
            ],
            "shipments-value": [SchemaVersion("shipments-value", 1, 3, "PROTOBUF", _SHIPMENT)],
        }

    def subjects(self) -> list[str]:
        return sorted(self._versions)

    def versions(self, subject: str) -> list[int]:
        return [v.version for v in self._get(subject)]

    def get_version(self, subject: str, version: int | Literal["latest"]) -> SchemaVersion:
        versions = self._get(subject)
        if version == "latest":
            return versions[-1]
        for v in versions:
            if v.version == version:
                return v
        raise NotFound(f"{subject} has no version {version}")

    def schema_by_id(self, schema_id: int) -> SchemaVersion:
        for versions in self._versions.values():
            for v in versions:
                if v.schema_id == schema_id:
                    return v
        raise NotFound(f"no schema with id {schema_id}")

    def compatibility(self, subject: str | None = None) -> str:
        return self._compat.get(subject, self._compat[None])

    def set_compatibility(self, level: str, subject: str | None = None) -> None:
        self._shared.change("schema.set_compatibility", subject or "(global)", level)
        self._compat[subject] = level

    def check(self, subject: str, schema: str, schema_type: str = "AVRO") -> CompatibilityCheck:
        try:
            fields = json.loads(schema).get("fields", [])
        except (ValueError, AttributeError):
            return CompatibilityCheck(False, ("schema is not valid JSON",))
        missing = [
            f["name"] for f in fields if "default" not in f and f["name"] not in ("id", "amount")
        ]
        if missing:
            return CompatibilityCheck(False, (f"new field {missing[0]!r} has no default",))
        return CompatibilityCheck(True)

    def register(self, subject: str, schema: str, schema_type: str = "AVRO") -> int:
        self._shared.change("schema.register", subject)
        return 99

    def delete_subject(self, subject: str, permanent: bool = False) -> list[int]:
        self._shared.change("schema.delete_subject", subject, permanent)
        return [v.version for v in self._versions.pop(subject, [])]

    def delete_version(self, subject: str, version: int, permanent: bool = False) -> None:
        self._shared.change("schema.delete_version", subject, version, permanent)
        kept = [v for v in self._get(subject) if v.version != version]
        self._versions[subject] = kept

    def _get(self, subject: str) -> list[SchemaVersion]:
        if subject not in self._versions:
            raise NotFound(f"subject {subject!r} does not exist")
        return self._versions[subject]


# ---- ACLs and health ------------------------------------------------------------------
class FakeAcls:
    def __init__(self, shared: _Shared) -> None:
        self._shared = shared
        self._acls = [
            Acl("TOPIC", "orders", "LITERAL", "User:billing", "*", "READ", "ALLOW"),
            Acl("GROUP", "billing", "LITERAL", "User:billing", "*", "READ", "ALLOW"),
            Acl("TOPIC", "payments", "PREFIXED", "User:mallory", "*", "ALL", "DENY"),
        ]

    def list(self) -> list[Acl]:
        return list(self._acls)

    def create(self, acl: Acl) -> None:
        self._shared.change("acl.create", acl.resource_name)
        self._acls.append(acl)

    def delete(self, acl: Acl) -> None:
        self._shared.change("acl.delete", acl.resource_name)
        self._acls.remove(acl)


class FakeHealth:
    def check(
        self,
        lag_window_s: float = 0.0,
        limits: DepthLimits | None = None,
        lag_seconds: float = 300.0,
        storm_rebalances: int = 3,
    ) -> list[Finding]:
        return [
            Finding(
                "critical", "OFFLINE_PARTITION", "shipments", "1 partition(s) without a leader: 0"
            ),
            Finding(
                "critical",
                "TASK_FAILED",
                "sandbox/broken-sink/task-0",
                "task 0 FAILED: ConnectException: file not writable",
            ),
            Finding("warning", "UNDER_REPLICATED", "orders", "ISR 1 of 3 replicas"),
            Finding(
                "warning",
                "CONSUMER_LAG_GROWING",
                "analytics",
                "lag grew from 100 to 560 over 2 minutes",
            ),
            Finding("info", "REPLICATION_FACTOR_LOW", "orders.dlq", "replication factor 1"),
        ]


# ---- tail -----------------------------------------------------------------------------
DEMO_PARTITIONS = 3  # demo_records spreads over partitions 0-2


def demo_records(topic: str, count: int = 60) -> list[RawRecord]:
    """Fixed records: JSON values, string keys, one undecodable value, some headers."""
    records = []
    for i in range(count):
        value: bytes | None = json.dumps(
            {"id": f"o-{i:04d}", "amount": round(10 + i * 1.25, 2), "status": "NEW"}
        ).encode()
        headers: tuple[tuple[str, bytes | None], ...] = ()
        if i % 10 == 7:
            value = b"\x00\x00\x00\x00\x07\xff\xfe binary"
            headers = (("error", b"deserialization failed"),)
        records.append(
            RawRecord(
                topic,
                i % DEMO_PARTITIONS,
                i // DEMO_PARTITIONS,
                BASE_TS + i * 1000,
                f"k-{i % 7}".encode(),
                value,
                headers,
            )
        )
    return records


class FakeTailSession:
    """A ring buffer preloaded with fixed records; `push` adds more (for flood tests)."""

    def __init__(self, topic: str, start: TailStart, capacity: int = 100_000) -> None:
        self.topic = topic
        self._start = start
        self._capacity = capacity
        self._records: list[tuple[int, RawRecord]] = []
        self._next = 0
        self._dropped = 0
        self.started = False
        self.seeks: list[TailStart] = []
        self.error: str | None = None  # what the real session reports after a consumer error

    def start(self) -> None:
        self.started = True
        self.seek(self._start)

    def stop(self) -> None:
        self.started = False

    def seek(self, start: TailStart) -> None:
        missing = sorted(set(start.partitions or ()) - set(range(DEMO_PARTITIONS)))
        if missing:  # the real session's answer for a partition the topic lacks
            raise NotFound(
                f"topic {self.topic!r} has no partition {', '.join(map(str, missing))} "
                f"(it has {DEMO_PARTITIONS})"
            )
        self.seeks.append(start)
        self._records = []
        records = demo_records(self.topic)
        if start.mode == "last" and start.value:
            records = records[-start.value :]
        elif start.mode == "latest":
            records = records[-20:]
        self.push(records)

    def push(self, records: Sequence[RawRecord]) -> None:
        for record in records:
            self._records.append((self._next, record))
            self._next += 1
        overflow = len(self._records) - self._capacity
        if overflow > 0:
            del self._records[:overflow]
            self._dropped += overflow

    def stats(self) -> TailStats:
        return TailStats(
            kept=len(self._records),
            received=self._next,
            dropped=self._dropped,
            records_per_s=12.5,
            bytes_per_s=1024.0,
            caught_up=True,
            error=self.error,
            positions=self._positions(),
        )

    def _positions(self) -> dict[int, int]:
        """partition -> next offset, every partition of the topic (as the real tail)."""
        positions = dict.fromkeys(range(DEMO_PARTITIONS), 0)
        for _seq, record in self._records:
            positions[record.partition] = max(positions.get(record.partition, 0), record.offset + 1)
        return positions

    def first_seq(self) -> int:
        return self._records[0][0] if self._records else self._next

    def next_seq(self) -> int:
        return self._next

    def get(self, seq: int) -> RawRecord | None:
        first = self.first_seq()
        index = seq - first
        if 0 <= index < len(self._records):
            return self._records[index][1]
        return None

    def read(self, after_seq: int, limit: int) -> list[tuple[int, RawRecord]]:
        start = max(0, after_seq + 1 - self.first_seq())
        return self._records[start : start + limit]


# ---- the client -----------------------------------------------------------------------
class FakeClient:
    def __init__(self, *, read_only: bool = False, profile: str = "fake") -> None:
        self._shared = _Shared(read_only)
        self.profile = profile
        self.bootstrap_servers = "127.0.0.1:9092"
        self.brokers = FakeBrokers(self._shared)
        self.topics = FakeTopics(self._shared)
        self.groups = FakeGroups(self._shared)
        self.connect = FakeConnect(self._shared)
        self.registry = FakeRegistry(self._shared)
        self.acls = FakeAcls(self._shared)
        self.health = FakeHealth()
        self.transfers = FakeTransfers(self._shared, demo_records)
        self.transactions = FakeTransactions(self._shared)
        self.tails: list[FakeTailSession] = []
        self.closed = False
        self._decoder: RecordDecoder | None = None
        self._decoder_lock = threading.Lock()

    @property
    def read_only(self) -> bool:
        return self._shared.read_only

    @read_only.setter
    def read_only(self, value: bool) -> None:
        self._shared.read_only = value

    @property
    def calls(self) -> list[tuple[str, tuple[Any, ...]]]:
        return self._shared.calls

    def open_tail(self, topic: str, start: TailStart, capacity: int = 100_000) -> FakeTailSession:
        session = FakeTailSession(topic, start, capacity)
        self.tails.append(session)
        return session

    def decoder(self) -> RecordDecoder:
        """The real decoder over the fake registry, one shared object as the real client's."""
        with self._decoder_lock:
            if self._decoder is None:
                self._decoder = AutoDecoder(self.registry)
            return self._decoder

    def audit_log(self, limit: int = 500) -> list[dict[str, Any]]:
        return self._shared.audit[-limit:]

    def close(self) -> None:
        self.closed = True
