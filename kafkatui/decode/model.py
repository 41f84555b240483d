"""The result of decoding one key or value. Errors are data, never exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HEX_LIMIT = 1024  # docs/jsonl.md: at most the first 1 KiB of an undecodable payload


@dataclass(frozen=True, slots=True)
class Decoded:
    format: str  # avro | protobuf | json-schema | json | text | hex | null
    value: Any  # plain JSON-able value (None for null or on error)
    schema_id: int | None = None
    error: str | None = None  # why it could not be decoded
    hex: str | None = None  # first HEX_LIMIT bytes as hex, only when error is set
    subject: str | None = None  # registry subject, when known


@dataclass(frozen=True)
class SchemaVersion:
    """One registered schema (the registry client returns these; codecs compile them)."""

    subject: str
    version: int
    schema_id: int
    schema_type: str  # AVRO, PROTOBUF, JSON
    schema: str
    references: tuple[tuple[str, str, int], ...] = ()  # (name, subject, version)
