"""`TransfersApi`: dead-letter triage, redrive and copy between topics.

Plans are dry runs (they read, never write). `copy` and `redrive` write with an
idempotent producer (`acks=all`) and are guarded: refused in read-only mode, audited.
Both go through one engine (`transfer.Walk`); they differ only in how records are
chosen, where they go and which headers they keep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import KafkaError, KafkaException, Producer

from kafkatui.cluster.api import TailStart
from kafkatui.cluster.dlq import (
    HEADER_PREFIX,
    DlqGrouper,
    DlqSummary,
    error_context,
    has_error_headers,
)
from kafkatui.cluster.errors import (
    InvalidInput,
    KafkaTuiError,
    NotFound,
    RemoteError,
    TimedOut,
)
from kafkatui.cluster.guard import Guard, audit_note, audit_start, changes
from kafkatui.cluster.kafka_admin import LOG, KafkaAdmin
from kafkatui.cluster.models import RawRecord
from kafkatui.cluster.scan import Scan, ScanProgress
from kafkatui.cluster.transfer import (
    Headers,
    Progress,
    Route,
    TransferReport,
    TransferSpec,
    Walk,
)

_PRODUCER_TUNING: dict[str, object] = {"client.id": "kafkatui-copy", "linger.ms": 20}
#: what makes writes safe: always applied, whatever -X says
_PRODUCER_FIXED: dict[str, object] = {
    "enable.idempotence": True,
    "acks": "all",
    "max.in.flight.requests.per.connection": 5,
}


@dataclass(frozen=True)
class CopyRequest:
    source: str
    destination: str
    start: TailStart = field(default_factory=lambda: TailStart("earliest"))
    until_ms: int | None = None
    keep_partitions: bool = False
    rate: float | None = None
    #: keeps a record or not (the shared filter); None keeps all
    select: Callable[[RawRecord], bool] | None = None
    #: (partition, offset) of the records to copy (a selection in the TUI); None: all
    records: frozenset[tuple[int, int]] | None = None
    #: told how far it got, from the worker thread (not part of the audit entry)
    progress: Progress | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class RedriveRequest:
    topic: str  # the dead-letter topic
    to: str | None = None  # None: each record's `__connect.errors.topic`
    error_class: str | None = None
    #: (partition, offset) of the dead letters to redrive (a group or a selection); None: all
    records: frozenset[tuple[int, int]] | None = None
    rate: float | None = None
    progress: Progress | None = field(default=None, repr=False, compare=False)


def _copy_target(request: CopyRequest, *_a: Any, **_k: Any) -> str:
    return f"{request.source} -> {request.destination}"


def _redrive_target(request: RedriveRequest, *_a: Any, **_k: Any) -> str:
    return f"{request.topic} -> {request.to or '(original topics)'}"


def _outcome(report: TransferReport) -> dict[str, Any]:
    return {"after": report.to_json()}


def _plan_of(report: TransferReport) -> dict[str, Any]:
    """The plan for the audit log's start line: the counts and the records per target."""
    done = ("execute", "written", "elapsed_s")
    return {k: v for k, v in report.to_json().items() if k not in done}


class Interrupted(KafkaTuiError):
    """Ctrl-C during a copy or redrive: it stopped after the writes in flight."""

    exit_code = 130


