"""Start, find and stop the sandbox's JVMs.

Each part runs in its own session (process group), with a pid file in the state dir and
a `-Dkafkatui.sandbox.part=...` marker on its command line, so a recycled pid is never
mistaken for a sandbox process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from kafkatui.sandbox import ownership


def marker(root: Path, part: str) -> str:
    return f"-Dkafkatui.sandbox.part={root}:{part}"


def pid_file(root: Path, part: str) -> Path:
    return root / "run" / f"{part}.pid"


def log_file(root: Path, part: str) -> Path:
    return root / "logs" / f"{part}.log"


def running_pid(root: Path, part: str) -> int | None:
    """The pid of `part` if it is alive and really ours."""
    try:
        pid = int(pid_file(root, part).read_text().strip())
    except (OSError, ValueError):
        return None
    child = _children.get(pid)
    if child is not None:  # started by this process: its exit status is authoritative
        return pid if child.poll() is None else None
    # A JVM that is starting can briefly show an empty or partial command line: look twice.
    for attempt in range(3):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            stat = Path(f"/proc/{pid}/stat").read_text()
        except (OSError, ValueError):
            return None
        if stat.split(") ", 1)[-1].startswith("Z"):
            return None  # a zombie has exited; its parent just has not reaped it
        if marker(root, part).encode() in cmdline:
            return pid
        if attempt < 2:
            time.sleep(0.05)
    return None


def start_java(
    root: Path,
    part: str,
    args: list[str],
    heap_mb: int,
    java: str = "java",
    env: dict[str, str] | None = None,
) -> int:
    heap = [f"-Xms{min(heap_mb, 256)}m", f"-Xmx{heap_mb}m", "-XX:+UseG1GC"]
    cmd = [java, marker(root, part), *heap, "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true"]
    return start(root, part, [*cmd, *args], env)


def start(root: Path, part: str, cmd: list[str], env: dict[str, str] | None = None) -> int:
    """Start `cmd` (which must carry `marker(root, part)`) in its own session, logging to a file."""
    log = log_file(root, part)
    log.parent.mkdir(parents=True, exist_ok=True)
    pid_file(root, part).parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, **(env or {})},
            preexec_fn=ownership.child_setup(root),
        )
    pid_file(root, part).write_text(str(proc.pid))
    _children[proc.pid] = proc
    return proc.pid


# Children started by this process: polling them reaps them and keeps their exit codes.
_children: dict[int, subprocess.Popen[bytes]] = {}


def exit_code(pid: int) -> int | None:
    proc = _children.get(pid)
    return None if proc is None else proc.poll()


def stop(root: Path, part: str, grace_s: float = 20.0) -> bool:
    """SIGTERM the part's process group, then SIGKILL after `grace_s`. True if it was running."""
    pid = running_pid(root, part)
    if pid is None:
        pid_file(root, part).unlink(missing_ok=True)
        return False
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and running_pid(root, part) is not None:
        time.sleep(0.2)
    if running_pid(root, part) is not None:
        _signal_group(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and running_pid(root, part) is not None:
            time.sleep(0.1)
    pid_file(root, part).unlink(missing_ok=True)
    return True


def kill(root: Path, part: str) -> None:
    """SIGKILL at once: used by fault drills to crash a part."""
    pid = running_pid(root, part)
    if pid is not None:
        _signal_group(pid, signal.SIGKILL)


def send(root: Path, part: str, sig: signal.Signals) -> bool:
    """Send a signal (SIGSTOP/SIGCONT for freeze drills). True if the part was running."""
    pid = running_pid(root, part)
    if pid is None:
        return False
    _signal_group(pid, sig)
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def log_tail(root: Path, part: str, lines: int = 25) -> str:
    try:
        text = log_file(root, part).read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])
