"""Protobuf and JSON Schema decoding through the sandbox's real Apicurio registry.

The bytes come from confluent-kafka's own serializers (`ProtobufSerializer`,
`JSONSerializer`), which register the schemas (and, for Protobuf, each imported file as
a referenced subject) the way producers in the field do. kafkatui's decoder, as the TUI
gets it from `client.decoder()`, then reads them back, and the result is compared with
what confluent-kafka's own deserializers make of the same bytes (differential).

The Protobuf classes are generated at test time with the `protoc` from grpcio-tools into
the test's temporary directory; each test uses its own package and file names, so the
process-wide descriptor pool and the shared registry never see a clash.
"""

from __future__ import annotations

import base64
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, json_format

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.registry import Registry

pytestmark = pytest.mark.integration

COMMON_PROTO = """\
syntax = "proto3";
package {pkg}.common;
message Money {{ string currency = 1; int64 units = 2; }}
message Address {{ string city = 1; string zip = 2; }}
"""

# Three top-level messages, so a value of the second or of a nested type carries a
# message-index path other than the first ([0]).
SHIPMENT_PROTO = """\
syntax = "proto3";
package {pkg};
import "{common}.proto";
import "google/protobuf/timestamp.proto";
message Ping {{ string note = 1; }}
message Shipment {{
  enum Kind {{ UNKNOWN = 0; EXPRESS = 1; FREIGHT = 2; }}
  message Leg {{
    message Stop {{ {pkg}.common.Address at = 1; uint32 minutes = 2; }}
    string carrier = 1;
    repeated Stop stops = 2;
    {pkg}.common.Money cost = 3;
  }}
  string id = 1;
  Kind kind = 2;
  repeated Leg legs = 3;
  {pkg}.common.Money total = 4;
  google.protobuf.Timestamp shipped_at = 5;
  bytes raw = 6;
  int64 weight_g = 7;
  map<string, string> labels = 8;
  oneof contact {{ string email = 9; string phone = 10; }}
}}
message Trailer {{ int32 count = 1; }}
"""


def compile_protos(out: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (out / name).write_text(text)
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{out}", f"--python_out={out}", *files],
        cwd=out, check=True, capture_output=True, timeout=60,
    )  # fmt: skip


