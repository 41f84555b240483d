"""Dead-letter triage: what Kafka Connect wrote into a dead-letter topic, grouped by error.

A sink connector with `errors.tolerance=all`, `errors.deadletterqueue.topic.name` and
`errors.deadletterqueue.context.headers.enable=true` copies each record it could not
handle into the dead-letter topic, with context headers named as in Kafka's
`DeadLetterQueueReporter`. Pure logic: records in, groups out (no IO here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kafkatui.cluster.models import RawRecord

HEADER_PREFIX = "__connect.errors."
ORIGINAL_TOPIC = HEADER_PREFIX + "topic"
ORIGINAL_PARTITION = HEADER_PREFIX + "partition"
ORIGINAL_OFFSET = HEADER_PREFIX + "offset"
CONNECTOR = HEADER_PREFIX + "connector.name"
TASK = HEADER_PREFIX + "task.id"
STAGE = HEADER_PREFIX + "stage"
EXECUTING_CLASS = HEADER_PREFIX + "class.name"
EXCEPTION_CLASS = HEADER_PREFIX + "exception.class.name"
EXCEPTION_MESSAGE = HEADER_PREFIX + "exception.message"
STACK_TRACE = HEADER_PREFIX + "exception.stacktrace"

_MESSAGE_CHARS = 500  # a group's message is a sample, not a log
SAMPLE_RECORDS = 500  # dead letters kept per group for the TUI's list (stack traces are big)


@dataclass(frozen=True)
class ErrorContext:
    """The `__connect.errors.*` headers of one dead-letter record (None where absent)."""

    connector: str | None = None
    task: int | None = None
    stage: str | None = None
    exception_class: str | None = None
    message: str | None = None
    original_topic: str | None = None
    original_partition: int | None = None
    original_offset: int | None = None
    stack_trace: str | None = None

    @property
    def points_at_original(self) -> bool:
        return (
            self.original_topic is not None
            and self.original_partition is not None
            and self.original_offset is not None
        )


def has_error_headers(record: RawRecord) -> bool:
    return any(name.startswith(HEADER_PREFIX) for name, _ in record.headers)


def error_context(record: RawRecord) -> ErrorContext:
    """The context headers of `record`; the last one wins when a name repeats."""
    found: dict[str, str] = {}
    for name, value in record.headers:
        if name.startswith(HEADER_PREFIX) and value is not None:
            found[name] = value.decode("utf-8", "replace")
    return ErrorContext(
        connector=found.get(CONNECTOR),
        task=_int(found.get(TASK)),
        stage=found.get(STAGE),
        exception_class=found.get(EXCEPTION_CLASS),
        message=found.get(EXCEPTION_MESSAGE),
        original_topic=found.get(ORIGINAL_TOPIC),
        original_partition=_int(found.get(ORIGINAL_PARTITION)),
        original_offset=_int(found.get(ORIGINAL_OFFSET)),
        stack_trace=found.get(STACK_TRACE),
    )


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


GroupKey = tuple[str | None, int | None, str | None, str | None]


@dataclass
class ErrorGroup:
    """Dead-letter records that failed the same way: connector, task, stage, exception."""

    connector: str | None
    task: int | None
    stage: str | None
    exception_class: str | None
    message: str | None = None  # of the first record; messages often carry record data
    count: int = 0
    first_offset: int | None = None  # "first/last" by offset; the DLQ may have partitions
    last_offset: int | None = None
    records: list[tuple[int, int]] = field(default_factory=list)  # (partition, offset)
    sample: list[RawRecord] = field(default_factory=list, repr=False)  # the first ones

    @property
    def key(self) -> GroupKey:
        return (self.connector, self.task, self.stage, self.exception_class)

    def add(self, record: RawRecord, context: ErrorContext) -> None:
        if self.message is None and context.message:
            self.message = context.message[:_MESSAGE_CHARS]
        self.count += 1
        offset = record.offset
        self.first_offset = offset if self.first_offset is None else min(self.first_offset, offset)
        self.last_offset = offset if self.last_offset is None else max(self.last_offset, offset)
        self.records.append((record.partition, offset))
        if len(self.sample) < SAMPLE_RECORDS:
            self.sample.append(record)

    def to_json(self) -> dict[str, Any]:
        return {
            "connector": self.connector,
            "task": self.task,
            "stage": self.stage,
            "exception_class": self.exception_class,
            "message": self.message,
            "count": self.count,
            "first_offset": self.first_offset,
            "last_offset": self.last_offset,
        }


@dataclass
class DlqSummary:
    topic: str
    records: int = 0
    without_error_headers: int = 0
    groups: list[ErrorGroup] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "records": self.records,
            "groups": [g.to_json() for g in self.groups],
            "without_error_headers": self.without_error_headers,
        }

    def group_of(self, exception_class: str) -> list[ErrorGroup]:
        return [g for g in self.groups if g.exception_class == exception_class]


class DlqGrouper:
    """Feed records batch by batch; `summary()` gives the groups, biggest first."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self._records = 0
        self._without = 0
        self._groups: dict[GroupKey, ErrorGroup] = {}

    def add(self, records: Iterable[RawRecord]) -> None:
        for record in records:
            self._records += 1
            if not has_error_headers(record):
                self._without += 1
                continue
            context = error_context(record)
            key: GroupKey = (
                context.connector,
                context.task,
                context.stage,
                context.exception_class,
            )
            group = self._groups.get(key)
            if group is None:
                group = self._groups[key] = ErrorGroup(*key)
            group.add(record, context)

    def summary(self) -> DlqSummary:
        groups = sorted(
            self._groups.values(), key=lambda g: (-g.count, g.first_offset or 0, str(g.key))
        )
        return DlqSummary(self.topic, self._records, self._without, groups)


def group_records(topic: str, records: Sequence[RawRecord]) -> DlqSummary:
    grouper = DlqGrouper(topic)
    grouper.add(records)
    return grouper.summary()
