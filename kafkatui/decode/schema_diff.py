"""A schema diff a person can read: pretty-printed text, a line diff, and each change in words
with its verdict under BACKWARD, FORWARD and FULL. Pure, no IO, no UI.

A registry stores schemas minified: a one-field change to a 600-character Avro schema shows
as one removed and one added line, each holding the whole schema. Here both versions are
pretty-printed in one canonical layout first (keys in a fixed order, each Avro field on one
line when it fits), so the line diff shows just the lines that changed; above it, the
semantic summary says what the change means for readers and writers:

- BACKWARD: a consumer on the new schema reads data written with the old one.
- FORWARD: a consumer on the old schema reads data written with the new one.
- FULL: both.

Avro follows the specification's schema resolution rules; JSON Schema and Protobuf follow
the rules their registries apply, as far as those can be judged from the two versions alone
(a `$ref` to another document, for instance, is not followed).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from kafkatui.decode.errors import DecodeFailure

#: inline a JSON value on one line when its compact form is at most this long
INLINE_WIDTH = 72
#: keys first, in this order; the rest follow sorted
_KEY_ORDER = (
    "$schema",
    "$id",
    "title",
    "name",
    "type",
    "namespace",
    "aliases",
    "doc",
    "description",
    "logicalType",
    "precision",
    "scale",
    "size",
    "symbols",
    "default",
    "order",
    "items",
    "values",
    "required",
    "additionalProperties",
    "properties",
    "fields",
)
_RANK = {key: i for i, key in enumerate(_KEY_ORDER)}
#: members of these are laid out one per line, however short
_ONE_PER_LINE = frozenset({"fields", "properties", "$defs", "definitions"})


@dataclass(frozen=True)
class Change:
    """One change and whether each compatibility level allows it."""

    path: str  # where: "Order.channel", "properties.address.zip", "Order.items (3)"
    what: str  # "field added with default"
    detail: str  # "string, default \"web\""
    backward: bool
    forward: bool
    why: str = ""  # why a level refuses it (or a caution when both allow it)

    @property
    def full(self) -> bool:
        return self.backward and self.forward

    def verdicts(self) -> str:
        """`BACKWARD ok, FORWARD ok, FULL ok`."""
        return ", ".join(
            f"{level} {'ok' if ok else 'BREAKS'}"
            for level, ok in (
                ("BACKWARD", self.backward),
                ("FORWARD", self.forward),
                ("FULL", self.full),
            )
        )

    def summary(self) -> str:
        """`field added with default: BACKWARD ok, FORWARD ok, FULL ok`."""
        return f"{self.what}: {self.verdicts()}"


@dataclass(frozen=True)
class DiffLine:
    kind: str  # " " same, "+" added, "-" removed, "@" a hunk header
    text: str


@dataclass(frozen=True)
class SchemaDiff:
    old_text: str  # pretty-printed
    new_text: str
    lines: tuple[DiffLine, ...]
    changes: tuple[Change, ...]
    unjudged: str | None = None  # why there is no semantic summary (it would not parse)

    @property
    def backward(self) -> bool:
        return all(c.backward for c in self.changes)

    @property
    def forward(self) -> bool:
        return all(c.forward for c in self.changes)

    @property
    def full(self) -> bool:
        return self.backward and self.forward


# ---- pretty printing -----------------------------------------------------------------------
def _ordered(obj: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted(obj.items(), key=lambda kv: (_RANK.get(kv[0], len(_RANK)), kv[0]))


def _compact(value: Any) -> str:
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(k)}: {_compact(v)}" for k, v in _ordered(value))
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _has_fields(value: Any) -> bool:
    if isinstance(value, dict):
        return (
            "fields" in value
            or "properties" in value
            or any(_has_fields(v) for v in value.values())
        )
    if isinstance(value, list):
        return any(_has_fields(v) for v in value)
    return False


def pretty_json(value: Any, indent: int = 0, expand: bool = False) -> str:
    """JSON in the canonical layout: keys in a fixed order; record fields and schema
    properties one per line; any other value that fits in INLINE_WIDTH and holds no record
    of its own on one line (one Avro field, one line)."""
    compact = _compact(value)
    if not isinstance(value, dict | list) or (
        not expand and indent and len(compact) + indent <= INLINE_WIDTH and not _has_fields(value)
    ):
        return compact
    pad = "  " * (indent // 2 + 1)
    close = "  " * (indent // 2)
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(k)}: {pretty_json(v, indent + 2, k in _ONE_PER_LINE)}"
            for k, v in _ordered(value)
        ]
        return "{\n" + ",\n".join(items) + "\n" + close + "}" if items else "{}"
    items = [pad + pretty_json(v, indent + 2) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + close + "]" if items else "[]"


def pretty_schema(schema_type: str, text: str) -> str:
    """The schema as people read it: Avro and JSON Schema pretty-printed in the canonical
    layout; Protobuf (already .proto text) with trailing spaces and blank runs trimmed.
    Text that does not parse is returned as it is."""
    if schema_type.upper() in ("AVRO", "JSON", ""):
        try:
            return pretty_json(json.loads(text))
        except ValueError:
            return text
    lines = [line.rstrip() for line in text.strip().splitlines()]
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    return "\n".join(kept)


# ---- the diff ------------------------------------------------------------------------------
def line_diff(old_text: str, new_text: str, context: int = 3) -> tuple[DiffLine, ...]:
    """A unified line diff without file headers. Lines are compared without a trailing
    comma, so appending an element to a JSON list adds one line instead of also changing
    the line before it; lines that match show as they are in the new text."""
    old, new = old_text.splitlines(), new_text.splitlines()
    matcher = difflib.SequenceMatcher(
        a=[line.rstrip(",") for line in old], b=[line.rstrip(",") for line in new], autojunk=False
    )
    out: list[DiffLine] = []
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        out.append(
            DiffLine(
                "@",
                f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@",
            )
        )
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [DiffLine(" ", line) for line in new[j1:j2]]
                continue
            out += [DiffLine("-", line) for line in old[i1:i2]]
            out += [DiffLine("+", line) for line in new[j1:j2]]
    return tuple(out)


def semantic_changes(schema_type: str, old: str, new: str) -> list[Change]:
    """Each change in words with its verdicts; raises DecodeFailure when either side
    cannot be read as a schema of that type."""
    kind = (schema_type or "AVRO").upper()
    if kind == "AVRO":
        from kafkatui.decode.schema_rules_avro import avro_changes

        return avro_changes(_parse(old, "old"), _parse(new, "new"))
    if kind == "JSON":
        from kafkatui.decode.schema_rules_other import json_schema_changes

        return json_schema_changes(_parse(old, "old"), _parse(new, "new"))
    if kind == "PROTOBUF":
        from kafkatui.decode.schema_rules_other import protobuf_changes

        return protobuf_changes(old, new)
    raise DecodeFailure(f"no compatibility rules for schema type {schema_type!r}")


def _parse(text: str, which: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise DecodeFailure(f"the {which} schema is not JSON: {exc}") from None


def diff_schemas(schema_type: str, old: str, new: str) -> SchemaDiff:
    """Pretty-print both versions, diff them line by line, and judge each change."""
    old_text, new_text = pretty_schema(schema_type, old), pretty_schema(schema_type, new)
    try:
        changes = tuple(semantic_changes(schema_type, old, new))
        unjudged = None
    except DecodeFailure as exc:
        changes, unjudged = (), str(exc)
    return SchemaDiff(old_text, new_text, line_diff(old_text, new_text), changes, unjudged)
