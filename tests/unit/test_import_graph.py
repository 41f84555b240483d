"""The package import graph has no upward arrow: decode < cluster < records < cli, ui.

Every import statement is read from the source (also those inside functions), so a lazy
import that runs back up a layer is caught too."""

from __future__ import annotations

import ast
from pathlib import Path

import kafkatui

ROOT = Path(kafkatui.__file__).parent

# package -> the kafkatui packages it must never import
FORBIDDEN = {
    "decode": {"cluster", "records", "cli", "ui", "config", "sandbox"},
    "cluster": {"records", "cli", "ui", "sandbox"},
    "records": {"cli", "ui", "config", "sandbox"},
    "ui": {"cli"},
}
NO_TOOLKIT = {"decode", "cluster", "records"}  # never textual or rich


def _package_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    """Top-level names imported by one module: `kafkatui.x` gives "kafkatui.x"."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            found.add(".".join(parts[:2]) if parts[0] == "kafkatui" else parts[0])
    return found


def edges() -> dict[str, set[str]]:
    """package -> the kafkatui packages and third-party roots it imports."""
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        graph.setdefault(_package_of(path), set()).update(_imports(path))
    return graph


def test_the_graph_is_read() -> None:
    graph = edges()
    assert "kafkatui.decode" in graph["cluster"]  # the client builds the decoder
    assert "kafkatui.records" in graph["ui"] and "kafkatui.records" in graph["cli"]
    assert "textual" in graph["ui"]


def test_no_import_runs_up_a_layer() -> None:
    bad = []
    for path in ROOT.rglob("*.py"):
        package = _package_of(path)
        for name in sorted(_imports(path)):
            target = name.removeprefix("kafkatui.")
            if target in FORBIDDEN.get(package, ()) or (
                package in NO_TOOLKIT and name in ("textual", "rich")
            ):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []
