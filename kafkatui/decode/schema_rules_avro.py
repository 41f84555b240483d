"""Avro changes between two schema versions, judged by the specification's resolution rules.

A reader resolves data written with another schema: fields match by name (or a reader
alias); a reader field the writer lacks needs a default; a writer field the reader lacks is
skipped; int, long and float may be promoted to wider numbers, string and bytes to each
other; an enum reader must know every writer symbol unless it has a default; a union reader
must accept every writer branch. BACKWARD asks whether the new schema reads old data
(writer old, reader new), FORWARD whether the old schema reads new data.
"""

from __future__ import annotations

import json
from typing import Any

from kafkatui.decode.schema_diff import Change

PRIMITIVES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})
NAMED = frozenset({"record", "error", "enum", "fixed"})
PROMOTIONS = {
    "int": {"long", "float", "double"},
    "long": {"float", "double"},
    "float": {"double"},
    "string": {"bytes"},
    "bytes": {"string"},
}
_NO_VALUE = object()


class _Names:
    """Named types of one schema by full name, for resolving references."""

    def __init__(self, schema: Any) -> None:
        self.types: dict[str, dict[str, Any]] = {}
        self._collect(schema, "")

    def _collect(self, schema: Any, namespace: str) -> None:
        if isinstance(schema, list):
            for branch in schema:
                self._collect(branch, namespace)
        elif isinstance(schema, dict):
            kind = schema.get("type")
            if kind in NAMED and isinstance(schema.get("name"), str):
                full = full_name(schema, namespace)
                self.types.setdefault(full, schema)
                namespace = full.rpartition(".")[0]
            for field in schema.get("fields", []) if kind in ("record", "error") else []:
                if isinstance(field, dict):
                    self._collect(field.get("type"), namespace)
            for key in ("items", "values"):
                if key in schema:
                    self._collect(schema[key], namespace)
            if isinstance(kind, dict | list):
                self._collect(kind, namespace)

    def resolve(self, schema: Any) -> Any:
        """A reference (a name string) becomes its definition; {"type": "int"} becomes "int"."""
        if isinstance(schema, str) and schema not in PRIMITIVES:
            found = self.types.get(schema) or next(
                (t for full, t in self.types.items() if full.rpartition(".")[2] == schema), None
            )
            return found if found is not None else schema
        if isinstance(schema, dict):
            kind = schema.get("type")
            if isinstance(kind, str) and kind in PRIMITIVES and len(schema) == 1:
                return kind
            if isinstance(kind, dict | list) or (
                isinstance(kind, str)
                and kind not in PRIMITIVES
                and kind not in NAMED
                and kind not in ("array", "map")
            ):
                return self.resolve(kind)  # {"type": {"type": "record", ...}} or a name
        return schema


def full_name(schema: dict[str, Any], namespace: str = "") -> str:
    name = str(schema.get("name", ""))
    if "." in name:
        return name
    space = schema.get("namespace", namespace) or ""
    return f"{space}.{name}" if space else name


def _base(schema: Any) -> Any:
    """The primitive under a logical type: {"type": "int", "logicalType": "date"} -> "int"."""
    return schema.get("type") if isinstance(schema, dict) else schema


def _kind(schema: Any) -> str:
    if isinstance(schema, list):
        return "union"
    if isinstance(schema, dict):
        return str(schema.get("type"))
    return str(schema)


def _label(schema: Any) -> str:
    """A type as a short phrase: `long (timestamp-millis)`, `["null", "string"]`, `Address`."""
    if isinstance(schema, list):
        return "[" + ", ".join(_label(b) for b in schema) + "]"
    if isinstance(schema, dict):
        kind = schema.get("type")
        if kind in NAMED:
            return str(schema.get("name"))
        if kind == "array":
            return f"array of {_label(schema.get('items'))}"
        if kind == "map":
            return f"map of {_label(schema.get('values'))}"
        logical = schema.get("logicalType")
        return f"{_label(kind)} ({logical})" if logical else _label(kind)
    return str(schema)


