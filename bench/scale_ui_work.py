"""The topics and groups views on the scale sandbox: work on the event loop per poll.

  python bench/scale_ui_work.py BOOTSTRAP --topics 10000 [--polls 3] [--changed 50]
        [--presses 40] [--profile out.txt]

Runs the real app on a real ClusterClient (headless, Textual's Pilot) and reports, for
the first load and for each later poll of the topics view:

- deterministic measures: rows whose cells were built (`TopicsView.cells` calls), table
  cells written, redraws, and Python function calls on the event loop (cProfile, the UI
  thread only); a poll where nothing changed on the cluster should cost ~0 rows, and a
  poll after records were produced to K topics ~K rows;
- wall-clock measures (noisy on a shared machine): first rows, all filled, and key
  press to repaint (`j`/`k`, timed as bench/probe_app.py does) while the topics fill
  and at rest while the view polls.

With --profile, the event loop runs under cProfile during the first load (its Python
calls are counted and the top functions by cumulative time written there); that slows
it several times, so take the first load's wall-clock times from a run without it.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import time
from typing import Any

from probe_app import PaintClock, rss_mb, send_key, wait_for

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.ui import make_app
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.screens.topics import TopicsView
from kafkatui.ui.widgets.keyed_table import KeyedTable

SIZE = (200, 50)


class Counters:
    """Counts the table work through the views' own methods (wrapped, not changed)."""

    def __init__(self) -> None:
        self.cells_built = 0
        self.redraws = 0
        self.cells_written = 0
        original_cells = TopicsView.cells
        original_redraw = TableView.redraw
        counters = self

        def cells(view: Any, item: Any) -> Any:
            counters.cells_built += 1
            return original_cells(view, item)

        def redraw(view: Any) -> None:
            counters.redraws += 1
            original_redraw(view)

        TopicsView.cells = cells  # type: ignore[method-assign]
        TableView.redraw = redraw  # type: ignore[method-assign]

    def snapshot(self, table: KeyedTable | None) -> dict[str, int]:
        written = getattr(table, "cells_written", -1) if table is not None else -1
        return {"rows_built": self.cells_built, "redraws": self.redraws, "cells_written": written}


def diff(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in after}


def produce_to(bootstrap: str, topics: list[str]) -> None:
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": bootstrap, "log_level": 3})
    for name in topics:
        producer.produce(name, b"changed", b"k", partition=0)
    producer.flush(30)


async def keys_latency(app: Any, clock: PaintClock, count: int, gap_s: float) -> list[float]:
    """Key to the first paint after it (the cursor moves, so every key repaints)."""
    latencies = []
    for i in range(count):
        before = len(clock.times)
        pressed = time.perf_counter()
        send_key(app, "j" if i % 2 == 0 else "k")
        try:
            await wait_for(lambda n=before: len(clock.times) > n, 3, every_s=0.0005)
            latencies.append(clock.times[before] - pressed)
        except TimeoutError:
            pass
        await asyncio.sleep(gap_s)
    return latencies


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def key_summary(values: list[float]) -> dict[str, Any]:
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": pct(ms, 50),
        "p99_ms": pct(ms, 99),
        "max_ms": max(ms, default=None),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    counters = Counters()
    settings = ConnectionSettings(profile="scale", bootstrap_servers=args.bootstrap)
    app = make_app(ClusterClient(settings), cursor_blink=False)
    clock = PaintClock(app)
    out: dict[str, Any] = {"topics": args.topics}
    profile = cProfile.Profile()
    spawned = time.time()

    def screen() -> Any:
        return app.screen if isinstance(app.screen, TopicsView) else None

    def filled() -> bool:
        view = screen()
        return (
            view is not None
            and sum(1 for t in view.items.values() if t.partitions is not None) >= args.topics
        )

    def idle_loader() -> bool:
        view = screen()
        return view is not None and not any(w.group == "poll" and w.is_running for w in app.workers)

    async with app.run_test(size=SIZE):
        if args.profile:  # it slows the event loop several times: wall clock is off then
            profile.enable()
        await wait_for(lambda: screen() is not None and len(screen().items) > 0, 120)
        out["first_rows_s"] = time.time() - spawned
        loading_keys = await keys_latency(app, clock, args.presses, 0.05)
        await wait_for(filled, 300, every_s=0.02)
        out["all_filled_s"] = time.time() - spawned
        await wait_for(idle_loader, 60, every_s=0.02)
        profile.disable()
        out["keys_while_loading"] = key_summary(loading_keys)
        table = screen().table
        first = counters.snapshot(table)
        out["first_load"] = first
        polls = []
        for _ in range(args.polls):
            before = counters.snapshot(table)
            calls = cProfile.Profile()
            calls.enable()
            started = time.perf_counter()
            screen().reload()
            await asyncio.sleep(0.05)
            await wait_for(idle_loader, 600, every_s=0.02)
            took = time.perf_counter() - started  # under cProfile: only to compare
            await asyncio.sleep(0.5)  # a timed redraw may still be due
            calls.disable()
            work = diff(counters.snapshot(table), before)
            polls.append({**work, "py_calls": _calls(calls), "poll_s_profiled": took})
        out["polls_unchanged"] = polls
        changed = sorted(screen().items)[: args.changed]
        produce_to(args.bootstrap, changed)
        before = counters.snapshot(table)
        screen().reload()
        await asyncio.sleep(0.05)
        await wait_for(idle_loader, 600, every_s=0.02)
        await asyncio.sleep(0.5)
        out["poll_after_changing"] = {"topics_changed": len(changed),
                                      **diff(counters.snapshot(table), before)}  # fmt: skip
        # at rest: the view keeps polling on its own (every POLL_S) while keys arrive
        rest = await keys_latency(app, clock, args.presses, 0.25)
        out["keys_at_rest"] = key_summary(rest)
        out["rss_mb"] = rss_mb()
        app.exit()
    if args.profile:
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(40)
        with open(args.profile, "w") as handle:
            handle.write(text.getvalue())
        out["first_load_py_calls"] = _calls(profile)
    return out


def _calls(profile: cProfile.Profile) -> int:
    stats = pstats.Stats(profile)
    return int(sum(v[1] for v in stats.stats.values()))  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bootstrap")
    parser.add_argument("--topics", type=int, required=True, help="workload topics expected")
    parser.add_argument("--polls", type=int, default=3)
    parser.add_argument("--changed", type=int, default=50)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--profile", default="")
    parser.add_argument("--fill-parallel", type=int, default=0, help="override FILL_PARALLEL")
    args = parser.parse_args()
    if args.fill_parallel:
        from kafkatui.ui.screens import topics

        topics.FILL_PARALLEL = args.fill_parallel
    print(json.dumps(asyncio.run(run(args)), indent=1))


if __name__ == "__main__":
    main()