@pytest.fixture
def pb(tmp_path: Path, unique: str) -> Iterator[ModuleType]:
    """The generated module of the shipment schema (it imports the common one)."""
    pkg = unique.replace("-", "_")
    common, main = f"{pkg}_common", f"{pkg}_shipment"
    compile_protos(
        tmp_path,
        {
            f"{common}.proto": COMMON_PROTO.format(pkg=pkg),
            f"{main}.proto": SHIPMENT_PROTO.format(pkg=pkg, common=common),
        },
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(f"{main}_pb2")
    finally:
        sys.path.remove(str(tmp_path))


@pytest.fixture
def confluent_registry(sandbox: dict) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": sandbox["schema_registry"], "timeout": 10})


def serialize(message: Any, registry: SchemaRegistryClient, topic: str) -> bytes:
    serializer = ProtobufSerializer(type(message), registry, {"auto.register.schemas": True})
    data = serializer(message, SerializationContext(topic, MessageField.VALUE))
    assert data is not None
    return data


def confluent_view(message_type: type, data: bytes, topic: str) -> dict[str, Any]:
    """What confluent-kafka's deserializer reads, in the canonical Protobuf JSON mapping."""
    deserializer = ProtobufDeserializer(message_type, {})
    message = deserializer(data, SerializationContext(topic, MessageField.VALUE))
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def full_shipment(pb: ModuleType) -> Any:
    shipment = pb.Shipment(id="s-1", kind=pb.Shipment.FREIGHT, raw=b"\x00\xffok",
                           weight_g=5_000_000_000, email="ops@example.com")  # fmt: skip
    shipment.labels["lane"] = "north"
    shipment.total.currency, shipment.total.units = "EUR", 1250
    shipment.shipped_at.seconds = 1_700_000_000
    leg = shipment.legs.add(carrier="DHL")
    leg.cost.currency, leg.cost.units = "EUR", 700
    stop = leg.stops.add(minutes=35)
    stop.at.city, stop.at.zip = "Zürich", "8001"
    leg.stops.add(minutes=0)  # an all-default nested message still appears, as {}
    return shipment


def test_protobuf_nested_message_with_imported_reference(
    client: ClusterClient, confluent_registry: SchemaRegistryClient, pb: ModuleType, unique: str
) -> None:
    data = serialize(full_shipment(pb), confluent_registry, unique)
    assert data[5:7] == b"\x02\x02", "Shipment is the second top-level message: index path [1]"

    decoded = client.decoder().decode(data, is_key=False)

    assert decoded.error is None, decoded.error
    assert (decoded.format, decoded.subject) == ("protobuf", f"{unique}-value")
    value = decoded.value
    assert value["id"] == "s-1"
    assert value["kind"] == "FREIGHT"
    assert value["weight_g"] == "5000000000"  # int64 as a string, the canonical mapping
    assert value["raw"] == "AP9vaw=="
    assert value["labels"] == {"lane": "north"}
    assert value["email"] == "ops@example.com" and "phone" not in value
    assert value["total"] == {"currency": "EUR", "units": "1250"}
    assert value["shipped_at"] == "2023-11-14T22:13:20Z"
    assert value["legs"] == [
        {
            "carrier": "DHL",
            "cost": {"currency": "EUR", "units": "700"},
            "stops": [{"at": {"city": "Zürich", "zip": "8001"}, "minutes": 35}, {}],
        }
    ]
    assert value == confluent_view(pb.Shipment, data, unique)


def test_protobuf_import_is_registered_as_a_reference(
    client: ClusterClient, confluent_registry: SchemaRegistryClient, pb: ModuleType, unique: str
) -> None:
    data = serialize(full_shipment(pb), confluent_registry, unique)
    schema_id = int.from_bytes(data[1:5], "big")
    registry = client.registry
    assert isinstance(registry, Registry)
    version = registry.schema_by_id(schema_id)
    common = f"{unique.replace('-', '_')}_common.proto"
    assert version.schema_type == "PROTOBUF"
    assert [(name, subject) for name, subject, _v in version.references] == [(common, common)]
    # confluent-kafka registers each file as a base64 FileDescriptorProto
    imported = descriptor_pb2.FileDescriptorProto.FromString(
        base64.b64decode(registry.get_version(common, "latest").schema)
    )
    own = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(version.schema))
    assert [m.name for m in imported.message_type] == ["Money", "Address"]
    assert [m.name for m in own.message_type] == ["Ping", "Shipment", "Trailer"]
    assert common in own.dependency  # the import really lives in the other subject


def test_protobuf_registered_as_proto_text_with_references(
    client: ClusterClient, confluent_registry: SchemaRegistryClient, pb: ModuleType, unique: str
) -> None:
    """Schemas registered as .proto text (as by hand or by other tools) are compiled with
    protoc, the reference fetched from its own subject."""
    pkg = unique.replace("-", "_")
    common = f"{pkg}_common.proto"
    common_id = confluent_registry.register_schema(
        f"{unique}-common", Schema(COMMON_PROTO.format(pkg=pkg), "PROTOBUF")
    )
    assert common_id > 0
    main = Schema(
        SHIPMENT_PROTO.format(pkg=pkg, common=f"{pkg}_common"),
        "PROTOBUF",
        [SchemaReference(common, f"{unique}-common", 1)],
    )
    main_id = confluent_registry.register_schema(f"{unique}-value", main)
    # confluent-kafka reads a schema by id only in its descriptor form, so the body comes
    # from its serializer under its own registration, and the header names the text one.
    serialized = serialize(full_shipment(pb), confluent_registry, f"{unique}-descriptor")
    data = serialized[:1] + main_id.to_bytes(4, "big") + serialized[5:]
    assert client.registry.schema_by_id(main_id).schema.lstrip().startswith("syntax")

    decoded = client.decoder().decode(data, is_key=False)

    assert decoded.error is None, decoded.error
    assert decoded.value["legs"][0]["stops"][0]["at"]["city"] == "Zürich"
    assert decoded.value == confluent_view(pb.Shipment, data, unique)


