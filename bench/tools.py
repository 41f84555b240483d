"""The competitors and the terminal: kcat, kaskade (own virtualenv), Kafka's own tools, tmux.

Kaskade is installed from PyPI into bench/.venv/kaskade on first use, never into the
project's environment. A `Tmux` runs a program in a detached 200x50 terminal on a private
server, so "time to the first painted frame" is read from a real terminal's screen.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

from common import VENVS_DIR, say

KASKADE_SPEC = "kaskade>=5,<6"


def kcat() -> str:
    path = shutil.which("kcat") or shutil.which("kafkacat")
    if path is None:
        raise RuntimeError("kcat is not installed (Debian: apt-get install kcat)")
    return path


def kaskade() -> Path:
    """The kaskade executable in its own virtualenv, created on first use."""
    venv = VENVS_DIR / "kaskade"
    exe = venv / "bin" / "kaskade"
    if not exe.exists():
        say(f"installing {KASKADE_SPEC} into {venv}")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", KASKADE_SPEC]
        subprocess.run(pip, check=True)
    return exe


def version_of(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc})"
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def kafka_classpath() -> str:
    from kafkatui.sandbox.layout import lib_dir

    return str(lib_dir() / "kafka" / "*")


def consumer_group_command(bootstrap: str) -> list[str]:
    """Kafka's own `kafka-consumer-groups --describe --all-groups`, from the sandbox's jars."""
    return [
        "java",
        "-cp",
        kafka_classpath(),
        "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
        "--bootstrap-server",
        bootstrap,
        "--describe",
        "--all-groups",
    ]


# ---- a real terminal -----------------------------------------------------------------------
class Tmux:
    """A private tmux server; `run` starts a program in a fresh 200x50 session."""

    def __init__(self, width: int = 200, height: int = 50) -> None:
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is not installed")
        self.socket = f"kafkatui-bench-{uuid.uuid4().hex[:8]}"
        self.width, self.height = width, height
        # a long-lived idle session keeps the server up, so no run pays for its start
        self._tmux("new-session", "-d", "-s", "keepalive", "sleep 3600")
        self.session: str | None = None

    def _tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True)
        return out.stdout

    def run(self, command: list[str], env: dict[str, str]) -> float:
        """Start `command`; returns the perf_counter just before the start was asked for."""
        self.stop()
        self.session = f"s{uuid.uuid4().hex[:6]}"
        assigns = [f"{k}={v}" for k, v in env.items() if k.startswith(("XDG_", "KAFKATUI_"))]
        shell = " ".join(_quote(a) for a in ["env", *assigns, *command])
        size = ["-x", str(self.width), "-y", str(self.height)]
        started = time.perf_counter()
        self._tmux("new-session", "-d", "-s", self.session, *size, shell)
        return started

    def screen(self) -> str:
        if self.session is None:
            return ""
        return self._tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, pattern: str, started: float, timeout_s: float = 60.0) -> float:
        """Seconds from `started` until the screen matches `pattern` (regex).

        One capture takes about 7 ms (a tmux client process); with the 15 ms sleep the
        screen is read about every 20 ms, which keeps the poller's own CPU use near 10%
        of a core on a machine where that matters."""
        regex = re.compile(pattern)
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            if regex.search(self.screen()):
                return time.perf_counter() - started
            time.sleep(0.015)
        tail = "\n".join(self.screen().splitlines()[:12])
        raise TimeoutError(f"{pattern!r} not on screen within {timeout_s:.0f}s; screen:\n{tail}")

    def stop(self) -> None:
        if self.session is not None:
            self._tmux("kill-session", "-t", self.session)
            self.session = None

    def close(self) -> None:
        self.stop()
        self._tmux("kill-server")


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)
