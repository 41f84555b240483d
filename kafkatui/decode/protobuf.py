"""Protobuf decoded dynamically from the schema the registry holds.

Registries hand Protobuf schemas back as .proto text (or, when asked, as a base64
FileDescriptorProto). The `protobuf` runtime has no .proto parser, so text is compiled by
`protoc` itself, the one shipped in the `grpcio-tools` package (maintained by the gRPC
project, bundles the well-known types such as google/protobuf/timestamp.proto), run as a
child process: `--include_imports --descriptor_set_out` yields a FileDescriptorSet, and
compiler errors come back as text instead of being written to the terminal the TUI owns.
This happens once per schema id.

The files go into a fresh DescriptorPool per schema; the wire format's message-index path
picks the message type, `message_factory` makes its class, and
`json_format.MessageToDict(preserving_proto_field_name=True)` gives the JSON (the
canonical Protobuf JSON mapping: int64 as strings, bytes as base64, Timestamp as
RFC 3339, fields holding their default value left out).
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import importlib.util
import posixpath
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.message import Message

from kafkatui.decode.errors import DecodeFailure
from kafkatui.decode.model import SchemaVersion
from kafkatui.decode.wire import (
    HEADER_SIZE,
    encode_header,
    encode_message_indexes,
    read_message_indexes,
)

FetchVersion = Callable[[str, int], SchemaVersion]
MAIN_FILE = "registry_schema.proto"  # the schema's own file name; imports use reference names
PROTOC_TIMEOUT_S = 30.0
_WELL_KNOWN = "google/protobuf/"


def _safe_name(name: str) -> str:
    """A reference name used as a relative path; refuses anything that climbs out."""
    norm = posixpath.normpath(name)
    if not name or norm.startswith(("/", "..")) or "\\" in name or "\0" in name:
        raise DecodeFailure(f"Protobuf reference has an unusable file name: {name!r}")
    return norm


def compile_proto(main_text: str, imports: Mapping[str, str] | None = None) -> list[bytes]:
    """Serialized FileDescriptorProtos for `main_text` and all it imports, dependencies first.

    `imports` maps import paths to .proto text; well-known google/protobuf/ files are built in.
    """
    if importlib.util.find_spec("grpc_tools") is None:
        raise DecodeFailure("Protobuf schemas need the grpcio-tools package (protoc)")
    with tempfile.TemporaryDirectory(prefix="kafkatui-proto-") as tmp:
        root = Path(tmp)
        for name, text in {**(imports or {}), MAIN_FILE: main_text}.items():
            path = root / _safe_name(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        out = root / "out.desc"
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "grpc_tools.protoc", f"--proto_path={tmp}",
                 "--include_imports", f"--descriptor_set_out={out}", MAIN_FILE],
                capture_output=True, text=True, timeout=PROTOC_TIMEOUT_S, cwd=tmp, check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as err:
            raise DecodeFailure(f"could not run protoc: {err}") from None
        if proc.returncode != 0 or not out.exists():
            lines = proc.stderr.replace(tmp + "/", "").strip().splitlines()
            raise DecodeFailure(f"Protobuf schema does not compile: {lines[0] if lines else '?'}")
        fds = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    return [f.SerializeToString() for f in fds.file]


def _as_descriptor(text: str) -> bytes | None:
    """The serialized FileDescriptorProto when `text` is one in base64, else None."""
    stripped = text.strip()
    if not stripped or any(c in stripped for c in " \n;{"):
        return None
    try:
        raw = base64.b64decode(stripped, validate=True)
        descriptor_pb2.FileDescriptorProto.FromString(raw)
    except Exception:  # not base64, or not a descriptor
        return None
    return raw


def _well_known(name: str) -> bytes:
    """A google/protobuf/*.proto file from the runtime's own pool."""
    # Importing the generated module registers its file in the default pool.
    module = f"google.protobuf.{posixpath.basename(name).removesuffix('.proto')}_pb2"
    if name.startswith(_WELL_KNOWN):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    try:
        found = descriptor_pool.Default().FindFileByName(name)
    except KeyError:
        raise DecodeFailure(f"Protobuf schema imports unknown file {name}") from None
    proto = descriptor_pb2.FileDescriptorProto()
    found.CopyToProto(proto)
    return proto.SerializeToString()


def _collect(
    version: SchemaVersion, fetch: FetchVersion, into: dict[str, str], seen: set[tuple[str, int]]
) -> None:
    for name, subject, number in version.references:
        if (subject, number) in seen or name.startswith(_WELL_KNOWN):
            continue
        seen.add((subject, number))
        referenced = fetch(subject, number)
        into[name] = referenced.schema
        _collect(referenced, fetch, into, seen)


def _descriptor_files(main: bytes, imports: Mapping[str, str]) -> list[bytes]:
    """Files for a base64 main schema: every dependency before its dependents."""
    ordered: list[bytes] = []
    done: set[str] = set()

    def add(name: str, raw: bytes) -> None:
        if name in done:
            return
        done.add(name)
        for dep in descriptor_pb2.FileDescriptorProto.FromString(raw).dependency:
            if dep in imports:
                dep_raw = _as_descriptor(imports[dep])
                if dep_raw is None:
                    raise DecodeFailure(f"Protobuf reference {dep} is not a descriptor")
                add(dep, dep_raw)
            else:
                add(dep, _well_known(dep))
        ordered.append(raw)

    add(MAIN_FILE, main)
    return ordered


class ProtobufCodec:
    """Reads Protobuf bodies (message indexes + message) for one registered schema."""

    format = "protobuf"

    def __init__(self, files: Sequence[bytes]) -> None:
        """`files`: serialized FileDescriptorProtos, dependencies first, the schema's own last."""
        self._pool = descriptor_pool.DescriptorPool()
        try:
            for raw in files:
                self._pool.AddSerializedFile(raw)
        except Exception as err:
            raise DecodeFailure(f"Protobuf schema is inconsistent: {err}") from None
        self._main = descriptor_pb2.FileDescriptorProto.FromString(files[-1])
        self._classes: dict[tuple[int, ...], type[Message]] = {}

    @classmethod
    def from_text(cls, text: str, imports: Mapping[str, str] | None = None) -> ProtobufCodec:
        raw = _as_descriptor(text)
        if raw is not None:
            return cls(_descriptor_files(raw, imports or {}))
        return cls(compile_proto(text, imports))

    @classmethod
    def from_version(cls, version: SchemaVersion, fetch: FetchVersion) -> ProtobufCodec:
        imports: dict[str, str] = {}
        _collect(version, fetch, imports, set())
        return cls.from_text(version.schema, imports)

    def full_name(self, indexes: tuple[int, ...]) -> str:
        """The message type the index path points at, e.g. (1, 0) -> 'pkg.Second.Inner'."""
        names: list[str] = []
        level: Sequence[descriptor_pb2.DescriptorProto] = self._main.message_type
        for index in indexes:
            if index >= len(level):
                raise DecodeFailure(f"Protobuf message index path {list(indexes)} not in schema")
            names.append(level[index].name)
            level = level[index].nested_type
        package = self._main.package
        return ".".join([package, *names]) if package else ".".join(names)

    def index_path(self, full_name: str) -> tuple[int, ...]:
        """The inverse of `full_name`, used when producing."""
        package = self._main.package
        relative = full_name[len(package) + 1 :] if package else full_name
        path: list[int] = []
        level: Sequence[descriptor_pb2.DescriptorProto] = self._main.message_type
        for part in relative.split("."):
            found = [i for i, m in enumerate(level) if m.name == part]
            if not found:
                raise DecodeFailure(f"no message {full_name} in this schema")
            path.append(found[0])
            level = level[found[0]].nested_type
        return tuple(path)

    def message_class(self, indexes: tuple[int, ...]) -> type[Message]:
        found = self._classes.get(indexes)
        if found is None:
            descriptor = self._pool.FindMessageTypeByName(self.full_name(indexes))
            found = message_factory.GetMessageClass(descriptor)
            self._classes[indexes] = found
        return found

    def decode(self, data: bytes, offset: int = HEADER_SIZE) -> Any:
        parsed = read_message_indexes(data, offset)
        if parsed is None:
            raise DecodeFailure("Protobuf message-index array is truncated or malformed")
        indexes, start = parsed
        message = self.message_class(indexes)()
        try:
            message.ParseFromString(data[start:])
        except Exception:
            raise DecodeFailure(
                f"Protobuf body does not parse as {message.DESCRIPTOR.full_name}"
            ) from None
        try:
            return json_format.MessageToDict(message, preserving_proto_field_name=True)
        except Exception as err:
            raise DecodeFailure(f"Protobuf message has no JSON form: {err}") from None


@lru_cache(maxsize=16)
def _codec_for(text: str, imports: tuple[tuple[str, str], ...]) -> ProtobufCodec:
    return ProtobufCodec.from_text(text, dict(imports))


def encode_protobuf(
    schema_text: str,
    schema_id: int,
    message: str,
    value: Mapping[str, Any],
    imports: Mapping[str, str] | None = None,
) -> bytes:
    """Wire header, message indexes and body for `value` as the message type `message`
    (its full name, e.g. 'demo.Shipment'). Raises DecodeFailure or json_format.ParseError."""
    codec = _codec_for(schema_text, tuple(sorted((imports or {}).items())))
    path = codec.index_path(message)
    built = json_format.ParseDict(dict(value), codec.message_class(path)())
    return encode_header(schema_id) + encode_message_indexes(path) + built.SerializeToString()
