"""No changing call in the cluster layer escapes `@changes` (read-only and the audit log).

The read-only integration test proves that every *registered* action refuses. This test
closes the other gap: a method that changes the cluster but was never decorated. It
reads the source of every cluster module and finds each call that changes something
(an admin API that creates, alters or deletes; a produce; a registry write; an HTTP
POST/PUT/PATCH/DELETE). The function making the call must be decorated with
`@changes`, or be a private helper that only decorated methods of its class call.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import kafkatui.cluster

#: client-library calls that change a cluster, Connect or a registry
CHANGING_CALLS = {
    "create_topics", "delete_topics", "create_partitions", "alter_configs",
    "incremental_alter_configs", "alter_consumer_group_offsets", "delete_consumer_groups",
    "create_acls", "delete_acls", "delete_records", "alter_user_scram_credentials",
    "produce", "commit", "register_schema", "delete_subject", "delete_version",
    "set_compatibility", "update_compatibility", "set_config",
    "abort_transaction", "delete_group_offsets",
}  # fmt: skip
CHANGING_VERBS = {"POST", "PUT", "PATCH", "DELETE"}
#: methods whose string arguments name an HTTP verb
HTTP_CALLS = {"_call", "request", "_request", "send"}
CLUSTER_DIR = Path(kafkatui.cluster.__file__).parent


@dataclass
class Function:
    qualname: str
    decorated: bool
    changes_directly: list[str] = field(default_factory=list)  # what it calls, by line
    calls: set[str] = field(default_factory=set)  # names of self.X(...) it calls


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _is_changes_decorator(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name == "changes"


def _changing_call(call: ast.Call) -> str | None:
    name = _called_name(call)
    if name in CHANGING_CALLS:
        return name
    if name in HTTP_CALLS:
        verbs = [a.value for a in call.args if isinstance(a, ast.Constant)]
        for verb in verbs:
            if isinstance(verb, str) and verb.upper() in CHANGING_VERBS:
                return f"{name}({verb!r})"
    return None


def functions_of(path: Path) -> dict[str, Function]:
    """Every function and method of a module: decorated or not, what it calls."""
    found: dict[str, Function] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                fn = Function(
                    f"{prefix}{child.name}",
                    any(_is_changes_decorator(d) for d in child.decorator_list),
                )
                for inner in ast.walk(child):
                    if isinstance(inner, ast.Call):
                        change = _changing_call(inner)
                        if change is not None:
                            fn.changes_directly.append(f"{change} at line {inner.lineno}")
                        if isinstance(inner.func, ast.Attribute) and isinstance(
                            inner.func.value, ast.Name
                        ) and inner.func.value.id == "self":  # fmt: skip
                            fn.calls.add(f"{prefix}{inner.func.attr}")
                found[fn.qualname] = fn

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def unguarded_changes(path: Path) -> list[str]:
    functions = functions_of(path)
    problems: list[str] = []
    for fn in functions.values():
        if not fn.changes_directly or fn.decorated:
            continue
        name = fn.qualname.rsplit(".", 1)[-1]
        callers = [f for f in functions.values() if fn.qualname in f.calls]
        if name.startswith("_") and callers and all(c.decorated for c in callers):
            continue
        problems.append(f"{path.name}: {fn.qualname} changes ({', '.join(fn.changes_directly)})"
                        f" but is not guarded by @changes")  # fmt: skip
    return problems


def test_every_changing_call_is_guarded() -> None:
    modules = sorted(CLUSTER_DIR.glob("*.py"))
    changing = [f for m in modules for f in functions_of(m).values() if f.changes_directly]
    assert len(changing) >= 15  # the scan really sees the cluster layer's changes
    problems = [p for module in modules for p in unguarded_changes(module)]
    assert problems == []


def test_the_scan_finds_an_unguarded_change(tmp_path: Path) -> None:
    """The scanner itself works: an undecorated change, and a helper called unguarded."""
    source = tmp_path / "bad.py"
    source.write_text(
        "class Topics:\n"
        "    @changes('topic.delete')\n"
        "    def delete(self, name):\n"
        "        self._drop(name)\n"
        "    def purge(self, name):\n"
        "        self.admin.client.delete_records([name])\n"
        "    def wipe(self, name):\n"
        "        self._drop(name)\n"
        "    def _drop(self, name):\n"
        "        self.admin.client.delete_topics([name])\n"
        "    def stop(self, name):\n"
        "        self._call('main', 'PUT', f'/connectors/{name}/stop')\n"
    )
    problems = unguarded_changes(source)
    assert [p.split(" changes")[0] for p in problems] == [
        "bad.py: Topics.purge", "bad.py: Topics._drop", "bad.py: Topics.stop"
    ]  # fmt: skip
