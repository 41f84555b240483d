"""The one seam between IO and everything above it (TUI, CLI, bench, snapshot fakes).

`KafkaTuiClient` groups one Protocol per area. The real implementation is
`kafkatui.cluster.client.ClusterClient`; UI snapshot tests use a fake that implements
the same Protocols. Every method may block: callers above run them in worker threads.
Every method raises only `kafkatui.cluster.errors.KafkaTuiError` subclasses.
Methods marked (changes) are decorated with `guard.changes` in the implementation.
Classes with a `list` method spell the builtin `builtins.list` in later annotations.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

from kafkatui.cluster.deep_models import (
    DepthLimits,
    DiskUsage,
    LogDir,
    Quorum,
    Reassignment,
    StableGap,
    Transaction,
)
from kafkatui.cluster.models import (
    Acl,
    ClusterInfo,
    CompatibilityCheck,
    ConfigEntry,
    ConnectorStatus,
    Finding,
    GroupEvent,
    GroupLag,
    GroupSummary,
    LagSample,
    LagTrend,
    RawRecord,
    ResetPlan,
    ResetResult,
    ResetSpec,
    SchemaVersion,
    TailStats,
    TopicDetail,
    TopicPartition,
    TopicSummary,
)
from kafkatui.cluster.tail_start import TailStart as TailStart
from kafkatui.decode.model import Decoded

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from kafkatui.cluster.dlq import DlqSummary
    from kafkatui.cluster.scan import PayloadSelect, ScanProgress
    from kafkatui.cluster.transfer import TransferReport
    from kafkatui.cluster.transfers import CopyRequest, RedriveRequest


class BrokersApi(Protocol):
    def cluster_info(self) -> ClusterInfo: ...
    def broker_configs(self, broker_id: int) -> list[ConfigEntry]: ...
    def log_dirs(self) -> list[LogDir]:
        """Every log dir of every broker with its disk totals (DescribeLogDirs)."""
        ...

    def disk_usage(self) -> DiskUsage: ...
    def quorum(self) -> Quorum:
        """The KRaft metadata quorum: leader, voters and observers with their lag."""
        ...

    def reassignments(self, topic: str | None = None) -> list[Reassignment]: ...


class TopicsApi(Protocol):
    def list_names(self) -> list[TopicSummary]:
        """Names (and the internal flag) only, from one metadata call: paints at once."""
        ...

    def fill_summaries(self, names: Sequence[str]) -> list[TopicSummary]:
        """Partitions, RF, URP, messages, cleanup, retention, size: batched calls only."""
        ...

    def describe(self, name: str) -> TopicDetail: ...
    def create(
        self,
        name: str,
        partitions: int,
        replication_factor: int,
        configs: Mapping[str, str] | None = None,
    ) -> None: ...  # (changes)
    def delete(self, name: str) -> None: ...  # (changes)
    def add_partitions(self, name: str, total: int) -> None: ...  # (changes)
    def alter_config(self, name: str, updates: Mapping[str, str | None]) -> Any: ...  # (changes)
    def produce(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | None = None,
        headers: Sequence[tuple[str, bytes]] = (),
        partition: int | None = None,
    ) -> tuple[int, int]:
        """(changes) Produce one record and wait for its (partition, offset)."""
        ...


class GroupsApi(Protocol):
    def list(self, with_offsets: bool = False) -> list[GroupSummary]:
        """Groups with state, type and members; lag is None here."""
        ...

    def lag(
        self, group_ids: Sequence[str], described: Sequence[GroupSummary] | None = None
    ) -> dict[str, GroupLag]:
        """Committed/end/lag per partition, fetched concurrently; records a lag sample.
        `described`: the groups as `list` returned them, so they are not described again."""
        ...

    def trend(self, group_id: str, min_span_s: float = 30.0) -> LagTrend:
        """From the samples `lag` recorded; "growing" needs samples over `min_span_s`."""
        ...

    def with_lag_seconds(self, lags: Mapping[str, GroupLag]) -> dict[str, GroupLag]:
        """The same lags with lag_seconds per partition (reads one record per lagging
        partition, bounded in time and count)."""
        ...

    def lag_seconds_samples(self, group_id: str) -> tuple[LagSample, ...]:
        """The group's max lag in seconds at each `with_lag_seconds` call, oldest first."""
        ...

    def events(self, group_id: str) -> builtins.list[GroupEvent]:
        """State changes and member joins/leaves seen by `list`/`lag`, oldest first."""
        ...

    def rebalances(self, window_s: float = 600.0) -> dict[str, int]:
        """Rebalances seen per group within the last `window_s`; groups with none left out."""
        ...

    def delete(self, group_id: str) -> None: ...  # (changes)
    def delete_offsets(self, group_id: str, partitions: Sequence[TopicPartition]) -> None: ...
    def plan_reset(
        self, group_id: str, topic: str, partitions: Sequence[int] | None, spec: ResetSpec
    ) -> ResetPlan: ...
    def execute_reset(self, plan: ResetPlan) -> ResetResult:
        """(changes) Refuses (Refused) while the group has members; reads offsets back."""
        ...


