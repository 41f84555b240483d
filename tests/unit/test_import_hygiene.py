"""The headless core never imports the UI toolkit: each module is imported in a fresh
interpreter and `textual`/`rich` must not appear in sys.modules afterwards."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import kafkatui.cluster
import kafkatui.decode
import kafkatui.records


def _modules(package: object) -> list[str]:
    prefix = package.__name__ + "."  # type: ignore[attr-defined]
    return [m.name for m in pkgutil.walk_packages(package.__path__, prefix)]  # type: ignore[attr-defined]


HEADLESS = _modules(kafkatui.cluster) + _modules(kafkatui.decode) + _modules(kafkatui.records)


def test_there_are_headless_modules_to_check() -> None:
    assert "kafkatui.cluster.api" in HEADLESS
    assert "kafkatui.decode.model" in HEADLESS


@pytest.mark.parametrize("module", HEADLESS)
def test_module_imports_no_ui_toolkit(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"
