"""Schema registry access through confluent-kafka's `SchemaRegistryClient`.

The library's client has no timeout unless one is configured (httpx then waits forever)
and retries up to 3 times with backoff of up to 20 s. `registry_conf` bounds both: each
attempt gets half of the endpoint's timeout and there is one retry after at most
`_RETRY_WAIT_MS`, so a call gives up after roughly `timeout_s` plus that wait.

The registry may be Apicurio Registry's Confluent-compatible API (`/apis/ccompat/v7`)
rather than Confluent's own. Differences seen there and handled here:
- the global level defaults to NONE (Confluent: BACKWARD), and a subject without its own
  level answers with the global one (Confluent: 404, handled by falling back too);
- its compatibility-test endpoint judges as if a rule were set when none is, so under
  NONE `check` keeps only the parse verdict (registration accepts anything then);
- `verbose=true` returns no messages, so an incompatible check names the level instead;
- identical content shares one id across subjects, so `schema_by_id` reports the first
  subject/version the registry lists for it.
Both require a soft delete before a hard delete; `delete_subject(permanent=True)` does both.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import httpx
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

from kafkatui.cluster.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    InvalidInput,
    KafkaTuiError,
    NotFound,
    Refused,
    RemoteError,
)
from kafkatui.cluster.guard import Guard, changes
from kafkatui.cluster.http import scrub, transport_error
from kafkatui.cluster.models import CompatibilityCheck, SchemaVersion
from kafkatui.cluster.settings import HttpEndpoint, display_url

T = TypeVar("T")

COMPATIBILITY_LEVELS = (
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
    "NONE",
)
SCHEMA_TYPES = ("AVRO", "PROTOBUF", "JSON")
_RETRY_WAIT_MS = 200
_MESSAGE_LIMIT = 600
_JAVA_EXCEPTION = re.compile(r"^(?:[a-z_][\w]*\.)+\w*(?:Exception|Error): ")
# An unknown id (often garbage that looks like the wire format) is asked for again after this.
_MISSING_TTL_S = 30.0
_MISSING_MAX = 4096
_DOWN_TTL_S = 5.0  # after the registry could not be reached, schema_by_id fails fast this long


def _library_http_error() -> type[Exception]:
    """The library uses httpx's successor package when it is installed: catch its errors too."""
    try:
        from confluent_kafka.schema_registry.common._httpx_compat import httpx as library_httpx
    except ImportError:  # older confluent-kafka: plain httpx
        return httpx.HTTPError
    return library_httpx.HTTPError


_HTTP_ERRORS = (httpx.HTTPError, _library_http_error())


def registry_conf(endpoint: HttpEndpoint) -> dict[str, Any]:
    """`SchemaRegistryClient` configuration for an endpoint, with bounded timeouts."""
    conf: dict[str, Any] = {
        "url": endpoint.url,
        "timeout": endpoint.timeout_s / 2,  # a number works with httpx and its successor
        "max.retries": 1,
        "retries.wait.ms": _RETRY_WAIT_MS,
        "retries.max.wait.ms": _RETRY_WAIT_MS,
    }
    if endpoint.username:
        conf["basic.auth.user.info"] = f"{endpoint.username}:{endpoint.password or ''}"
    elif endpoint.bearer_token:
        # The library's static bearer auth also sends `target-sr-cluster` (a Confluent Cloud
        # header) from the logical cluster; other registries ignore an empty one.
        conf["bearer.auth.credentials.source"] = "STATIC_TOKEN"
        conf["bearer.auth.token"] = endpoint.bearer_token
        conf["bearer.auth.logical.cluster"] = ""
    if not endpoint.verify:
        conf["ssl.ca.location"] = False
    elif endpoint.ca_file:
        conf["ssl.ca.location"] = endpoint.ca_file
    if endpoint.cert_file:
        conf["ssl.certificate.location"] = endpoint.cert_file
    if endpoint.key_file:
        conf["ssl.key.location"] = endpoint.key_file
    return conf