class Transfers:
    def __init__(self, admin: KafkaAdmin, guard: Guard) -> None:
        self.admin = admin
        self.settings = admin.settings
        self.guard = guard
        self._walks: set[Walk] = set()
        self._lock = threading.Lock()

    # ---- dead letters ------------------------------------------------------------------
    def dlq(self, topic: str, progress: Callable[[ScanProgress], None] | None = None) -> DlqSummary:
        """Every record of a dead-letter topic, grouped by connector, task, stage, exception."""
        grouper = DlqGrouper(topic)
        with Scan(self.settings, topic) as scan:
            for batch in scan.batches():
                grouper.add(batch)
                if progress is not None:
                    progress(scan.progress())
        return grouper.summary()

    def scan(self, topic: str, start: TailStart, until_ms: int | None = None) -> Scan:
        """A bounded read of `topic` (not opened yet: use it in a `with`)."""
        return Scan(self.settings, topic, start, until_ms=until_ms)

    def record_at(self, topic: str, partition: int, offset: int) -> RawRecord | None:
        """The record at one offset (a dead letter's original); None when it is gone."""
        start = TailStart("offset", offset, (partition,))
        with Scan(self.settings, topic, start, batch_size=50) as scan:
            for batch in scan.batches():
                return next((r for r in batch if r.offset == offset), None)
        return None

    def plan_redrive(self, request: RedriveRequest) -> TransferReport:
        return self._walk(self._redrive_spec(request), request.progress).run()

    @changes("dlq.redrive", target=_redrive_target, details=_outcome)
    def redrive(self, request: RedriveRequest) -> TransferReport:
        """(changes) Write the chosen dead letters once to their topics (see transfer.py)."""
        return self._execute(self._redrive_spec(request), request.progress)

    # ---- copy --------------------------------------------------------------------------
    def plan_copy(self, request: CopyRequest) -> TransferReport:
        return self._walk(self._copy_spec(request), request.progress).run()

    @changes("topic.copy", target=_copy_target, details=_outcome)
    def copy(self, request: CopyRequest) -> TransferReport:
        """(changes) Copy the chosen records once into the destination (see transfer.py)."""
        return self._execute(self._copy_spec(request), request.progress)

    def cancel(self) -> None:
        """Stop every running plan, copy and redrive after the record in hand."""
        with self._lock:
            walks = list(self._walks)
        for walk in walks:
            walk.cancel()

    # ---- specs -------------------------------------------------------------------------
    def _copy_spec(self, request: CopyRequest) -> TransferSpec:
        keep = request.keep_partitions
        destination = request.destination

        def route(record: RawRecord) -> Route:
            return destination, record.partition if keep else None

        return TransferSpec(
            kind="copy",
            source=request.source,
            route=route,
            start=request.start,
            until_ms=request.until_ms,
            select=_selector(request.select, request.records),
            rate=request.rate,
            fixed_targets=(destination,),
            options={
                "from": f"{request.start.mode} {request.start.value}",
                "partitions": request.start.partitions,
                "until_ms": request.until_ms,
                "filtered": request.select is not None,
                "chosen_records": None if request.records is None else len(request.records),
                "keep_partitions": keep,
                "rate": request.rate,
            },
        )

    def _redrive_spec(self, request: RedriveRequest) -> TransferSpec:
        to, error_class = request.to, request.error_class
        chosen = _selector(None, request.records)

        def select(record: RawRecord) -> bool:
            if not chosen(record) or not has_error_headers(record):
                return False
            return error_class is None or error_context(record).exception_class == error_class

        def route(record: RawRecord) -> Route:
            if to is not None:
                return to, None
            context = error_context(record)
            return context.original_topic, context.original_partition

        return TransferSpec(
            kind="redrive",
            source=request.topic,
            route=route,
            select=select,
            rewrite_headers=_without_error_headers,
            keep_timestamps=False,  # a new delivery: an old time would meet retention soon
            rate=request.rate,
            fixed_targets=(to,) if to is not None else None,
            options={
                "to": to,
                "error_class": error_class,
                "chosen_records": None if request.records is None else len(request.records),
                "rate": request.rate,
            },
        )

    # ---- running -----------------------------------------------------------------------
    def _walk(self, spec: TransferSpec, progress: Progress | None) -> Walk:
        return _Tracked(self, spec, progress)

    def _partitions_of(self, topic: str) -> int:
        meta = self.admin.metadata(max_age_s=5.0)
        found = meta.topics.get(topic)
        if found is None:
            raise NotFound(f"topic {topic!r} does not exist (create it first)")
        return len(found.partitions)

    def _execute(self, spec: TransferSpec, progress: Progress | None) -> TransferReport:
        """Walk `spec` and write each routed record; wait until every write is answered."""
        failures: list[str] = []
        fatal: list[KafkaError] = []
        walk = self._walk(spec, progress)

        def delivered(err: KafkaError | None, _msg: Any) -> None:
            if err is None:
                walk.report.written += 1
            else:
                failures.append(err.str())

        def on_error(err: KafkaError) -> None:
            if err.fatal():
                fatal.append(err)
                walk.cancel()

        conf = {
            **_PRODUCER_TUNING,
            **self.settings.librdkafka(),
            **_PRODUCER_FIXED,
            "error_cb": on_error,
            "logger": LOG,
        }
        try:
            producer = Producer(conf)
        except KafkaException as exc:
            raise InvalidInput(f"bad client settings: {exc}") from None

        def send(topic: str, partition: int, record: RawRecord, headers: Headers,
                 stamp: int | None) -> None:  # fmt: skip
            kwargs: dict[str, Any] = {"key": record.key, "value": record.value,
                                      "headers": list(headers), "partition": partition,
                                      "on_delivery": delivered}  # fmt: skip
            if stamp is not None:
                kwargs["timestamp"] = stamp
            while True:
                try:
                    producer.produce(topic, **kwargs)
                    break
                except BufferError:  # the local queue is full: let deliveries drain it
                    producer.poll(0.1)
            producer.poll(0)
            if failures:
                walk.cancel()

        def starting(plan: TransferReport) -> None:
            audit_start(plan=_plan_of(plan))

        try:
            report = walk.run(send, starting)
        except KeyboardInterrupt:
            # ended by the user: what is in flight is still waited for, and the audit entry
            # (written for errors, not for an interrupt) says how far it got
            left = _flush(producer, self.settings.timeout_s * 3)
            raise Interrupted(
                f"{spec.kind} interrupted: {walk.report.written} records written"
                f"{f', {left} unanswered' if left else ''}. Run it again to finish: records "
                "already written are skipped"
            ) from None
        finally:
            left = _flush(producer, self.settings.timeout_s * 3)
            # how far it got, in the closing audit line even when it fails
            audit_note(after=walk.report.to_json())
        if fatal:
            raise self.admin.error(fatal[0], f"writing {spec.kind} records")
        if failures:
            raise RemoteError(
                f"{spec.kind}: {len(failures)} records were not written ({failures[0]}); "
                f"{report.written} were. Run it again: records already written are skipped"
            )
        if left:
            raise TimedOut(
                f"{spec.kind}: {left} records got no answer; {report.written} were written. "
                "Run it again: records already written are skipped"
            )
        return report


