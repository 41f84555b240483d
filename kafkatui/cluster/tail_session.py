"""The threaded tail session the TUI uses: a consumer thread feeding a ring buffer.

`KafkaTail` (the `TailSession` of cluster/api.py) drives one `TailReader` (cluster/tail.py)
on its own thread and keeps the newest records, packed, in a `Ring`. A seek is handed to
that thread and waited for, so a failed one raises to the caller.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from kafkatui.cluster.api import TailStart
from kafkatui.cluster.background import librdkafka_threads, lower_priority
from kafkatui.cluster.errors import KafkaTuiError, TimedOut
from kafkatui.cluster.models import RawRecord, TailStats
from kafkatui.cluster.offset_retry import OFFSET_ATTEMPTS
from kafkatui.cluster.ring import Ring
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.tail import TailReader


class KafkaTail:
    """TailSession: a consumer thread feeding a ring buffer of RawRecords."""

    def __init__(
        self,
        settings: ConnectionSettings,
        topic: str,
        start: TailStart,
        capacity: int = 100_000,
        *,
        metadata_recheck_s: float = 15.0,
    ) -> None:
        self.topic = topic
        # A smaller read-ahead than the CLI's: the ring already holds up to `capacity`
        # records. Reading 1M records of 200 B: 16 MB still takes in ~325k rec/s (32 MB:
        # ~380k) and peaks ~35 MB lower, which an on-screen tail needs more than speed.
        self._reader = TailReader(
            settings,
            topic,
            start,
            batch_size=2000,
            metadata_recheck_s=metadata_recheck_s,
            prefetch_kbytes=16_384,
        )
        self._ring: Ring[_Packed] = Ring(capacity)
        self._control = threading.Lock()  # orders ring appends against seeks
        self._pending_seek: _Seek | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._received = 0
        self._rates = _Rates()
        self._positions: dict[int, int] = {}
        self._caught_up = False
        self._error: str | None = None
        # a seek lists offsets (retried while leaders move) and reassigns: several calls
        self._seek_timeout_s = settings.timeout_s * (OFFSET_ATTEMPTS + 2)

    def start(self) -> None:
        """Connect and begin consuming. Raises KafkaTuiError if the topic cannot be read."""
        if self._thread is not None:
            return
        before = librdkafka_threads()
        self._reader.open()
        # the fetch threads of an on-screen tail must not outbid the UI thread for a core
        lower_priority(librdkafka_threads() - before)
        self._publish_state()
        self._thread = threading.Thread(target=self._run, name=f"tail-{self.topic}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        with self._control:
            if self._pending_seek is not None:
                self._pending_seek.finish(None)
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                return  # the daemon thread closes the consumer itself when it gets out
        self._reader.close()

    @property
    def stopped(self) -> bool:
        return self._stopping.is_set()

    def seek(self, start: TailStart) -> None:
        """Clear the buffer and move the consumer; returns once it has moved. A seek that
        fails (no such offset, a partition gone, the cluster down) raises here, to the
        caller, instead of living as a status text the next poll overwrites."""
        request = _Seek(start)
        with self._control:
            self._ring.clear()
            if self._thread is None:  # not started: start() will begin there
                self._reader.start = start
                return
            if self._pending_seek is not None:
                self._pending_seek.finish(None)  # superseded: that caller is done
            self._pending_seek = request
        if not request.done.wait(self._seek_timeout_s):
            raise TimedOut(f"seeking {self.topic} got no answer in {self._seek_timeout_s:.0f}s")
        if request.error is not None:
            raise request.error

    def stats(self) -> TailStats:
        kept = len(self._ring)
        return TailStats(
            kept=kept,
            received=self._received,
            dropped=self._ring.dropped,
            records_per_s=self._rates.records_per_s,
            bytes_per_s=self._rates.bytes_per_s,
            caught_up=self._caught_up,
            error=self._error,
            positions=dict(self._positions),
        )

    def first_seq(self) -> int:
        return self._ring.first_seq()

    def next_seq(self) -> int:
        return self._ring.next_seq()

    def get(self, seq: int) -> RawRecord | None:
        packed = self._ring.get(seq)
        return None if packed is None else RawRecord(*packed)

    def read(self, after_seq: int, limit: int) -> list[tuple[int, RawRecord]]:
        return [(seq, RawRecord(*packed)) for seq, packed in self._ring.read(after_seq, limit)]

    # ---- consumer thread -----------------------------------------------------------
    def _run(self) -> None:
        reader = self._reader
        try:
            while not self._stopping.is_set():
                if self._pending_seek is not None:
                    self._apply_seek()
                messages = reader.poll(0.2)
                records = _pack(messages, self.topic) if messages else []
                with self._control:
                    if self._pending_seek is None and records:
                        self._ring.extend(records)
                        self._received += len(records)
                self._rates.add(records)
                self._publish_state()
        except KafkaTuiError as exc:
            self._error = str(exc)
        except Exception as exc:  # a dying thread must leave a reason the UI can show
            self._error = f"tail stopped: {exc}"
        finally:
            if self._stopping.is_set():
                reader.close()

    def _apply_seek(self) -> None:
        with self._control:
            request, self._pending_seek = self._pending_seek, None
            self._ring.clear()
        if request is None:
            return
        try:
            self._reader.seek(request.start)
        except KafkaTuiError as exc:
            request.finish(exc)
            return
        self._publish_state()
        request.finish(None)

    def _publish_state(self) -> None:
        reader = self._reader
        self._positions = dict(reader.next_offsets)
        self._caught_up = reader.caught_up
        self._error = reader.error


class _Seek:
    """A seek asked of the consumer thread, and its outcome for the caller waiting on it."""

    def __init__(self, start: TailStart) -> None:
        self.start = start
        self.done = threading.Event()
        self.error: KafkaTuiError | None = None

    def finish(self, error: KafkaTuiError | None) -> None:
        self.error = error
        self.done.set()


class _Rates:
    """records/s and bytes/s over short windows, smoothed so the display does not jitter."""

    def __init__(self, window_s: float = 0.5, smoothing: float = 0.5) -> None:
        self.records_per_s = 0.0
        self.bytes_per_s = 0.0
        self._window_s = window_s
        self._smoothing = smoothing
        self._since = time.monotonic()
        self._records = 0
        self._bytes = 0

    def add(self, records: list[_Packed]) -> None:
        self._records += len(records)
        self._bytes += sum(len(r[5] or b"") + len(r[4] or b"") for r in records)
        now = time.monotonic()
        elapsed = now - self._since
        if elapsed < self._window_s:
            return
        a = self._smoothing
        self.records_per_s = a * (self._records / elapsed) + (1 - a) * self.records_per_s
        self.bytes_per_s = a * (self._bytes / elapsed) + (1 - a) * self.bytes_per_s
        self._since, self._records, self._bytes = now, 0, 0


#: a RawRecord's fields as a plain tuple (topic, partition, offset, timestamp_ms, key,
#: value, headers): what the ring holds. The collector stops tracking an exact tuple of
#: str, int and bytes the first time it sees it; a RawRecord stays tracked, and during a
#: flood every middle-generation collection scanned the ring's records again, holding
#: the GIL for up to 30 ms (about a sixth of the process's time at 300k records/s).
_Packed = tuple[str, int, int, int, bytes | None, bytes | None, tuple[Any, ...]]


def _pack(messages: list[Any], topic: str) -> list[_Packed]:
    """Records sharing one `topic` string (each msg.topic() is a new one, ~70 bytes per
    record held in the ring)."""
    out: list[_Packed] = []
    append = out.append
    for msg in messages:
        headers = msg.headers()
        append(
            (
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