class Registry:
    """RegistryApi, plus the decoder's lookups (`schema_by_id`, `get_version`)."""

    def __init__(self, endpoint: HttpEndpoint | None, guard: Guard) -> None:
        self.guard = guard
        self.endpoint = endpoint
        self._client: SchemaRegistryClient | None = None
        self._by_id: dict[int, SchemaVersion] = {}
        self._missing: dict[int, float] = {}  # id -> monotonic time after which to ask again
        self._down: tuple[float, ConnectionFailed] | None = None  # (until, error) after a failure
        self._lock = threading.Lock()

    # ---- reading -----------------------------------------------------------------
    def subjects(self) -> list[str]:
        return sorted(self._run(lambda c: c.get_subjects(), "subjects"))

    def versions(self, subject: str) -> list[int]:
        _check_subject(subject)
        return sorted(self._run(lambda c: c.get_versions(subject), f"subject {subject}"))

    def get_version(self, subject: str, version: int | Literal["latest"]) -> SchemaVersion:
        _check_subject(subject)
        if version != "latest" and (not isinstance(version, int) or version < 1):
            raise InvalidInput(f"schema version must be 1 or more, or 'latest', not {version!r}")
        found = self._run(
            lambda c: c.get_version(subject, version), f"version {version} of subject {subject}"
        )
        return _to_version(found.schema, found.schema_id, found.subject or subject, found.version)

    def schema_by_id(self, schema_id: int) -> SchemaVersion:
        """Cached by id. Misses are remembered for a while, and so is an unreachable
        registry, so a tail decoding many records never waits on the network per record."""
        now = time.monotonic()
        with self._lock:
            cached = self._by_id.get(schema_id)
            missing_until = self._missing.get(schema_id, 0.0)
            down = self._down
        if cached is not None:
            return cached
        what = f"schema id {schema_id}"
        if now < missing_until:
            raise NotFound(f"{self._where()}: {what} not found")
        if down is not None and now < down[0]:
            raise type(down[1])(str(down[1]))
        try:
            schema = self._run(lambda c: c.get_schema(schema_id), what)
            subject, version = self._first_usage(schema_id)
        except NotFound:
            self._remember_missing(schema_id)
            raise
        except ConnectionFailed as exc:
            with self._lock:
                self._down = (time.monotonic() + _DOWN_TTL_S, exc)
            raise
        found = _to_version(schema, schema_id, subject, version)
        with self._lock:
            self._by_id[schema_id] = found
            self._down = None
        return found

    def compatibility(self, subject: str | None = None) -> str:
        """The effective level: the subject's own, else the global one."""
        if subject is not None:
            _check_subject(subject)
            try:
                return str(
                    self._run(lambda c: c.get_compatibility(subject), f"compatibility of {subject}")
                )
            except NotFound:
                pass  # no subject-level setting: the global level applies
        return str(self._run(lambda c: c.get_compatibility(None), "global compatibility"))

    def check(self, subject: str, schema: str, schema_type: str = "AVRO") -> CompatibilityCheck:
        """Would `schema` be accepted as the next version of `subject`?

        The registry always parses the candidate (an unparsable one is InvalidInput). Under
        level NONE its verdict is not used: Apicurio's test endpoint applies a stricter
        default than its own registration does when no rule is set.
        """
        _check_subject(subject)
        candidate = Schema(schema, _schema_type(schema_type))
        ok = self._run(
            lambda c: c.test_compatibility_all_versions(subject, candidate, verbose=True),
            f"subject {subject}",
        )
        level = self.compatibility(subject)
        if level == "NONE":
            return CompatibilityCheck(True, ("level NONE: any valid schema is accepted",))
        if ok:
            return CompatibilityCheck(True)
        return CompatibilityCheck(
            False, (f"not {level} compatible with the registered versions of {subject}",)
        )

    # ---- changing ----------------------------------------------------------------
    @changes("schema.compatibility", target=lambda level, subject=None: subject or "(global)")
    def set_compatibility(self, level: str, subject: str | None = None) -> None:
        wanted = level.strip().upper()
        if wanted not in COMPATIBILITY_LEVELS:
            raise InvalidInput(
                f"unknown compatibility level {level!r}: "
                f"use one of {', '.join(COMPATIBILITY_LEVELS)}"
            )
        if subject is not None:
            _check_subject(subject)
        self._run(
            lambda c: c.set_compatibility(subject, wanted),
            f"subject {subject}" if subject else "global compatibility",
        )

    @changes("schema.register")
    def register(self, subject: str, schema: str, schema_type: str = "AVRO") -> int:
        _check_subject(subject)
        candidate = Schema(schema, _schema_type(schema_type))
        return int(self._run(lambda c: c.register_schema(subject, candidate), f"subject {subject}"))

    @changes("schema.delete_subject")
    def delete_subject(self, subject: str, permanent: bool = False) -> list[int]:
        """Soft delete, or hard delete (after the soft delete Confluent requires first)."""
        _check_subject(subject)
        what = f"subject {subject}"
        deleted: list[int] = []
        try:
            deleted = list(self._run(lambda c: c.delete_subject(subject, False), what))
        except NotFound:
            if not permanent:
                raise  # nothing to soft-delete; a hard delete may still find soft-deleted versions
        if permanent:
            hard = self._run(lambda c: c.delete_subject(subject, True), what)
            deleted = sorted(set(deleted) | set(hard or []))
            self._forget(lambda v: v.subject == subject)
        return deleted

    @changes("schema.delete_version")
    def delete_version(self, subject: str, version: int, permanent: bool = False) -> None:
        _check_subject(subject)
        what = f"version {version} of subject {subject}"
        try:
            self._run(lambda c: c.delete_version(subject, version, False), what)
        except NotFound:
            if not permanent:
                raise
        if permanent:
            self._run(lambda c: c.delete_version(subject, version, True), what)
            self._forget(lambda v: v.subject == subject and v.version == version)

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    # ---- plumbing ----------------------------------------------------------------
    def library_client(self) -> SchemaRegistryClient:
        """The configured confluent-kafka client (for serializers built on it)."""
        if self.endpoint is None:
            raise KafkaTuiError("no schema registry configured for this profile")
        with self._lock:
            if self._client is None:
                try:
                    self._client = SchemaRegistryClient(registry_conf(self.endpoint))
                except (ValueError, TypeError, OSError) as exc:
                    raise KafkaTuiError(f"{self._where()}: bad registry settings: {exc}") from None
            return self._client

    def _run(self, call: Callable[[SchemaRegistryClient], T], what: str) -> T:
        client = self.library_client()
        try:
            return call(client)
        except SchemaRegistryError as exc:
            raise self._registry_error(exc, what) from None
        except _HTTP_ERRORS as exc:
            assert self.endpoint is not None
            raise transport_error(exc, self._where(), self.endpoint.timeout_s) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise RemoteError(
                f"{self._where()}: unexpected answer for {what}: {type(exc).__name__}"
            ) from None

    def _registry_error(self, exc: SchemaRegistryError, what: str) -> KafkaTuiError:
        assert self.endpoint is not None
        status = exc.http_status_code
        message = _JAVA_EXCEPTION.sub("", str(exc.error_message or "").strip())
        message = scrub(message[:_MESSAGE_LIMIT], self.endpoint)
        where = self._where()
        if status in (401, 403):
            return AuthenticationFailed(f"{where}: HTTP {status}: credentials rejected")
        if status == 404:
            return NotFound(f"{where}: {what} not found" + (f": {message}" if message else ""))
        if status in (400, 422):
            return InvalidInput(f"{where}: {message or 'invalid request'}")
        if status == 409:
            return Refused(f"{where}: refused: {message or 'conflict'}")
        return RemoteError(f"{where}: HTTP {status}: {message or 'error'}", status=status)

    def _first_usage(self, schema_id: int) -> tuple[str, int]:
        """(subject, version) the registry lists for an id; ('', 0) if it does not say."""
        try:
            usages = self._run(lambda c: c.get_schema_versions(schema_id), f"schema id {schema_id}")
        except (NotFound, InvalidInput, RemoteError):
            return "", 0
        for usage in usages:
            if usage.subject and usage.version:
                return str(usage.subject), int(usage.version)
        return "", 0

    def _remember_missing(self, schema_id: int) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._missing) >= _MISSING_MAX:  # garbage ids must not grow memory forever
                self._missing = {i: t for i, t in self._missing.items() if t > now}
                if len(self._missing) >= _MISSING_MAX:
                    self._missing.clear()
            self._missing[schema_id] = now + _MISSING_TTL_S

    def _forget(self, matches: Callable[[SchemaVersion], bool]) -> None:
        with self._lock:
            for schema_id in [i for i, v in self._by_id.items() if matches(v)]:
                del self._by_id[schema_id]

    def _where(self) -> str:
        return f"schema registry ({display_url(self.endpoint.url)})" if self.endpoint else ""


def _to_version(
    schema: Schema, schema_id: int | None, subject: str | None, version: int | None
) -> SchemaVersion:
    return SchemaVersion(
        subject=subject or "",
        version=int(version or 0),
        schema_id=int(schema_id or 0),
        schema_type=(schema.schema_type or "AVRO").upper(),
        schema=schema.schema_str or "",
        references=tuple(
            (str(r.name), str(r.subject), int(r.version or 0)) for r in schema.references or ()
        ),
    )


def _check_subject(subject: str) -> None:
    if not subject or not subject.strip():
        raise InvalidInput("subject name is empty")
    if any(ord(c) < 32 or ord(c) == 127 for c in subject):
        raise InvalidInput("subject name contains control characters")


def _schema_type(schema_type: str) -> str:
    wanted = schema_type.strip().upper()
    if wanted == "JSONSCHEMA":
        wanted = "JSON"
    if wanted not in SCHEMA_TYPES:
        raise InvalidInput(f"unknown schema type {schema_type!r}: use AVRO, PROTOBUF or JSON")
    return wanted
