"""JSON Schema through the registry: after the wire header the body is plain JSON.

The decoder shows what is on the wire and does not validate: validation costs far more
than parsing, and a record that breaks its schema is exactly the one an operator needs to
read. `validation_errors` checks a decoded value on demand (for the inspector), with the
`jsonschema` package; `$ref`s to other registry subjects are not resolved there.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import Any

from kafkatui.decode.errors import DecodeFailure
from kafkatui.decode.model import SchemaVersion
from kafkatui.decode.plain import parse_json, utf8
from kafkatui.decode.wire import HEADER_SIZE

FetchVersion = Callable[[str, int], SchemaVersion]


class JsonSchemaCodec:
    format = "json-schema"

    def __init__(self, schema_text: str) -> None:
        try:
            self._schema = parse_json(schema_text)
        except DecodeFailure as err:
            raise DecodeFailure(f"JSON Schema is {err}") from None
        self._validator: Any = None

    @classmethod
    def from_version(cls, version: SchemaVersion, fetch: FetchVersion) -> JsonSchemaCodec:
        return cls(version.schema)

    def decode(self, data: bytes, offset: int = HEADER_SIZE) -> Any:
        return parse_json(utf8(data[offset:]))

    def validation_errors(self, value: Any, limit: int = 20) -> list[str]:
        """Up to `limit` reasons why `value` breaks the schema ([] when it conforms)."""
        if self._validator is None:
            # Imported here: jsonschema is slow to import and only the inspector needs it.
            from jsonschema import validators
            from jsonschema.exceptions import SchemaError

            cls = validators.validator_for(self._schema)
            try:
                cls.check_schema(self._schema)
            except SchemaError as err:
                return [f"the schema itself is invalid: {err.message}"]
            self._validator = cls(self._schema)
        found = islice(self._validator.iter_errors(value), limit)
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in found]
