"""JSON Schema and Protobuf changes between two versions, with their verdicts.

JSON Schema: a consumer validates data against its schema, so BACKWARD asks whether the new
schema accepts everything the old one did, FORWARD the reverse. The rules follow the
registries' (Confluent's JSON Schema compatibility): an open content model (additional
properties allowed) takes unknown properties, a closed one refuses them; a property made
required refuses old data without it; a type or enum that widens accepts more. Constraints
it cannot compare (a pattern, a format, a `$ref` to elsewhere) count as breaking both ways.

Protobuf: fields match by number, unknown fields are skipped and missing ones read as their
default, so adding or removing an optional field is compatible both ways; changing a
field's number or its wire type is not. Scalar types that share a wire encoding (int32,
int64, uint32, uint64 and bool; sint32 and sint64; fixed32 and sfixed32; fixed64 and
sfixed64; string and bytes) stay compatible, values possibly truncated.
"""

from __future__ import annotations

import json
from typing import Any

from kafkatui.decode.schema_diff import Change

_BOUNDS_UP = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_BOUNDS_DOWN = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_OPAQUE = ("pattern", "format", "$ref", "const", "multipleOf", "allOf", "anyOf", "oneOf", "not")


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    if kind is None:
        return set()
    return set(kind) if isinstance(kind, list) else {str(kind)}


def _accepts(wider: set[str], narrower: set[str]) -> bool:
    """Does a schema of types `wider` accept every value of types `narrower`?"""
    if not wider:
        return True  # no type: anything
    covered = wider | ({"integer"} if "number" in wider else set())
    return bool(narrower) and narrower <= covered


def _is_open(schema: dict[str, Any]) -> bool:
    return schema.get("additionalProperties", True) is not False


