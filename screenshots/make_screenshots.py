"""Regenerate the SVG screenshots in this directory from the real app on the demo sandbox.

    python screenshots/make_screenshots.py              # start/seed the demo, then shoot
    python screenshots/make_screenshots.py --no-setup   # use the sandbox as it runs now

It starts the sandbox if needed, loads the demo data (idempotent), leaves a transaction
open (the `stuck-transaction` scenario) and keeps the live traffic flowing while it
drives the app through every view. Nothing is changed on the
cluster: the reset wizard is shot at its preview, and the audit log goes to a temp dir.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kafkatui.cluster.client import ClusterClient  # noqa: E402
from kafkatui.cluster.guard import Guard  # noqa: E402
from kafkatui.config.sandbox import sandbox_settings  # noqa: E402
from kafkatui.ui import make_app  # noqa: E402
from kafkatui.ui.widgets.keyed_table import KeyedTable  # noqa: E402

KEY_NAMES = {" ": "space", "/": "slash", ":": "colon", "-": "minus", ".": "full_stop"}


def setup_demo() -> Callable[[], None]:
    """Sandbox up, seed, traffic on. Returns the function that stops the traffic again."""
    from kafkatui.sandbox.runtime import Sandbox, start_traffic, stop_traffic
    from kafkatui.sandbox.scenarios import stuck_transaction
    from kafkatui.sandbox.seed import seed

    box = Sandbox(say=print)
    status = box.status()
    if status is None or not status.running:
        status = box.up()
    seed(status.to_json(), say=print)
    # an open transaction for the transactions view (the coordinator ends it in 15 min)
    left = stuck_transaction(status.to_json()["bootstrap_servers"])
    print(f"left transaction {left.get('transactional_id', '')} open")
    started = start_traffic()
    return stop_traffic if started else (lambda: None)


class Driver:
    def __init__(self, pilot: Any, out: Path) -> None:
        self.pilot = pilot
        self.app = pilot.app
        self.out = out

    async def keys(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause(0.3)

    async def type(self, text: str) -> None:
        await self.keys(*(KEY_NAMES.get(ch, ch) for ch in text))

    async def until(self, check: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out on screen {self.app.screen!r}")
            await self.pilot.pause(0.2)

    async def select(self, key: str) -> None:
        """Wait for a row to show in the current list, then put the cursor on it."""

        def found() -> bool:
            return key in self.app.screen.query_one("#table", KeyedTable).row_keys

        await self.until(found)
        table = self.app.screen.query_one("#table", KeyedTable)
        table.move_cursor(row=table.row_keys.index(key), animate=False)
        await self.pilot.pause(0.3)

    async def settle(self, seconds: float = 2.0) -> None:
        """Give polls time to fill columns; then wait for running workers."""
        await self.pilot.pause(seconds)
        await self.app.workers.wait_for_complete()
        await self.pilot.pause(0.3)

    async def command(self, line: str) -> None:
        """Run `line` on the `:` command line."""
        await self.keys("colon")
        await self.type(line)
        await self.keys("enter")

    async def step(self, name: str, *keys: str, wait: float = 2.0) -> None:
        """Press `keys`, give the screen `wait` seconds to fill in, then save it as `name`."""
        if keys:
            await self.keys(*keys)
        if wait:
            await self.settle(wait)
        self.shot(name)

    def shot(self, name: str) -> None:
        self.app.save_screenshot(f"{name}.svg", str(self.out))
        print(f"wrote {self.out / name}.svg")


async def drive(d: Driver) -> None:
    await d.select("orders")
    await d.step("topics")
    await d.step("topic-detail", "d")
    await d.keys("escape")
    await d.select("orders")
    await d.keys("t")
    await d.settle(3)
    await d.step("tail-orders", "k", "k", wait=0)
    await d.step("tail-inspector", "enter", wait=1)
    await d.keys("escape", "escape")
    await d.command("tail clickstream")
    await d.step("tail-clickstream", wait=4)
    await d.keys("escape", "2")
    await d.select("order-service")
    await d.step("groups", wait=6)  # a few lag samples for the sparklines
    await d.step("group-detail", "enter", wait=11)  # a few polls for the lag charts
    await d.keys("escape")
    await d.select("sessionizer")  # the demo's consumer-protocol (KIP-848) group
    await d.step("group-detail-kip848", "enter", wait=6)
    await d.keys("escape")
    await d.select("order-service")
    await d.keys("enter")
    await d.keys("o")
    await d.settle(1)
    await d.keys("down", "up", "enter")  # latest, then back to earliest: moves on
    await d.keys("down", "enter")  # to latest -> scope
    await d.step("reset-wizard-preview", "enter", wait=2)  # the group's topic -> preview
    await d.keys("escape", "escape", "3")
    await d.select("sandbox/broken-sink")
    await d.step("connectors")
    await d.step("connector-detail", "enter")
    await d.keys("escape", "4")
    await d.select("orders-value")
    await d.step("schemas")
    await d.step("schema-diff", "D")
    await d.step("brokers", "escape", "5")
    await d.step("health", "6", wait=3)
    await d.command("acls")
    await d.step("acls")
    await d.command("transactions")
    await d.step("transactions", wait=3)
    await d.command("dlq orders.dlq")
    await d.step("dlq", wait=4)
    await d.keys("escape")
    await d.command("find orders o-0042")
    await d.step("find", wait=6)
    await d.keys("escape")
    await d.step("help", "question_mark", wait=0)
    await d.keys("escape", "1")
    await d.command("theme light")
    await d.step("theme-light")
    await d.command("theme high-contrast")
    await d.step("theme-high-contrast")


async def main_async(out: Path, size: tuple[int, int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        guard = Guard(read_only=False, profile="sandbox", audit_path=Path(tmp) / "audit.jsonl")
        client = ClusterClient(sandbox_settings(), guard)
        app = make_app(client, cursor_blink=False)
        try:
            async with app.run_test(size=size) as pilot:
                await drive(Driver(pilot, out))
        finally:
            client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-setup", action="store_true", help="use the running sandbox as is")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--size", default="120x36", help="terminal size, WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    stop = (lambda: None) if args.no_setup else setup_demo()
    try:
        asyncio.run(main_async(args.out, (width, height)))
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