class _Resolver:
    """Can a reader schema read what a writer schema wrote?"""

    def __init__(self, writer_names: _Names, reader_names: _Names) -> None:
        self.w, self.r = writer_names, reader_names
        self._memo: dict[tuple[int, int], bool] = {}

    def reads(self, writer: Any, reader: Any) -> bool:
        writer, reader = self.w.resolve(writer), self.r.resolve(reader)
        if isinstance(writer, list):
            return all(self.reads(branch, reader) for branch in writer)
        if isinstance(reader, list):
            return any(self.reads(writer, branch) for branch in reader)
        wk, rk = _kind(writer), _kind(reader)
        if wk in PRIMITIVES or rk in PRIMITIVES:
            return wk == rk or rk in PROMOTIONS.get(wk, set())
        if wk != rk and not {wk, rk} <= {"record", "error"}:
            return False
        key = (id(writer), id(reader))
        if key not in self._memo:
            self._memo[key] = True  # a recursive type: assume yes while checking it
            self._memo[key] = self._complex_reads(writer, reader, wk)
        return self._memo[key]

    def _complex_reads(self, writer: dict[str, Any], reader: dict[str, Any], wk: str) -> bool:
        if wk == "array":
            return self.reads(writer.get("items"), reader.get("items"))
        if wk == "map":
            return self.reads(writer.get("values"), reader.get("values"))
        if not _same_name(writer, reader):
            return False
        if wk == "fixed":
            return bool(writer.get("size") == reader.get("size"))
        if wk == "enum":
            missing = set(writer.get("symbols", [])) - set(reader.get("symbols", []))
            return not missing or "default" in reader
        return self._record_reads(writer, reader)

    def _record_reads(self, writer: dict[str, Any], reader: dict[str, Any]) -> bool:
        by_name = {f.get("name"): f for f in writer.get("fields", [])}
        for field in reader.get("fields", []):
            names = [field.get("name"), *field.get("aliases", [])]
            source = next((by_name[n] for n in names if n in by_name), None)
            if source is None:
                if "default" not in field:
                    return False
            elif not self.reads(source.get("type"), field.get("type")):
                return False
        return True


