"""What an Avro schema's values print beyond their body's bytes, for find's test.

find tries its text on an Avro body's bytes before it transcodes the body (see
records.filter). A value's JSON text is made of JSON punctuation, numbers, literals
(true, false, null, "NaN", "Infinity"), strings copied from the body (JSON escapes only
quotes, backslashes and control characters), and two things the body does not hold:
- the schema's field names and enum symbols (its *words*);
- strings made from the body's bytes, each from a small alphabet: base64 for `bytes`
  and `fixed`, digits and `-:.TZ` for dates, times and timestamps, hex digits and `-`
  for UUIDs, digits and `-.` for decimals (its *derived* characters).
A text that is in none of the words and holds a character outside the derived alphabet
can only match inside a copied string, which the body holds.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

import fastavro.read

_COPIED = frozenset({"null", "boolean", "int", "long", "float", "double", "string"})
_BASE64 = frozenset(string.ascii_lowercase + string.digits + "+/=")  # lower-cased
_MOMENT = frozenset(string.digits + "-:.tz")  # RFC 3339 and ISO 8601, lower-cased
#: the characters each logical type prints (lower-cased), as decode.jsonvalue maps it
_LOGICAL = {
    "decimal": frozenset(string.digits + "-."),
    "uuid": frozenset(string.hexdigits.lower() + "-"),
    "date": _MOMENT,
    "time-millis": _MOMENT,
    "time-micros": _MOMENT,
    "timestamp-millis": _MOMENT,
    "timestamp-micros": _MOMENT,
    "timestamp-nanos": _MOMENT,
    "local-timestamp-millis": _MOMENT,
    "local-timestamp-micros": _MOMENT,
    "local-timestamp-nanos": _MOMENT,
}


@dataclass(frozen=True)
class Printed:
    """What the values of one schema print that their body does not hold."""

    words: frozenset[str]  # field names and enum symbols
    derived: frozenset[str]  # the characters of strings made from bytes (lower case)


def printed(schema: Any, named: dict[str, Any]) -> Printed | None:
    """For a parsed schema; None when its values may print something else (a logical
    type this module does not know)."""
    words: set[str] = set()
    derived: set[str] = set()
    if not _collect(schema, named, words, derived, set()):
        return None
    return Printed(frozenset(words), frozenset(derived))


def _collect(
    schema: Any, named: dict[str, Any], words: set[str], derived: set[str], seen: set[str]
) -> bool:
    def walk(inner: Any) -> bool:
        return _collect(inner, named, words, derived, seen)

    if isinstance(schema, str):
        if schema in _COPIED or schema in seen:  # seen: a recursive or repeated name
            return True
        if schema == "bytes":
            derived.update(_BASE64)
            return True
        if schema in named:
            seen.add(schema)
            return walk(named[schema])
        return False  # a name we cannot see
    if isinstance(schema, list):  # a union prints its branch's value alone
        return all(walk(branch) for branch in schema)
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    logical = schema.get("logicalType")
    if logical is not None and f"{kind}-{logical}" in fastavro.read.LOGICAL_READERS:
        if logical not in _LOGICAL:
            return False
        derived.update(_LOGICAL[logical])
        return True
    # a logical type fastavro does not read prints as its underlying type
    if kind in ("record", "error"):
        seen.add(schema.get("name", ""))
        fields = schema.get("fields", [])
        words.update(field["name"] for field in fields)
        return all(walk(field["type"]) for field in fields)
    if kind == "enum":
        words.update(schema.get("symbols", []))
        return True
    if kind == "array":
        return walk(schema.get("items"))
    if kind == "map":  # keys are strings copied from the body
        return walk(schema.get("values"))
    if kind == "fixed":
        seen.add(schema.get("name", ""))
        derived.update(_BASE64)
        return True
    return walk(kind)  # {"type": "string"} and the like
