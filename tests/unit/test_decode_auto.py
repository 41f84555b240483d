"""Auto-detection, forced formats, JSON Schema, and what happens when the registry fails."""

from __future__ import annotations

import json

import pytest

from kafkatui.cluster.errors import TimedOut
from kafkatui.cluster.models import SchemaVersion
from kafkatui.decode import AutoDecoder
from kafkatui.decode.jsonschema_codec import JsonSchemaCodec
from kafkatui.decode.model import HEX_LIMIT
from tests.unit.decode_fakes import FakeClock, MemoryRegistry

PERSON = json.dumps(
    {"type": "object", "required": ["name"], "properties": {"age": {"type": "integer"}}}
)
ADDRESS_AVRO = json.dumps(
    {"type": "record", "name": "A", "fields": [{"name": "city", "type": "string"}]}
)


def wire(schema_id: int, body: bytes) -> bytes:
    return b"\x00" + schema_id.to_bytes(4, "big") + body


@pytest.mark.parametrize(
    ("data", "fmt", "value"),
    [
        (b'{"a": [1, 2.5, null, true]}', "json", {"a": [1, 2.5, None, True]}),
        (b"  \n[1]", "json", [1]),
        (b'"quoted"', "json", "quoted"),
        (b"123", "text", "123"),  # a string key, not the number 123
        (b"true", "text", "true"),
        (b"{not json", "text", "{not json"),
        (b'{"x": NaN}', "text", '{"x": NaN}'),  # NaN is not JSON
        (b"order-17\tshipped\r\n", "text", "order-17\tshipped\r\n"),
        ("smörgåsbord 🥪".encode(), "text", "smörgåsbord 🥪"),
        (b"", "text", ""),
        (b"\xff\xfe\x00", "hex", "fffe00"),  # invalid UTF-8
        (b"bell\x07", "hex", "62656c6c07"),  # valid UTF-8, but a control character
        (b"\x00\x01", "hex", "0001"),  # too short for a wire header
    ],
)
def test_auto_detects_plain_payloads(data: bytes, fmt: str, value: object) -> None:
    result = AutoDecoder(None).decode(data, is_key=True)
    assert (result.format, result.value, result.error, result.hex) == (fmt, value, None, None)


def test_none_is_null() -> None:
    result = AutoDecoder(None).decode(None, is_key=True)
    assert (result.format, result.value, result.error) == ("null", None, None)


@pytest.mark.parametrize(
    ("data", "fmt", "value", "error"),
    [
        (b"123", "json", 123, None),
        (b"\xc3\xa9t\xc3\xa9", "text", "été", None),
        (b"\x07bell", "text", "\x07bell", None),  # forced text takes any valid UTF-8
        (b"ok", "hex", "6f6b", None),
        (b"\xff", "text", None, "not valid UTF-8 (byte 0)"),
        (b"{oops", "json", None, "not JSON: Expecting property name enclosed in double quotes"),
        (b"plain", "avro", None, "no schema registry header (magic byte 0 + schema id)"),
        (b"plain", "protobuf", None, "no schema registry header (magic byte 0 + schema id)"),
        (
            b"plain",
            "yaml",
            None,
            "unknown format 'yaml' (one of auto, avro, protobuf, json, text, hex)",
        ),
    ],
)
def test_forced_formats(data: bytes, fmt: str, value: object, error: str | None) -> None:
    result = AutoDecoder(None).decode(data, is_key=False, fmt=fmt)
    assert result.format == fmt and result.value == value
    assert (result.error or "").startswith(error or "")
    assert (result.hex is None) == (error is None)


@pytest.mark.parametrize("depth", [201, 990, 100_000])
def test_deep_json_is_refused_as_data_not_an_exception(depth: int) -> None:
    data = b"[" * depth + b"]" * depth
    assert AutoDecoder(None).decode(data, is_key=False).format == "text"
    forced = AutoDecoder(None).decode(data, is_key=False, fmt="json")
    assert forced.value is None and forced.error == "JSON nested too deeply"


def test_json_nested_within_the_limit_is_kept() -> None:
    data = b"[" * 200 + b"]" * 200
    assert AutoDecoder(None).decode(data, is_key=False).format == "json"


def test_hex_of_an_error_is_capped_at_one_kib() -> None:
    data = b"\xff" * 5000
    result = AutoDecoder(None).decode(data, is_key=False, fmt="text")
    assert result.hex == "ff" * HEX_LIMIT


