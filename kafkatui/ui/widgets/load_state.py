"""What a view knows about its own data: still loading (and how far), fresh, or stale.

An empty table must never look the same as a table still waiting for its first answer,
and data from a poll that later failed must say how old it is. `LoadState` holds the
facts (kept by the view from its poll workers' state changes); `LoadLine` is the one
line above the view's body that tells them, hidden while the data is fresh.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual.timer import Timer
from textual.widgets import Static

from kafkatui.ui.format import duration_s


@dataclass
class LoadState:
    step: str | None = None  # what the load is doing now ("listing topics"); None: no load
    done: int | None = None  # progress of that step, where it is known
    total: int | None = None
    noun: str = ""  # what is counted ("topics")
    answered_at: float | None = None  # wall-clock time of the last complete answer
    error: str | None = None  # why the last load failed; None after a success
    retries: bool = True  # the view polls, so a failed load is tried again

    def started(self, step: str) -> None:
        self.step, self.done, self.total, self.noun = step, None, None, ""

    def progress(self, step: str, done: int, total: int, noun: str) -> None:
        self.step, self.done, self.total, self.noun = step, done, total, noun

    def succeeded(self, now: float) -> None:
        self.answered_at, self.error = now, None

    def failed(self, error: str) -> None:
        self.error = error

    @property
    def stale(self) -> bool:
        return self.answered_at is not None and self.error is not None

    def text(self, now: float) -> str:
        """The line to show, or "" when the data shown is the latest answer."""
        if self.answered_at is None:
            if self.step is None:
                return ""  # nothing started: a view without a poll worker
            if self.error is not None:
                again = "trying again" if self.retries else "ctrl+r tries again"
                return f"not loaded yet: {self.step} failed ({self.error}); {again}"
            if self.done is not None and self.total is not None:
                return f"loading: {self.step} {self.done:,}/{self.total:,} {self.noun}".rstrip()
            return f"loading: {self.step}..."
        if self.error is not None:
            at = time.strftime("%H:%M:%S", time.gmtime(self.answered_at))
            age = duration_s(max(0.0, now - self.answered_at))
            return f"stale: last answer at {at} UTC ({age} ago); the last poll failed: {self.error}"
        return ""


class LoadLine(Static):
    """Shows a LoadState; while the data is stale it ticks, so the age stays true."""

    DEFAULT_CSS = """
    LoadLine { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    LoadLine.-stale { color: $warning; text-style: bold; }
    """

    def __init__(self) -> None:
        super().__init__("", id="load-line")
        self.state = LoadState()
        self._ticker: Timer | None = None
        self._shown: str | None = None

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        text = self.state.text(time.time())
        if text != self._shown:  # a view that polls often (the tail) costs no repaint
            self._shown = text
            self.display = bool(text)
            self.set_class(self.state.stale, "-stale")
            self.update(text)
        if self.state.stale and self._ticker is None:
            self._ticker = self.set_interval(1.0, self.show)
        elif not self.state.stale and self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
