"""The demo data's schemas: Avro orders (v1, v2) and Protobuf shipments."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

ORDER_FIELDS: list[dict[str, Any]] = [
    {"name": "order_id", "type": "string"},
    {"name": "customer", "type": "string"},
    {
        "name": "amount",
        "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2},
    },
    {
        "name": "currency",
        "type": {"type": "enum", "name": "Currency", "symbols": ["EUR", "USD", "GBP"]},
    },
    {"name": "created_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {
        "name": "items",
        "type": {
            "type": "array",
            "items": {
                "type": "record",
                "name": "Item",
                "fields": [
                    {"name": "sku", "type": "string"},
                    {"name": "quantity", "type": "int"},
                ],
            },
        },
    },
    {"name": "coupon", "type": ["null", "string"], "default": None},
]

ORDER_V1 = json.dumps(
    {"type": "record", "name": "Order", "namespace": "demo.shop", "fields": ORDER_FIELDS}
)
ORDER_V2 = json.dumps(
    {
        "type": "record",
        "name": "Order",
        "namespace": "demo.shop",
        "fields": [*ORDER_FIELDS, {"name": "channel", "type": "string", "default": "web"}],
    }
)

SHIPMENT_PROTO = """\
syntax = "proto3";
package demo.logistics;

message Shipment {
  string shipment_id = 1;
  string order_id = 2;
  string carrier = 3;
  Status status = 4;
  int64 weight_grams = 5;

  enum Status {
    CREATED = 0;
    IN_TRANSIT = 1;
    DELIVERED = 2;
  }
}
"""


@cache
def shipment_class() -> Any:
    """A message class for SHIPMENT_PROTO, built from a descriptor (no protoc needed)."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    file = descriptor_pb2.FileDescriptorProto(
        name="shipment.proto", package="demo.logistics", syntax="proto3"
    )
    msg = file.message_type.add(name="Shipment")
    field = descriptor_pb2.FieldDescriptorProto
    for number, (name, kind) in enumerate(
        [
            ("shipment_id", field.TYPE_STRING),
            ("order_id", field.TYPE_STRING),
            ("carrier", field.TYPE_STRING),
            ("status", field.TYPE_ENUM),
            ("weight_grams", field.TYPE_INT64),
        ],
        start=1,
    ):
        entry = msg.field.add(name=name, number=number, type=kind, label=field.LABEL_OPTIONAL)
        if kind == field.TYPE_ENUM:
            entry.type_name = ".demo.logistics.Shipment.Status"
    status = msg.enum_type.add(name="Status")
    for number, name in enumerate(["CREATED", "IN_TRANSIT", "DELIVERED"]):
        status.value.add(name=name, number=number)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("demo.logistics.Shipment"))
