"""The schema diff on versions as the real registry stores and returns them."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pytest

from kafkatui.cluster.errors import NotFound
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.registry import Registry
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.decode.schema_diff import diff_schemas
from kafkatui.sandbox.demo_schemas import ORDER_V1, ORDER_V2

pytestmark = pytest.mark.integration


@pytest.fixture
def registry(sandbox_settings: ConnectionSettings, guard: Guard) -> Iterator[Registry]:
    reg = Registry(sandbox_settings.schema_registry, guard)
    yield reg
    reg.close()


@pytest.fixture
def subject(registry: Registry, unique: str) -> Iterator[str]:
    name = f"{unique}-value"
    yield name
    with contextlib.suppress(NotFound):
        registry.delete_subject(name, permanent=True)


def _in_namespace(schema: str, namespace: str) -> str:
    """The demo schema in a namespace of the test's own (the registry shares ids between
    subjects holding identical content)."""
    parsed = json.loads(schema)
    parsed["namespace"] = namespace
    return json.dumps(parsed, separators=(",", ":"))  # minified, as registries keep them


def test_orders_v1_to_v2_reads_as_one_added_field_with_its_verdicts(
    registry: Registry, subject: str, unique: str
) -> None:
    namespace = unique.replace("-", "_")
    registry.register(subject, _in_namespace(ORDER_V1, namespace))
    registry.register(subject, _in_namespace(ORDER_V2, namespace))
    old, new = registry.get_version(subject, 1), registry.get_version(subject, 2)
    assert old.schema.count("\n") == 0  # stored as one long line: the problem being solved

    diff = diff_schemas(new.schema_type, old.schema, new.schema)
    changed = [(line.kind, line.text.strip()) for line in diff.lines if line.kind in "+-"]
    assert changed == [("+", '{"name": "channel", "type": "string", "default": "web"}')]
    (change,) = diff.changes
    assert change.path == "Order.channel"
    assert change.summary() == "field added with default: BACKWARD ok, FORWARD ok, FULL ok"


def test_a_change_the_registry_refuses_is_judged_breaking_too(
    registry: Registry, subject: str, unique: str
) -> None:
    """Cross-check against the registry's own rules: a field added without a default."""
    namespace = unique.replace("-", "_")
    v1 = _in_namespace(ORDER_V1, namespace)
    parsed = json.loads(v1)
    parsed["fields"].append({"name": "channel", "type": "string"})
    v2 = json.dumps(parsed)
    registry.register(subject, v1)
    registry.set_compatibility("BACKWARD", subject)
    verdict = registry.check(subject, v2)
    diff = diff_schemas("AVRO", registry.get_version(subject, 1).schema, v2)
    (change,) = diff.changes
    assert change.what == "field added without default"
    assert change.backward is verdict.compatible is False
    assert change.forward is True


def test_protobuf_versions_as_the_registry_returns_them(
    registry: Registry, subject: str, unique: str
) -> None:
    package = unique.replace("-", "_")
    v1 = (
        f'syntax = "proto3";\npackage {package};\n\n'
        "message Shipment {\n  string shipment_id = 1;\n  int32 weight_grams = 2;\n}\n"
    )
    grown = "  int64 weight_grams = 2;\n  string note = 3;\n"
    v2 = v1.replace("  int32 weight_grams = 2;\n", grown)
    registry.register(subject, v1, schema_type="PROTOBUF")
    registry.register(subject, v2, schema_type="PROTOBUF")
    old, new = registry.get_version(subject, 1), registry.get_version(subject, 2)
    assert new.schema_type == "PROTOBUF"

    diff = diff_schemas(new.schema_type, old.schema, new.schema)
    assert diff.unjudged is None
    found = {(c.path, c.what): (c.backward, c.forward) for c in diff.changes}
    assert found == {
        (f"{package}.Shipment.note", "field added"): (True, True),
        (f"{package}.Shipment.weight_grams", "field type changed"): (True, True),
    }
    assert any(line.kind == "+" and "note = 3" in line.text for line in diff.lines)
