"""The topics and groups views on the scale sandbox: work on the event loop per poll.

  python bench/scale_ui_work.py BOOTSTRAP --topics 10000 [--groups 2000]
        [--views topics,groups] [--polls 3] [--changed 50] [--presses 40] [--profile out.txt]

Runs the real app on a real ClusterClient (headless, Textual's Pilot) and measures each
view in turn: the topics view (the first one), then the groups view, opened with its key
(`2`) once the topics view is loaded. For each view, the first load and each later poll:

- deterministic measures: rows whose cells were built (`cells` calls), table cells
  written, redraws, and Python function calls on the event loop (cProfile, the UI thread
  only); a poll where nothing changed on the cluster should cost ~0 rows, and a poll after
  records were produced to some topics ~the rows those records change (topics: K
  topics; groups: the topics K groups read, and every group reading one of them);
- wall-clock measures (noisy on a shared machine): first rows, all filled (topics: every
  topic has its details; groups: every group has its lag), and key press to repaint
  (`j`/`k`, timed as bench/probe_app.py does) while the view loads (keys pressed until
  it is filled, at most --presses) and at rest while the view polls on its own (at least
  --presses keys, and on until one of its own polls has run from start to end).

With --profile, the event loop runs under cProfile during the topics view's first load
(its Python calls are counted and the top functions by cumulative time written there);
that slows it several times, so take the first load's wall-clock times from a run
without it. Results: bench/results/scale_ui_work_TOPICS.json (or --save NAME).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from common import save_result, say
from probe_app import PaintClock, rss_mb, send_key, wait_for

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.ui import make_app
from kafkatui.ui.screens.groups import GroupsView
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.screens.topics import TopicsView
from kafkatui.ui.widgets.keyed_table import KeyedTable

SIZE = (200, 50)
REST_LIMIT_S = 120.0  # the keys at rest stop by then even if no poll of the view ended


class Counters:
    """Counts the table work through the views' own methods (wrapped, not changed). One
    count for all views: a view that is not shown does not poll."""

    def __init__(self) -> None:
        self.cells_built = 0
        self.redraws = 0
        counters = self
        views: tuple[Any, ...] = (TopicsView, GroupsView)  # Any: their methods are replaced
        for view in views:
            original_cells = view.cells

            def cells(v: Any, item: Any, original: Any = original_cells) -> Any:
                counters.cells_built += 1
                return original(v, item)

            view.cells = cells
        table_view: Any = TableView
        original_redraw = table_view.redraw

        def redraw(view: Any) -> None:
            counters.redraws += 1
            original_redraw(view)

        table_view.redraw = redraw

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


async def keys_latency(
    app: Any, clock: PaintClock, gap_s: float, go_on: Callable[[int], bool]
) -> list[float]:
    """Key to the first paint after it (the cursor moves, so every key repaints), for as
    long as `go_on(keys pressed so far)` holds."""
    latencies = []
    i = 0
    while go_on(i):
        before = len(clock.times)
        pressed = time.perf_counter()
        send_key(app, "j" if i % 2 == 0 else "k")
        try:
            await wait_for(lambda n=before: len(clock.times) > n, 3, every_s=0.0005)
            latencies.append(clock.times[before] - pressed)
        except TimeoutError:
            pass
        i += 1
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


@dataclass
class ViewSpec:
    """One view to measure: how to open it, when it is loaded, what a change touches."""

    name: str
    view: type[TableView[Any]]
    expected: int  # items the view must show before it counts as loaded
    key: str | None  # the key that opens it; None: the view the app starts on
    loaded: Callable[[Any], bool]  # every item has what the view fills in later
    # for the "poll after changing": the topics to produce a record to (from the view
    # and a count), and the value of an item such a record changes
    produce_for: Callable[[Any, int], list[str]]
    changed_value: Callable[[Any], Any]


def _groups_topics(view: Any, count: int) -> list[str]:
    """The topics the first `count` groups (by id) read."""
    rows = [view.items[key] for key in sorted(view.items)[:count]]
    return sorted({p.topic for row in rows if row.lag for p in row.lag.partitions})


def view_specs(args: argparse.Namespace) -> dict[str, ViewSpec]:
    return {
        "topics": ViewSpec(
            "topics",
            TopicsView,
            args.topics,
            None,
            lambda view: all(t.partitions is not None for t in view.items.values()),
            # not the internal topics, which sort first: Kafka refuses records for
            # `__consumer_offsets`, and Connect's `_connect-*` are not ours to write
            lambda view, count: [n for n in sorted(view.items) if not n.startswith("_")][:count],
            lambda topic: topic.messages,
        ),
        "groups": ViewSpec(
            "groups",
            GroupsView,
            args.groups,
            "2",
            lambda view: all(row.lag is not None for row in view.items.values()),
            _groups_topics,
            lambda row: row.total,
        ),
    }


async def measure_view(
    app: Any,
    clock: PaintClock,
    counters: Counters,
    spec: ViewSpec,
    args: argparse.Namespace,
    started: float,
) -> dict[str, Any]:
    """First load, polls with nothing changed, a poll after a change, keys while loading
    and at rest, for the view `spec` names (opened here when it has a key). Its first
    rows and fill are timed from `started` (the app's start for the first view)."""
    out: dict[str, Any] = {"expected": spec.expected}

    def screen() -> Any:
        return app.screen if isinstance(app.screen, spec.view) else None

    def filled() -> bool:
        view = screen()
        return view is not None and len(view.items) >= spec.expected and spec.loaded(view)

    def idle_loader() -> bool:
        view = screen()
        return view is not None and not any(w.group == "poll" and w.is_running for w in app.workers)

    opened = counters.snapshot(None)
    if spec.key is not None:
        started = time.time()
        send_key(app, spec.key)
    await wait_for(lambda: screen() is not None and len(screen().items) > 0, 120)
    out["first_rows_s"] = time.time() - started
    say(f"{spec.name}: first rows after {out['first_rows_s']:.2f}s")
    loading_keys = await keys_latency(app, clock, 0.05, lambda i: i < args.presses and not filled())
    await wait_for(filled, 300, every_s=0.02)
    out["all_filled_s"] = time.time() - started
    say(f"{spec.name}: filled after {out['all_filled_s']:.2f}s")
    await wait_for(idle_loader, 60, every_s=0.02)
    out["keys_while_loading"] = key_summary(loading_keys)
    view = screen()
    table = view.table
    out["first_load"] = {
        **diff(counters.snapshot(table), opened),
        "cells_written": table.cells_written,
    }
    polls_done = [0]
    original_poll_done = view.poll_done

    def poll_done(ok: bool) -> None:
        polls_done[0] += 1
        original_poll_done(ok)

    view.poll_done = poll_done  # the instance's, so the view's own timer reaches it too

    async def poll() -> dict[str, Any]:
        before = counters.snapshot(table)
        calls = cProfile.Profile()
        calls.enable()
        began = time.perf_counter()
        view.reload()
        await asyncio.sleep(0.05)
        await wait_for(idle_loader, 600, every_s=0.02)
        took = time.perf_counter() - began  # under cProfile: only to compare
        await asyncio.sleep(0.5)  # a timed redraw may still be due
        calls.disable()
        return {**diff(counters.snapshot(table), before), "py_calls": _calls(calls),
                "poll_s_profiled": took}  # fmt: skip

    out["polls_unchanged"] = [await poll() for _ in range(args.polls)]
    say(f"{spec.name}: polls with nothing changed {out['polls_unchanged']}")
    produced = spec.produce_for(view, args.changed)
    values = {key: spec.changed_value(item) for key, item in view.items.items()}
    produce_to(args.bootstrap, produced)
    work = await poll()
    changed = sum(1 for k, i in view.items.items() if spec.changed_value(i) != values.get(k))
    out["poll_after_changing"] = {"topics_produced_to": len(produced),
                                  "items_changed": changed, **work}  # fmt: skip
    # at rest: the view polls on its own (every POLL_S, counted from the end of the poll
    # above) while keys arrive; go on until one of those polls has run from start to end
    polls_at_start, rest_began = polls_done[0], time.perf_counter()

    def at_rest(i: int) -> bool:
        if time.perf_counter() - rest_began > REST_LIMIT_S:
            return False
        return i < args.presses or polls_done[0] < polls_at_start + 1

    say(f"{spec.name}: poll after changing {out['poll_after_changing']}")
    rest = await keys_latency(app, clock, 0.25, at_rest)
    out["keys_at_rest"] = key_summary(rest)
    out["keys_at_rest"]["polls_ended"] = polls_done[0] - polls_at_start
    out["keys_at_rest"]["seconds"] = time.perf_counter() - rest_began
    out["rss_mb"] = rss_mb()
    return out


async def run(args: argparse.Namespace) -> dict[str, Any]:
    counters = Counters()
    settings = ConnectionSettings(profile="scale", bootstrap_servers=args.bootstrap)
    app = make_app(ClusterClient(settings), cursor_blink=False)
    clock = PaintClock(app)
    out: dict[str, Any] = {"topics": args.topics, "groups": args.groups}
    out["load_start"] = os.getloadavg()
    profile = cProfile.Profile()
    specs = view_specs(args)
    started = time.time()  # entering run_test waits for the app to settle: clock it before
    async with app.run_test(size=SIZE):
        for name in args.views.split(","):
            if name == "topics" and args.profile:  # slows the loop: wall clock is off then
                profile.enable()
            out[name] = await measure_view(app, clock, counters, specs[name], args, started)
            profile.disable()
        out["rss_mb"] = rss_mb()
        app.exit()
    out["load_end"] = os.getloadavg()
    out["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
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
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("bootstrap")
    parser.add_argument("--topics", type=int, required=True, help="workload topics expected")
    parser.add_argument("--groups", type=int, default=0, help="workload groups (topics / 5)")
    parser.add_argument("--views", default="topics,groups", help="in this order")
    parser.add_argument("--polls", type=int, default=3)
    parser.add_argument("--changed", type=int, default=50)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--profile", default="")
    parser.add_argument("--fill-parallel", type=int, default=0, help="override FILL_PARALLEL")
    parser.add_argument("--save", default="", help="result name (default scale_ui_work_TOPICS)")
    args = parser.parse_args()
    args.groups = args.groups or args.topics // 5
    unknown = set(args.views.split(",")) - {"topics", "groups"}
    if unknown:
        parser.error(f"unknown views: {', '.join(sorted(unknown))} (topics, groups)")
    if args.fill_parallel:
        from kafkatui.ui.screens import topics

        topics.FILL_PARALLEL = args.fill_parallel
    result = asyncio.run(run(args))
    path = save_result(args.save or f"scale_ui_work_{args.topics}", result)
    print(json.dumps(result, indent=1))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
