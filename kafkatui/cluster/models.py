"""Plain data the cluster layer returns. No IO, no UI: safe to build in tests and fakes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

# A registered schema is the decoders' input too; it lives with them (cluster imports
# decode, never the other way round) and is re-exported here for the cluster's callers.
from kafkatui.decode.model import SchemaVersion as SchemaVersion


# ---- brokers -------------------------------------------------------------------------
@dataclass(frozen=True)
class Broker:
    id: int
    host: str
    port: int
    rack: str | None
    is_controller: bool


@dataclass(frozen=True)
class ClusterInfo:
    cluster_id: str | None
    controller_id: int | None
    brokers: tuple[Broker, ...]


@dataclass(frozen=True)
class ConfigEntry:
    name: str
    value: str | None  # None for sensitive values: never fetched, never shown
    is_default: bool
    is_sensitive: bool
    is_read_only: bool
    source: str  # e.g. DEFAULT_CONFIG, DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG


@dataclass(frozen=True)
class LogDirUsage:
    broker_id: int
    path: str
    topic: str
    partition: int
    size_bytes: int


# ---- topics --------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicSummary:
    """One row of the topics list. Fields stay None until their batched call answers."""

    name: str
    internal: bool = False
    partitions: int | None = None
    replication_factor: int | None = None
    under_replicated: int | None = None
    offline: int | None = None
    messages: int | None = None  # sum of (high - low) watermarks
    cleanup_policy: str | None = None
    retention_ms: int | None = None
    size_bytes: int | None = None


@dataclass(frozen=True)
class PartitionInfo:
    partition: int
    leader: int | None  # None when offline
    replicas: tuple[int, ...]
    isr: tuple[int, ...]
    low: int | None = None
    high: int | None = None
    size_bytes: int | None = None  # one copy, on disk; None when not reported
    adding: tuple[int, ...] = ()  # a reassignment in progress adds these replicas
    removing: tuple[int, ...] = ()  # ... and removes these


@dataclass(frozen=True)
class TopicDetail:
    name: str
    partitions: tuple[PartitionInfo, ...]
    configs: tuple[ConfigEntry, ...]
    depth_note: str | None = None  # why sizes/reassignments are missing, if they are


# ---- groups --------------------------------------------------------------------------
@dataclass(frozen=True)
class TopicPartition:
    topic: str
    partition: int


@dataclass(frozen=True)
class GroupMember:
    member_id: str
    client_id: str
    host: str
    assignment: tuple[TopicPartition, ...] = ()
    #: consumer-protocol (KIP-848) groups only: what the coordinator wants this member to
    #: own; None for classic groups, where the member's assignment is all there is
    target_assignment: tuple[TopicPartition, ...] | None = None

    @property
    def reconciling(self) -> bool:
        """Still moving towards its target assignment (KIP-848)."""
        target = self.target_assignment
        return target is not None and set(target) != set(self.assignment)


@dataclass(frozen=True)
class GroupSummary:
    group_id: str
    state: str  # STABLE, EMPTY, PREPARING_REBALANCE, DEAD, UNKNOWN ...
    type: str  # CLASSIC, CONSUMER, SHARE, UNKNOWN
    members: tuple[GroupMember, ...] = ()
    lag: int | None = None  # None until offsets are fetched


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    committed: int | None  # None: no committed offset
    end: int
    lag: int | None
    member: str | None = None  # client id of the member assigned this partition
    #: KIP-848 groups: client id of the member whose target assignment holds it; a
    #: partition whose member differs is still being handed over (reconciling)
    target_member: str | None = None
    #: now minus the timestamp of the record at the committed offset; 0 when caught up;
    #: None when unknown, with the reason in lag_seconds_note (None too until it is read)
    lag_seconds: float | None = None
    lag_seconds_note: str | None = None


@dataclass(frozen=True)
class LagEstimate:
    """A group's lag in seconds estimated from sampled end offsets, without reading records."""

    seconds: float
    at_least: bool = False  # the end offset has not moved since sampling began: a lower bound


@dataclass(frozen=True)
class GroupLag:
    group_id: str
    state: str
    members: int
    partitions: tuple[PartitionLag, ...]
    type: str = "UNKNOWN"  # CLASSIC, CONSUMER (KIP-848), SHARE, UNKNOWN
    estimate: LagEstimate | None = None  # None until two end-offset samples tell a rate

    @property
    def total(self) -> int:
        return sum(p.lag or 0 for p in self.partitions)

    @property
    def known_total(self) -> int | None:
        """The lag where any partition's lag is known; None where none is (never committed,
        like a sink connector paused before its first commit): that is not a lag of 0."""
        return self.total if any(p.lag is not None for p in self.partitions) else None

    @property
    def max_lag_seconds(self) -> float | None:
        """The oldest unread record's age over partitions where it is known."""
        known = [p.lag_seconds for p in self.partitions if p.lag_seconds is not None]
        return max(known) if known else None


