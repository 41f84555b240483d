"""`kafkatui demo`: sandbox up (if needed), seed, live traffic, then the TUI on it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="start the sandbox if needed, load demo data, keep live traffic flowing, open the TUI",
    )
    return parser


def run(args: argparse.Namespace, open_tui: Callable[[str], int]) -> int:
    """`open_tui(profile)` opens the TUI; the demo traffic stops when it returns."""
    from kafkatui.sandbox.jars import SandboxError
    from kafkatui.sandbox.runtime import Sandbox, start_traffic, stop_traffic
    from kafkatui.sandbox.seed import seed

    def say(msg: str) -> None:
        print(f"demo: {msg}", file=sys.stderr)

    box = Sandbox(say=say)
    try:
        status = box.status()
        if status is None or not status.running:
            say("starting the sandbox (the first start downloads Kafka and the registry)")
            status = box.up(brokers=status.to_json()["brokers"] if status else 1)
        seed(status.to_json(), say=say)
        started_traffic = start_traffic()
    except SandboxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    try:
        return open_tui("sandbox")
    finally:
        if started_traffic:
            stop_traffic()
        say("the sandbox keeps running for the next demo; stop it with `kafkatui sandbox down`")
