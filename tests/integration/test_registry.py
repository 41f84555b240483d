"""Registry against the sandbox's Apicurio Registry 3 (Confluent-compatible API)."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from kafkatui.cluster.errors import (
    ConnectionFailed,
    InvalidInput,
    KafkaTuiError,
    NotFound,
    ReadOnlyError,
    Refused,
    TimedOut,
)
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.registry import COMPATIBILITY_LEVELS, Registry
from kafkatui.cluster.schema_ids import SchemaIdLookup
from kafkatui.cluster.settings import ConnectionSettings, HttpEndpoint

pytestmark = pytest.mark.integration


def avro(namespace: str, *fields: dict, id_type: str = "long") -> str:
    """An Avro record; a unique namespace gives each test its own schema ids (the registry
    shares one id between subjects registering identical content)."""
    return json.dumps({"type": "record", "name": "Order", "namespace": namespace,
                       "fields": [{"name": "id", "type": id_type}, *fields]})


NOTE = {"name": "note", "type": "string", "default": ""}  # added with a default: compatible
UNPARSABLE = '{"type": "record", "name": '


@pytest.fixture
def schemas(unique: str) -> dict[str, str]:
    namespace = unique.replace("-", "_")
    return {
        "v1": avro(namespace),
        "v2": avro(namespace, NOTE),
        "incompatible": avro(namespace, id_type="string"),
    }


@pytest.fixture
def registry(sandbox_settings: ConnectionSettings, guard: Guard):
    reg = Registry(sandbox_settings.schema_registry, guard)
    yield reg
    reg.close()


@pytest.fixture
def subject(registry: Registry, unique: str):
    name = f"{unique}-value"
    yield name
    with contextlib.suppress(NotFound):
        registry.delete_subject(name, permanent=True)


def test_register_versions_and_lookups(
    registry: Registry, subject: str, schemas: dict[str, str]) -> None:
    id1 = registry.register(subject, schemas["v1"])
    id2 = registry.register(subject, schemas["v2"])
    assert id1 != id2
    assert subject in registry.subjects()
    assert registry.versions(subject) == [1, 2]

    first = registry.get_version(subject, 1)
    assert (first.subject, first.version, first.schema_id) == (subject, 1, id1)
    assert first.schema_type == "AVRO" and json.loads(first.schema)["fields"][0]["name"] == "id"
    latest = registry.get_version(subject, "latest")
    assert (latest.version, latest.schema_id) == (2, id2)

    by_id = registry.schema_by_id(id2)
    assert (by_id.subject, by_id.version, by_id.schema_id) == (subject, 2, id2)
    assert json.loads(by_id.schema) == json.loads(schemas["v2"])


def test_schema_by_id_is_cached(
    registry: Registry, subject: str, schemas: dict[str, str], monkeypatch) -> None:
    schema_id = registry.register(subject, schemas["v1"])
    first = registry.schema_by_id(schema_id)

    def no_network(*_args, **_kwargs):
        raise AssertionError("schema_by_id went to the registry again")

    client = registry.library_client()
    monkeypatch.setattr(client, "get_schema", no_network)
    monkeypatch.setattr(client, "get_schema_versions", no_network)
    assert registry.schema_by_id(schema_id) is first


def test_unknown_id_is_not_found_and_remembered(registry: Registry, monkeypatch) -> None:
    missing = 2_000_000_000
    with pytest.raises(NotFound, match=f"schema id {missing}"):
        registry.schema_by_id(missing)
    monkeypatch.setattr(registry.library_client(), "get_schema",
                        lambda *_a, **_k: pytest.fail("asked again for a missing id"))
    with pytest.raises(NotFound):
        registry.schema_by_id(missing)


def test_compatibility_levels_and_checks(
    registry: Registry, subject: str, schemas: dict[str, str]) -> None:
    registry.register(subject, schemas["v1"])
    global_level = registry.compatibility()
    assert global_level in COMPATIBILITY_LEVELS
    # Without a subject-level setting the global level applies (Apicurio's default is NONE).
    assert registry.compatibility(subject) == global_level

    registry.set_compatibility("backward", subject)
    assert registry.compatibility(subject) == "BACKWARD"
    assert registry.compatibility() == global_level  # the global level is untouched

    assert registry.check(subject, schemas["v2"]).compatible
    verdict = registry.check(subject, schemas["incompatible"])
    assert not verdict.compatible
    assert "BACKWARD" in verdict.messages[0]
    with pytest.raises(Refused, match=r"(?i)incompatible"):
        registry.register(subject, schemas["incompatible"])

    registry.set_compatibility("NONE", subject)
    assert registry.check(subject, schemas["incompatible"]).compatible
    assert registry.register(subject, schemas["incompatible"]) > 0


def test_bad_level_and_unparsable_schema(
    registry: Registry, subject: str, schemas: dict[str, str]) -> None:
    registry.register(subject, schemas["v1"])
    with pytest.raises(InvalidInput, match="unknown compatibility level"):
        registry.set_compatibility("SOMETIMES", subject)
    with pytest.raises(InvalidInput) as err:
        registry.check(subject, UNPARSABLE)
    assert "schema registry" in str(err.value) and len(str(err.value)) > 30
    with pytest.raises(InvalidInput):
        registry.register(subject, UNPARSABLE)
    with pytest.raises(InvalidInput, match="unknown schema type"):
        registry.register(subject, schemas["v1"], schema_type="XML")


def test_soft_then_hard_delete(
    registry: Registry, subject: str, schemas: dict[str, str]) -> None:
    registry.register(subject, schemas["v1"])
    registry.register(subject, schemas["v2"])

    assert registry.delete_subject(subject) == [1, 2]
    assert subject not in registry.subjects()
    with pytest.raises(NotFound):
        registry.versions(subject)
    with pytest.raises(NotFound):  # already soft-deleted
        registry.delete_subject(subject)

    assert registry.delete_subject(subject, permanent=True) == [1, 2]
    with pytest.raises(NotFound):
        registry.delete_subject(subject, permanent=True)


def test_hard_delete_in_one_step_and_versions(
    registry: Registry, subject: str, schemas: dict[str, str]) -> None:
    registry.register(subject, schemas["v1"])
    registry.register(subject, schemas["v2"])
    registry.delete_version(subject, 1, permanent=True)
    assert registry.versions(subject) == [2]
    registry.delete_version(subject, 2)
    with pytest.raises(NotFound):
        registry.get_version(subject, 2)
    assert registry.delete_subject(subject, permanent=True) == [2]


def test_changes_are_audited_and_read_only_refuses(
    sandbox_settings: ConnectionSettings, registry: Registry, guard: Guard, subject: str,
    schemas: dict[str, str], tmp_path,
) -> None:
    registry.register(subject, schemas["v1"])
    actions = [e["action"] for e in guard.read_audit()]
    assert actions == ["schema.register"]
    locked = Registry(sandbox_settings.schema_registry,
                      Guard(read_only=True, audit_path=tmp_path / "ro.jsonl"))
    with pytest.raises(ReadOnlyError):
        locked.register(subject, schemas["v2"])
    with pytest.raises(ReadOnlyError):
        locked.set_compatibility("NONE", subject)
    with pytest.raises(ReadOnlyError):
        locked.delete_subject(subject, permanent=True)
    assert registry.versions(subject) == [1]


def test_closed_port_fails_fast(guard: Guard) -> None:
    endpoint = HttpEndpoint(url="http://127.0.0.1:1/apis/ccompat/v7", timeout_s=3)
    started = time.monotonic()
    with pytest.raises(ConnectionFailed, match=r"127\.0\.0\.1:1"):
        Registry(endpoint, guard).subjects()
    assert time.monotonic() - started < 5


def test_decoder_lookups_answer_as_the_registry_client_does(
    sandbox_settings: ConnectionSettings, registry: Registry, subject: str, schemas: dict[str, str]
) -> None:
    """The plain-HTTP lookups a tail decodes with agree with the library client's answers."""
    schema_id = registry.register(subject, schemas["v1"])
    lookup = SchemaIdLookup(sandbox_settings.schema_registry)  # type: ignore[arg-type]
    try:
        assert lookup.schema_by_id(schema_id) == registry.schema_by_id(schema_id)
        by_version = lookup.get_version(subject, 1)
        assert (by_version.schema_id, by_version.subject, by_version.version) == (
            schema_id, subject, 1
        )
        assert json.loads(by_version.schema) == json.loads(schemas["v1"])
        with pytest.raises(NotFound, match="2000000000"):
            lookup.schema_by_id(2_000_000_000)
    finally:
        lookup.close()
    closed = SchemaIdLookup(HttpEndpoint(url="http://127.0.0.1:1/apis/ccompat/v7", timeout_s=3))
    with pytest.raises(ConnectionFailed, match=r"127\.0\.0\.1:1"):
        closed.schema_by_id(1)


