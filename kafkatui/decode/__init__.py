"""Decoding keys and values: Confluent wire format, Avro, Protobuf, JSON Schema, JSON, text, hex.

No IO apart from the registry lookups `AutoDecoder` makes through its `SchemaLookup`.
Names are loaded on first use, so importing `kafkatui.decode.model` (as the client API
does) does not pay for fastavro and protobuf at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kafkatui.decode.auto import FORMATS, AutoDecoder
    from kafkatui.decode.avro import encode_avro
    from kafkatui.decode.model import Decoded
    from kafkatui.decode.protobuf import encode_protobuf
    from kafkatui.decode.schemas import SchemaLookup

_WHERE = {
    "FORMATS": "auto",
    "AutoDecoder": "auto",
    "encode_avro": "avro",
    "Decoded": "model",
    "encode_protobuf": "protobuf",
    "SchemaLookup": "schemas",
}

__all__ = ["FORMATS", "AutoDecoder", "Decoded", "SchemaLookup", "encode_avro", "encode_protobuf"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"kafkatui.decode.{_WHERE[name]}"), name)
