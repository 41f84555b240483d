"""Every action id the UI checks with `allow_change` is one the cluster layer guards.

A misspelt id would still refuse in read-only mode (the app checks the flag), but the
notification and the keymap would name an action that does not exist, and the audit log
would not match. The ids are read from the UI's source, so a new dialog is covered too.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import kafkatui.cluster
import kafkatui.ui
from kafkatui.cluster.guard import CHANGING_ACTIONS

CHECKS = {"allowed", "allow_change"}  # View.allowed forwards to App.allow_change


def _import_cluster_layer() -> None:
    """CHANGING_ACTIONS fills in as the decorated modules are imported."""
    for module in pkgutil.walk_packages(kafkatui.cluster.__path__, "kafkatui.cluster."):
        importlib.import_module(module.name)


def _literals(node: ast.expr) -> list[str] | None:
    """The ids an argument can take: a string, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literals(node.body), _literals(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _checked_ids() -> dict[str, list[str]]:
    """action id -> where the UI checks it; non-literal ids are reported as such."""
    found: dict[str, list[str]] = {}
    root = Path(kafkatui.ui.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in CHECKS or not node.args:
                continue
            where = f"{path.relative_to(root)}:{node.lineno}"
            arg = node.args[0]
            ids = _literals(arg)
            if ids is not None:
                for action_id in ids:
                    found.setdefault(action_id, []).append(where)
            elif not (isinstance(arg, ast.Name) and arg.id == "action"):  # View.allowed
                found.setdefault("<not a literal>", []).append(where)
    return found


def test_every_checked_action_id_is_a_guarded_action() -> None:
    _import_cluster_layer()
    checked = _checked_ids()
    assert len(checked) >= 18, checked  # the scan sees every changing action of the UI
    unknown = {k: v for k, v in checked.items() if k not in CHANGING_ACTIONS}
    assert unknown == {}, f"not in CHANGING_ACTIONS: {unknown}"
