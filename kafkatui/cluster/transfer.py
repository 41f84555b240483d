"""The engine that copy and redrive share: read a source topic, choose records, route each
to a target topic and partition, and (when executing) write it once.

Exactly once across crashes: every written copy carries the header `kafkatui.copied-from`
= "topic/partition/offset" of its source record. Before writing, the engine reads the
target topics to their end and collects those headers; a source record whose coordinates
are already there is skipped. A run killed at any point and run again therefore writes
only what is missing (see docs/copy.md for the exact guarantee and its limits).

Nothing here produces: `walk` hands each record to write to a `send` callable, which only
the guarded methods in `transfers.py` provide. A dry run is the same walk without `send`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kafkatui.cluster.api import TailStart
from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.models import RawRecord
from kafkatui.cluster.partitioner import partition_for_key
from kafkatui.cluster.scan import Scan
from kafkatui.cluster.settings import ConnectionSettings

MARKER = "kafkatui.copied-from"

Headers = tuple[tuple[str, bytes | None], ...]
#: (target topic or None when the record names none, preferred partition or None)
Route = tuple[str | None, int | None]


def marker_value(record: RawRecord) -> bytes:
    return f"{record.topic}/{record.partition}/{record.offset}".encode()


def parse_marker(value: bytes | None) -> tuple[str, int, int] | None:
    """(topic, partition, offset) from a marker value; None when it is not one."""
    if not value:
        return None
    try:
        topic, partition, offset = value.decode("utf-8").rsplit("/", 2)
        return topic, int(partition), int(offset)
    except (UnicodeDecodeError, ValueError):
        return None


def last_marker(headers: Iterable[tuple[str, bytes | None]]) -> tuple[str, int, int] | None:
    """The newest marker: a copy of a copy keeps the older one before it."""
    found = None
    for name, value in headers:
        if name == MARKER:
            found = parse_marker(value) or found
    return found


@dataclass(frozen=True)
class TransferSpec:
    """What to move. `route` names the target of one chosen record; `rewrite_headers`
    turns its headers into the copy's (the marker is added after it)."""

    kind: str  # "copy" or "redrive": named in reports and the audit log
    source: str
    route: Callable[[RawRecord], Route]
    start: TailStart = field(default_factory=lambda: TailStart("earliest"))
    until_ms: int | None = None
    select: Callable[[RawRecord], bool] = lambda _r: True
    rewrite_headers: Callable[[Headers], Headers] = lambda h: h
    keep_timestamps: bool = True
    rate: float | None = None  # records per second written, None for no limit
    fixed_targets: tuple[str, ...] | None = None  # None: learnt from a first read
    options: dict[str, Any] = field(default_factory=dict)  # as asked: for the audit log


@dataclass
class TransferProgress:
    phase: str  # "checking <topic>", "reading <topic>"
    scanned: int
    total: int
    written: int
    skipped: int
    elapsed_s: float


@dataclass
class TransferReport:
    kind: str
    source: str
    execute: bool
    scanned: int = 0  # source records read
    selected: int = 0  # chosen by the range, filter or error class
    already_there: int = 0  # chosen, but a copy is in the target already: skipped
    unroutable: int = 0  # chosen, but naming no target (a dead letter without a topic)
    plan: Counter[tuple[str, int]] = field(default_factory=Counter)  # to write, per target
    written: int = 0  # acknowledged by the broker (execute only)
    elapsed_s: float = 0.0
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def to_write(self) -> int:
        return sum(self.plan.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "execute": self.execute,
            "scanned": self.scanned,
            "selected": self.selected,
            "already_there": self.already_there,
            "unroutable": self.unroutable,
            "to_write": self.to_write,
            "written": self.written,
            "plan": [
                {"topic": t, "partition": p, "records": n}
                for (t, p), n in sorted(self.plan.items())
            ],
            "elapsed_s": round(self.elapsed_s, 3),
            "options": self.options,
        }


Send = Callable[[str, int, RawRecord, Headers, int | None], None]
Progress = Callable[[TransferProgress], None]
#: told the plan just before the first write (the audit log's start line)
Starting = Callable[["TransferReport"], None]


