"""A per-schema plan that maps fastavro's output to JSON touching only what needs it.

Walking every value of every record with `to_json` costs as much as reading it. Most
fields (strings, ints, booleans, enums, and records or arrays made only of those) are
already JSON, so the plan for a schema visits only fields that hold bytes, fixed, floats
or logical types, and hands those to `to_json`. Recursive types fall back to `to_json`
for the whole value. The plan rewrites fastavro's freshly built dicts in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kafkatui.decode.jsonvalue import to_json

Convert = Callable[[Any], Any]
_AS_IS = frozenset({"null", "boolean", "int", "long", "string", "enum"})


def _record(fields: list[tuple[str, Convert]]) -> Convert:
    def convert(datum: dict[str, Any]) -> dict[str, Any]:
        for name, field_convert in fields:
            datum[name] = field_convert(datum[name])
        return datum

    return convert


def _array(item: Convert) -> Convert:
    return lambda items: [item(v) for v in items]


def _map(value: Convert) -> Convert:
    return lambda entries: {k: value(v) for k, v in entries.items()}


def plan(
    schema: Any, named: dict[str, Any], open_names: frozenset[str] = frozenset()
) -> Convert | None:
    """The converter for values of a parsed `schema`, or None when they are JSON as read."""
    if isinstance(schema, str):
        if schema in _AS_IS:
            return None
        if schema in named:
            if schema in open_names:  # recursive type: no fixed plan
                return to_json
            return plan(named[schema], named, open_names)
        return to_json  # float, double, bytes
    if isinstance(schema, list):  # union: the branch is only known per value
        branches = [plan(branch, named, open_names) for branch in schema]
        return None if all(b is None for b in branches) else to_json
    if not isinstance(schema, dict) or "logicalType" in schema:
        return to_json
    kind = schema.get("type")
    if kind == "record":
        inner = open_names | {schema.get("name", "")}
        fields = [(f["name"], plan(f["type"], named, inner)) for f in schema.get("fields", [])]
        needed = [(name, convert) for name, convert in fields if convert is not None]
        return _record(needed) if needed else None
    if kind == "array":
        item = plan(schema.get("items"), named, open_names)
        return None if item is None else _array(item)
    if kind == "map":
        value = plan(schema.get("values"), named, open_names)
        return None if value is None else _map(value)
    if kind == "enum":
        return None
    if kind == "fixed":
        return to_json
    return plan(kind, named, open_names)  # {"type": "string"} and the like
