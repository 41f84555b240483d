"""The record decoder the tail, inspector and CLI use: auto-detection or a forced format.

Auto order for one key or value:
1. None is `null`;
2. magic byte 0 and a schema id: the registry says AVRO, PROTOBUF or JSON and that codec
   reads the body;
3. JSON objects, arrays and strings (see `plain` for why bare numbers stay text);
4. printable UTF-8 text;
5. hex.
Forced formats: avro | protobuf (need the wire header), json (JSON Schema when the wire
header is there, plain JSON otherwise), text, hex.

Nothing raises out of `decode`: a payload that cannot be read in the chosen way becomes
`Decoded(format=<attempted>, value=None, error=REASON, hex=<first 1 KiB>)`. When the
schema behind a header cannot be had (no registry, unknown id, registry down), the
attempted format is "hex": the record is shown as hex with the reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from kafkatui.decode.errors import DecodeFailure
from kafkatui.decode.model import HEX_LIMIT, Decoded
from kafkatui.decode.plain import detect, parse_json, utf8
from kafkatui.decode.schemas import SchemaCodecs, SchemaLookup
from kafkatui.decode.wire import HEADER_SIZE, schema_id_of

if TYPE_CHECKING:
    from kafkatui.decode.avro_words import Printed

FORMATS = ("auto", "avro", "protobuf", "json", "text", "hex")
_NULL = Decoded(format="null", value=None)
_REGISTRY_FORMATS = {"avro": "avro", "protobuf": "protobuf", "json": "json-schema"}


def _failed(fmt: str, data: bytes, reason: str, schema_id: int | None = None) -> Decoded:
    return Decoded(
        format=fmt, value=None, schema_id=schema_id, error=reason, hex=data[:HEX_LIMIT].hex()
    )


class AutoDecoder:
    """Implements `RecordDecoder`. Safe to share between threads."""

    def __init__(
        self,
        schemas: SchemaLookup | None = None,
        *,
        not_found_ttl: float = 30.0,
        min_backoff: float = 1.0,
        max_backoff: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`schemas` None: no registry; wire-format payloads then decode to errors as data.
        The other options tune how long failed lookups are remembered (see `SchemaCodecs`)."""
        self._codecs = (
            None
            if schemas is None
            else SchemaCodecs(
                schemas,
                not_found_ttl=not_found_ttl,
                min_backoff=min_backoff,
                max_backoff=max_backoff,
                clock=clock,
            )
        )

    def decode(self, data: bytes | None, *, is_key: bool, fmt: str = "auto") -> Decoded:
        if data is None:
            return _NULL
        try:
            data = data if type(data) is bytes else bytes(data)
            return self._decode(data, fmt)
        except Exception as err:  # a bug in a codec must not stop a tail: show it as data
            raw = data if isinstance(data, bytes) else b""
            return _failed("hex" if fmt == "auto" else fmt, raw, f"decoder error: {err!r}")

    def json_transcoder(self, schema_id: int) -> Callable[[bytes, int], str] | None:
        """The one-pass Avro-to-JSON-text reader for a schema id, when there is one (the
        schema is Avro and has no recursion). None also while the schema cannot be had:
        the reference path then says why, record by record."""
        return getattr(self._codec(schema_id), "json_transcoder", None)

    def avro_printed(self, schema_id: int) -> Printed | None:
        """For find's test on Avro bodies: what the values of an Avro schema print that
        their body does not hold (decode.avro_words); None for other schemas, and while
        the schema cannot be had."""
        found: Printed | None = getattr(self._codec(schema_id), "printed", None)
        return found

    def _codec(self, schema_id: int) -> object | None:
        if self._codecs is None:
            return None
        try:
            codec, _subject = self._codecs.get(schema_id)
        except DecodeFailure:
            return None
        return codec

    def _decode(self, data: bytes, fmt: str) -> Decoded:
        schema_id = schema_id_of(data)
        if fmt == "auto":
            if schema_id is not None:
                return self._registered(data, schema_id, None)
            found, value = detect(data)
            return Decoded(format=found, value=value)
        if fmt == "hex":
            return Decoded(format="hex", value=data.hex())
        if fmt == "text":
            try:
                return Decoded(format="text", value=utf8(data))
            except DecodeFailure as err:
                return _failed("text", data, str(err))
        if fmt == "json":
            if schema_id is not None:
                return self._registered(data, schema_id, "json")
            try:
                return Decoded(format="json", value=parse_json(utf8(data)))
            except DecodeFailure as err:
                return _failed("json", data, str(err))
        if fmt in _REGISTRY_FORMATS:
            if schema_id is None:
                return _failed(fmt, data, "no schema registry header (magic byte 0 + schema id)")
            return self._registered(data, schema_id, fmt)
        return _failed(fmt, data, f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")

    def _registered(self, data: bytes, schema_id: int, wanted: str | None) -> Decoded:
        """A wire-format payload; `wanted` is the forced format, None in auto mode."""
        attempted = "hex" if wanted is None else _REGISTRY_FORMATS[wanted]
        if self._codecs is None:
            return _failed(attempted, data, "no schema registry configured", schema_id)
        try:
            codec, subject = self._codecs.get(schema_id)
        except DecodeFailure as err:
            return _failed(attempted, data, str(err), schema_id)
        if wanted is not None and codec.format != attempted:
            reason = f"schema id {schema_id} is {codec.format}, not {attempted}"
            return _failed(attempted, data, reason, schema_id)
        try:
            value = codec.decode(data, HEADER_SIZE)
        except DecodeFailure as err:
            return _failed(codec.format, data, str(err), schema_id)
        return Decoded(
            format=codec.format, value=value, schema_id=schema_id, subject=subject or None
        )
