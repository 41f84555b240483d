"""Avro bodies straight to JSON text: the fast path of `kafkatui tail --format jsonl`.

The reference path (`AvroCodec.decode`, then `to_json`, then the JSON encoder) builds
a dict per record, maps its logical values and walks it again to print it: three
passes, most of the cost of an Avro tail. For a writer schema without recursion,
`compile_transcoder` generates one Python function that reads the body and builds
the JSON text in a single pass, with the field names pre-encoded.

It is a fast path only. Anything unexpected (a truncated body, bad UTF-8, an index
out of range, a value a logical type rejects) raises, and the caller decodes that
record the reference way, which also words the error. Logical types go through
fastavro's own readers and `to_json`, so both paths print the same text; a unit test
holds them to that over generated schemas and data.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
from collections.abc import Callable
from typing import Any
from uuid import UUID

import fastavro.read

from kafkatui.decode.jsonvalue import to_json

Transcoder = Callable[[bytes, int], str]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")  # a field name safe inside the generated code
_MAX_VARINT_BYTES = 10
_TIMESTAMPS = frozenset({"long-timestamp-millis", "long-local-timestamp-millis"})
_PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})


class Unsupported(Exception):
    """The schema has something the generator does not handle; use the reference path."""


class Malformed(ValueError):
    """The body does not read as the schema says (the reference path words why)."""


# ---- helpers the generated code calls ----------------------------------------------------
# A varint's first byte looked up in a table: the value of a one-byte varint, None when
# more bytes follow (or, for lengths, when the value is negative). Most counts, lengths
# and small numbers take one byte, and a lookup is cheaper than the zigzag arithmetic.
_ONE_BYTE = tuple((i >> 1) ^ -(i & 1) if i < 0x80 else None for i in range(256))
_ONE_BYTE_LENGTH = tuple(i >> 1 if i < 0x80 and not i & 1 else None for i in range(256))
# A later byte of a varint by its shift: its low 7 bits, shifted. A lookup is cheaper
# than masking and shifting, which build a new int each for the larger values.
_CONTINUED = {
    shift: tuple((i & 0x7F) << shift for i in range(256))
    for shift in range(7, 7 * _MAX_VARINT_BYTES, 7)
}
# indexes (unions, enums) below this are one byte: twice the index, by zigzag
_ONE_BYTE_INDEXES = 64
# how a timestamp's text ends after its whole seconds, by milliseconds (none: no fraction)
_MILLIS_END = ('Z"', *(f'.{n:03d}Z"' for n in range(1, 1000)))


def _float_json(value: float) -> str:
    if value - value == 0:  # finite
        return repr(value)
    if value != value:
        return '"NaN"'
    return '"Infinity"' if value > 0 else '"-Infinity"'


def _bytes_json(value: bytes) -> str:
    return f'"{base64.b64encode(value).decode("ascii")}"'


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


def _uuid_json(value: str) -> str:
    """str(UUID(value)) quoted, for the forms other than 32 hex digits (handled inline);
    building a UUID costs microseconds, the canonical form not."""
    if _CANONICAL_UUID.match(value):
        return f'"{value}"'
    return f'"{UUID(value)}"'


_escape: Callable[[str], str] = json.encoder.encode_basestring  # with its quotes


def _json_of(value: Any) -> str:
    """As the tail's encoder prints a `to_json` result (compact, non-ASCII kept)."""
    if type(value) is str:
        return _escape(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Seconds(dict[int, str]):
    """The text of whole seconds of a millisecond timestamp, as the reference prints it
    but without the closing `Z"`; the generated code appends the fraction. Indexed, not
    asked with `.get`: a subscript costs less than a method call."""

    def __init__(self, reader: Callable[..., Any], schema: Any) -> None:
        super().__init__()
        self._reader, self._schema = reader, schema

    def __missing__(self, second: int) -> str:
        if len(self) > 4096:
            self.clear()
        whole = _json_of(to_json(self._reader(second * 1000, self._schema, None)))
        if not whole.endswith('Z"') or "." in whole:
            raise Malformed("unexpected timestamp text")  # the reference path decides
        text = self[second] = whole[:-2]
        return text


# ---- the generator ---------------------------------------------------------------------
class _Generator:
    """Emits the body of `transcode(d, p)`; every value ends up as a text expression."""

    def __init__(self, named: dict[str, Any]) -> None:
        self.named = named
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {
            "_one_byte": _ONE_BYTE,
            "_one_byte_length": _ONE_BYTE_LENGTH,
            "_millis_end": _MILLIS_END,
            "_float_json": _float_json,
            "_bytes_json": _bytes_json,
            "_uuid_json": _uuid_json,
            "_unhexlify": binascii.unhexlify,
            "_escape": _escape,
            "_f32": struct.Struct("<f").unpack_from,
            "_f64": struct.Struct("<d").unpack_from,
            "Malformed": Malformed,
            "_null": "null",
            **{f"_bits_at_{shift}": table for shift, table in _CONTINUED.items()},
        }
        self._count = 0
        self.records: set[str] = set()  # variables holding a record's text (a str)

    def fresh(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def constant(self, value: Any) -> str:
        name = self.fresh("_k")
        self.constants[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    # primitives: code that leaves the raw Python value in a variable
    def read_long(self, indent: int, length: bool = False) -> str:
        """A zigzag varint, inline: one byte from a table, longer ones unrolled (a call
        per timestamp or id cost more, and so did a loop with a shift counter). A
        `length` is never negative."""
        var, more = self.fresh("n"), self.fresh("x")
        table = "_one_byte_length" if length else "_one_byte"
        self.emit(indent, f"{more} = d[p]; p += 1; {var} = {table}[{more}]")
        self.emit(indent, f"if {var} is None:")
        self.emit(indent + 1, f"{var} = {more} & 127")
        self.emit(indent + 1, "while True:  # once: `break` when the last byte is read")
        for shift in range(7, 7 * _MAX_VARINT_BYTES, 7):
            self.emit(indent + 2, f"{more} = d[p]; p += 1; {var} |= _bits_at_{shift}[{more}]")
            self.emit(indent + 2, f"if {more} < 128: break")
        self.emit(indent + 2, "raise Malformed('varint too long')")
        self.emit(indent + 1, f"{var} = ({var} >> 1) ^ -({var} & 1)")
        if length:
            self.emit(indent + 1, f"if {var} < 0: raise Malformed('negative length')")
        return var

    def read_sized(self, indent: int, size: str) -> str:
        """An expression for the next `size` bytes, valid until the next read: callers
        use it at once (a slice stored in a variable cost a store and a load more)."""
        start = self.fresh("o")
        self.emit(indent, f"{start} = p; p += {size}")
        return f"d[{start}:p]"

    def read_raw(self, kind: str, schema: dict[str, Any], indent: int) -> str:
        """The raw value of a primitive or fixed (what fastavro hands a logical reader)."""
        if kind in ("int", "long"):
            return self.read_long(indent)
        if kind == "boolean":
            var = self.fresh("z")
            self.emit(indent, f"{var} = d[p] != 0; p += 1")
            return var
        if kind in ("float", "double"):
            var = self.fresh("f")
            unpack, size = ("_f32", 4) if kind == "float" else ("_f64", 8)
            self.emit(indent, f"{var} = {unpack}(d, p)[0]; p += {size}")
            return var
        if kind == "bytes":
            return self.read_sized(indent, self.read_long(indent, length=True))
        if kind == "string":
            return f"{self.read_sized(indent, self.read_long(indent, length=True))}.decode()"
        if kind == "fixed":
            fixed_size = schema.get("size")
            if not isinstance(fixed_size, int) or fixed_size < 0:
                raise Unsupported("fixed without a size")
            return self.read_sized(indent, str(fixed_size))
        raise Unsupported(kind)

    # any schema: code that leaves JSON text (or an int) in the returned expression
    def value(self, schema: Any, indent: int, open_names: frozenset[str]) -> str:
        if isinstance(schema, list):
            return self.union(schema, indent, open_names)
        if isinstance(schema, str):
            if schema in _PRIMITIVES:
                return self.primitive(schema, {}, indent)
            if schema in open_names:
                raise Unsupported("recursive type")
            if schema not in self.named:
                raise Unsupported(f"unknown type {schema}")
            return self.value(self.named[schema], indent, open_names)
        if not isinstance(schema, dict):
            raise Unsupported(repr(schema))
        kind = schema.get("type")
        if kind == "record" or kind == "error":
            return self.record(schema, indent, open_names | {str(schema.get("name"))})
        if kind == "enum":
            return self.enum(schema, indent)
        if kind == "array":
            return self.array(schema, indent, open_names)
        if kind == "map":
            return self.map(schema, indent, open_names)
        if kind == "fixed" or kind in _PRIMITIVES:
            return self.primitive(kind, schema, indent)
        if isinstance(kind, (dict, list)) or (isinstance(kind, str) and kind in self.named):
            return self.value(kind, indent, open_names)
        raise Unsupported(f"type {kind!r}")

    def primitive(self, kind: str, schema: dict[str, Any], indent: int) -> str:
        if kind == "null":
            return "_null"
        logical = schema.get("logicalType")
        reader = fastavro.read.LOGICAL_READERS.get(f"{kind}-{logical}") if logical else None
        raw = self.read_raw(kind, schema, indent)
        var = self.fresh("t")
        if reader is not None:
            if f"{kind}-{logical}" in _TIMESTAMPS:
                self.timestamp(raw, var, _Seconds(reader, schema), indent)
            elif f"{kind}-{logical}" == "string-uuid":
                self.uuid(raw, var, indent)
            else:
                logical_json = self.constant(_logical_json(reader, schema))
                self.emit(indent, f"{var} = {logical_json}({raw})")
            return var
        if kind in ("int", "long"):
            return raw  # an int formats as its JSON
        text = {
            "boolean": f"'true' if {raw} else 'false'",
            "float": f"repr({raw}) if {raw} - {raw} == 0 else _float_json({raw})",
            "double": f"repr({raw}) if {raw} - {raw} == 0 else _float_json({raw})",
            "bytes": f"_bytes_json({raw})",
            "fixed": f"_bytes_json({raw})",
            "string": f"_escape({raw})",
        }[kind]
        self.emit(indent, f"{var} = {text}")
        return var

    def uuid(self, raw: str, var: str, indent: int) -> None:
        """Inline for 32 hex digits (no UUID object); other forms through `_uuid_json`.
        `unhexlify` accepts exactly the 32-digit texts and is the cheapest check."""
        text, digits = self.fresh("s"), self.fresh("u")
        self.emit(indent, f"{text} = {raw}")
        self.emit(indent, f"if len({text}) == 32:")
        self.emit(indent + 1, f"try: _unhexlify({text})")
        self.emit(indent + 1, f"except ValueError: {var} = _uuid_json({text})")
        self.emit(indent + 1, "else:")
        self.emit(indent + 2, f"{digits} = {text}.lower()")
        dashed = "-".join(
            f"{{{digits}[{start}:{end}]}}"
            for start, end in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))
        )
        self.emit(indent + 2, f"{var} = f'\"{dashed}\"'")
        self.emit(indent, f"else: {var} = _uuid_json({text})")

    def timestamp(self, millis: str, var: str, seconds: _Seconds, indent: int) -> None:
        """Inline: the cached text of the second, then the milliseconds' ending."""
        second = self.fresh("q")
        cache = self.constant(seconds)
        self.emit(indent, f"{second} = {millis} // 1000")
        self.emit(indent, f"{var} = {cache}[{second}] + _millis_end[{millis} - {second} * 1000]")

    def record(self, schema: dict[str, Any], indent: int, open_names: frozenset[str]) -> str:
        parts: list[str] = []
        for field in schema.get("fields", []):
            name = field.get("name")
            if not isinstance(name, str) or not _NAME.match(name):
                raise Unsupported(f"field name {name!r}")
            text = self.value(field.get("type"), indent, open_names)
            parts.append(f'"{name}":{{{text}}}')
        var = self.fresh("r")
        self.records.add(var)
        body = ",".join(parts)
        self.emit(indent, f"{var} = f'{{{{{body}}}}}'")
        return var

    def enum(self, schema: dict[str, Any], indent: int) -> str:
        symbols = tuple(_escape(str(s)) for s in schema.get("symbols", []))
        var = self.fresh("t")
        if len(symbols) <= _ONE_BYTE_INDEXES:  # one table lookup by the index's byte
            by_byte: list[str | None] = [None] * 256
            by_byte[0 : 2 * len(symbols) : 2] = symbols
            self.emit(indent, f"{var} = {self.constant(tuple(by_byte))}[d[p]]; p += 1")
            self.emit(indent, f"if {var} is None: raise Malformed('enum index')")
            return var
        index = self.read_long(indent)
        self.emit(indent, f"if {index} < 0: raise Malformed('enum index')")
        self.emit(indent, f"{var} = {self.constant(symbols)}[{index}]")
        return var

    def union(self, branches: list[Any], indent: int, open_names: frozenset[str]) -> str:
        """A branch index below 64 is one byte, twice the index (zigzag): compared as is.
        A longer encoding of a small index raises, and the reference path reads it."""
        var = self.fresh("t")
        if len(branches) <= _ONE_BYTE_INDEXES:
            index, step = self.fresh("x"), 2
            self.emit(indent, f"{index} = d[p]; p += 1")
        else:
            index, step = self.read_long(indent), 1
        for number, branch in enumerate(branches):
            self.emit(indent, f"{'if' if number == 0 else 'elif'} {index} == {number * step}:")
            self.emit(indent + 1, f"{var} = {self.value(branch, indent + 1, open_names)}")
        self.emit(indent, "else: raise Malformed('union index')")
        return var

    def blocks(self, indent: int) -> tuple[int, str]:
        """Opens the loop over an array's or map's blocks; returns the item indent."""
        count = self.fresh("c")
        self.emit(indent, "while True:")
        self.emit(indent + 1, f"{count} = {self.read_long(indent + 1)}")
        self.emit(indent + 1, f"if {count} == 0: break")
        self.emit(indent + 1, f"if {count} < 0:")
        self.emit(indent + 2, f"{count} = -{count}")
        self.read_long(indent + 2)  # the block's size in bytes, not needed
        self.emit(indent + 1, f"for _ in range({count}):")
        return indent + 2, count

    def array(self, schema: dict[str, Any], indent: int, open_names: frozenset[str]) -> str:
        items_schema = schema.get("items")
        if _can_be_empty(items_schema, self.named):
            raise Unsupported("array items that take no bytes")  # a hostile count loops
        items, var = self.fresh("a"), self.fresh("t")
        self.emit(indent, f"{items} = []")
        inner, _ = self.blocks(indent)
        item = self.value(items_schema, inner, open_names)
        self.emit(inner, f"{items}.append(str({item}))")
        self.emit(indent, f"{var} = '[' + ','.join({items}) + ']'")
        return var

    def map(self, schema: dict[str, Any], indent: int, open_names: frozenset[str]) -> str:
        entries, var = self.fresh("m"), self.fresh("t")
        self.emit(indent, f"{entries} = {{}}")
        inner, _ = self.blocks(indent)
        key = self.fresh("s")
        self.emit(inner, f"{key} = {self.read_raw('string', {}, inner)}")
        item = self.value(schema.get("values"), inner, open_names)
        self.emit(inner, f"{entries}[{key}] = str({item})")  # a repeated key keeps the last
        pairs = f"[_escape(k) + ':' + v for k, v in {entries}.items()]"
        self.emit(indent, f"{var} = '{{' + ','.join({pairs}) + '}}'")
        return var


def _logical_json(reader: Callable[..., Any], schema: Any) -> Callable[[Any], str]:
    return lambda raw: _json_of(to_json(reader(raw, schema, None)))


def _can_be_empty(schema: Any, named: dict[str, Any], depth: int = 0) -> bool:
    """Whether a value of `schema` can take zero bytes (an array of them can loop long)."""
    if depth > 32:
        return True
    if isinstance(schema, str):
        if schema == "null":
            return True
        return schema in named and _can_be_empty(named[schema], named, depth + 1)
    if isinstance(schema, dict):
        kind = schema.get("type")
        if kind in ("record", "error"):
            fields = schema.get("fields", [])
            return all(_can_be_empty(f.get("type"), named, depth + 1) for f in fields)
        if kind == "fixed":
            return schema.get("size") == 0
        if isinstance(kind, (dict, list)) or kind == "null":
            return _can_be_empty(kind, named, depth + 1)
    return False  # unions and everything else read at least one byte


def compile_transcoder(schema: Any, named: dict[str, Any]) -> Transcoder | None:
    """transcode(body, start) -> JSON text for a fastavro-parsed `schema`; None when the
    schema needs the reference path (recursion, or something not handled here)."""
    generator = _Generator(named)
    try:
        text = generator.value(schema, 1, frozenset())
        source = "\n".join(
            [
                "def transcode(d, p):",
                *generator.lines,
                "    if p > len(d): raise Malformed('truncated')",
                f"    return {text}" if text in generator.records else f"    return str({text})",
            ]
        )
        scope = dict(generator.constants)
        exec(compile(source, "<avro-json>", "exec"), scope)  # the source is generated above
    except (Unsupported, SyntaxError, RecursionError, MemoryError):
        return None
    transcode: Transcoder = scope["transcode"]
    return transcode
