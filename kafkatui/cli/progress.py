"""Progress on stderr for long reads and writes (find, copy, redrive, dlq).

Only when stderr is a terminal: a pipe or a log file gets no carriage-return noise.
At most a few updates a second; `done()` ends the line.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = int(seconds + 0.5)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def progress_line(label: str, done: int, total: int, elapsed_s: float, extra: str = "") -> str:
    """'reading orders  5,000/12,000 (42%)  8,100 rec/s  ETA 00:01' (and `extra`)."""
    rate = done / elapsed_s if elapsed_s > 0 else 0.0
    eta = (max(total - done, 0) / rate) if rate > 0 else None
    percent = 100 if total <= 0 else min(100, done * 100 // total)
    line = f"{label}  {done:,}/{total:,} ({percent}%)  {rate:,.0f} rec/s  ETA {format_eta(eta)}"
    return f"{line}  {extra}" if extra else line


class StderrProgress:
    def __init__(self, stream: TextIO | None = None, interval_s: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.interval_s = interval_s
        self._last = 0.0
        self._width = 0
        self._held: str | None = None  # the newest line not drawn yet (too soon after one)

    def show(self, line: str, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.interval_s:
            self._held = line
            return
        self._last = now
        self._held = None
        padded = line.ljust(self._width)
        self._width = len(line)
        self.stream.write("\r" + padded)
        self.stream.flush()

    def done(self) -> None:
        """Draw the last state (an update held back by the rate limit), end the line."""
        if self._held is not None:
            self.show(self._held, force=True)
        if self.enabled and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0
