"""Schema lookups for decoding, over plain HTTP: all a tail asks of the registry.

Decoding needs two questions answered: "which schema has id N" and, for references,
"subject S, version V". confluent-kafka's registry client answers them too, but
importing and building it costs about half a second (authlib, and an SSL context even
for http://), paid before the first Avro record shows. These GETs take the same
endpoint settings (auth, TLS, timeout) through `http.build_client`, and fail with the
same errors as every other HTTP call. Caching and backing off are the decoder's job
(`decode.schemas.SchemaCodecs`).
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote

import httpx

from kafkatui.cluster.errors import NotFound, RemoteError
from kafkatui.cluster.http import build_client, to_error
from kafkatui.cluster.settings import HttpEndpoint
from kafkatui.decode.model import SchemaVersion


class SchemaIdLookup:
    """Implements `decode.schemas.SchemaLookup` for one registry endpoint."""

    def __init__(self, endpoint: HttpEndpoint) -> None:
        self.endpoint = endpoint
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def schema_by_id(self, schema_id: int) -> SchemaVersion:
        what = f"schema id {schema_id}"
        body = self._get(f"/schemas/ids/{int(schema_id)}", what)
        subject, version = self._first_usage(schema_id)
        return _version(body, what, subject, version, schema_id)

    def get_version(self, subject: str, version: int) -> SchemaVersion:
        what = f"version {version} of subject {subject}"
        body = self._get(f"/subjects/{quote(subject, safe='')}/versions/{int(version)}", what)
        return _version(body, what, subject, version, body.get("id", 0))

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def _first_usage(self, schema_id: int) -> tuple[str, int]:
        """(subject, version) the registry lists first for an id; ('', 0) if it says none
        (registries that share one id between subjects list several)."""
        try:
            usages = self._get(f"/schemas/ids/{int(schema_id)}/versions", f"schema id {schema_id}")
        except (NotFound, RemoteError):
            return "", 0
        for usage in usages if isinstance(usages, list) else ():
            if isinstance(usage, dict) and usage.get("subject") and usage.get("version"):
                return str(usage["subject"]), int(usage["version"])
        return "", 0

    def _get(self, path: str, what: str) -> Any:
        with self._lock:
            if self._client is None:
                self._client = build_client(self.endpoint)
            client = self._client
        try:
            response = client.get(path)
        except httpx.HTTPError as exc:
            raise to_error(exc, self.endpoint, what) from None
        if response.status_code >= 400:
            raise to_error(response, self.endpoint, what)
        try:
            return response.json()
        except ValueError:
            raise RemoteError(f"{self.endpoint.name}: {what}: the answer is not JSON") from None


def _version(body: Any, what: str, subject: str, version: int, schema_id: Any) -> SchemaVersion:
    if not isinstance(body, dict) or not isinstance(body.get("schema"), str):
        raise RemoteError(f"unexpected answer for {what}: no schema in it")
    references = tuple(
        (str(r.get("name", "")), str(r.get("subject", "")), int(r.get("version") or 0))
        for r in body.get("references") or ()
        if isinstance(r, dict)
    )
    return SchemaVersion(
        subject=str(body.get("subject") or subject or ""),
        version=int(body.get("version") or version or 0),
        schema_id=int(schema_id or 0),
        schema_type=str(body.get("schemaType") or "AVRO").upper(),
        schema=body["schema"],
        references=references,
    )