class ConnectApi(Protocol):
    def clusters(self) -> list[str]: ...
    def list(self, cluster: str) -> list[ConnectorStatus]: ...
    def status(self, cluster: str, name: str) -> ConnectorStatus: ...
    def config(self, cluster: str, name: str) -> dict[str, str]:
        """The connector config with secret-looking values masked."""
        ...

    def create(self, cluster: str, name: str, config: Mapping[str, str]) -> None: ...  # (changes)
    def delete(self, cluster: str, name: str) -> None: ...  # (changes)
    def pause(self, cluster: str, name: str) -> None: ...  # (changes)
    def resume(self, cluster: str, name: str) -> None: ...  # (changes)
    def stop(self, cluster: str, name: str) -> None: ...  # (changes)
    def restart(
        self, cluster: str, name: str, include_tasks: bool = False, only_failed: bool = False
    ) -> None: ...  # (changes)
    def restart_task(self, cluster: str, name: str, task_id: int) -> None: ...  # (changes)
    def offsets(self, cluster: str, name: str) -> builtins.list[dict[str, Any]]: ...
    def reset_offsets(self, cluster: str, name: str) -> None: ...  # (changes)
    def alter_offsets(
        self, cluster: str, name: str, offsets: builtins.list[dict[str, Any]]
    ) -> None: ...  # (changes)


class RegistryApi(Protocol):
    def subjects(self) -> list[str]: ...
    def versions(self, subject: str) -> list[int]: ...
    def get_version(self, subject: str, version: int | Literal["latest"]) -> SchemaVersion: ...
    def schema_by_id(self, schema_id: int) -> SchemaVersion:
        """Cached by id. `subject`/`version` may be empty/0 when the registry does not say."""
        ...

    def compatibility(self, subject: str | None = None) -> str: ...
    def set_compatibility(self, level: str, subject: str | None = None) -> None: ...  # (changes)
    def check(self, subject: str, schema: str, schema_type: str = "AVRO") -> CompatibilityCheck: ...
    def register(self, subject: str, schema: str, schema_type: str = "AVRO") -> int: ...
    def delete_subject(self, subject: str, permanent: bool = False) -> list[int]: ...
    def delete_version(self, subject: str, version: int, permanent: bool = False) -> None: ...


class AclsApi(Protocol):
    def list(self) -> list[Acl]: ...
    def create(self, acl: Acl) -> None: ...  # (changes)
    def delete(self, acl: Acl) -> None: ...  # (changes)


class TransactionsApi(Protocol):
    def list(self) -> list[Transaction]:
        """Open transactions on every broker, oldest first."""
        ...

    def gaps(self, partitions: Sequence[TopicPartition]) -> builtins.list[StableGap]:
        """Last stable offset against the high watermark per partition."""
        ...

    def abort(self, txn: Transaction) -> Any:
        """(changes) Write abort markers where the transaction is still open."""
        ...


