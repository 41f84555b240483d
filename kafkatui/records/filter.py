"""The one record filter: `--filter` in `kafkatui tail`, `/` in the TUI's tail, `find`.

Plain text, smart case: case-insensitive unless the text has an upper-case letter. It
matches the key, the whole decoded value (never cut to the screen) and header names and
values (docs/cli.md). The text searched is `RecordView.key_text`/`value_text`; a null key
or value has no text, so it matches nothing.

`may_match_raw` is a cheap test on the raw bytes that lets a scan skip decoding most
records that cannot match. It answers False only when no decoding can match:
- a payload with a schema-registry header (magic byte 0) may decode to anything: True;
- otherwise the decoded text is the payload as text, its JSON in compact form (strings
  kept verbatim unless they hold backslash escapes, numbers possibly reformatted: `1E2`
  becomes `100.0`, `1e400` becomes `Infinity`), or its hex. A filter text that could
  only match such a reformatting (JSON punctuation, digits, hex letters, a piece of
  `-Infinity`) needs the decode. Any other text is in the decoded text only if it is in
  the payload's bytes, except through a JSON escape: a payload with a backslash that
  starts like a JSON text holding a string (`{`, `[`, `"`) is decoded;
- an ASCII payload is searched byte-wise (lower-cased for a case-insensitive filter);
- a non-ASCII payload that is not valid UTF-8 decodes to its hex, which cannot hold such
  a text, so random, compressed and encrypted payloads are skipped on their bytes; valid
  UTF-8 is searched as text (Unicode lower-casing is not byte-wise: the Kelvin sign
  lower-cases to `k`).
Header matching is cheap and exact, so it is done here as in `matches`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kafkatui.records.text import header_text

if TYPE_CHECKING:  # only annotations: the CLI tail need not import the models
    from kafkatui.cluster.models import RawRecord
    from kafkatui.records.view import RecordView

# Characters a decoder can put into the text that are not in the payload verbatim: JSON
# punctuation and escapes, the characters of reformatted numbers and of hex.
_NEEDS_DECODE = frozenset('{}[],:"\\')
_NUMBER_OR_HEX = frozenset("0123456789.+-eEabcdefABCDEF")
_OVERFLOW = "-Infinity"  # a float too large for a double decodes to (-)Infinity
_WIRE_MAGIC = 0
_WIRE_HEADER = 5
#: the first character (after JSON's whitespace) of a JSON text that holds a string
_JSON_STRING_OPENERS = (b"{", b"[", b'"')
_JSON_STRING_OPENERS_TEXT = ("{", "[", '"')
_JSON_SPACE = b" \t\n\r"
_JSON_SPACE_TEXT = " \t\n\r"
Headers = Iterable[tuple[str, bytes | None]] | None


class RecordFilter:
    """Holds one filter text; `bool(filter)` is False when it is empty (matches all)."""

    __slots__ = (
        "_case_sensitive",
        "_must_decode",
        "_needle",
        "_needle_bytes",
        "text",
    )

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

    def contains(self, text: str) -> bool:
        """True when `text` holds the filter text (smart case)."""
        return self._needle in (text if self._case_sensitive else text.lower())

    _found = contains

    def matches(self, view: RecordView) -> bool:
        """True when the key, the value or a header name or value holds the text."""
        return self.matches_text(view.key_text, view.value_text, view.record.headers)

    def matches_text(self, key_text: str, value_text: str, headers: Headers) -> bool:
        """`matches` for a caller that holds the texts already (the CLI's line builder)."""
        if not self.text:
            return True
        return self._found(key_text) or self._found(value_text) or self._headers_match(headers)

    def _headers_match(self, headers: Headers) -> bool:
        return any(
            self._found(name) or (raw is not None and self._found(header_text(raw)))
            for name, raw in headers or ()
        )

    def may_match_raw(self, record: RawRecord) -> bool:
        """False only when decoding the record cannot make it match (see the module doc)."""
        return self.may_match_payloads(record.key, record.value, record.headers)

    def may_match_payloads(self, key: bytes | None, value: bytes | None, headers: Headers) -> bool:
        """`may_match_raw` for a caller that has no RawRecord (a consumed message)."""
        if not self.text:
            return True
        payload_may_match = self._payload_may_match
        if payload_may_match(key) or payload_may_match(value):
            return True
        return bool(headers) and self._headers_match(headers)

    def _payload_may_match(self, data: bytes | None) -> bool:
        if data is None:
            return False  # null has no text
        if self._must_decode:
            return True
        if len(data) >= _WIRE_HEADER and data[0] == _WIRE_MAGIC:
            return True
        if data.isascii():
            if self._needle_bytes in (data if self._case_sensitive else data.lower()):
                return True  # the decode decides
            return b"\\" in data and data.lstrip(_JSON_SPACE)[:1] in _JSON_STRING_OPENERS
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return False  # shown as hex: random bytes, compressed or encrypted payloads
        if "\\" in text and text.lstrip(_JSON_SPACE_TEXT)[:1] in _JSON_STRING_OPENERS_TEXT:
            return True
        return self._needle in (text if self._case_sensitive else text.lower())
