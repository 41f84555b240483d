"""Helpers for the safety tests (secure connections, read-only, secrets): run the CLI as a
user does, write config files, and bound every call so a hang fails instead of blocking."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")


@dataclass(frozen=True)
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment with no user config and the state dir (audit log) under `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAFKATUI_")}
    env.update(
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def audit_lines(home: Path) -> list[dict[str, Any]]:
    """The audit log a CLI run with `cli_env(home)` wrote, oldest first."""
    path = home / "state" / "kafkatui" / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_cli(*args: str, env: dict[str, str], timeout: float = 60.0) -> CliRun:
    """`kafkatui ARGS...` in a subprocess; a run longer than `timeout` fails the test."""
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "kafkatui", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout,
    )  # fmt: skip
    return CliRun(done.returncode, done.stdout, done.stderr, time.monotonic() - began)


def assert_one_clean_line(stderr: str) -> str:
    """A failure is reported as exactly one line on stderr, without a traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if not line.startswith("warning: ")]
    assert len(errors) == 1, f"expected one error line, got: {stderr!r}"
    return errors[0]


def write_config(path: Path, text: str) -> Path:
    """A config file as a careful user keeps it: readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


class Hung(AssertionError):
    """A call did not return within its bound."""


def bounded(call: Callable[[], T], seconds: float, what: str) -> T:
    """Run `call` in a thread; fail (rather than hang the suite) if it takes longer."""
    box: dict[str, Any] = {}

    def body() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed back to the test below
            box["error"] = exc

    thread = threading.Thread(target=body, daemon=True, name=f"bounded: {what}")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise Hung(f"{what} did not return within {seconds:.0f} s (a hang)")
    if "error" in box:
        raise box["error"]
    return box["value"]


def raised_by(call: Callable[[], Any], seconds: float, what: str) -> tuple[BaseException, float]:
    """The exception `call` raises within `seconds`, and how long it took."""
    began = time.monotonic()
    try:
        bounded(call, seconds, what)
    except Hung:
        raise
    except BaseException as exc:
        return exc, time.monotonic() - began
    raise AssertionError(f"{what} succeeded but was expected to fail")


def recorded_notifications(app: Any) -> list[str]:
    """A list that receives the message of every notification the app shows from now on."""
    notes: list[str] = []
    notify = app.notify

    def recording_notify(message: str, *args: Any, **kwargs: Any) -> None:
        notes.append(str(message))
        notify(message, *args, **kwargs)

    app.notify = recording_notify
    return notes