def _same_name(writer: dict[str, Any], reader: dict[str, Any]) -> bool:
    """Named types match by unqualified name or a reader alias (as most implementations do)."""
    short = str(writer.get("name", "")).rpartition(".")[2]
    names = {str(reader.get("name", "")).rpartition(".")[2]}
    names |= {str(a).rpartition(".")[2] for a in reader.get("aliases", [])}
    return short in names


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class _AvroDiff:
    def __init__(self, old: Any, new: Any) -> None:
        self.old_names, self.new_names = _Names(old), _Names(new)
        self.backward = _Resolver(self.old_names, self.new_names)  # writer old, reader new
        self.forward = _Resolver(self.new_names, self.old_names)  # writer new, reader old
        self.changes: list[Change] = []
        self._compared: set[tuple[str, str]] = set()

    def add(
        self, path: str, what: str, detail: str, backward: bool, forward: bool, why: str = ""
    ) -> None:
        self.changes.append(Change(path, what, detail, backward, forward, why))

    def compare(self, old: Any, new: Any, path: str) -> None:
        old, new = self.old_names.resolve(old), self.new_names.resolve(new)
        ok, nk = _kind(old), _kind(new)
        if ok == nk and ok in ("record", "error"):
            self._record(old, new, path)
        elif ok == nk == "enum":
            self._enum(old, new, path)
        elif ok == nk == "array":
            self.compare(old.get("items"), new.get("items"), f"{path}[]")
        elif ok == nk == "map":
            self.compare(old.get("values"), new.get("values"), f"{path}{{}}")
        elif (
            ok == nk == "union"
            and len(old) == len(new)
            and all(_label(a) == _label(b) for a, b in zip(old, new, strict=True))
        ):
            for a, b in zip(old, new, strict=True):
                self.compare(a, b, path)
        elif _label(old) != _label(new) or (ok == nk == "fixed" and old != new):
            self._type_changed(old, new, path)

    def _type_changed(self, old: Any, new: Any, path: str) -> None:
        back, fwd = self.backward.reads(old, new), self.forward.reads(new, old)
        if _base(old) == _base(new) and _base(old) in PRIMITIVES:
            why = "the bytes read the same, but their meaning changes: check every consumer"
            self.add(
                path, "logical type changed", f"{_label(old)} -> {_label(new)}", True, True, why
            )
            return
        reasons = []
        if not back:
            reasons.append(f"new readers cannot read {_label(old)}")
        if not fwd:
            reasons.append(f"old readers cannot read {_label(new)}")
        what = "type widened" if back and not fwd else "type changed"
        self.add(path, what, f"{_label(old)} -> {_label(new)}", back, fwd, "; ".join(reasons))

    def _record(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        key = (full_name(old), full_name(new))
        if key in self._compared:
            return
        self._compared.add(key)
        if not _same_name(old, new) or not _same_name(new, old):
            back, fwd = _same_name(old, new), _same_name(new, old)
            self.add(
                path,
                "record renamed",
                f"{full_name(old)} -> {full_name(new)}",
                back,
                fwd,
                "" if back and fwd else "add the other name as an alias",
            )
        if old.get("doc") != new.get("doc"):
            self.add(path, "record doc changed", "", True, True)
        old_fields = {f.get("name"): f for f in old.get("fields", [])}
        new_fields = {f.get("name"): f for f in new.get("fields", [])}
        renamed = self._renames(old_fields, new_fields)
        for name, field in new_fields.items():
            where = f"{path}.{name}"
            source = old_fields.get(name) or old_fields.get(renamed.get(name, ""))
            if source is None:
                self._field_added(field, where)
                continue
            if source.get("name") != name:
                fwd = "default" in source
                why = "" if fwd else "old readers lack the new name and have no default"
                detail = f"{source.get('name')} -> {name} (alias)"
                self.add(where, "field renamed", detail, True, fwd, why)
            self.compare(source.get("type"), field.get("type"), where)
            self._field_details(source, field, where)
        gone = set(old_fields) - set(new_fields) - set(renamed.values())
        for name in [n for n in old_fields if n in gone]:
            self._field_removed(old_fields[name], f"{path}.{name}")
        kept_old = [n for n in old_fields if n in new_fields]
        kept_new = [n for n in new_fields if n in old_fields]
        if kept_old != kept_new:
            self.add(
                path,
                "fields reordered",
                "",
                True,
                True,
                "fields resolve by name; the binary layout of new data changes",
            )

    @staticmethod
    def _renames(old: dict[str, Any], new: dict[str, Any]) -> dict[str, str]:
        """New field name -> old field name, for new fields whose alias names a removed one."""
        found = {}
        for name, field in new.items():
            if name in old:
                continue
            for alias in field.get("aliases", []):
                if alias in old and alias not in new:
                    found[name] = alias
                    break
        return found

    def _field_added(self, field: dict[str, Any], path: str) -> None:
        kind = _label(field.get("type"))
        if "default" in field:
            detail = f"{kind}, default {_value(field['default'])}"
            self.add(path, "field added with default", detail, True, True)
        else:
            self.add(
                path,
                "field added without default",
                kind,
                False,
                True,
                "data written with the old schema has no value for it",
            )

    def _field_removed(self, field: dict[str, Any], path: str) -> None:
        kind = _label(field.get("type"))
        if "default" in field:
            self.add(path, "field removed (it had a default)", kind, True, True)
        else:
            self.add(
                path,
                "field removed (it had no default)",
                kind,
                True,
                False,
                "old readers need a value for it and have no default",
            )

    def _field_details(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        before, after = old.get("default", _NO_VALUE), new.get("default", _NO_VALUE)
        if before is _NO_VALUE and after is not _NO_VALUE:
            self.add(path, "default added", _value(after), True, True)
        elif before is not _NO_VALUE and after is _NO_VALUE:
            self.add(
                path,
                "default removed",
                _value(before),
                True,
                True,
                "a later removal of this field would then break old readers",
            )
        elif before != after:
            why = "only readers use a default: old and new readers fill in different values"
            self.add(
                path, "default changed", f"{_value(before)} -> {_value(after)}", True, True, why
            )
        if old.get("doc") != new.get("doc"):
            self.add(path, "doc changed", "", True, True)

    def _enum(self, old: dict[str, Any], new: dict[str, Any], path: str) -> None:
        key = (full_name(old), full_name(new))
        if key in self._compared:
            return
        self._compared.add(key)
        before, after = list(old.get("symbols", [])), list(new.get("symbols", []))
        added = [s for s in after if s not in before]
        removed = [s for s in before if s not in after]
        if added:
            fwd = "default" in old
            why = "" if fwd else "old readers do not know it and the old enum has no default"
            self.add(path, "enum symbol added", ", ".join(added), True, fwd, why)
        if removed:
            back = "default" in new
            why = "" if back else "new readers do not know it and the new enum has no default"
            self.add(path, "enum symbol removed", ", ".join(removed), back, True, why)
        if old.get("default") != new.get("default"):
            detail = f"{_value(old.get('default'))} -> {_value(new.get('default'))}"
            self.add(path, "enum default changed", detail, True, True)
        if not added and not removed and before != after:
            self.add(path, "enum symbols reordered", "", True, True)


def avro_changes(old: Any, new: Any) -> list[Change]:
    """Every change from `old` to `new` (parsed JSON), with its verdicts."""
    diff = _AvroDiff(old, new)
    root = old if isinstance(old, dict) and old.get("name") else new
    name = str(root.get("name", "")) if isinstance(root, dict) else ""
    diff.compare(old, new, name.rpartition(".")[2] or "(root)")
    return diff.changes
