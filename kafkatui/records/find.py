"""Find: scan a topic (or a time range, or some partitions) for records matching the
shared filter, and hand the matches out as they are found, with progress.

One consumer fetches every chosen partition at once (the CLI splits the partitions among
a few processes, as `tail --until-end` does). Each batch is first tried on its raw bytes
(`RecordFilter.may_match_batch`), straight on the consumed messages: only the records
that may match become records, are decoded and matched for real, so a scan mostly pays
for reading, not for decoding.

A registry-Avro value's text holds its schema's field names and enum symbols, and text
made from its bytes (timestamps, UUIDs, base64), none of which is in its bytes as is.
Where the text can be in none of those (decode.avro_words), the value is tried on its
body's bytes first (`body_piece`). The
others, and those that pass, are tried on the value's JSON text made in one pass from
the bytes, as `tail` makes its lines (the decoder's `json_transcoder`). That text is the
decoded value's text, so it gives the same answer; only matches are then decoded in
full, for their JSONL line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kafkatui.cluster.api import RecordDecoder, TailStart, TopicScan
from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.scan import ScanProgress
from kafkatui.records.avro_texts import AvroTexts
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


#: opens a bounded read: (topic, start, until_ms) -> TopicScan (the client's `transfers.scan`)
OpenScan = Callable[[str, TailStart, "int | None"], TopicScan]


def check_request(request: FindRequest) -> None:
    """InvalidInput for a request no scan can answer."""
    if not request.text:
        raise InvalidInput("find needs a text to look for")
    if request.max_matches is not None and request.max_matches < 1:
        raise InvalidInput("--max-matches must be 1 or more")


class Finder:
    def __init__(self, open_scan: OpenScan, decoder: RecordDecoder, request: FindRequest) -> None:
        check_request(request)
        self.request = request
        self.decoder = decoder
        self.filter = RecordFilter(request.text)
        self._scan = open_scan(request.topic, request.start, request.until_ms)
        self._cancelled = False
        self._avro = AvroTexts(decoder, self.filter)

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
            # the scan hands out only records that may match (see `_may_match`)
            for batch in scan.batches(self._may_match):
                found: list[RecordView] = []
                for record in batch:
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

    def _may_match(
        self, keys: Sequence[bytes | None], values: Sequence[bytes | None], headers: Any
    ) -> list[int]:
        """The test on a batch's bytes, before its records are even RawRecords: it leaves
        out only those that cannot match. A registry-Avro value is matched on its
        one-pass JSON text."""
        avro = self._avro
        return self.filter.may_match_batch(
            keys, values, headers, avro.value_text, avro.judged_on_body
        )
