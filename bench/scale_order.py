"""Sort and filter on a big topics table: how long the event loop stalls, and how long
until the new order is in the table.

  python bench/scale_order.py BOOTSTRAP --topics 10000

Runs the real app on a real ClusterClient (headless, Textual's Pilot) against the scale
sandbox, waits until every topic has its details and the load is over, then changes the
sort (`>` three times, `!`) and types a filter (`/`, `t`, `0`, `5`, escape), one key
at a time. Per key:

- stall: the longest gap seen by a task that wakes every 2 ms on the event loop, from the
  key to the table being complete (keys wait at least that long to be handled);
- applied: key to the new order's first rows in the table; complete: to its last row;
- rows_built: rows whose cells were made (cached cells make this 0 for a re-order).

Wall-clock figures depend on the machine's load, which is printed with them.
Results: bench/results/scale_order.json.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from typing import Any

from common import save_result, say
from probe_app import send_key, wait_for

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.ui import make_app
from kafkatui.ui.screens.topics import TopicsView

SIZE = (200, 50)
KEYS = (
    "greater_than_sign",
    "greater_than_sign",
    "greater_than_sign",
    "exclamation_mark",
    "slash",
    "t",
    "0",
    "5",
    "escape",
)


class Heartbeat:
    """Wakes every 2 ms on the event loop; the longest gap since `reset` is a stall."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.running = True

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0

    async def beat(self) -> None:
        while self.running:
            await asyncio.sleep(0.002)
            now = time.perf_counter()
            self.longest = max(self.longest, now - self.last)
            self.last = now


def _state(view: TopicsView) -> tuple[Any, ...]:
    return (view.sort_column, view.sort_reverse, view.filter_text)


async def one_key(app: Any, view: TopicsView, key: str, heart: Heartbeat) -> dict[str, Any]:
    before, built = _state(view), view.rows_built
    keys_before = view.table.row_keys[:50]
    heart.reset()
    pressed = time.perf_counter()
    send_key(app, key)
    await wait_for(lambda: _state(view) != before or key == "slash", 30, every_s=0.0005)
    await wait_for(lambda: not getattr(view, "_ordering", False), 60, every_s=0.0005)
    applied = time.perf_counter() - pressed
    await wait_for(lambda: not view.table.filling, 60, every_s=0.001)
    complete = time.perf_counter() - pressed
    await asyncio.sleep(0.05)  # the repaint after it
    return {
        "key": key,
        "stall_ms": round(heart.longest * 1000, 1),
        "applied_ms": round(applied * 1000, 1),
        "complete_ms": round(complete * 1000, 1),
        "rows_built": view.rows_built - built,
        "order_changed": view.table.row_keys[:50] != keys_before,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = ConnectionSettings(profile="scale", bootstrap_servers=args.bootstrap)
    app = make_app(ClusterClient(settings), cursor_blink=False)
    out: dict[str, Any] = {"topics": args.topics, "load_start": os.getloadavg()[0]}

    def view() -> TopicsView | None:
        return app.screen if isinstance(app.screen, TopicsView) else None

    def filled() -> bool:
        v = view()
        return v is not None and sum(1 for t in v.items.values() if t.messages is not None) >= (
            args.topics
        )

    def idle() -> bool:
        return not any(w.group == "poll" and w.is_running for w in app.workers)

    async with app.run_test(size=SIZE):
        await wait_for(filled, 600, every_s=0.05)
        await wait_for(idle, 120, every_s=0.05)
        topics = view()
        assert topics is not None
        topics.POLL_S = None  # type: ignore[misc,assignment]  # no poll amid the keys
        await wait_for(lambda: not topics.table.filling, 60)
        heart = Heartbeat()
        beating = asyncio.create_task(heart.beat())
        out["keys"] = [await one_key(app, topics, key, heart) for key in KEYS]
        heart.running = False
        await beating
        out["rows"] = topics.table.row_count
        app.exit()
    out["load_end"] = os.getloadavg()[0]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("bootstrap")
    parser.add_argument("--topics", type=int, required=True)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    result = asyncio.run(run(args))
    for k in result["keys"]:
        say(
            f"{k['key']:>7}: stall {k['stall_ms']:7.1f} ms, applied {k['applied_ms']:7.1f} ms,"
            f" complete {k['complete_ms']:7.1f} ms, rows built {k['rows_built']}"
        )
    say(f"load average {result['load_start']:.1f} -> {result['load_end']:.1f}")
    save_result(f"scale_order{'-' + args.label if args.label else ''}", result)


if __name__ == "__main__":
    main()
