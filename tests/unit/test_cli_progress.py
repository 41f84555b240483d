"""Progress lines on stderr: the numbers, the rate limit, and silence when not a terminal."""

from __future__ import annotations

import io

from kafkatui.cli.progress import StderrProgress, format_eta, progress_line


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_says_done_total_rate_and_time_left() -> None:
    line = progress_line("finding in orders", 5_000, 12_000, 2.0)
    assert line == "finding in orders  5,000/12,000 (41%)  2,500 rec/s  ETA 00:03"
    assert progress_line("x", 0, 10, 0.0).endswith("0 rec/s  ETA --:--")
    assert progress_line("x", 3, 0, 1.0).startswith("x  3/0 (100%)")
    assert format_eta(3725) == "1:02:05"


def test_updates_are_limited_but_the_last_one_is_drawn() -> None:
    out = _Terminal()
    shown = StderrProgress(out, interval_s=60.0)
    shown.show("first")
    shown.show("second")  # too soon: held back
    assert out.getvalue() == "\rfirst"
    shown.done()
    assert out.getvalue() == "\rfirst\rsecond\n"


def test_nothing_is_written_when_stderr_is_not_a_terminal() -> None:
    out = io.StringIO()
    shown = StderrProgress(out)
    shown.show("first", force=True)
    shown.done()
    assert out.getvalue() == ""
