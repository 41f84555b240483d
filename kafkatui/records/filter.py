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
  becomes `100.0`, `1e400` becomes `Infinity`), or its hex. A filter text made only of
  digits, number signs and hex letters may be in any payload's hex: every payload is
  decoded. One with JSON punctuation or a piece of `-Infinity` may be in a JSON text
  and not in its bytes: payloads that start (after JSON's whitespace) as a JSON text
  can are decoded, and the rest are searched as below. Any other text is in the decoded
  text only if it is in the payload's bytes, except through a JSON escape: a payload
  with a backslash that starts like a JSON text holding a string (`{`, `[`, `"`) is
  decoded;
- an ASCII payload is searched byte-wise (lower-cased for a case-insensitive filter);
- a non-ASCII payload that is not valid UTF-8 decodes to its hex, which cannot hold such
  a text, so random, compressed and encrypted payloads are skipped on their bytes; valid
  UTF-8 is searched as text (Unicode lower-casing is not byte-wise: the Kelvin sign
  lower-cases to `k`).
Header matching is cheap and exact, so it is done here as in `matches`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING

from kafkatui.records.text import header_text

if TYPE_CHECKING:  # only annotations: the CLI tail need not import the models
    from kafkatui.cluster.models import RawRecord
    from kafkatui.records.view import RecordView

#: the only characters whose lower case holds ASCII, by that ASCII letter: İ (to i and a
#: combining dot) and the Kelvin sign (to k)
_LOWERS_TO_ASCII = {"i": "\u0130".encode(), "k": "\u212a".encode()}
#: the first character of a JSON text, after JSON's whitespace (no NaN or Infinity)
_JSON_FIRST = frozenset(bytes([ch]) for ch in b'{["-0123456789tfn')
#: a payload's first byte that may start a JSON text (for `_JSON_FIRST` after whitespace)
_MAY_BE_JSON = _JSON_FIRST | {b" ", b"\t", b"\n", b"\r"}
#: a payload's first byte that asks for the one-by-one test even without the text in it:
#: the wire format's magic byte, a JSON text's string openers and JSON's whitespace
_SUSPECT_STARTS = frozenset([b"\x00", b"{", b"[", b'"', b" ", b"\t", b"\n", b"\r"])
#: what JSON prints for the control characters, less the backslash
_ESCAPES = ("b", "f", "n", "r", "t", *(f"u{code:04x}" for code in range(0x20)))
_ESCAPE_TAILS = frozenset(escape[start:] for escape in _ESCAPES for start in range(len(escape)))
#: literals a value prints (lower-cased): "Infinity" is in "-Infinity"
_LITERALS = ("true", "false", "null", "nan", "-infinity")
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
        "_hexish",
        "_must_decode",
        "_needle",
        "_needle_bytes",
        "_payload_test",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self._case_sensitive = any(ch.isupper() for ch in text)
        self._needle = text if self._case_sensitive else text.lower()
        self._needle_bytes = self._needle.encode("utf-8")
        self._payload_test: Callable[[bytes | None], bool] | None = None
        # may be in a hex rendering (any payload, as `--value-format hex` shows it) or a
        # reformatted number
        self._hexish = all(ch in _NUMBER_OR_HEX for ch in text)
        # may be in a decoded JSON text and not in its bytes
        self._must_decode = (
            self._hexish
            or any(ch in _NEEDS_DECODE for ch in text)
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
        payload_may_match = self.payload_test()
        if payload_may_match(key) or payload_may_match(value):
            return True
        return bool(headers) and self._headers_match(headers)

    def may_match_batch(
        self,
        keys: Sequence[bytes | None],
        values: Sequence[bytes | None],
        headers: Sequence[Headers],
        value_text: Callable[[bytes], str | None] | None = None,
        judged_on_body: Callable[[bytes], bool] | None = None,
    ) -> list[int]:
        """The indices of the records that may match: `may_match_payloads` for a batch.

        The costly tests (lower-casing, looking for the text) run once over the batch's
        joined keys and joined values; only the records they cannot clear are tried one
        by one. `value_text` (find's one-pass Avro text) gives a schema-registry value's
        text, tried instead of "may match"; None where it has none. `judged_on_body`
        says, by a value's wire header, that its schema's values may be judged on their
        body (`body_piece`): those without the piece are left out untranscoded.
        """
        if not self.text:
            return list(range(len(values)))
        payload_may_match, contains = self.payload_test(), self.contains
        key_suspects = self._suspects(keys)
        value_suspects = self._suspects(values, judged_on_body)
        header_suspects = {i for i, pairs in enumerate(headers) if pairs}

        def may_match(i: int) -> bool:
            if i in key_suspects and payload_may_match(keys[i]):
                return True
            if i in header_suspects and self._headers_match(headers[i]):
                return True
            if i not in value_suspects:
                return False
            value = values[i]
            if value_text is not None and value is not None and value[:1] == b"\x00":
                text = value_text(value)
                if text is not None:
                    return contains(text)
            return payload_may_match(value)

        return [i for i in sorted(key_suspects | value_suspects | header_suspects) if may_match(i)]

    def _suspects(
        self,
        payloads: Sequence[bytes | None],
        judged_on_body: Callable[[bytes], bool] | None = None,
    ) -> set[int]:
        """The indices of the payloads `payload_test` may pass (the others it fails),
        less the framed values `judged_on_body` lets `body_piece` clear."""
        present = [b"" if data is None else data for data in payloads]
        if self._hexish or not (self._case_sensitive or self._needle.isascii()):
            return {i for i, data in enumerate(payloads) if data is not None}
        blob = b"".join(present)
        # payload i is blob[starts[i]:starts[i + 1]]
        starts = [0, *accumulate(map(len, present))]
        hay = blob if self._case_sensitive else blob.lower()
        suspects = set(_holders(self._needle_bytes, hay, starts))
        if not self._case_sensitive:
            for special in self._lowers_to_needle():
                suspects.update(_holders(special, blob, starts))
        if self._must_decode:  # any payload that may be JSON is decoded
            suspects.update(i for i, data in enumerate(present) if data[:1] in _MAY_BE_JSON)
        # a wire-framed payload, or a JSON text that may hold an escape
        if b"\x00" in blob or b"\\" in blob:
            starting = [i for i, data in enumerate(present) if data[:1] in _SUSPECT_STARTS]
            if judged_on_body and starting and (piece := self.body_piece()) is not None:
                holding = set(_holders(piece, hay, starts))
                starting = [
                    i
                    for i in starting
                    if i in holding
                    or present[i][:1] != b"\x00"
                    or not judged_on_body(present[i][:_WIRE_HEADER])
                ]
            suspects.update(starting)
        return suspects

    def beyond(self, words: Iterable[str], derived: frozenset[str]) -> bool:
        """True when the text is in none of `words` (a schema's field names and enum
        symbols) and holds a character outside `derived` (the lower-cased alphabet of
        what its values print made from their bytes): it can then match an Avro value
        of that schema only where its body holds `body_piece`."""
        if any(self.contains(word) for word in words):
            return False
        return not set(self._needle.lower()) <= derived

    def body_piece(self) -> bytes | None:
        """What every matching framed Avro value holds in its body, when the text is
        `beyond` what its schema prints beyond the body (decode.avro_words); lower-cased
        when the filter ignores case.

        None when the text can match where no body shows it: a number, a literal, an
        escape, or non-ASCII text in any case. A match may start inside an escape
        (`"\\u001alice"` holds `alice`), so the piece leaves out the longest escape
        tail the text starts with.
        """
        needle = self._needle.lower()  # lower either way: a wider test, never a narrower
        if self._must_decode or not (self._case_sensitive or needle.isascii()):
            return None
        if any(needle in word for word in (*_LITERALS, *_ESCAPES)):
            return None
        skip = max((len(tail) for tail in _ESCAPE_TAILS if needle.startswith(tail)), default=0)
        return self._needle_bytes[skip:]

    def _lowers_to_needle(self) -> tuple[bytes, ...]:
        """The UTF-8 of the non-ASCII characters whose lower case holds a letter of the
        (lower-cased, ASCII) filter text: only those make a match that the bytes lack."""
        if self._case_sensitive:
            return ()
        return tuple(utf8 for letter, utf8 in _LOWERS_TO_ASCII.items() if letter in self._needle)

    def payload_test(self) -> Callable[[bytes | None], bool]:
        """The pre-check on one key or value, as one function with its constants bound:
        a scan calls it on every record. False only when no decoding of `data` can
        match (an empty filter is the caller's case)."""
        test = self._payload_test
        if test is None:
            test = self._payload_test = self._make_payload_test()
        return test

    def _make_payload_test(self) -> Callable[[bytes | None], bool]:
        must_decode, hexish = self._must_decode, self._hexish
        case_sensitive = self._case_sensitive
        needle, needle_bytes = self._needle, self._needle_bytes
        # Without these specials, an ASCII text is in the lower-cased text of valid UTF-8
        # exactly when it is in the lower-cased bytes, so most non-ASCII payloads (random,
        # compressed, encrypted) are judged without decoding them.
        specials = self._lowers_to_needle()
        judged_on_bytes = needle.isascii() or case_sensitive

        def payload_may_match(data: bytes | None) -> bool:
            if data is None:
                return False  # null has no text
            if hexish or (len(data) >= _WIRE_HEADER and data[0] == _WIRE_MAGIC):
                return True
            if must_decode and data.lstrip(_JSON_SPACE)[:1] in _JSON_FIRST:
                return True  # may be JSON: its decoded text decides
            if needle_bytes in (data if case_sensitive else data.lower()):
                return data.isascii() or _decodes_to_match(data)  # the decode decides
            # a JSON text holding a string with a backslash: an escape may spell it
            may_escape = b"\\" in data and data.lstrip(_JSON_SPACE)[:1] in _JSON_STRING_OPENERS
            if data.isascii():
                return may_escape
            if judged_on_bytes and (
                not specials or not any(special in data for special in specials)
            ):
                return may_escape and _decodes_to_match(data)
            return _decodes_to_match(data)

        def _decodes_to_match(data: bytes) -> bool:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                return False  # shown as hex: random bytes, compressed or encrypted payloads
            if "\\" in text and text.lstrip(_JSON_SPACE_TEXT)[:1] in _JSON_STRING_OPENERS_TEXT:
                return True
            return needle in (text if case_sensitive else text.lower())

        return payload_may_match


def _holders(needle: bytes, blob: bytes, starts: list[int]) -> Iterator[int]:
    """The index of each payload holding an occurrence of `needle` that starts in it (an
    occurrence across two payloads names the first: its own test then says no)."""
    at = blob.find(needle)
    while at >= 0:
        yield bisect_right(starts, at) - 1
        at = blob.find(needle, at + 1)
