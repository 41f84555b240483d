"""Find: scan a topic (or a time range, or some partitions) for records matching the
shared filter, and hand the matches out as they are found, with progress.

One consumer fetches every chosen partition at once. Each record is first tried on its
raw bytes (`RecordFilter.may_match_raw`): only those that may match are decoded and
matched for real, so a scan mostly pays for reading, not for decoding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kafkatui.cluster.api import RecordDecoder, TailStart
from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.scan import Scan, ScanProgress
from kafkatui.records.filter import RecordFilter
from kafkatui.records.view import RecordView, decode_record


@dataclass(frozen=True)
class FindRequest:
    topic: str
    text: str
    start: TailStart = field(default_factory=lambda: TailStart("earliest"))
    until_ms: int | None = None
    max_matches: int | None = None


@dataclass
class FindResult:
    matches: int = 0
    scanned: int = 0
    total: int = 0
    decoded: int = 0  # records that passed the raw test and were decoded
    elapsed_s: float = 0.0
    cancelled: bool = False


#: opens a bounded read: (topic, start, until_ms) -> Scan (the client's `transfers.scan`)
OpenScan = Callable[[str, TailStart, "int | None"], Scan]


class Finder:
    def __init__(self, open_scan: OpenScan, decoder: RecordDecoder, request: FindRequest) -> None:
        if not request.text:
            raise InvalidInput("find needs a text to look for")
        if request.max_matches is not None and request.max_matches < 1:
            raise InvalidInput("--max-matches must be 1 or more")
        self.request = request
        self.decoder = decoder
        self.filter = RecordFilter(request.text)
        self._scan = open_scan(request.topic, request.start, request.until_ms)
        self._cancelled = False

    def cancel(self) -> None:
        """Stop after the batch in hand (safe from another thread)."""
        self._cancelled = True
        self._scan.cancel()

    def run(
        self,
        on_matches: Callable[[list[RecordView]], None],
        on_progress: Callable[[ScanProgress], None] | None = None,
    ) -> FindResult:
        """Scan to the end (or `max_matches`); `on_matches` gets each batch's matches."""
        result = FindResult()
        wanted = self.request.max_matches
        keep, decoder = self.filter, self.decoder
        with self._scan as scan:
            result.total = scan.total
            if on_progress is not None:
                on_progress(scan.progress())
            for batch in scan.batches():
                found: list[RecordView] = []
                for record in batch:
                    if not keep.may_match_raw(record):
                        continue
                    result.decoded += 1
                    view = decode_record(record, decoder)
                    if keep.matches(view):
                        found.append(view)
                if wanted is not None:
                    found = found[: wanted - result.matches]
                if found:
                    result.matches += len(found)
                    on_matches(found)
                if on_progress is not None:
                    on_progress(scan.progress())
                if wanted is not None and result.matches >= wanted:
                    break
            progress = scan.progress()
        result.scanned = progress.scanned
        result.elapsed_s = progress.elapsed_s
        result.cancelled = self._cancelled
        return result
