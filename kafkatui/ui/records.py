"""Decoded views of tail records: the one-line text, the filter haystack, the JSONL object.

Pure functions of a RawRecord and a RecordDecoder, safe to call from worker threads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kafkatui.cli.output import dumps, header_map, record_document
from kafkatui.cluster.api import RecordDecoder
from kafkatui.cluster.models import RawRecord
from kafkatui.decode.model import Decoded

VALUE_CUT = 2000  # characters kept per value in the list; the inspector shows everything


@dataclass(frozen=True)
class RecordView:
    record: RawRecord
    key: Decoded
    value: Decoded

    @cached_property
    def key_text(self) -> str:
        return render_decoded(self.key)

    @cached_property
    def value_text(self) -> str:
        """Rendered once: drawing, filtering and wrapping all read it."""
        return render_decoded(self.value)

    def matches(self, needle: str) -> bool:
        """Case-insensitive substring match over key, value and header names/values."""
        if not needle:
            return True
        needle = needle.lower()
        if needle in self.key_text.lower() or needle in self.value_text.lower():
            return True
        return any(
            needle in name.lower() or (raw is not None and needle in header_text(raw).lower())
            for name, raw in self.record.headers
        )


def decode_record(record: RawRecord, decoder: RecordDecoder) -> RecordView:
    return RecordView(
        record,
        decoder.decode(record.key, is_key=True),
        decoder.decode(record.value, is_key=False),
    )


def render_decoded(decoded: Decoded) -> str:
    """Compact one-string form, cut at VALUE_CUT characters."""
    if decoded.error:
        text = f"<{decoded.format}: {decoded.error}> {decoded.hex or ''}"
    elif decoded.value is None:
        text = "null"
    elif isinstance(decoded.value, str):
        text = decoded.value
    else:
        text = json.dumps(decoded.value, separators=(",", ":"), ensure_ascii=False, default=str)
    return text if len(text) <= VALUE_CUT else text[:VALUE_CUT] + "..."


def pretty(decoded: Decoded) -> str:
    """Multi-line form for the inspector."""
    if decoded.error:
        return f"cannot decode ({decoded.format}): {decoded.error}\nhex: {decoded.hex or ''}"
    if isinstance(decoded.value, dict | list):
        return json.dumps(decoded.value, indent=2, ensure_ascii=False, default=str)
    return "null" if decoded.value is None else str(decoded.value)


def header_text(raw: bytes) -> str:
    return header_map([("", raw)])[""] or ""


def to_json(view: RecordView) -> dict[str, Any]:
    """The JSONL object of a record: the same document the headless tail prints."""
    record = view.record
    return record_document(
        record.topic,
        record.partition,
        record.offset,
        record.timestamp_ms,
        view.key,
        view.value,
        record.headers,
    )


def to_jsonl(view: RecordView) -> str:
    return dumps(to_json(view))