@dataclass(frozen=True)
class GroupEvent:
    """A change seen between two looks at a group: its state, or a member joining/leaving."""

    at: float  # time.time()
    group_id: str
    kind: str  # "state", "joined", "left"
    detail: str  # "STABLE -> PREPARING_REBALANCE", or the member's client id
    rebalance: bool = False  # this look saw a rebalance (counted once per look)


@dataclass(frozen=True)
class LagSample:
    at: float  # time.time()
    lag: int


@dataclass(frozen=True)
class LagTrend:
    """Derived from the samples kept per group: rate < 0 means catching up."""

    samples: tuple[LagSample, ...]
    rate_per_s: float | None  # lag change per second (None with fewer than 2 samples)
    growing: bool
    seconds_to_catch_up: float | None  # None when not shrinking


# ---- offset resets -------------------------------------------------------------------
class ResetMode(StrEnum):
    EARLIEST = "earliest"
    LATEST = "latest"
    DATETIME = "datetime"
    OFFSET = "offset"
    SHIFT = "shift"


@dataclass(frozen=True)
class ResetSpec:
    mode: ResetMode
    value: int | str | None = None  # offset, shift, or ISO 8601 for DATETIME


@dataclass(frozen=True)
class ResetRow:
    topic: str
    partition: int
    current: int | None
    new: int
    low: int
    high: int

    @property
    def lag_before(self) -> int | None:
        return None if self.current is None else self.high - self.current

    @property
    def lag_after(self) -> int:
        return self.high - self.new

    @property
    def lag_change(self) -> int | None:
        return None if self.lag_before is None else self.lag_after - self.lag_before


@dataclass(frozen=True)
class ResetPlan:
    group_id: str
    spec: ResetSpec
    rows: tuple[ResetRow, ...]
    warnings: tuple[str, ...] = ()  # e.g. "offset 99999 beyond end 120 on orders-3; clamped"


@dataclass(frozen=True)
class ResetResult:
    plan: ResetPlan
    applied: bool
    mismatches: tuple[tuple[TopicPartition, int | None, int], ...] = ()  # (tp, read back, wanted)


# ---- Connect -------------------------------------------------------------------------
class ConnectorHealth(StrEnum):
    HEALTHY = "HEALTHY"
    DEGRADED = "DEGRADED"  # some tasks failed
    FAILED = "FAILED"
    PAUSED = "PAUSED"
    STOPPED = "STOPPED"
    RESTARTING = "RESTARTING"
    UNASSIGNED = "UNASSIGNED"


@dataclass(frozen=True)
class TaskStatus:
    id: int
    state: str
    worker_id: str
    trace: str | None = None


@dataclass(frozen=True)
class ConnectorStatus:
    cluster: str  # name of the Connect cluster (from config)
    name: str
    type: str  # source / sink / unknown
    state: str  # connector state as Connect reports it
    worker_id: str
    tasks: tuple[TaskStatus, ...]
    health: ConnectorHealth
    connector_class: str = ""
    trace: str | None = None


# ---- registry ------------------------------------------------------------------------
@dataclass(frozen=True)
class CompatibilityCheck:
    compatible: bool
    messages: tuple[str, ...] = ()


# ---- ACLs ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Acl:
    resource_type: str  # TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID
    resource_name: str
    pattern_type: str  # LITERAL, PREFIXED
    principal: str  # User:alice
    host: str
    operation: str  # READ, WRITE, ALL ...
    permission: str  # ALLOW, DENY


# ---- health --------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    severity: str  # critical | warning | info
    code: str
    subject: str
    detail: str


# ---- tail ----------------------------------------------------------------------------
@dataclass(slots=True)  # not frozen: that __init__ costs ~0.9 us, not ~0.2, per record
class RawRecord:
    """A record exactly as consumed: decoding happens later, lazily. Never changed once
    made; the tail's consumer thread builds hundreds of thousands a second."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...] = ()


@dataclass
class TailStats:
    kept: int = 0  # records currently in the ring buffer
    received: int = 0  # records received since start
    dropped: int = 0  # records evicted from the ring buffer
    records_per_s: float = 0.0
    bytes_per_s: float = 0.0
    caught_up: bool = False
    error: str | None = None  # last consumer error, cleared when records flow again
    positions: dict[int, int] = field(default_factory=dict)  # partition -> next offset
