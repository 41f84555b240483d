"""A hung test fails on its own instead of blocking the whole run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def test_every_test_has_a_timeout(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.hasplugin("timeout")
    assert 0 < float(pytestconfig.getini("timeout")) <= 900


def test_a_hung_test_fails_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "test_hang.py").write_text(
        "import time\n"
        "def test_hangs():\n    time.sleep(600)\n"
        "def test_after():\n    assert True\n"
    )
    (tmp_path / "pytest.ini").write_text("[pytest]\ntimeout = 2\n")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert done.returncode == 1, done.stdout
    assert "1 failed, 1 passed" in done.stdout
    assert "Timeout" in done.stdout
