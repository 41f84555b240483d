"""Codecs by schema id, built once from the registry, with failures remembered briefly.

A schema id names one immutable schema, so a built codec is kept for the life of the
process. Failures are not kept for long:
- an id the registry does not know is retried after `not_found_ttl` seconds;
- any other lookup error means the registry is unreachable: every id that is not yet
  built then fails at once, without a call, until a backoff (doubling from `min_backoff`
  up to `max_backoff`) has passed. The next successful lookup resets it, so decoding
  resumes by itself once the registry is back.
- a schema that does not compile stays failed (it will never compile).
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from kafkatui.decode.errors import DecodeFailure
from kafkatui.decode.model import SchemaVersion

if TYPE_CHECKING:
    from kafkatui.decode.avro import AvroCodec
    from kafkatui.decode.jsonschema_codec import JsonSchemaCodec
    from kafkatui.decode.protobuf import ProtobufCodec

    Codec = AvroCodec | ProtobufCodec | JsonSchemaCodec

# schema type -> (module, class) of its codec, imported on first use: fastavro and
# protobuf take ~45 ms to import, which a tail of JSON, text or bytes never needs
_CODECS: dict[str, tuple[str, str]] = {
    "AVRO": ("kafkatui.decode.avro", "AvroCodec"),
    "": ("kafkatui.decode.avro", "AvroCodec"),  # registries leave the type out for Avro
    "PROTOBUF": ("kafkatui.decode.protobuf", "ProtobufCodec"),
    "JSON": ("kafkatui.decode.jsonschema_codec", "JsonSchemaCodec"),
}
_REASON_MAX = 200


class SchemaLookup(Protocol):
    """What the decoder needs from a schema registry (the registry client satisfies it)."""

    def schema_by_id(self, schema_id: int) -> SchemaVersion: ...
    def get_version(self, subject: str, version: int) -> SchemaVersion: ...


class _Missing(DecodeFailure):
    """The registry answered that the schema does not exist."""


class _Unavailable(DecodeFailure):
    """The registry could not be asked."""


def _is_not_found(err: Exception) -> bool:
    if isinstance(err, LookupError):  # the registry client's NotFound, or a mapping's KeyError
        return True
    status = getattr(err, "status", None) or getattr(err, "http_status_code", None)
    return status == 404


def _describe(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else ""
    if not type(err).__module__.startswith("kafkatui."):  # ours are written for people
        text = f"{type(err).__name__}: {text}" if text else type(err).__name__
    return text[:_REASON_MAX]


def _codec_class(schema_type: str) -> Any:
    where = _CODECS.get(schema_type.upper())
    if where is None:
        raise DecodeFailure(f"schema type {schema_type!r} is not supported")
    module, name = where
    return getattr(importlib.import_module(module), name)


class SchemaCodecs:
    """Codec per schema id for one registry; thread-safe."""

    def __init__(
        self,
        lookup: SchemaLookup,
        *,
        not_found_ttl: float = 30.0,
        min_backoff: float = 1.0,
        max_backoff: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lookup = lookup
        self._not_found_ttl = not_found_ttl
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._clock = clock
        self._codecs: dict[int, tuple[Codec, str]] = {}
        self._failed: dict[int, tuple[float, str]] = {}  # id -> (retry at, reason)
        self._down_until = 0.0
        self._down_reason = ""
        self._backoff = min_backoff
        self._lock = threading.Lock()

    def get(self, schema_id: int) -> tuple[Codec, str]:
        """(codec, subject) for the id; raises DecodeFailure with the reason otherwise."""
        found = self._codecs.get(schema_id)
        if found is not None:
            return found
        with self._lock:  # one lookup at a time: a slow registry is not asked in parallel
            found = self._codecs.get(schema_id)
            if found is not None:
                return found
            now = self._clock()
            failed = self._failed.get(schema_id)
            if failed is not None and now < failed[0]:
                raise DecodeFailure(failed[1])
            if now < self._down_until:
                raise DecodeFailure(self._down_reason)
            return self._build(schema_id)

    def _build(self, schema_id: int) -> tuple[Codec, str]:
        try:
            version = self._fetch(
                lambda: self._lookup.schema_by_id(schema_id), f"schema id {schema_id}"
            )
            codec = _codec_class(version.schema_type).from_version(version, self._fetch_version)
        except _Unavailable as err:
            # Counted from now, after the failed call: a registry that times out is not
            # asked again straight away.
            self._down_until = self._clock() + self._backoff
            self._down_reason = f"schema registry unavailable ({err})"
            self._backoff = min(self._backoff * 2, self._max_backoff)
            raise DecodeFailure(self._down_reason) from None
        except _Missing as err:
            reason = str(err)
            self._failed[schema_id] = (self._clock() + self._not_found_ttl, reason)
            raise DecodeFailure(reason) from None
        except DecodeFailure as err:
            reason = f"schema id {schema_id}: {err}"
            self._failed[schema_id] = (float("inf"), reason)
            raise DecodeFailure(reason) from None
        self._backoff = self._min_backoff
        self._failed.pop(schema_id, None)
        result = (codec, version.subject)
        self._codecs[schema_id] = result
        return result

    def _fetch_version(self, subject: str, version: int) -> SchemaVersion:
        what = f"referenced schema {subject} version {version}"
        return self._fetch(lambda: self._lookup.get_version(subject, version), what)

    def _fetch(self, call: Callable[[], Any], what: str) -> SchemaVersion:
        try:
            result: SchemaVersion = call()
        except Exception as err:
            if _is_not_found(err):
                raise _Missing(f"{what} not found in the registry") from None
            raise _Unavailable(_describe(err)) from None
        self._backoff = self._min_backoff
        return result
