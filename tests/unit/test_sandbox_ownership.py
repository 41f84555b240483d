"""A test run's sandbox processes die with it: a parent-death signal for the parts the
owner started, and a reaper for the rest (real processes, no JVM needed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from kafkatui.sandbox import ownership, processes


def _gone(pid: int, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return True
        if stat.split(") ", 1)[-1].startswith("Z"):
            return True
        time.sleep(0.05)
    return False


def _sleeper(root: Path, part: str) -> list[str]:
    return [sys.executable, "-c", "import time; time.sleep(120)", processes.marker(root, part)]


def test_parts_started_by_the_owner_die_when_it_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from kafkatui.sandbox import ownership, processes
        root = Path({str(tmp_path)!r})
        ownership.claim(root)
        cmd = [sys.executable, "-c", "import time; time.sleep(120)",
               processes.marker(root, "part")]
        print(processes.start(root, "part", cmd), flush=True)
        time.sleep(120)
        """
    )
    owner = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert owner.stdout is not None
    part_pid = int(owner.stdout.readline())
    assert processes.running_pid(tmp_path, "part") == part_pid
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    assert _gone(part_pid), "the part outlived its killed owner"


def test_a_sandbox_without_an_owner_outlives_its_starter(tmp_path: Path) -> None:
    assert ownership.child_setup(tmp_path) is None  # `sandbox up` from a shell: keeps running
    ownership.claim(tmp_path, pid=os.getpid() + 1_000_000)
    assert ownership.child_setup(tmp_path) is None  # owned by another process


def test_the_reaper_kills_parts_whose_owner_died_and_spares_the_others(tmp_path: Path) -> None:
    dead_owner = subprocess.Popen([sys.executable, "-c", "pass"])
    dead_owner.wait()
    orphaned, kept, unowned = tmp_path / "orphaned", tmp_path / "kept", tmp_path / "unowned"
    ownership.claim(orphaned, pid=dead_owner.pid)
    ownership.claim(kept, pid=os.getpid())
    # Started by a process that does not own them: no parent-death signal, only the reaper.
    pids = {
        root: processes.start(root, "connect", _sleeper(root, "connect"))
        for root in (orphaned, kept, unowned)
    }
    try:
        killed = ownership.reap_orphans()
        assert pids[orphaned] in killed
        assert _gone(pids[orphaned])
        assert processes.running_pid(kept, "connect") == pids[kept]
        assert processes.running_pid(unowned, "connect") == pids[unowned]
    finally:
        for root in (orphaned, kept, unowned):
            processes.stop(root, "connect", grace_s=2)
