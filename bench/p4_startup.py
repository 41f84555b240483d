"""P4 cold start: process start to the first painted frame, and `kafkatui --version`.

First frame: `kafkatui -b BOOTSTRAP` starts in a fresh session of a private tmux server
(already running, so its own start is not counted); the clock runs from just before the
session is asked for until `tmux capture-pane` shows the topics view's status line. The
screen is read about every 20 ms (a capture takes ~7 ms), so values are up to ~20 ms high.
"Cold" here means a new process with the OS file cache warm (as for a user who has run it
before); the first run after a reboot is slower and not measured.

`--version` and a bare `python -c pass` (the interpreter's own floor) are timed with
subprocess.run, N runs each.

Run alone: python bench/p4_startup.py [--runs R]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cluster import BenchCluster
from common import isolated_env, kafkatui_command, repeat, say
from tools import Tmux

FIRST_FRAME = r"topics \| (connecting|connected|disconnected)"


def _process_seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True
    )
    return time.perf_counter() - started


def first_frame(tmux: Tmux, command: list[str], env: dict[str, str]) -> float:
    started = tmux.run(command, env)
    try:
        return tmux.wait_for(FIRST_FRAME, started, timeout_s=30)
    finally:
        tmux.stop()


def run(cluster: BenchCluster, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kafkatui-bench-") as home:
        env = isolated_env(Path(home))
        result: dict[str, Any] = {}
        version = [*kafkatui_command(), "--version"]
        _process_seconds(version, env)  # warm the file cache and the bytecode once
        result["version"] = repeat(runs, lambda: _process_seconds(version, env), "P4 --version")
        floor = [sys.executable, "-c", "pass"]
        result["python_floor"] = repeat(runs, lambda: _process_seconds(floor, env), "P4 python")
        tmux = Tmux()
        try:
            tui = [*kafkatui_command(), "-b", cluster.bootstrap]
            first_frame(tmux, tui, env)  # warm-up, not counted
            result["first_frame"] = repeat(
                runs, lambda: first_frame(tmux, tui, env), "P4 first frame"
            )
        finally:
            tmux.close()
        result["method"] = "tmux capture-pane about every 20 ms; file cache warm"
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    cluster = BenchCluster.start()
    result = run(cluster, args.runs)
    for name in ("first_frame", "version", "python_floor"):
        say(f"{name}: median {result[name]['median']:.3f}s")


if __name__ == "__main__":
    main()
