"""Avro through fastavro: a schema is parsed once (per schema id), bodies are read with
`schemaless_reader`, and the result is mapped to plain JSON by `to_json`.

fastavro already turns logical types into Python values (timestamps into aware or naive
datetimes, date, time, Decimal, UUID); only timestamp-nanos stays an int, so a reader
for it is registered here that gives the RFC 3339 string directly.

Bytes left over after a complete record are ignored, as Confluent's deserializer does.
Known limit: an array whose items take no bytes (null, an empty record) lets a hostile
block count make fastavro loop for a very long time; real schemas do not have those.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import fastavro.read
from fastavro import parse_schema, schemaless_reader, schemaless_writer

from kafkatui.decode.avro_json import Transcoder, compile_transcoder
from kafkatui.decode.avro_plan import plan
from kafkatui.decode.avro_words import Printed, printed
from kafkatui.decode.errors import DecodeFailure
from kafkatui.decode.jsonvalue import rfc3339_from_nanos
from kafkatui.decode.model import SchemaVersion
from kafkatui.decode.wire import HEADER_SIZE, encode_header

FetchVersion = Callable[[str, int], SchemaVersion]


def _read_nanos(data: int, writer_schema: Any = None, reader_schema: Any = None) -> str:
    return rfc3339_from_nanos(data)


for _key in ("long-timestamp-nanos", "long-local-timestamp-nanos"):
    fastavro.read.LOGICAL_READERS.setdefault(_key, _read_nanos)


def _parse(schema_text: str, named: dict[str, Any]) -> Any:
    try:
        raw = json.loads(schema_text)
    except ValueError as err:
        raise DecodeFailure(f"Avro schema is not JSON: {err}") from None
    try:
        return parse_schema(raw, named_schemas=named)
    except Exception as err:
        raise DecodeFailure(f"Avro schema does not parse: {err}") from None


def _parse_references(
    version: SchemaVersion, fetch: FetchVersion, named: dict[str, Any], seen: set[tuple[str, int]]
) -> None:
    """Parse referenced schemas depth first, so their named types are known to the parent."""
    for _name, subject, number in version.references:
        if (subject, number) in seen:
            continue
        seen.add((subject, number))
        referenced = fetch(subject, number)
        _parse_references(referenced, fetch, named, seen)
        _parse(referenced.schema, named)


class AvroCodec:
    """Reads Avro bodies written with one writer schema."""

    format = "avro"

    def __init__(self, schema_text: str, named: dict[str, Any] | None = None) -> None:
        named = {} if named is None else named
        self._schema = _parse(schema_text, named)
        self._named = named
        self._to_json = plan(self._schema, named)
        self._transcoder: Transcoder | None = None
        self._compiled = False

    @property
    def json_transcoder(self) -> Transcoder | None:
        """body -> JSON text in one pass (see avro_json), None for schemas it cannot do.
        Compiled on first use: only the CLI's JSONL output wants it."""
        if not self._compiled:
            self._transcoder = compile_transcoder(self._schema, self._named)
            self._compiled = True
        return self._transcoder

    @property
    def printed(self) -> Printed | None:
        """What its values print that their body does not hold (see avro_words)."""
        return printed(self._schema, self._named)

    @classmethod
    def from_version(cls, version: SchemaVersion, fetch: FetchVersion) -> AvroCodec:
        named: dict[str, Any] = {}
        _parse_references(version, fetch, named, set())
        return cls(version.schema, named)

    def decode(self, data: bytes, offset: int = HEADER_SIZE) -> Any:
        stream = io.BytesIO(data)
        stream.seek(offset)
        try:
            datum = schemaless_reader(stream, self._schema)
        except EOFError:
            raise DecodeFailure("truncated Avro record (ran out of bytes)") from None
        except UnicodeDecodeError:
            raise DecodeFailure("Avro string is not valid UTF-8") from None
        except (OverflowError, ValueError) as err:
            raise DecodeFailure(f"Avro value out of range: {err}") from None
        except Exception as err:
            raise DecodeFailure(
                f"Avro body does not match its schema ({type(err).__name__})"
            ) from None
        try:
            return datum if self._to_json is None else self._to_json(datum)
        except RecursionError:
            raise DecodeFailure("Avro value nested too deeply") from None


@lru_cache(maxsize=64)
def _writer_schema(schema_text: str) -> Any:
    return _parse(schema_text, {})


def encode_avro(schema_text: str, schema_id: int, datum: Any) -> bytes:
    """Wire header plus the Avro body of `datum` (raises ValueError/TypeError on a bad datum)."""
    stream = io.BytesIO()
    stream.write(encode_header(schema_id))
    schemaless_writer(stream, _writer_schema(schema_text), datum)
    return stream.getvalue()
