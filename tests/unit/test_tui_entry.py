"""`kafkatui` with no command opens the TUI in a real terminal (a pty), through the same
entry point a user runs: a broken import there leaves every user with an error instead
of the app, and no test built on `make_app` would notice."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _screen_until(leader: int, wanted: bytes, timeout_s: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout_s
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                seen += os.read(leader, 65536)
            except OSError:
                break
    return seen


def test_the_tui_draws_its_first_frame_in_a_terminal(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path),
           "TERM": "xterm-256color"}  # fmt: skip
    env.pop("KAFKATUI_CONFIG", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "kafkatui", "-b", "127.0.0.1:9"],  # nothing listens there
        stdin=follower, stdout=follower, stderr=follower, cwd=ROOT, env=env,
        start_new_session=True,
    )  # fmt: skip
    os.close(follower)
    try:
        screen = _screen_until(leader, b"Quit", timeout_s=30)
        assert b"Quit" in screen, screen[-2000:].decode(errors="replace")
        assert b"internal error" not in screen and b"Traceback" not in screen
        os.write(leader, b"\x11")  # ctrl+q quits, on any screen
        assert child.wait(timeout=20) == 0
    finally:
        if child.poll() is None:
            child.kill()
        os.close(leader)
