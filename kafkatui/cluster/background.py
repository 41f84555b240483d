"""librdkafka's own threads, made to yield the CPU to the thread that draws the screen.

A tail during a flood keeps librdkafka's fetch threads busy, and on a small machine they
take cores the UI thread is waiting for. They never run Python (so never hold the GIL),
which makes lowering their priority safe: they get the CPU nobody else wants, and a key
is drawn sooner. Linux only (threads are listed in /proc); elsewhere nothing changes.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

NICENESS = 10  # on top of the process's own: CFS then weighs them about 1/10 of the UI thread
_TASKS = Path("/proc/self/task")


def librdkafka_threads() -> set[int]:
    """Native ids of this process's librdkafka threads (named `rdk:...`)."""
    found: set[int] = set()
    with contextlib.suppress(OSError):
        for task in _TASKS.iterdir():
            with contextlib.suppress(OSError, ValueError):
                if (task / "comm").read_text().startswith("rdk:"):
                    found.add(int(task.name))
    return found


def lower_priority(thread_ids: set[int]) -> None:
    """Raise the niceness of these threads by NICENESS."""
    if not hasattr(os, "setpriority"):
        return
    level = min(19, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)
    for tid in thread_ids:
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            os.setpriority(os.PRIO_PROCESS, tid, level)
