"""The fake's `transfers`: fixed dead letters and records, the real grouping and types.

Dead letters carry the headers Kafka Connect writes; `dlq` groups them with the real
(pure) grouper. `scan` replays fixed records through a Scan-shaped object, so the find
view runs the real Finder. Plans are TransferReports; writes refuse when read-only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from kafkatui.cluster.api import TailStart
from kafkatui.cluster.dlq import DlqSummary, group_records
from kafkatui.cluster.models import RawRecord
from kafkatui.cluster.scan import PayloadSelect, ScanProgress
from kafkatui.cluster.transfer import TransferReport
from kafkatui.cluster.transfers import CopyRequest, RedriveRequest

BASE_TS = 1_767_225_600_000
CONNECT = "org.apache.kafka.connect"


def dead_letters(topic: str = "orders.dlq") -> list[RawRecord]:
    """Converter failures, transform failures, and two hand-made records without headers."""
    out: list[RawRecord] = []
    for i in range(14):
        converter = i % 3 != 2
        stage = "VALUE_CONVERTER" if converter else "TRANSFORMATION"
        message = (
            "Converting byte[] to Kafka Connect data failed due to serialization error: "
            if converter
            else "Only Map objects supported in absence of schema for [field extraction]"
        )
        headers: tuple[tuple[str, bytes | None], ...] = (
            ("origin", b"checkout"),
            ("__connect.errors.topic", b"orders"),
            ("__connect.errors.partition", str(i % 6).encode()),
            ("__connect.errors.offset", str(1990 + i).encode()),
            ("__connect.errors.connector.name", b"orders-json-export"),
            ("__connect.errors.task.id", b"0"),
            ("__connect.errors.stage", stage.encode()),
            ("__connect.errors.exception.class.name", f"{CONNECT}.errors.DataException".encode()),
            ("__connect.errors.exception.message", message.encode()),
            ("__connect.errors.exception.stacktrace",
             f"{CONNECT}.errors.DataException: {message}\n\tat {CONNECT}.json.JsonConverter"
             ".toConnectData(JsonConverter.java:333)".encode()),
        )  # fmt: skip
        value = b"\x00\x00\x00\x00\x01\x0co-0001" if converter else b'"bare string"'
        out.append(RawRecord(topic, 0, i, BASE_TS + i * 1000, b"acme", value, headers))
    for i in (14, 15):
        out.append(RawRecord(topic, 0, i, BASE_TS + i * 1000, None, b"\xff\xfe", ()))
    return out


class FakeScan:
    def __init__(self, records: list[RawRecord], topic: str) -> None:
        self.topic = topic
        self._records = records
        self.total = len(records)
        self.scanned = 0
        self._cancelled = False

    def __enter__(self) -> FakeScan:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass

    def cancel(self) -> None:
        self._cancelled = True

    def progress(self) -> ScanProgress:
        return ScanProgress(self.scanned, self.total, 2.0)

    def batches(self, keep: PayloadSelect | None = None) -> Iterator[list[RawRecord]]:
        for start in range(0, len(self._records), 20):
            if self._cancelled:
                return
            batch = self._records[start : start + 20]
            self.scanned += len(batch)
            if keep is not None:
                kept = keep(
                    [r.key for r in batch], [r.value for r in batch], [r.headers for r in batch]
                )
                batch = [batch[i] for i in kept]
            yield batch


class FakeTransfers:
    def __init__(self, shared: Any, records: Callable[[str], list[RawRecord]]) -> None:
        self._shared = shared
        self._records = records

    def _topic(self, topic: str) -> list[RawRecord]:
        return dead_letters(topic) if topic.endswith(".dlq") else self._records(topic)

    def dlq(self, topic: str, progress: Any = None) -> DlqSummary:
        return group_records(topic, self._topic(topic))

    def scan(self, topic: str, start: TailStart, until_ms: int | None = None) -> FakeScan:
        return FakeScan(self._topic(topic), topic)

    def record_at(self, topic: str, partition: int, offset: int) -> RawRecord | None:
        value = b'{"order_id": "o-0001", "amount": "12.50"}'
        return RawRecord(topic, partition, offset, BASE_TS - 5000, b"acme", value, ())

    def _plan(self, kind: str, source: str, chosen: list[RawRecord], target: Any) -> TransferReport:
        report = TransferReport(kind, source, execute=False, scanned=len(self._topic(source)))
        report.selected = len(chosen)
        report.plan = Counter(target(r) for r in chosen)
        return report

    def plan_redrive(self, request: RedriveRequest) -> TransferReport:
        chosen = [r for r in dead_letters(request.topic)
                  if r.headers and (request.records is None
                                    or (r.partition, r.offset) in request.records)]  # fmt: skip
        to = request.to

        def target(r: RawRecord) -> tuple[str, int]:
            return (to, 0) if to else ("orders", int(dict(r.headers)["__connect.errors.partition"] or b"0"))  # noqa: E501

        return self._plan("redrive", request.topic, chosen, target)

    def redrive(self, request: RedriveRequest) -> TransferReport:
        self._shared.change("dlq.redrive", request)
        report = self.plan_redrive(request)
        report.execute, report.written = True, report.to_write
        return report

    def plan_copy(self, request: CopyRequest) -> TransferReport:
        wanted = request.records
        chosen = [r for r in self._topic(request.source)
                  if wanted is None or (r.partition, r.offset) in wanted]  # fmt: skip
        return self._plan("copy", request.source, chosen,
                          lambda r: (request.destination, r.partition))  # fmt: skip

    def copy(self, request: CopyRequest) -> TransferReport:
        self._shared.change("topic.copy", request)
        report = self.plan_copy(request)
        report.execute, report.written = True, report.to_write
        return report

    def cancel(self) -> None:
        pass
