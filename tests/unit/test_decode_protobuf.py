"""Protobuf decoded from .proto text as a registry returns it; message bodies built by hand."""

from __future__ import annotations

import base64

import pytest

from kafkatui.decode import AutoDecoder, encode_protobuf
from kafkatui.decode.protobuf import compile_proto
from tests.unit.decode_fakes import MemoryRegistry

SHIPMENTS = """
syntax = "proto3";
package demo.logistics;

import "google/protobuf/timestamp.proto";
import "common/money.proto";

message Shipment {
  string id = 1;
  int32 parcels = 2;
  google.protobuf.Timestamp shipped_at = 3;
  message Stop {
    string city = 1;
    int64 eta_s = 2;
  }
  repeated Stop stops = 4;
  common.Money fee = 5;
}

message Cancelled {
  string shipment_id = 1;
  bytes reason_blob = 2;
  enum Why { UNKNOWN = 0; CUSTOMER = 1; }
  Why why = 3;
}
"""
MONEY = """
syntax = "proto3";
package common;
message Money { string currency = 1; int64 units = 2; }
"""
HEADER = b"\x00\x00\x00\x00\x15"  # schema id 21


def field(number: int, wire_type: int, payload: bytes) -> bytes:
    return bytes([(number << 3) | wire_type]) + payload


def text_field(number: int, text: bytes) -> bytes:
    return field(number, 2, bytes([len(text)]) + text)


@pytest.fixture(scope="module")
def registry() -> MemoryRegistry:
    found = MemoryRegistry()
    found.add(20, MONEY, "PROTOBUF", subject="money", version=1)
    found.add(21, SHIPMENTS, "PROTOBUF", subject="shipments-value",
              references=(("common/money.proto", "money", 1),))  # fmt: skip
    return found


@pytest.fixture(scope="module")
def decoder(registry: MemoryRegistry) -> AutoDecoder:
    return AutoDecoder(registry)


def test_index_0_is_the_first_message(decoder: AutoDecoder) -> None:
    stop = text_field(1, b"Oslo") + field(2, 0, b"\x2a")
    fee = text_field(1, b"NOK") + field(2, 0, b"\x07")
    when = field(1, 0, b"\x80\xe4\x97\xd0\x12")  # seconds = 5000000000
    body = (
        text_field(1, b"s-1") + field(2, 0, b"\x03") + text_field(3, when)
        + text_field(4, stop) + text_field(5, fee)
    )  # fmt: skip
    result = decoder.decode(HEADER + b"\x00" + body, is_key=False)
    assert result.error is None, result.error
    assert (result.format, result.schema_id, result.subject) == ("protobuf", 21, "shipments-value")
    assert result.value == {
        "id": "s-1",
        "parcels": 3,
        "shipped_at": "2128-06-11T08:53:20Z",
        "stops": [{"city": "Oslo", "eta_s": "42"}],  # int64 is a string in Protobuf JSON
        "fee": {"currency": "NOK", "units": "7"},
    }


def test_index_1_is_the_second_message(decoder: AutoDecoder) -> None:
    body = text_field(1, b"s-9") + text_field(2, b"\x00\xff") + field(3, 0, b"\x01")
    result = decoder.decode(HEADER + b"\x02\x02" + body, is_key=False)
    assert result.value == {"shipment_id": "s-9", "reason_blob": "AP8=", "why": "CUSTOMER"}


def test_nested_index_path_picks_the_nested_message(decoder: AutoDecoder) -> None:
    body = text_field(1, b"Lima")
    result = decoder.decode(HEADER + b"\x04\x00\x00" + body, is_key=False)
    assert result.value == {"city": "Lima"}


@pytest.mark.parametrize("indexes", [b"\x02\x04", b"\x04\x00\x08", b"\x04\x02\x00", b"\x80"])
def test_wrong_or_malformed_indexes_are_errors_as_data(
    decoder: AutoDecoder, indexes: bytes
) -> None:
    data = HEADER + indexes + text_field(1, b"x")
    result = decoder.decode(data, is_key=False)
    assert result.format == "protobuf" and result.value is None and result.schema_id == 21
    assert "index" in (result.error or "")
    assert result.hex == data.hex()


def test_garbage_body_is_an_error_as_data(decoder: AutoDecoder) -> None:
    result = decoder.decode(HEADER + b"\x00" + b"\x0a\x7fshort", is_key=False)
    assert result.value is None
    assert "does not parse as demo.logistics.Shipment" in (result.error or "")


def test_forcing_avro_on_a_protobuf_schema_says_so(decoder: AutoDecoder) -> None:
    result = decoder.decode(HEADER + b"\x00", is_key=False, fmt="avro")
    assert result.error == "schema id 21 is protobuf, not avro"


def test_schema_that_does_not_compile_is_reported_and_not_retried() -> None:
    registry = MemoryRegistry()
    registry.add(5, 'syntax = "proto3"; message X { strin id = 1 }', "PROTOBUF")
    decoder = AutoDecoder(registry)
    first = decoder.decode(b"\x00\x00\x00\x00\x05\x00", is_key=False)
    second = decoder.decode(b"\x00\x00\x00\x00\x05\x00", is_key=False)
    assert "does not compile" in (first.error or "") and second.error == first.error
    assert registry.calls == 1


def test_base64_descriptor_schemas_work_too() -> None:
    """Some registries return a serialized FileDescriptorProto instead of text."""
    money = compile_proto(MONEY)[-1]
    registry = MemoryRegistry()
    registry.add(30, base64.b64encode(money).decode(), "PROTOBUF")
    body = text_field(1, b"EUR")
    result = AutoDecoder(registry).decode(b"\x00\x00\x00\x00\x1e\x00" + body, is_key=False)
    assert result.value == {"currency": "EUR"}


def test_encode_protobuf_round_trips(decoder: AutoDecoder) -> None:
    value = {"city": "Tromsø", "eta_s": "60"}
    data = encode_protobuf(SHIPMENTS, 21, "demo.logistics.Shipment.Stop", value,
                           imports={"common/money.proto": MONEY})  # fmt: skip
    assert data[5:8] == b"\x04\x00\x00"
    assert decoder.decode(data, is_key=False).value == value