class TestJsonSchema:
    def test_wire_format_json_schema_payload(self) -> None:
        registry = MemoryRegistry()
        registry.add(4, PERSON, "JSON", subject="people-value")
        result = AutoDecoder(registry).decode(wire(4, b'{"name": "Ada", "age": 36}'), is_key=False)
        assert (result.format, result.value, result.schema_id, result.subject) == (
            "json-schema", {"name": "Ada", "age": 36}, 4, "people-value",
        )  # fmt: skip

    def test_forced_json_reads_json_schema_payloads(self) -> None:
        registry = MemoryRegistry()
        registry.add(4, PERSON, "JSON")
        result = AutoDecoder(registry).decode(wire(4, b"[1]"), is_key=False, fmt="json")
        assert (result.format, result.value) == ("json-schema", [1])

    def test_body_that_is_not_json_is_an_error(self) -> None:
        registry = MemoryRegistry()
        registry.add(4, PERSON, "JSON")
        result = AutoDecoder(registry).decode(wire(4, b"\xff{"), is_key=False)
        assert result.format == "json-schema" and result.error == "not valid UTF-8 (byte 0)"

    def test_validation_is_on_demand_and_reports_paths(self) -> None:
        codec = JsonSchemaCodec(PERSON)
        assert codec.validation_errors({"name": "Ada", "age": 3}) == []
        assert sorted(codec.validation_errors({"age": "old"})) == [
            "(root): 'name' is a required property",
            "age: 'old' is not of type 'integer'",
        ]


class TestRegistryFailures:
    def test_unknown_schema_id(self) -> None:
        data = wire(99, b"\x02x")
        result = AutoDecoder(MemoryRegistry()).decode(data, is_key=False)
        assert (result.format, result.value, result.schema_id) == ("hex", None, 99)
        assert result.error == "schema id 99 not found in the registry"
        assert result.hex == data.hex()

    def test_unknown_id_is_asked_again_only_after_a_while(self) -> None:
        registry, clock = MemoryRegistry(), FakeClock()
        decoder = AutoDecoder(registry, clock=clock, not_found_ttl=30)
        for _ in range(5):
            decoder.decode(wire(5, b"\x02x"), is_key=False)
        assert registry.calls == 1
        registry.add(5, ADDRESS_AVRO)  # registered meanwhile
        clock.now += 31
        assert decoder.decode(wire(5, b"\x02x"), is_key=False).value == {"city": "x"}

    def test_no_registry_configured(self) -> None:
        result = AutoDecoder(None).decode(wire(1, b""), is_key=False)
        assert result.error == "no schema registry configured" and result.schema_id == 1

    def test_registry_down_gives_hex_with_reason_then_recovers(self) -> None:
        registry, clock = MemoryRegistry(), FakeClock()
        registry.add(6, ADDRESS_AVRO)
        registry.down = True
        decoder = AutoDecoder(registry, clock=clock, min_backoff=1, max_backoff=8)
        data = wire(6, b"\x06Rio")
        results = [decoder.decode(data, is_key=False) for _ in range(100)]
        assert {r.error for r in results} == {
            "schema registry unavailable (ConnectionError: connection refused)"
        }
        assert all(r.format == "hex" and r.hex == data.hex() for r in results)
        assert registry.calls == 1  # not asked again per record

        clock.now += 1.5  # backoff passed, still down: the next wait doubles
        decoder.decode(data, is_key=False)
        clock.now += 1.5
        decoder.decode(data, is_key=False)
        assert registry.calls == 2

        registry.down = False
        clock.now += 1
        assert decoder.decode(data, is_key=False).value == {"city": "Rio"}  # no restart needed
        assert registry.calls == 3

    def test_a_lookup_that_raises_anything_is_contained(self) -> None:
        class Broken:
            def schema_by_id(self, schema_id: int) -> object:
                raise RuntimeError("boom")

            def get_version(self, subject: str, version: int) -> object:
                raise RuntimeError("boom")

        result = AutoDecoder(Broken()).decode(wire(1, b""), is_key=False)  # type: ignore[arg-type]
        assert result.error == "schema registry unavailable (RuntimeError: boom)"


def test_missing_reference_is_named() -> None:
    registry = MemoryRegistry()
    registry.add(8, ADDRESS_AVRO, references=(("geo.Point", "points", 2),))
    result = AutoDecoder(registry).decode(wire(8, b"\x02x"), is_key=False)
    assert result.error == "referenced schema points version 2 not found in the registry"


def test_backoff_counts_from_the_end_of_a_slow_failed_lookup() -> None:
    clock = FakeClock()

    class Frozen(MemoryRegistry):
        def schema_by_id(self, schema_id: int) -> SchemaVersion:
            self.calls += 1
            clock.now += 10  # the client's timeout runs out
            raise TimedOut("schema registry: no answer within 10 s")

    registry = Frozen()
    decoder = AutoDecoder(registry, clock=clock, min_backoff=2)
    first = decoder.decode(wire(1, b""), is_key=False)
    assert first.error == "schema registry unavailable (schema registry: no answer within 10 s)"
    clock.now += 1
    assert decoder.decode(wire(1, b""), is_key=False).error == first.error
    assert registry.calls == 1
