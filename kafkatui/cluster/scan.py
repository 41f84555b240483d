"""Bounded reads of a topic, shared by dead-letter triage, find, copy and redrive.

`Scan` reads a topic (all partitions, or chosen ones) from a start up to the end offsets
seen when it opened: one consumer, no group, no commits, every partition fetched at once.
It knows its total up front, so callers can show progress (scanned/total, rate, ETA).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kafkatui.cluster.api import TailStart
from kafkatui.cluster.models import RawRecord
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.tail import PREFETCH_KBYTES, TailReader

#: find's pre-check on a batch: (keys, values, headers) -> the indices of the records to
#: keep (RecordFilter.may_match_batch)
PayloadSelect = Callable[
    [
        Sequence[bytes | None],
        Sequence[bytes | None],
        Sequence[Sequence[tuple[str, bytes | None]] | None],
    ],
    list[int],
]


@dataclass(frozen=True)
class ScanProgress:
    scanned: int
    total: int
    elapsed_s: float

    @property
    def rate(self) -> float:
        """Records per second so far."""
        return self.scanned / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the rate so far (None before there is a rate)."""
        if self.rate <= 0:
            return None
        return max(self.total - self.scanned, 0) / self.rate

    @property
    def fraction(self) -> float:
        return 1.0 if self.total <= 0 else min(self.scanned / self.total, 1.0)


def raw_records(messages: list[Any], topic: str) -> list[RawRecord]:
    """confluent-kafka messages as RawRecords (headers as a tuple, never None)."""
    out: list[RawRecord] = []
    for msg in messages:
        headers = msg.headers()
        out.append(
            RawRecord(
                topic,
                msg.partition(),
                msg.offset(),
                msg.timestamp()[1],
                msg.key(),
                msg.value(),
                tuple(headers) if headers else (),
            )
        )
    return out


class Scan:
    """Read `topic` from `start` to the end offsets seen at open; records with a timestamp
    after `until_ms` are skipped (a time range is a filter: CreateTime need not grow)."""

    def __init__(
        self,
        settings: ConnectionSettings,
        topic: str,
        start: TailStart | None = None,
        *,
        until_ms: int | None = None,
        batch_size: int = 5000,
        shard: tuple[int, int] | None = None,
    ) -> None:
        self.topic = topic
        self.until_ms = until_ms
        # shard (index, count): this process reads every count-th partition (a CLI find
        # with several processes), with its share of the read-ahead
        self._reader = TailReader(
            settings,
            topic,
            start or TailStart("earliest"),
            until_end=True,
            batch_size=batch_size,
            shard=shard,
            prefetch_kbytes=PREFETCH_KBYTES // (shard[1] if shard else 1),
        )
        self.total = 0
        self.scanned = 0
        self._started = 0.0
        self._cancelled = False

    def __enter__(self) -> Scan:
        self.open()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Connect and resolve the range. Raises KafkaTuiError (NotFound for no topic)."""
        reader = self._reader
        reader.open()
        self.total = sum(
            max(reader.end_at_start[p] - reader.next_offsets.get(p, 0), 0)
            for p in reader.end_at_start
        )
        self._started = time.monotonic()

    def close(self) -> None:
        self._reader.close()

    def cancel(self) -> None:
        """Stop after the current batch (safe from another thread)."""
        self._cancelled = True

    @property
    def partitions(self) -> list[int]:
        return sorted(self._reader.end_at_start)

    def progress(self) -> ScanProgress:
        return ScanProgress(self.scanned, self.total, time.monotonic() - self._started)

    def messages(self) -> Iterator[list[Any]]:
        """Batches of confluent-kafka messages (within the time range) until the end."""
        until = self.until_ms
        for batch in self._reader.batches():
            if self._cancelled:
                return
            self.scanned += len(batch)
            if until is not None:
                batch = [m for m in batch if m.timestamp()[1] <= until]
            if batch:
                yield batch
        # the last batches may be empty after the time filter: progress still ends full
        self.scanned = max(self.scanned, self.total)

    def batches(self, keep: PayloadSelect | None = None) -> Iterator[list[RawRecord]]:
        """Batches of RawRecords, in offset order within each partition. With `keep`, only
        the records it keeps (tried on the messages' keys, values and headers, before
        RawRecords are made); a batch may then be empty, so progress still moves."""
        topic = self.topic
        for batch in self.messages():
            if keep is not None:
                kept = keep(
                    [m.key() for m in batch],
                    [m.value() for m in batch],
                    [m.headers() for m in batch],
                )
                batch = [batch[i] for i in kept]
            yield raw_records(batch, topic)
