"""A consumed record decoded once: its key and value, their text, and its JSONL line.

Pure functions of a RawRecord and a RecordDecoder, safe to call from worker threads. The
decoding may block (a registry lookup), so the UI calls `decode_record` from a worker,
never on the event loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kafkatui.cluster.api import RecordDecoder
from kafkatui.cluster.models import RawRecord
from kafkatui.decode.model import Decoded
from kafkatui.records.text import decoded_text, dumps, header_map, rfc3339_ms


@dataclass(frozen=True)
class RecordView:
    record: RawRecord
    key: Decoded
    value: Decoded

    @cached_property
    def key_text(self) -> str:
        """The whole key as text (see `decoded_text`); computed once."""
        return decoded_text(self.key)

    @cached_property
    def value_text(self) -> str:
        """The whole value as text, never cut: drawing, filtering and wrapping read it."""
        return decoded_text(self.value)

    def document(self) -> dict[str, Any]:
        """The JSONL object of this record (docs/jsonl.md)."""
        record = self.record
        return record_document(
            record.topic,
            record.partition,
            record.offset,
            record.timestamp_ms,
            self.key,
            self.value,
            record.headers,
        )

    def jsonl(self) -> str:
        """The JSONL line without its newline: the same line `kafkatui tail` prints."""
        return dumps(self.document())


def decode_record(
    record: RawRecord, decoder: RecordDecoder, key_format: str = "auto", value_format: str = "auto"
) -> RecordView:
    """Decode a record's key and value (may block on the registry: call from a worker)."""
    return RecordView(
        record,
        decoder.decode(record.key, is_key=True, fmt=key_format),
        decoder.decode(record.value, is_key=False, fmt=value_format),
    )


def record_document(
    topic: str,
    partition: int,
    offset: int,
    timestamp_ms: int | None,
    key: Decoded,
    value: Decoded,
    headers: Iterable[tuple[str, bytes | None]] | None,
) -> dict[str, Any]:
    """The JSONL object for one record (docs/jsonl.md); the reference the CLI's fast line
    builder is tested against."""
    doc: dict[str, Any] = {
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "timestamp": None if timestamp_ms is None or timestamp_ms < 0 else rfc3339_ms(timestamp_ms),
        "key": key.value if key.error is None else None,
        "value": value.value if value.error is None else None,
        "headers": header_map(headers),
        "key_format": key.format,
        "value_format": value.format,
        "schema_id": value.schema_id,
    }
    for side, decoded in (("key", key), ("value", value)):
        if decoded.error is not None:
            doc[f"{side}_error"] = decoded.error
            doc[f"{side}_hex"] = decoded.hex
    return doc
