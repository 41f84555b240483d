"""The repository holds sources only: a build output in git (a Maven unpack marker once
made a fresh machine skip unpacking the registry) works on the machine that made it and
breaks every other one."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_OUTPUT = re.compile(
    r"(^|/)(target|build|dist|lib|\.venv|__pycache__|\.mypy_cache|\.ruff_cache|"
    r"\.pytest_cache|\.hypothesis|[^/]+\.egg-info)/"
    r"|\.(pyc|marker|jar|class|tar\.gz)$"
)
SAMPLE_OUTPUTS = [
    "kafkatui/sandbox/target/dependency-maven-plugin-markers/x.marker",
    "kafkatui/sandbox/lib/kafka/kafka-clients.jar",
    "kafkatui/__pycache__/x.cpython-311.pyc",
    "kafkatui.egg-info/PKG-INFO",
    "build/lib/kafkatui/__init__.py",
    "dist/kafkatui-0.1.0.tar.gz",
    "bench/.sandbox/state.json",
    "bench/results/p1.json",
]


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


def test_no_build_output_is_tracked() -> None:
    tracked = _git("ls-files").stdout.splitlines()
    assert tracked, "git ls-files listed nothing"
    outputs = [path for path in tracked if BUILD_OUTPUT.search(path)]
    assert outputs == []


def test_gitignore_covers_the_build_outputs() -> None:
    result = _git("check-ignore", "--no-index", *SAMPLE_OUTPUTS)
    ignored = set(result.stdout.splitlines())
    assert ignored == set(SAMPLE_OUTPUTS)


def test_the_pattern_catches_the_marker_that_broke_a_fresh_machine() -> None:
    assert BUILD_OUTPUT.search(SAMPLE_OUTPUTS[0])
    assert not BUILD_OUTPUT.search("kafkatui/sandbox/pom.xml")