def test_no_registry_configured(guard: Guard) -> None:
    with pytest.raises(KafkaTuiError, match="no schema registry configured for this profile"):
        Registry(None, guard).subjects()
    with pytest.raises(KafkaTuiError, match="no schema registry configured"):
        Registry(None, guard).schema_by_id(1)


def test_avro_serde_through_the_registry(
    sandbox: dict, registry: Registry, unique: str, schemas: dict[str, str]
) -> None:
    topic = unique
    client = SchemaRegistryClient({"url": sandbox["schema_registry"], "timeout": 10})
    # TOPIC, not the library's default ASSOCIATED strategy: its extra associations look-up
    # gets a 404 from Apicurio whose answer sometimes never arrives (a CI run hung on it
    # for good: the library's client waits forever unless given a timeout)
    serializer = AvroSerializer(client, schemas["v2"], conf={"subject.name.strategy.type": "TOPIC"})
    deserializer = AvroDeserializer(client)
    context = SerializationContext(topic, MessageField.VALUE)
    record = {"id": 42, "note": "hello"}

    try:
        payload = serializer(record, context)
        assert payload is not None and payload[0] == 0
        schema_id = int.from_bytes(payload[1:5], "big")
        assert deserializer(payload, context) == record

        found = registry.schema_by_id(schema_id)
        assert found.subject == f"{topic}-value" and found.version == 1
        assert json.loads(found.schema)["name"] == "Order"
    finally:
        registry.delete_subject(f"{topic}-value", permanent=True)
        client.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (kernel backlog) but never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


def test_silent_registry_times_out(guard: Guard, silent_port: int) -> None:
    # Each attempt gets half the timeout and there is one retry: about timeout_s in all.
    endpoint = HttpEndpoint(url=f"http://127.0.0.1:{silent_port}", timeout_s=2)
    started = time.monotonic()
    registry = Registry(endpoint, guard)
    with pytest.raises(TimedOut):
        registry.subjects()
    assert time.monotonic() - started < 3.5

    # The decoder's hot path remembers the failure instead of waiting again per record.
    with pytest.raises(TimedOut):
        registry.schema_by_id(1)
    # Waiting again per record would take 20 timeouts (40 s); remembering takes none.
    started = time.monotonic()
    for _ in range(20):
        with pytest.raises(TimedOut):
            registry.schema_by_id(1)
    assert time.monotonic() - started < 2 * endpoint.timeout_s
