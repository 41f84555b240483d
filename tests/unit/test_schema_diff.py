"""The schema diff: canonical pretty-printing, the line diff, and each change's verdicts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kafkatui.decode.schema_diff import Change, diff_schemas, line_diff, pretty_schema
from kafkatui.sandbox.demo_schemas import ORDER_V1, ORDER_V2


def record(*fields: dict[str, Any], name: str = "Order", **extra: Any) -> str:
    return json.dumps({"type": "record", "name": name, "fields": list(fields), **extra})


def field(name: str, kind: Any = "string", **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": kind, **extra}


def changes(kind: str, old: str, new: str) -> list[Change]:
    diff = diff_schemas(kind, old, new)
    assert diff.unjudged is None, diff.unjudged
    return list(diff.changes)


def one(kind: str, old: str, new: str) -> Change:
    found = changes(kind, old, new)
    assert len(found) == 1, found
    return found[0]


def verdict(change: Change) -> tuple[str, bool, bool, bool]:
    return (change.what, change.backward, change.forward, change.full)


# ---- pretty printing and the line diff ---------------------------------------------------
def test_demo_orders_v1_to_v2_is_one_added_line_and_one_judged_change() -> None:
    diff = diff_schemas("AVRO", ORDER_V1, ORDER_V2)
    assert [(line.kind, line.text.strip()) for line in diff.lines if line.kind in "+-"] == [
        ("+", '{"name": "channel", "type": "string", "default": "web"}')
    ]
    (change,) = diff.changes
    assert change.path == "Order.channel"
    assert change.summary() == "field added with default: BACKWARD ok, FORWARD ok, FULL ok"
    assert diff.backward and diff.forward and diff.full


def test_pretty_form_is_canonical_whatever_the_key_order_and_spacing() -> None:
    a = '{"fields":[{"type":"int","name":"n"}],"name":"R","type":"record"}'
    parsed = {"type": "record", "name": "R", "fields": [{"name": "n", "type": "int"}]}
    b = json.dumps(parsed, indent=4)
    assert pretty_schema("AVRO", a) == pretty_schema("AVRO", b)
    assert pretty_schema("AVRO", a).splitlines() == [
        "{",
        '  "name": "R",',
        '  "type": "record",',
        '  "fields": [',
        '    {"name": "n", "type": "int"}',
        "  ]",
        "}",
    ]
    assert diff_schemas("AVRO", a, b).lines == ()


def test_text_that_does_not_parse_is_shown_as_is_and_not_judged() -> None:
    diff = diff_schemas("AVRO", "{not json", record(field("a")))
    assert diff.old_text == "{not json"
    assert diff.changes == () and diff.unjudged and "not JSON" in diff.unjudged


def test_line_diff_marks_removed_and_added_lines() -> None:
    lines = line_diff("a\nb\nc", "a\nB\nc")
    assert [(x.kind, x.text) for x in lines] == [
        ("@", "@@ -1,3 +1,3 @@"), (" ", "a"), ("-", "b"), ("+", "B"), (" ", "c"),
    ]  # fmt: skip


def test_protobuf_text_is_trimmed_not_rewritten() -> None:
    assert pretty_schema("PROTOBUF", "syntax = 'proto3';  \n\n\n\nmessage A {}\n") == (
        "syntax = 'proto3';\n\nmessage A {}"
    )


# ---- Avro --------------------------------------------------------------------------------
BASE = record(field("id"), field("qty", "int"))


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (record(field("id"), field("qty", "int"), field("note", default="")),
         ("field added with default", True, True, True)),
        (record(field("id"), field("qty", "int"), field("note")),
         ("field added without default", False, True, False)),
        (record(field("id")), ("field removed (it had no default)", True, False, False)),
        (record(field("id"), field("qty", "long")), ("type widened", True, False, False)),
        (record(field("id"), field("qty", "string")), ("type changed", False, False, False)),
        (record(field("id"), field("qty", ["null", "int"])), ("type widened", True, False, False)),
        (record(field("id"), field("qty", "int", default=1)), ("default added", True, True, True)),
        (record(field("id"), field("qty", {"type": "int", "logicalType": "date"})),
         ("logical type changed", True, True, True)),
    ],
)  # fmt: skip
def test_avro_field_changes(new: str, expected: tuple[str, bool, bool, bool]) -> None:
    assert verdict(one("AVRO", BASE, new)) == expected


def test_avro_removed_field_with_default_is_fully_compatible() -> None:
    old = record(field("id"), field("qty", "int", default=0))
    assert verdict(one("AVRO", old, record(field("id")))) == (
        "field removed (it had a default)", True, True, True,
    )  # fmt: skip


def test_avro_narrowing_a_type_breaks_backward_only() -> None:
    old = record(field("qty", "long"))
    change = one("AVRO", old, record(field("qty", "int")))
    assert verdict(change) == ("type changed", False, True, False)
    assert "new readers cannot read long" in change.why


def test_avro_default_changed_says_readers_differ() -> None:
    change = one("AVRO", record(field("c", default="web")), record(field("c", default="app")))
    assert verdict(change) == ("default changed", True, True, True)
    assert change.detail == '"web" -> "app"'


def enum(symbols: list[str], **extra: Any) -> dict[str, Any]:
    return {"type": "enum", "name": "Currency", "symbols": symbols, **extra}


def test_avro_enum_symbol_added_breaks_forward_unless_the_old_enum_has_a_default() -> None:
    old = record(field("cur", enum(["EUR", "USD"])))
    new = record(field("cur", enum(["EUR", "USD", "GBP"])))
    change = one("AVRO", old, new)
    assert verdict(change) == ("enum symbol added", True, False, False)
    assert change.detail == "GBP"
    with_default = record(field("cur", enum(["EUR", "USD"], default="EUR")))
    newer = record(field("cur", enum(["EUR", "USD", "GBP"], default="EUR")))
    assert verdict(one("AVRO", with_default, newer)) == ("enum symbol added", True, True, True)


def test_avro_enum_symbol_removed_breaks_backward() -> None:
    old = record(field("cur", enum(["EUR", "USD"])))
    change = one("AVRO", old, record(field("cur", enum(["EUR"]))))
    assert verdict(change) == ("enum symbol removed", False, True, False)


def test_avro_field_renamed_with_an_alias() -> None:
    old = record(field("qty", "int"))
    new = record(field("quantity", "int", aliases=["qty"]))
    assert verdict(one("AVRO", old, new)) == ("field renamed", True, False, False)


def test_avro_nested_record_changes_have_a_path() -> None:
    item = {"type": "record", "name": "Item", "fields": [field("sku")]}
    item2 = {"type": "record", "name": "Item", "fields": [field("sku"), field("qty", "int")]}
    old = record(field("items", {"type": "array", "items": item}))
    new = record(field("items", {"type": "array", "items": item2}))
    change = one("AVRO", old, new)
    assert change.path == "Order.items[].qty"
    assert verdict(change) == ("field added without default", False, True, False)


def test_avro_named_references_and_recursive_types_resolve() -> None:
    node = {"type": "record", "name": "Node", "fields": [
        field("value", "int"), field("next", ["null", "Node"], default=None),
    ]}  # fmt: skip
    node2 = json.loads(json.dumps(node))
    node2["fields"][0]["type"] = "long"
    found = changes("AVRO", json.dumps(node), json.dumps(node2))
    assert [(c.path, c.what) for c in found] == [("Node.value", "type widened")]


def test_avro_identical_schemas_have_no_changes() -> None:
    assert changes("AVRO", ORDER_V2, ORDER_V2) == []


# ---- JSON Schema -------------------------------------------------------------------------
def obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> str:
    return json.dumps({"type": "object", "properties": props, "required": required or [], **extra})


def test_json_property_added_to_an_open_model_is_fully_compatible() -> None:
    change = one("JSON", obj({"a": {"type": "string"}}), obj({"a": {"type": "string"}, "b": {}}))
    assert verdict(change) == ("property added", True, True, True)


def test_json_property_added_to_a_closed_model_breaks_forward() -> None:
    old = obj({"a": {"type": "string"}}, additionalProperties=False)
    new = obj({"a": {"type": "string"}, "b": {"type": "integer"}}, additionalProperties=False)
    change = one("JSON", old, new)
    assert verdict(change) == ("property added", True, False, False)
    assert "refuses unknown properties" in change.why


def test_json_required_property_added_breaks_backward() -> None:
    new = obj({"a": {"type": "string"}, "b": {"type": "string"}}, ["b"])
    assert verdict(one("JSON", obj({"a": {"type": "string"}}), new)) == (
        "required property added", False, True, False,
    )  # fmt: skip


def test_json_type_widened_and_enum_value_added() -> None:
    old = obj({"n": {"type": "integer"}, "s": {"enum": ["a", "b"]}})
    new = obj({"n": {"type": "number"}, "s": {"enum": ["a", "b", "c"]}})
    found = {c.path: verdict(c) for c in changes("JSON", old, new)}
    assert found == {
        "n": ("type widened", True, False, False),
        "s": ("enum value added", True, False, False),
    }


def test_json_constraints_relaxed_tightened_and_opaque() -> None:
    old = obj({"s": {"type": "string", "maxLength": 10, "pattern": "^a"}})
    new = obj({"s": {"type": "string", "maxLength": 20, "pattern": "^b"}})
    found = {c.what: (c.backward, c.forward) for c in changes("JSON", old, new)}
    assert found == {"constraint relaxed": (True, False), "pattern changed": (False, False)}


def test_json_property_made_required_and_removed() -> None:
    old = obj({"a": {"type": "string"}, "b": {"type": "string"}}, ["b"])
    new = obj({"a": {"type": "string"}}, ["a"])
    found = {(c.path, c.what): (c.backward, c.forward) for c in changes("JSON", old, new)}
    assert found == {
        ("b", "property removed"): (True, False),
        ("a", "property made required"): (False, True),
    }


# ---- Protobuf ----------------------------------------------------------------------------
PROTO = """syntax = "proto3";
package demo;
message Shipment {
  string id = 1;
  int32 weight = 2;
  Status status = 3;
  enum Status { CREATED = 0; SENT = 1; }
}
"""


def test_protobuf_field_added_and_removed_are_compatible_both_ways() -> None:
    new = PROTO.replace("  Status status = 3;", "  Status status = 3;\n  string note = 4;")
    added = one("PROTOBUF", PROTO, new)
    assert (added.path, verdict(added)) == ("demo.Shipment.note", ("field added", True, True, True))
    removed = one("PROTOBUF", new, PROTO)
    assert verdict(removed) == ("field removed", True, True, True)
    assert "reserve" in removed.why


def test_protobuf_type_changes_by_wire_type() -> None:
    widened = one("PROTOBUF", PROTO, PROTO.replace("int32 weight", "int64 weight"))
    assert verdict(widened) == ("field type changed", True, True, True)
    broken = one("PROTOBUF", PROTO, PROTO.replace("int32 weight", "string weight"))
    assert verdict(broken) == ("field type changed", False, False, False)


def test_protobuf_number_change_and_enum_value_added() -> None:
    moved = one("PROTOBUF", PROTO, PROTO.replace("int32 weight = 2", "int32 weight = 7"))
    assert verdict(moved) == ("field number changed", False, False, False)
    grown = one("PROTOBUF", PROTO, PROTO.replace("SENT = 1;", "SENT = 1; LOST = 2;"))
    assert (grown.path, verdict(grown)) == (
        "demo.Shipment.Status", ("enum value added", True, True, True),
    )  # fmt: skip


def test_protobuf_that_does_not_compile_is_diffed_as_text_only() -> None:
    diff = diff_schemas("PROTOBUF", PROTO, PROTO + "message {")
    assert diff.changes == () and diff.unjudged and "does not compile" in diff.unjudged
    assert any(line.kind == "+" for line in diff.lines)
