"""Tie a sandbox's processes to the process that owns it, and reap them when it is gone.

A sandbox started by `kafkatui sandbox up` outlives that command on purpose: it keeps
running until `kafkatui sandbox down`. A sandbox started by a test run must not: if the
run is killed, its JVMs would hold ports, memory and CPU until someone notices. So an
owned sandbox records its owner's pid in `run/owner.pid`, and

- the parts the owner's main thread starts get a parent-death signal (SIGKILL), so they die
  with it even when it is killed with SIGKILL;
- parts started by another process for it (a CLI subprocess restarting a part in a
  drill) are found by `reap_orphans`, which the next start of any sandbox runs: every
  sandbox process whose state dir names an owner that no longer lives is killed.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import threading
from collections.abc import Callable
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_MARKER = re.compile(rb"-Dkafkatui\.sandbox\.part=([^\x00]+):[^:\x00]+\x00")


def owner_file(root: Path) -> Path:
    return root / "run" / "owner.pid"


def claim(root: Path, pid: int | None = None) -> None:
    """Make `pid` (default: this process) the owner of the sandbox in `root`."""
    owner_file(root).parent.mkdir(parents=True, exist_ok=True)
    owner_file(root).write_text(str(pid or os.getpid()))


def owner(root: Path) -> int | None:
    try:
        return int(owner_file(root).read_text().strip())
    except (OSError, ValueError):
        return None


def child_setup(root: Path) -> Callable[[], None] | None:
    """A `preexec_fn` that makes the child die with this process, if this process owns
    `root`; None for a sandbox that is meant to outlive its starter."""
    # The signal fires when the starting *thread* ends, so only the main thread may use it.
    if owner(root) != os.getpid() or threading.current_thread() is not threading.main_thread():
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def die_with_parent() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)

    return die_with_parent


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has exited; only its parent has not reaped it yet
        return not Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[-1].startswith("Z")
    except OSError:
        return False


def reap_orphans(proc: Path = Path("/proc")) -> list[int]:
    """SIGKILL every sandbox process whose owner has died. Returns the pids killed."""
    killed: list[int] = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        match = _MARKER.search(cmdline)
        if match is None:
            continue
        root = Path(os.fsdecode(match.group(1)))
        boss = owner(root)
        if boss is None or _alive(boss):
            continue
        try:
            os.kill(int(entry.name), signal.SIGKILL)
            killed.append(int(entry.name))
        except (ProcessLookupError, PermissionError):
            continue
    return killed