class _Tracked(Walk):
    """A walk the owning Transfers can cancel while it runs."""

    def __init__(self, owner: Transfers, spec: TransferSpec, progress: Progress | None) -> None:
        super().__init__(owner.settings, owner._partitions_of, spec, progress)
        self._owner = owner

    def run(self, send: Any = None, starting: Any = None) -> TransferReport:
        owner = self._owner
        with owner._lock:
            owner._walks.add(self)
        try:
            return super().run(send, starting)
        finally:
            with owner._lock:
                owner._walks.discard(self)


def _selector(
    keep: Callable[[RawRecord], bool] | None, records: frozenset[tuple[int, int]] | None
) -> Callable[[RawRecord], bool]:
    if records is None:
        return keep or (lambda _r: True)
    if keep is None:
        return lambda r: (r.partition, r.offset) in records
    return lambda r: (r.partition, r.offset) in records and keep(r)


def _without_error_headers(headers: Headers) -> Headers:
    return tuple((n, v) for n, v in headers if not n.startswith(HEADER_PREFIX))


def _flush(producer: Producer, timeout_s: float) -> int:
    """Wait for every answer, at most `timeout_s`; the count still unanswered."""
    deadline = time.monotonic() + timeout_s
    left = len(producer)
    while left and time.monotonic() < deadline:
        left = producer.flush(min(1.0, max(deadline - time.monotonic(), 0.0)))
    return left


def error_classes(summary: DlqSummary) -> Iterable[str]:
    return sorted({g.exception_class for g in summary.groups if g.exception_class})
