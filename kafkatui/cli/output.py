"""How the headless commands print: the JSONL record (docs/jsonl.md), text lines, tables.

`RecordFormatter` turns consumed messages into output lines. It is the hot path of
`kafkatui tail`, so it builds each JSON line from pre-encoded pieces instead of a dict
per record, caches the timestamp text per second and decoded keys (while they repeat),
reads plain text keys (ids, names) without the decoder, and skips the decoder entirely
for `--value-format hex`. Every line it prints equals
`records.RecordView.jsonl()` for the same record (a differential unit test holds it to
that); the filter is `records.RecordFilter`, the one the TUI uses.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol

from kafkatui.decode.model import Decoded
from kafkatui.decode.plain import CONTROL_BYTES
from kafkatui.decode.wire import schema_id_of
from kafkatui.records.avro_texts import AvroTexts
from kafkatui.records.filter import RecordFilter
from kafkatui.records.text import decoded_text, dumps, encode_str, escape_line, header_map

if TYPE_CHECKING:
    from kafkatui.cluster.api import RecordDecoder

_MILLIS = tuple(f"{n:03d}" for n in range(1000))
_KEY_CACHE_MAX = 65_536  # decoded keys kept: high-cardinality keys (user ids) must fit
#: first bytes after which valid, printable UTF-8 can only be text to auto-detection:
#: printable ASCII that opens no JSON (`{`, `[`, `"`) and is not whitespace. A zero byte
#: may start a wire header; other bytes take the decoder.
_PLAIN_START = tuple(0x21 <= b <= 0x7E and b not in b'{["' for b in range(256))
_FORMAT_JSON = {
    name: f'"{name}"' for name in ("avro", "protobuf", "json-schema", "json", "text", "hex", "null")
}


#: (wire header, its one-pass Avro-to-JSON reader, the line's value_format and schema_id
#: members); see decode.avro_json
_Transcoding = tuple[bytes, Callable[[bytes, int], str], str]


def _no_transcoder(data: bytes, start: int) -> str:
    return ""  # the value takes the reference path


_NO_TRANSCODING: _Transcoding = (b"-", _no_transcoder, "")


class MessageLike(Protocol):
    """What a formatter reads from a record: confluent_kafka.Message has exactly this."""

    def topic(self) -> str | None: ...
    def partition(self) -> int | None: ...
    def offset(self) -> int | None: ...
    def timestamp(self) -> tuple[int, int]: ...
    def key(self) -> bytes | None: ...
    def value(self) -> bytes | None: ...
    def headers(self) -> Any: ...


def plain_text_json(data: bytes) -> str | None:
    """The JSON string of a payload that `AutoDecoder` reads as text (format "text" in auto
    and in `text` mode alike), found without the decoder; None when that is not certain
    (then the decoder decides). Keys are mostly ids and names: this is their path."""
    if not data or not _PLAIN_START[data[0]]:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(data.translate(None, CONTROL_BYTES)) != len(data):  # plain.is_printable, inlined
        return None
    return encode_str(text)


class _Fields:
    """One side (key or value) pre-encoded: JSON of the value and of the format, extras."""

    __slots__ = ("_text", "decoded", "error_json", "format_json", "schema_id", "value_json")

    def __init__(self, decoded: Decoded, side: str) -> None:
        self.decoded = decoded
        self._text: str | None = None
        self.schema_id = decoded.schema_id
        self.format_json = _FORMAT_JSON.get(decoded.format) or dumps(decoded.format)
        if decoded.error is None:
            self.value_json = dumps(decoded.value)
            self.error_json = ""
        else:
            self.value_json = "null"
            self.error_json = (
                f',"{side}_error":{dumps(decoded.error)},"{side}_hex":{dumps(decoded.hex)}'
            )

    @property
    def text(self) -> str:
        """records.text.decoded_text, reusing the JSON already built for structures."""
        if self._text is None:
            value = self.decoded.value
            structured = self.decoded.error is None and not isinstance(value, str | None)
            self._text = self.value_json if structured else decoded_text(self.decoded)
        return self._text


class RecordFormatter:
    """Formats batches of messages as JSONL (docs/jsonl.md) or text lines, with a filter."""

    def __init__(
        self,
        decoder: RecordDecoder,
        *,
        output: str = "jsonl",
        key_format: str = "auto",
        value_format: str = "auto",
        filter_text: str | None = None,
    ) -> None:
        self.decoder = decoder
        self.output = output
        self.key_format = key_format
        self.value_format = value_format
        self.filter = RecordFilter(filter_text or "")
        self._key_cache: dict[bytes | None, _Fields] = {}
        # the line loops' view of a key: (value JSON, format JSON, error members)
        self._key_parts_cache: dict[bytes | None, tuple[str, str, str]] = {}
        self._plain_keys = key_format in ("auto", "text")
        self._cache_text_keys = True
        self._records_seen = 0  # by the line loops, to judge the key cache
        self._records_at_clear = 0
        # wire header -> (one-pass Avro-to-JSON reader, the line's value_format and schema_id
        # members); see decode.avro_json
        self._transcoders: dict[bytes, _Transcoding] = {}
        self._find_transcoder = (
            getattr(decoder, "json_transcoder", None) if value_format in ("auto", "avro") else None
        )
        # the filter's view of Avro values holds only where they are decoded as Avro
        self._avro_texts = (
            AvroTexts(decoder, self.filter)
            if self.filter and value_format in ("auto", "avro")
            else None
        )
        self._second = -1
        self._second_text = ""

    def format(self, messages: Sequence[MessageLike]) -> list[str]:
        """Output lines (each ending in a newline) for the messages that pass the filter.

        The messages of one call belong to one topic (as a tail's batches do).
        """
        if not messages:
            return []
        record_filter = self.filter
        if self.output == "jsonl" and not record_filter:
            return self._jsonl_lines(messages)
        lines: list[str] = []
        if record_filter:
            # what cannot match whatever it decodes to is skipped undecoded (see find)
            keys, values = [m.key() for m in messages], [m.value() for m in messages]
            headers = [m.headers() for m in messages]
            avro = self._avro_texts
            kept = record_filter.may_match_batch(
                keys, values, headers,
                avro.value_text if avro else None, avro.judged_on_body if avro else None,
            )  # fmt: skip
            messages = [messages[i] for i in kept]
        for msg in messages:
            if record_filter:
                raw_key, raw_value, headers = msg.key(), msg.value(), msg.headers()
                key = self._key(raw_key)
                value = self._value(raw_value)
                if not record_filter.matches_text(key.text, value.text, headers):
                    continue
            else:
                key = self._key(msg.key())
                value = self._value(msg.value())
            if self.output == "jsonl":
                lines.append(self._jsonl_line(msg, key, value))
            else:
                lines.append(self._text_line(msg, key, value))
        return lines

    def _hex_lines(self, messages: Sequence[MessageLike]) -> list[str]:
        """`--value-format hex`, the raw tail: no decoder for values, one f-string a line."""
        prefix = f'{{"topic":{dumps(messages[0].topic())},"partition":'
        key_cache, key_parts, key_of = self._key_parts_cache, self._key_parts, self._key
        stamp = self._stamp
        # the current second [second_start, second_end) in ms, and its text up to the dot
        second_start, second_end, second_text = 0, 0, ""
        lines: list[str] = []
        append = lines.append
        for msg in messages:
            raw_key = msg.key()
            key_json, key_format, key_error = key_cache.get(raw_key) or key_parts(raw_key)
            raw_value = msg.value()
            timestamp = msg.timestamp()[1]
            if not second_start <= timestamp < second_end:
                if timestamp < 0:  # no timestamp: the one line takes the generic path
                    append(self._jsonl_line(msg, key_of(raw_key), self._value(raw_value)))
                    continue
                second_text = stamp(timestamp)[:-5]
                second_start = timestamp - timestamp % 1000
                second_end = second_start + 1000
            if raw_value is None:
                append(self._jsonl_line(msg, key_of(raw_key), self._value(raw_value)))
                continue
            headers = msg.headers()
            append(
                f'{prefix}{msg.partition()},"offset":{msg.offset()},"timestamp":{second_text}'
                f'{_MILLIS[timestamp - second_start]}Z","key":{key_json},'
                f'"value":"{raw_value.hex()}",'
                f'"headers":{dumps(header_map(headers)) if headers else "{}"},'
                f'"key_format":{key_format},"value_format":"hex",'
                f'"schema_id":null{key_error}}}\n'
            )
        return lines

    def _jsonl_lines(self, messages: Sequence[MessageLike]) -> list[str]:
        """The hot path: `_jsonl_line` inlined, with the per-record work cut to the bone."""
        self._records_seen += len(messages)
        if self.value_format == "hex":
            return self._hex_lines(messages)
        prefix = f'{{"topic":{dumps(messages[0].topic())},"partition":'
        key_cache, key_parts, key_of = self._key_parts_cache, self._key_parts, self._key
        value_of, stamp = self._value, self._stamp
        transcoders, find_transcoder = self._transcoders, self._transcoder
        look_for_avro = self._find_transcoder is not None
        # the current second [second_start, second_end) in ms, and its text up to the dot
        second_start, second_end, second_text = 0, 0, ""
        # the last wire header seen (magic byte, schema id), its reader (one that returns
        # "" while there is none: the reference path) and its line members; b"-" is no
        # wire header, which starts with 0
        header, transcode, avro_tail = _NO_TRANSCODING
        lines: list[str] = []
        append = lines.append
        for msg in messages:
            raw_key = msg.key()
            key_json, key_format, key_error = key_cache.get(raw_key) or key_parts(raw_key)
            raw_value = msg.value()
            timestamp = msg.timestamp()[1]
            if not second_start <= timestamp < second_end:
                if timestamp < 0:  # no timestamp: the one line takes the generic path
                    append(self._jsonl_line(msg, key_of(raw_key), value_of(raw_value)))
                    continue
                second_text = stamp(timestamp)[:-5]
                second_start = timestamp - timestamp % 1000
                second_end = second_start + 1000
            value_json = ""
            if raw_value is not None:
                if not raw_value.startswith(header) and look_for_avro and raw_value[:1] == b"\0":
                    header, transcode, avro_tail = transcoders.get(
                        raw_value[:5]
                    ) or find_transcoder(raw_value[:5])
                if raw_value.startswith(header):
                    try:
                        value_json = transcode(raw_value, 5)
                        value_tail, value_error = avro_tail, ""
                    except Exception:  # the reference path below words what is wrong
                        value_json = ""
            if not value_json:
                value = value_of(raw_value)
                value_json, value_error = value.value_json, value.error_json
                schema_id = value.schema_id
                value_tail = (
                    f'"value_format":{value.format_json},'
                    f'"schema_id":{"null" if schema_id is None else schema_id}'
                )
            headers = msg.headers()
            append(
                f'{prefix}{msg.partition()},"offset":{msg.offset()},"timestamp":{second_text}'
                f'{_MILLIS[timestamp - second_start]}Z","key":{key_json},'
                f'"value":{value_json},'
                f'"headers":{dumps(header_map(headers)) if headers else "{}"},'
                f'"key_format":{key_format},{value_tail}{key_error}{value_error}}}\n'
            )
        return lines

    def _transcoder(self, header: bytes) -> _Transcoding:
        """(header, reader, line members) for a value's first five bytes, remembered once
        found. Without a reader (yet: the registry may answer later), the values with this
        header take the reference path until another header comes."""
        find = self._find_transcoder
        schema_id = schema_id_of(header)
        if find is None or schema_id is None:
            return _NO_TRANSCODING
        transcode = find(schema_id)
        if transcode is None:
            return header, _no_transcoder, ""
        members = f'"value_format":"avro","schema_id":{schema_id}'
        found = self._transcoders[header] = (header, transcode, members)
        return found

    # ---- one record ------------------------------------------------------------------
    def _jsonl_line(self, msg: MessageLike, key: _Fields, value: _Fields) -> str:
        """The JSONL line from the generic pieces (used with a filter; the reference)."""
        headers = msg.headers()
        sid = value.schema_id
        return (
            f'{{"topic":{dumps(msg.topic())},"partition":{msg.partition()},'
            f'"offset":{msg.offset()},"timestamp":{self._stamp(msg.timestamp()[1])},'
            f'"key":{key.value_json},"value":{value.value_json},'
            f'"headers":{dumps(header_map(headers)) if headers else "{}"},'
            f'"key_format":{key.format_json},"value_format":{value.format_json},'
            f'"schema_id":{"null" if sid is None else sid}'
            f"{key.error_json}{value.error_json}}}\n"
        )

    def _text_line(self, msg: MessageLike, key: _Fields, value: _Fields) -> str:
        """timestamp, partition, offset, key, value, tab-separated; newlines escaped."""
        ts = self._stamp(msg.timestamp()[1]).strip('"')
        key_text = escape_line(key.text)
        value_text = escape_line(value.text)
        return f"{ts}\t{msg.partition()}\t{msg.offset()}\t{key_text}\t{value_text}\n"

    def _stamp(self, timestamp_ms: int) -> str:
        """The JSON for a timestamp: RFC 3339 with milliseconds, the second's text cached."""
        if timestamp_ms < 0:
            return "null"
        seconds, millis = divmod(timestamp_ms, 1000)
        if seconds != self._second:
            self._second = seconds
            self._second_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        return f'"{self._second_text}.{millis:03d}Z"'

    def _key(self, data: bytes | None) -> _Fields:
        cached = self._key_cache.get(data)
        if cached is None:
            if len(self._key_cache) >= _KEY_CACHE_MAX:
                self._key_cache.clear()
            cached = self._key_cache[data] = _Fields(
                self.decoder.decode(data, is_key=True, fmt=self.key_format), "key"
            )
        return cached

    def _key_parts(self, data: bytes | None) -> tuple[str, str, str]:
        """(value JSON, format JSON, error members) of a key for the line loops, cached.
        Plain text keys skip the decoder, and stop being cached once most keys turn out
        to be new (ids): building one again costs less than keeping it."""
        text_json = plain_text_json(data) if data and self._plain_keys else None
        if text_json is not None:
            parts = (text_json, '"text"', "")
            if not self._cache_text_keys:
                return parts
        else:
            key = self._key(data)
            parts = (key.value_json, key.format_json, key.error_json)
        cache = self._key_parts_cache
        if len(cache) >= _KEY_CACHE_MAX:
            # a full cache: most of the records since it was empty missed it when it took
            # fewer than two records per key
            if self._records_seen - self._records_at_clear < 2 * _KEY_CACHE_MAX:
                self._cache_text_keys = False
            self._records_at_clear = self._records_seen
            cache.clear()
        cache[data] = parts
        return parts

    def _value(self, data: bytes | None) -> _Fields:
        return _Fields(self.decoder.decode(data, is_key=False, fmt=self.value_format), "value")


# ---- tables and JSON documents --------------------------------------------------------
def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain aligned text table: numeric columns right-aligned, a dash for missing values."""
    raw = [list(row) for row in rows]
    cells = [[_cell(v) for v in row] for row in raw]
    numeric = [bool(raw) and all(_is_number(row[i]) for row in raw) for i in range(len(headers))]
    widths = [max([len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(headers)]
    lines: list[str] = []
    for row in [list(headers), *cells]:
        parts = [
            v.rjust(w) if numeric[i] else v.ljust(w)
            for i, (v, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines) + "\n"


def _is_number(value: Any) -> bool:
    """Numbers, signed changes such as "+10", and missing values align right."""
    if value is None or isinstance(value, int | float):
        return True
    return isinstance(value, str) and value.lstrip("+-").isdigit()


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return str(value)


def write_json(stream: IO[str], document: Any) -> None:
    stream.write(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