class Walk:
    """One run of a spec: find targets, read what they hold, then route the source."""

    def __init__(
        self,
        settings: ConnectionSettings,
        partitions_of: Callable[[str], int],
        spec: TransferSpec,
        progress: Progress | None = None,
    ) -> None:
        self.settings = settings
        self.partitions_of = partitions_of  # raises NotFound for a missing topic
        self.spec = spec
        self.progress = progress
        self.report = TransferReport(spec.kind, spec.source, execute=False, options=spec.options)
        self._started = time.monotonic()
        self._round_robin: Counter[str] = Counter()
        self._cancelled = False
        self._scan: Scan | None = None
        self._counts: dict[str, int] = {}  # partitions per target topic, asked once

    def cancel(self) -> None:
        self._cancelled = True
        if self._scan is not None:
            self._scan.cancel()

    def run(self, send: Send | None = None, starting: Starting | None = None) -> TransferReport:
        """Plan, or write with `send`. `starting`, when given with `send`, is called with the
        full plan (one more read of the source) just before the first write."""
        spec = self.spec
        self.report.execute = send is not None
        targets = spec.fixed_targets or self._learn_targets()
        for topic in targets:
            if topic == spec.source:
                raise InvalidInput(f"cannot {spec.kind} {spec.source!r} into itself")
            self._count(topic)  # a missing target fails before anything is written
        present = self._present(targets)
        if send is not None and starting is not None:
            self._route_source(present, None, "planning from")
            if self._cancelled:
                return self.report
            starting(self.report)
            self._restart_counts()
        self._route_source(present, send)
        self.report.elapsed_s = time.monotonic() - self._started
        return self.report

    # ---- phases -----------------------------------------------------------------------
    def _learn_targets(self) -> tuple[str, ...]:
        found: set[str] = set()
        for batch in self._read(self.spec.source, "planning from"):
            for record in batch:
                if self.spec.select(record):
                    topic = self.spec.route(record)[0]
                    if topic is not None:
                        found.add(topic)
        return tuple(sorted(found))

    def _present(self, targets: Iterable[str]) -> set[tuple[int, int]]:
        """Source (partition, offset) of every copy the targets already hold."""
        source = self.spec.source
        present: set[tuple[int, int]] = set()
        for topic in targets:
            for batch in self._read(topic, "checking", raw=True):
                for msg in batch:
                    headers = msg.headers()
                    if not headers:
                        continue
                    marker = last_marker(headers)
                    if marker is not None and marker[0] == source:
                        present.add((marker[1], marker[2]))
        return present

    def _restart_counts(self) -> None:
        """Forget a planning pass, so the write pass counts (and spreads keyless records)
        exactly as the plan did."""
        report = self.report
        report.selected = report.already_there = report.unroutable = 0
        report.plan = Counter()
        self._round_robin = Counter()

    def _route_source(
        self, present: set[tuple[int, int]], send: Send | None, phase: str = "reading"
    ) -> None:
        spec, report = self.spec, self.report
        limiter = _RateLimit(spec.rate)
        for batch in self._read(spec.source, phase, count=True):
            for record in batch:
                if not spec.select(record):
                    continue
                report.selected += 1
                if (record.partition, record.offset) in present:
                    report.already_there += 1
                    continue
                topic, preferred = spec.route(record)
                if topic is None:
                    report.unroutable += 1
                    continue
                partition = self._partition(topic, preferred, record.key)
                report.plan[(topic, partition)] += 1
                if send is not None:
                    limiter.wait()
                    marker = (MARKER, marker_value(record))
                    headers = (*spec.rewrite_headers(record.headers), marker)
                    stamp = record.timestamp_ms if spec.keep_timestamps else None
                    send(topic, partition, record, headers, stamp)
                if self._cancelled:
                    return

    def _partition(self, topic: str, preferred: int | None, key: bytes | None) -> int:
        count = self._count(topic)
        if preferred is not None:
            if preferred >= count:
                raise InvalidInput(
                    f"{topic!r} has {count} partitions: it cannot keep partition {preferred}"
                )
            return preferred
        if key is not None:
            return partition_for_key(key, count)
        self._round_robin[topic] += 1  # keyless records spread evenly, as a plan can say
        return self._round_robin[topic] % count

    def _count(self, topic: str) -> int:
        count = self._counts.get(topic)
        if count is None:
            count = self._counts[topic] = self.partitions_of(topic)
        return count

    def _read(self, topic: str, phase: str, *, raw: bool = False, count: bool = False) -> Any:
        spec = self.spec
        source = topic == spec.source
        scan = Scan(
            self.settings,
            topic,
            spec.start if source else TailStart("earliest"),
            until_ms=spec.until_ms if source else None,
        )
        self._scan = scan
        with scan:
            if count:
                self.report.scanned = 0
            for batch in scan.messages() if raw else scan.batches():
                if count:
                    self.report.scanned = scan.scanned
                yield batch
                self._tell(f"{phase} {topic}", scan)
                if self._cancelled:
                    return
            if count:
                self.report.scanned = scan.scanned
            self._tell(f"{phase} {topic}", scan)

    def _tell(self, phase: str, scan: Scan) -> None:
        if self.progress is None:
            return
        report = self.report
        self.progress(
            TransferProgress(
                phase,
                scan.scanned,
                scan.total,
                report.written,
                report.already_there,
                time.monotonic() - self._started,
            )
        )


class _RateLimit:
    """At most `rate` calls of `wait` per second, on average since the first."""

    def __init__(self, rate: float | None) -> None:
        if rate is not None and rate <= 0:
            raise InvalidInput("--rate must be more than 0")
        self.rate = rate
        self.count = 0
        self.started = 0.0

    def wait(self) -> None:
        if self.rate is None:
            return
        now = time.monotonic()
        if self.count == 0:
            self.started = now
        due = self.started + self.count / self.rate
        if due > now:
            time.sleep(due - now)
        self.count += 1
