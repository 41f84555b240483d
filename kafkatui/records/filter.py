"""The one record filter: `--filter` in `kafkatui tail`, `/` in the TUI's tail, `find`.

Plain text, smart case: case-insensitive unless the text has an upper-case letter. It
matches the key, the whole decoded value (never cut to the screen) and header names and
values (docs/cli.md). The text searched is `RecordView.key_text`/`value_text`; a null key
or value has no text, so it matches nothing.

`may_match_raw` is a cheap test on the raw bytes that lets a scan skip decoding most
records that cannot match. It answers False only when no decoding can match:
- a payload with a schema-registry header (magic byte 0) may decode to anything: True;
- otherwise the decoded text is the payload as text, its JSON in compact form (strings
  kept verbatim when the payload has no backslash escapes, numbers possibly reformatted:
  `1E2` becomes `100.0`, `1e400` becomes `Infinity`), or its hex. A filter text that could
  only match such a reformatting (JSON punctuation, digits, hex letters, a piece of
  `-Infinity`) needs the decode; any other text is in the decoded text only if it is in
  the payload itself;
- a non-ASCII payload under a case-insensitive filter is decoded (Unicode lower-casing
  is not byte-wise).
Header matching is cheap and exact, so it is done here as in `matches`.
"""

from __future__ import annotations

from kafkatui.cluster.models import RawRecord
from kafkatui.records.text import header_text
from kafkatui.records.view import RecordView

# Characters a decoder can put into the text that are not in the payload verbatim: JSON
# punctuation and escapes, the characters of reformatted numbers and of hex.
_NEEDS_DECODE = frozenset('{}[],:"\\')
_NUMBER_OR_HEX = frozenset("0123456789.+-eEabcdefABCDEF")
_OVERFLOW = "-Infinity"  # a float too large for a double decodes to (-)Infinity
_WIRE_MAGIC = 0
_WIRE_HEADER = 5


class RecordFilter:
    """Holds one filter text; `bool(filter)` is False when it is empty (matches all)."""

    __slots__ = ("_case_sensitive", "_must_decode", "_needle", "_needle_bytes", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._case_sensitive = any(ch.isupper() for ch in text)
        self._needle = text if self._case_sensitive else text.lower()
        self._needle_bytes = self._needle.encode("utf-8")
        self._must_decode = (
            any(ch in _NEEDS_DECODE for ch in text)
            or all(ch in _NUMBER_OR_HEX for ch in text)
            or self._needle in (_OVERFLOW if self._case_sensitive else _OVERFLOW.lower())
        )

    def __bool__(self) -> bool:
        return bool(self.text)

    def __repr__(self) -> str:
        return f"RecordFilter({self.text!r})"

    def _found(self, text: str) -> bool:
        return self._needle in (text if self._case_sensitive else text.lower())

    def matches(self, view: RecordView) -> bool:
        """True when the key, the value or a header name or value holds the text."""
        if not self.text:
            return True
        return (
            self._found(view.key_text)
            or self._found(view.value_text)
            or self._header_matches(view.record)
        )

    def _header_matches(self, record: RawRecord) -> bool:
        return any(
            self._found(name) or (raw is not None and self._found(header_text(raw)))
            for name, raw in record.headers
        )

    def may_match_raw(self, record: RawRecord) -> bool:
        """False only when decoding the record cannot make it match (see the module doc)."""
        if not self.text:
            return True
        return (
            self._payload_may_match(record.key)
            or self._payload_may_match(record.value)
            or self._header_matches(record)
        )

    def _payload_may_match(self, data: bytes | None) -> bool:
        if data is None:
            return False  # null has no text
        if self._must_decode or b"\\" in data:
            return True
        if len(data) >= _WIRE_HEADER and data[0] == _WIRE_MAGIC:
            return True
        if self._case_sensitive:
            return self._needle_bytes in data
        if not data.isascii():
            return True
        return self._needle_bytes in data.lower()