@pytest.mark.parametrize(
    ("type_path", "wire_indexes"),
    [
        (("Ping",), b"\x00"),  # the first message: a single 0 byte
        (("Trailer",), b"\x02\x04"),  # [2]
        (("Shipment", "Leg"), b"\x04\x02\x00"),  # [1, 0]
        (("Shipment", "Leg", "Stop"), b"\x06\x02\x00\x00"),  # [1, 0, 0]
    ],
)
def test_protobuf_message_index_picks_the_type(
    client: ClusterClient,
    confluent_registry: SchemaRegistryClient,
    pb: ModuleType,
    unique: str,
    type_path: tuple[str, ...],
    wire_indexes: bytes,
) -> None:
    message_type: Any = pb
    for name in type_path:
        message_type = getattr(message_type, name)
    samples = {
        "Ping": {"note": "hello"},
        "Trailer": {"count": -7},
        "Leg": {"carrier": "UPS", "cost": {"currency": "USD", "units": "-3"},
                "stops": [{"minutes": 4}]},
        "Stop": {"at": {"city": "Oslo"}, "minutes": 12},
    }  # fmt: skip
    expected = samples[type_path[-1]]
    message = json_format.ParseDict(expected, message_type())
    data = serialize(message, confluent_registry, unique)
    assert data[5 : 5 + len(wire_indexes)] == wire_indexes

    decoded = client.decoder().decode(data, is_key=False)

    assert decoded.error is None, decoded.error
    assert decoded.format == "protobuf"
    assert decoded.value == expected
    assert decoded.value == confluent_view(message_type, data, unique)


PAYMENT_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Payment",
    "type": "object",
    "properties": {
        "payment_id": {"type": "string"},
        "amount": {"type": "number"},
        "cents": {"type": "integer"},
        "settled": {"type": "boolean"},
        "note": {"type": ["string", "null"]},
        "card": {
            "type": "object",
            "properties": {"brand": {"type": "string"}, "last4": {"type": "string"}},
            "required": ["brand"],
        },
        "tags": {"type": "array", "items": {"type": "string"}},
        "splits": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["payment_id", "amount"],
}

PAYMENTS: list[dict[str, Any]] = [
    {"payment_id": "p-1", "amount": 12.5, "cents": 1250, "settled": True, "note": None,
     "card": {"brand": "visa", "last4": "4242"}, "tags": ["eu", "ünïcødé ✓"],
     "splits": [{"to": "a", "share": 0.25}, {"to": "b", "share": 0.75}]},
    {"payment_id": "p-2", "amount": 0, "cents": 9007199254740993, "tags": []},
    {"payment_id": "p-3", "amount": -1e-07, "card": {"brand": "amex"}, "note": "line\nbreak"},
]  # fmt: skip


@pytest.mark.parametrize("payment", PAYMENTS, ids=[p["payment_id"] for p in PAYMENTS])
def test_json_schema_matches_confluent_deserializer(
    client: ClusterClient,
    confluent_registry: SchemaRegistryClient,
    unique: str,
    payment: dict[str, Any],
) -> None:
    schema = json.dumps({**PAYMENT_SCHEMA, "$id": f"urn:kafkatui:test:{unique}"})
    context = SerializationContext(unique, MessageField.VALUE)
    data = JSONSerializer(schema, confluent_registry)(payment, context)
    assert data is not None and data[0] == 0

    decoded = client.decoder().decode(data, is_key=False)

    assert decoded.error is None, decoded.error
    assert (decoded.format, decoded.subject) == ("json-schema", f"{unique}-value")
    assert decoded.schema_id == int.from_bytes(data[1:5], "big")
    assert decoded.value == payment
    theirs = JSONDeserializer(None, schema_registry_client=confluent_registry)(data, context)
    assert decoded.value == theirs
    assert client.registry.schema_by_id(decoded.schema_id or 0).schema_type == "JSON"


def test_json_schema_forced_as_protobuf_is_refused(
    client: ClusterClient, confluent_registry: SchemaRegistryClient, unique: str
) -> None:
    """Forcing the wrong registry format names both, instead of misreading the bytes."""
    schema = json.dumps({**PAYMENT_SCHEMA, "$id": f"urn:kafkatui:test:{unique}"})
    context = SerializationContext(unique, MessageField.VALUE)
    data = JSONSerializer(schema, confluent_registry)(PAYMENTS[1], context)
    assert data is not None

    decoded = client.decoder().decode(data, is_key=False, fmt="protobuf")

    assert decoded.value is None
    assert decoded.error is not None and "json-schema, not protobuf" in decoded.error