class _JsonDiff:
    def __init__(self) -> None:
        self.changes: list[Change] = []

    def add(self, path: str, what: str, detail: str, back: bool, fwd: bool, why: str = "") -> None:
        self.changes.append(Change(path or "(root)", what, detail, back, fwd, why))

    def compare(self, old: Any, new: Any, path: str) -> None:
        if not isinstance(old, dict) or not isinstance(new, dict):
            if old != new:
                self.add(path, "schema changed", "", False, False, "boolean schemas differ")
            return
        self._type(old, new, path)
        self._properties(old, new, path)
        self._enum(old, new, path)
        self._bounds(old, new, path)
        if "items" in old or "items" in new:
            self.compare(old.get("items", {}), new.get("items", {}), f"{path}[]")

    def _type(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = _types(old), _types(new)
        if before == after:
            return
        back, fwd = _accepts(after, before), _accepts(before, after)
        what = "type widened" if back and not fwd else "type narrowed" if fwd else "type changed"
        detail = f"{'/'.join(sorted(before)) or 'any'} -> {'/'.join(sorted(after)) or 'any'}"
        self.add(path, what, detail, back, fwd)

    def _properties(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = old.get("properties", {}), new.get("properties", {})
        req_before, req_after = set(old.get("required", [])), set(new.get("required", []))
        prefix = f"{path}." if path else ""
        for name in after:
            if name in before:
                self.compare(before[name], after[name], prefix + name)
                continue
            required = name in req_after
            fwd = _is_open(old)
            what = "required property added" if required else "property added"
            why = "; ".join(
                text
                for ok, text in (
                    (not required, "old data may lack it"),
                    (fwd, "the old schema refuses unknown properties"),
                )
                if not ok
            )
            self.add(prefix + name, what, _kind(after[name]), not required, fwd, why)
        for name in before:
            if name in after:
                continue
            back = _is_open(new)
            fwd = name not in req_before
            why = "; ".join(
                text
                for ok, text in (
                    (back, "the new schema refuses unknown properties"),
                    (fwd, "the old schema requires it"),
                )
                if not ok
            )
            self.add(prefix + name, "property removed", _kind(before[name]), back, fwd, why)
        kept = set(before) & set(after)
        for name in sorted((req_after - req_before) & kept):
            self.add(
                prefix + name, "property made required", "", False, True, "old data may lack it"
            )
        for name in sorted((req_before - req_after) & kept):
            self.add(
                prefix + name, "property made optional", "", True, False, "old readers require it"
            )
        if _is_open(old) != _is_open(new):
            closing = _is_open(old)
            what = "additional properties refused" if closing else "additional properties allowed"
            self.add(
                path,
                what,
                "",
                not closing,
                closing,
                "the stricter side refuses properties the other accepts",
            )

    def _enum(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        if "enum" not in old and "enum" not in new:
            return
        before, after = old.get("enum"), new.get("enum")
        if before is None or after is None:
            back = after is None
            self.add(path, "enum " + ("dropped" if back else "introduced"), "", back, not back)
            return
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        if added:
            self.add(path, "enum value added", _values(added), True, False, "old readers refuse it")
        if removed:
            self.add(
                path, "enum value removed", _values(removed), False, True, "old data may hold it"
            )

    def _bounds(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        for key in (*_BOUNDS_UP, *_BOUNDS_DOWN):
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            if before is None or after is None:
                widened = after is None
            else:
                widened = (after > before) == (key in _BOUNDS_UP)
            detail = f"{key} {_values([before])} -> {_values([after])}"
            self.add(
                path,
                "constraint relaxed" if widened else "constraint tightened",
                detail,
                widened,
                not widened,
            )
        for key in _OPAQUE:
            if old.get(key) != new.get(key):
                self.add(
                    path,
                    f"{key} changed",
                    "",
                    False,
                    False,
                    "cannot tell what it accepts from here: judged breaking",
                )


def _kind(schema: Any) -> str:
    return "/".join(sorted(_types(schema))) if isinstance(schema, dict) else json.dumps(schema)


def _values(values: list[Any]) -> str:
    return ", ".join(json.dumps(v, ensure_ascii=False) for v in values)


def json_schema_changes(old: Any, new: Any) -> list[Change]:
    diff = _JsonDiff()
    diff.compare(old, new, "")
    return diff.changes


# ---- Protobuf --------------------------------------------------------------------------------
_WIRE_GROUPS = (
    {"int32", "int64", "uint32", "uint64", "bool"},
    {"sint32", "sint64"},
    {"fixed32", "sfixed32"},
    {"fixed64", "sfixed64"},
    {"string", "bytes"},
)
_LENGTH_DELIMITED = {"string", "bytes", "message"}


def _messages(text: str) -> tuple[dict[str, Any], dict[str, list[tuple[str, int]]]]:
    """Fields per message full name {number: (name, type, label)} and enum values per enum."""
    from google.protobuf import descriptor_pb2

    from kafkatui.decode.protobuf import compile_proto

    main = descriptor_pb2.FileDescriptorProto.FromString(compile_proto(text)[-1])
    messages: dict[str, Any] = {}
    enums: dict[str, list[tuple[str, int]]] = {}

    def walk(prefix: str, message_types: Any, enum_types: Any) -> None:
        for enum in enum_types:
            enums[f"{prefix}{enum.name}"] = [(v.name, v.number) for v in enum.value]
        for message in message_types:
            name = f"{prefix}{message.name}"
            messages[name] = {f.number: (f.name, _field_type(f), f.label) for f in message.field}
            walk(name + ".", message.nested_type, message.enum_type)

    walk(f"{main.package}." if main.package else "", main.message_type, main.enum_type)
    return messages, enums


def _field_type(field: Any) -> str:
    from google.protobuf import descriptor_pb2

    kind = descriptor_pb2.FieldDescriptorProto.Type.Name(field.type)
    name = kind.removeprefix("TYPE_").lower()
    if name in ("message", "enum", "group"):
        return field.type_name.lstrip(".")
    return name


def _wire_compatible(a: str, b: str, messages: set[str]) -> bool:
    if a == b:
        return True
    if a in messages and b in messages:
        return False  # another message type: judged by name
    return any(a in group and b in group for group in _WIRE_GROUPS)


def protobuf_changes(old_text: str, new_text: str) -> list[Change]:
    """Compiles both (with protoc), then compares messages by name and fields by number."""
    old_msgs, old_enums = _messages(old_text)
    new_msgs, new_enums = _messages(new_text)
    known = set(old_msgs) | set(new_msgs)
    changes: list[Change] = []
    for name in new_msgs.keys() - old_msgs.keys():
        changes.append(Change(name, "message added", "", True, True))
    for name in old_msgs.keys() - new_msgs.keys():
        changes.append(
            Change(
                name, "message removed", "", True, True, "fine unless a field still refers to it"
            )
        )
    for name in sorted(old_msgs.keys() & new_msgs.keys()):
        changes += _fields(name, old_msgs[name], new_msgs[name], known)
    for name in sorted(old_enums.keys() & new_enums.keys()):
        added = sorted(set(new_enums[name]) - set(old_enums[name]))
        removed = sorted(set(old_enums[name]) - set(new_enums[name]))
        if added:
            changes.append(
                Change(
                    name,
                    "enum value added",
                    _enum_values(added),
                    True,
                    True,
                    "old readers keep it as an unknown number",
                )
            )
        if removed:
            changes.append(
                Change(
                    name,
                    "enum value removed",
                    _enum_values(removed),
                    True,
                    True,
                    "reserve the number so it is never reused",
                )
            )
    return changes


def _enum_values(values: list[tuple[str, int]]) -> str:
    return ", ".join(f"{n} = {v}" for n, v in values)


def _fields(
    message: str, old: dict[int, Any], new: dict[int, Any], known: set[str]
) -> list[Change]:
    from google.protobuf import descriptor_pb2

    required = descriptor_pb2.FieldDescriptorProto.LABEL_REQUIRED
    repeated = descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED
    changes = []
    old_numbers = {name: number for number, (name, _, _) in old.items()}
    for number in sorted(new.keys() - old.keys()):
        name, kind, label = new[number]
        moved = old_numbers.get(name)
        if moved is not None and moved not in new:
            changes.append(
                Change(
                    f"{message}.{name}",
                    "field number changed",
                    f"{moved} -> {number}",
                    False,
                    False,
                    "data is matched by number: old and new disagree",
                )
            )
            continue
        back = label != required
        changes.append(
            Change(
                f"{message}.{name}",
                "field added",
                f"{kind} = {number}",
                back,
                True,
                "" if back else "a required field: old data lacks it",
            )
        )
    new_names = {name for name, _, _ in new.values()}
    for number in sorted(old.keys() - new.keys()):
        name, kind, label = old[number]
        if name in new_names:
            continue  # reported as a number change
        fwd = label != required
        changes.append(
            Change(
                f"{message}.{name}",
                "field removed",
                f"{kind} = {number}",
                True,
                fwd,
                "reserve its number and name" if fwd else "a required field: old readers need it",
            )
        )
    for number in sorted(old.keys() & new.keys()):
        (o_name, o_kind, o_label), (n_name, n_kind, n_label) = old[number], new[number]
        path = f"{message}.{n_name}"
        if o_name != n_name:
            changes.append(
                Change(
                    path,
                    "field renamed",
                    f"{o_name} -> {n_name}",
                    True,
                    True,
                    "binary data is unaffected; its JSON form changes",
                )
            )
        if o_kind != n_kind:
            ok = _wire_compatible(o_kind, n_kind, known)
            changes.append(
                Change(
                    path,
                    "field type changed",
                    f"{o_kind} -> {n_kind}",
                    ok,
                    ok,
                    "same wire type: values may be truncated" if ok else "a different wire type",
                )
            )
        if o_label != n_label:
            ok = (repeated not in (o_label, n_label)) or (
                n_kind in _LENGTH_DELIMITED or n_kind in known
            )
            back = ok and n_label != required
            fwd = ok and o_label != required
            changes.append(
                Change(
                    path,
                    "field label changed",
                    f"{_label(o_label)} -> {_label(n_label)}",
                    back,
                    fwd,
                )
            )
    return changes


def _label(label: int) -> str:
    from google.protobuf import descriptor_pb2

    return descriptor_pb2.FieldDescriptorProto.Label.Name(label).removeprefix("LABEL_").lower()
