"""Find: scan a topic (or a time range, or some partitions) for records matching the
shared filter, and hand the matches out as they are found, with progress.

One consumer fetches every chosen partition at once. Each record is first tried on its
raw bytes (`RecordFilter.may_match_raw`): only those that may match are decoded and
matched for real, so a scan mostly pays for reading, not for decoding.

Registry-Avro values always "may match" on their bytes (field names and enum symbols are
not in them), so for those the filter is first tried on the value's JSON text made in
one pass from the bytes, as `tail` makes its lines (the decoder's `json_transcoder`).
That text is the decoded value's text, so it gives the same answer; only matches are
then decoded in full, for their JSONL line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from kafkatui.cluster.api import RecordDecoder, TailStart, TopicScan
from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.models import RawRecord
from kafkatui.cluster.scan import ScanProgress
from kafkatui.records.filter import RecordFilter
from kafkatui.records.text import decoded_text
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


_KEY_CACHE_MAX = 10_000
_UNKNOWN = object()

#: opens a bounded read: (topic, start, until_ms) -> TopicScan (the client's `transfers.scan`)
OpenScan = Callable[[str, TailStart, "int | None"], TopicScan]


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
        self._find_transcoder = getattr(decoder, "json_transcoder", None)
        self._transcoders: dict[bytes, Any] = {}
        self._keys: dict[bytes | None, str] = {}  # key bytes -> key text (or "")

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
                    probe = self._probe(record)
                    if probe is None:
                        if not keep.may_match_raw(record):
                            continue
                    elif not keep.matches(probe):
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

    # ---- the Avro fast path -----------------------------------------------------------
    def _probe(self, record: RawRecord) -> RecordView | None:
        """What the filter reads of a record (key text, value text, headers), with the
        value text straight from the Avro bytes; None when the value is not registry Avro
        with a one-pass reader (then it is decoded as usual)."""
        text = self._value_text(record.value)
        if text is None:
            return None
        # the key is decoded only when its bytes may match at all (headers are matched
        # on the probe itself)
        key_text = self._key_text(record)
        return cast(RecordView, _Probe(record, key_text, text))

    def _value_text(self, value: bytes | None) -> str | None:
        if self._find_transcoder is None or value is None or len(value) < 5 or value[0] != 0:
            return None
        header = value[:5]
        transcode = self._transcoders.get(header, _UNKNOWN)
        if transcode is _UNKNOWN:
            transcode = self._find_transcoder(int.from_bytes(header[1:5], "big"))
            self._transcoders[header] = transcode
        if transcode is None:
            return None
        try:
            text: str = transcode(value, 5)
        except Exception:  # a bad payload: the full decode says what is wrong
            return None
        # a top-level string's text is the string itself, not its JSON: decode those
        return None if text.startswith('"') else text

    def _key_text(self, record: RawRecord) -> str:
        """The key's text, or "" when its bytes cannot match (remembered per key)."""
        key = record.key
        found = self._keys.get(key)
        if found is None:
            if len(self._keys) >= _KEY_CACHE_MAX:
                self._keys.clear()
            alone = RawRecord(record.topic, 0, 0, 0, key, None, ())
            found = (
                decoded_text(self.decoder.decode(key, is_key=True))
                if self.filter.may_match_raw(alone)
                else ""
            )
            self._keys[key] = found
        return found


class _Probe:
    """The three things `RecordFilter.matches` reads of a view, known without decoding."""

    __slots__ = ("key_text", "record", "value_text")

    def __init__(self, record: RawRecord, key_text: str, value_text: str) -> None:
        self.record = record
        self.key_text = key_text
        self.value_text = value_text