class HealthApi(Protocol):
    def check(
        self,
        lag_window_s: float = 0.0,
        limits: DepthLimits | None = None,
        lag_seconds: float = 300.0,
        storm_rebalances: int = 3,
    ) -> list[Finding]:
        """Every rule (`limits`: disk, transaction and quorum thresholds). With
        `lag_window_s` > 0, lag is sampled over that window first, so a one-shot check
        can see CONSUMER_LAG_GROWING and REBALANCE_STORM; otherwise trends come from the
        lag samples earlier calls recorded (a TUI polling every few seconds).
        CONSUMER_LAG_SECONDS warns above `lag_seconds`, REBALANCE_STORM at
        `storm_rebalances` rebalances within the window (ten minutes without one)."""
        ...


class TopicScan(Protocol):
    """A bounded read of one topic, to the end offsets seen when it opens (used by find).
    A context manager: leaving it closes the consumer."""

    topic: str
    total: int
    scanned: int

    def __enter__(self) -> TopicScan: ...
    def __exit__(self, *_exc: object) -> None: ...
    def cancel(self) -> None: ...
    def progress(self) -> ScanProgress: ...
    def batches(self, keep: PayloadSelect | None = None) -> Iterator[list[RawRecord]]:
        """Batches in offset order per partition; with `keep`, only the records it picks
        (tried on a batch's raw keys, values and headers), so a batch may be empty."""
        ...


class TransfersApi(Protocol):
    """Dead-letter triage, redrive and copy (see cluster/transfers.py)."""

    def dlq(
        self, topic: str, progress: Callable[[ScanProgress], None] | None = None
    ) -> DlqSummary: ...
    def scan(self, topic: str, start: TailStart, until_ms: int | None = None) -> TopicScan:
        """A bounded read of a topic, to the end offsets seen when it opens (find)."""
        ...

    def record_at(self, topic: str, partition: int, offset: int) -> RawRecord | None:
        """The record at one offset; None when retention removed it or it is not there."""
        ...

    def plan_redrive(self, request: RedriveRequest) -> TransferReport: ...
    def redrive(self, request: RedriveRequest) -> TransferReport: ...  # (changes)
    def plan_copy(self, request: CopyRequest) -> TransferReport: ...
    def copy(self, request: CopyRequest) -> TransferReport: ...  # (changes)
    def cancel(self) -> None: ...


class TailSession(Protocol):
    """One consumer thread (assign, no group, no commits) feeding a bounded ring buffer.

    Records get increasing sequence numbers; the buffer keeps the newest `capacity`.
    """

    topic: str

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def seek(self, start: TailStart) -> None:
        """Clear the buffer and restart consuming from `start`."""
        ...

    def stats(self) -> TailStats: ...
    def first_seq(self) -> int:
        """Sequence number of the oldest record still buffered."""
        ...

    def next_seq(self) -> int:
        """Sequence number the next arriving record will get."""
        ...

    def get(self, seq: int) -> RawRecord | None:
        """The record with that sequence number, or None once evicted."""
        ...

    def read(self, after_seq: int, limit: int) -> list[tuple[int, RawRecord]]:
        """Up to `limit` (seq, record) pairs with seq > after_seq, oldest first."""
        ...


class RecordDecoder(Protocol):
    def decode(self, data: bytes | None, *, is_key: bool, fmt: str = "auto") -> Decoded: ...


class KafkaTuiClient(Protocol):
    # Read-only members: an implementation may hold plain attributes, properties or
    # lazily built parts (ClusterClient), and a fake its own subclasses of each part.
    @property
    def profile(self) -> str: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def bootstrap_servers(self) -> str: ...
    @property
    def brokers(self) -> BrokersApi: ...
    @property
    def topics(self) -> TopicsApi: ...
    @property
    def groups(self) -> GroupsApi: ...
    @property
    def connect(self) -> ConnectApi: ...
    @property
    def registry(self) -> RegistryApi: ...
    @property
    def acls(self) -> AclsApi: ...
    @property
    def health(self) -> HealthApi: ...
    @property
    def transfers(self) -> TransfersApi: ...
    @property
    def transactions(self) -> TransactionsApi: ...

    def open_tail(self, topic: str, start: TailStart, capacity: int = 100_000) -> TailSession: ...
    def decoder(self) -> RecordDecoder: ...
    def audit_log(self, limit: int = 500) -> list[dict[str, Any]]: ...
    def close(self) -> None: ...
