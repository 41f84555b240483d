"""Decoding keys and values: Confluent wire format, Avro, Protobuf, JSON Schema, JSON, text, hex.

No IO apart from the registry lookups `AutoDecoder` makes through its `SchemaLookup`.
"""

from kafkatui.decode.auto import FORMATS, AutoDecoder
from kafkatui.decode.avro import encode_avro
from kafkatui.decode.model import Decoded
from kafkatui.decode.protobuf import encode_protobuf
from kafkatui.decode.schemas import SchemaLookup

__all__ = ["FORMATS", "AutoDecoder", "Decoded", "SchemaLookup", "encode_avro", "encode_protobuf"]
