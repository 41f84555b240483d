"""Runs the real kafkatui app (real ClusterClient, Textual's Pilot) in a fresh process and
prints what it saw as one JSON line. Started by p2_overview.py and p3_flood.py.

Times are absolute (`time.time()`), so the parent can measure from before it spawned
this process: interpreter start and imports count, as they do for a user.

Paints: Textual's headless driver skips writing to a terminal, so `PaintClock` wraps
`App._display` (called once per compositor update) to take
the time and still turn the update into terminal escape codes, as a real terminal
would cost. A "paint" below is one such update of the active screen.

  python bench/probe_app.py topics BOOTSTRAP --topics N [--fill-timeout S] [--first-rows-only]
  python bench/probe_app.py groups BOOTSTRAP --groups G
  python bench/probe_app.py flood BOOTSTRAP TOPIC --records N --presses P

topics: "first_rows" is when the table holds a row, "first_rows_painted" when the first
screen update with rows in the table was written, "all_filled" when every topic has its
details in the view's items (drawn at most REDRAW_S later).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import gc
import inspect
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.ui import make_app

SIZE = (200, 50)


class PaintClock:
    """`marked`: time.time() after the first paint at which `mark()` held (rows on screen)."""

    def __init__(self, app: Any, mark: Any = None) -> None:
        self.times: list[float] = []
        self.first: float | None = None
        self.marked: float | None = None
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            render = getattr(renderable, "render_segments", None)
            if render is not None:
                render(app.console)
            now = time.perf_counter()
            if self.first is None:
                self.first = time.time()
            if self.marked is None and mark is not None and mark():
                self.marked = time.time()
            self.times.append(now)

        app._display = display

    async def next_after(self, moment: float, timeout_s: float = 5.0) -> float:
        """perf_counter of the first paint later than `moment`."""
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            if self.times and self.times[-1] > moment:
                return self.times[bisect.bisect_right(self.times, moment)]
            await asyncio.sleep(0.001)
        raise TimeoutError(f"no paint within {timeout_s:.0f} s")


def app_starting_on(view: str, client: Any) -> Any:
    """The real app, opened on `view` instead of the topics view."""
    from kafkatui.ui.app import KafkaTuiApp

    class StartsElsewhere(KafkaTuiApp):
        DEFAULT_MODE = view
        CSS_PATH = str(Path(inspect.getfile(KafkaTuiApp)).with_name("app.tcss"))

    return StartsElsewhere(client, cursor_blink=False)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def send_key(app: Any, key: str) -> None:
    """Hand a key to the app as its terminal driver does (Pilot.press would also wait for
    the process to go idle, which it never does during a flood)."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def wait_for(check: Any, timeout_s: float, every_s: float = 0.005) -> float:
    deadline = time.perf_counter() + timeout_s
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"not reached within {timeout_s:.0f}s")
        await asyncio.sleep(every_s)
    return time.time()


# ---- P2: the overview ---------------------------------------------------------------------
def _topics_filled(screen: Any, expected: int) -> bool:
    items = getattr(screen, "items", {})
    if len(items) < expected or screen.query_one("#table").row_count < expected:
        return False
    return all(
        t.partitions is not None and t.messages is not None and t.cleanup_policy is not None
        for t in items.values()
    )


def _groups_lagged(screen: Any, expected: int) -> bool:
    if type(screen).__name__ != "GroupsView":
        return False
    items = getattr(screen, "items", {})
    if len(items) < expected or screen.query_one("#table").row_count < expected:
        return False
    return all(row.lag is not None for row in items.values())


def _rows(app: Any) -> int:
    try:
        tables = app.screen.query("#table")
        return int(tables.first().row_count) if tables else 0
    except Exception:  # not running yet: no screen
        return 0


def _filled_count(screen: Any) -> int:
    items = getattr(screen, "items", {})
    return sum(
        1
        for t in items.values()
        if t.partitions is not None and t.messages is not None and t.cleanup_policy is not None
    )


async def topics_view(
    settings: ConnectionSettings, topics: int, fill_timeout_s: float, first_rows_only: bool
) -> dict[str, Any]:
    """First rows and all columns filled in the topics view (the first view)."""
    app = make_app(ClusterClient(settings), cursor_blink=False)
    clock = PaintClock(app, mark=lambda: _rows(app) > 0)
    out: dict[str, Any] = {}

    def filled() -> bool:
        try:
            return _topics_filled(app.screen, topics)
        except Exception:
            return False

    async def watch() -> None:
        # started before run_test: entering it waits for the app to settle, which would
        # hide when the rows really arrived
        out["first_rows"] = await wait_for(lambda: _rows(app) > 0, 120)
        await wait_for(lambda: clock.marked is not None, 30)
        out["first_rows_painted"] = clock.marked
        if first_rows_only:  # report now: leaving run_test waits for the app to settle
            print(json.dumps({**out, "first_paint": clock.first}), flush=True)
            os._exit(0)
        try:
            out["all_filled"] = await wait_for(filled, fill_timeout_s, every_s=0.02)
        except TimeoutError:
            out["all_filled"] = None
            out["filled_at_timeout"] = _filled_count(app.screen)

    if not first_rows_only:
        _watchdog(app, clock, out, fill_timeout_s + 5)
    watcher = asyncio.create_task(watch())
    async with app.run_test(size=SIZE):
        await watcher
        out["first_paint"] = clock.first
        out["rows_seen"] = _rows(app)
        app.exit()
    return out


def _watchdog(app: Any, clock: PaintClock, out: dict[str, Any], after_s: float) -> None:
    """A thread that reports and ends the process if the event loop is still blocked
    `after_s` from now (a long synchronous table update never lets the watcher run)."""

    def report() -> None:
        try:
            filled = _filled_count(app.screen)
        except Exception:  # the UI thread is changing it right now: unknown
            filled = -1
        result = {**out, "all_filled": None, "filled_at_timeout": filled}
        result["first_paint"] = clock.first
        print(json.dumps(result), flush=True)
        os._exit(0)

    timer = threading.Timer(after_s, report)
    timer.daemon = True
    timer.start()


async def groups_view(settings: ConnectionSettings, groups: int) -> dict[str, Any]:
    """The app opened on the groups view: when every group shows its lag."""
    app = app_starting_on("groups", ClusterClient(settings))
    clock = PaintClock(app)
    out: dict[str, Any] = {}

    def lagged() -> bool:
        try:
            return _groups_lagged(app.screen, groups)
        except Exception:
            return False

    watcher = asyncio.create_task(wait_for(lagged, 300, every_s=0.02))
    async with app.run_test(size=SIZE):
        out["groups_lagged"] = await watcher
        out["first_paint"] = clock.first
        app.exit()
    return out


# ---- P3: keys during a flood --------------------------------------------------------------
def _handled_clock(log: Any) -> list[float]:
    """Times at which the tail list ran a cursor action (a `j` or `k` was handled)."""
    times: list[float] = []
    original = log.action_cursor

    def action_cursor(*args: Any) -> Any:
        result = original(*args)
        times.append(time.perf_counter())
        return result

    log.action_cursor = action_cursor
    return times


class RssSampler(threading.Thread):
    def __init__(self, received: Any, every_s: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, int, float]] = []  # (seconds, records, MB)
        self._received = received
        self._every = every_s
        self._stop = threading.Event()
        self._start_time = time.perf_counter()

    def run(self) -> None:
        while not self._stop.wait(self._every):
            elapsed = time.perf_counter() - self._start_time
            self.samples.append((round(elapsed, 2), self._received(), round(rss_mb(), 1)))

    def stop(self) -> None:
        self._stop.set()


def ui_thread_schedstat() -> tuple[int, int]:
    """(ns on a CPU, ns runnable but waiting for a CPU) of the calling thread, from the
    kernel's scheduler statistics."""
    with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as stat:
        on_cpu, waiting, _slices = stat.read().split()
    return int(on_cpu), int(waiting)


class GcClock:
    """Every garbage collection in the process: (generation, start, end) perf_counter times,
    so slow keys can be told apart from collections that happened during them."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float, float]] = []
        self._began = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses.append((info["generation"], self._began, time.perf_counter()))

    def summary(self, since: float, until: float) -> dict[str, Any]:
        """Per generation: collections, total and longest milliseconds in [since, until]."""
        out: dict[str, Any] = {}
        for gen in (0, 1, 2):
            spans = [(e - b) * 1000 for g, b, e in self.pauses if g == gen and since <= b <= until]
            out[f"gen{gen}"] = {"count": len(spans), "total_ms": round(sum(spans), 1),
                                "max_ms": round(max(spans, default=0.0), 1)}  # fmt: skip
        return out


AT_REST_ROWS = 200  # the tail view opens on the last 200 records, put there beforehand
AT_REST_KEYS = 30


async def press_keys(
    app: Any, clock: PaintClock, handled: list[float], count: int, gap_s: float
) -> dict[str, Any]:
    """Latency of `count` keys (`k`, `j` alternately): from handing each to the driver to
    the first paint after the tail list ran its cursor action."""
    latencies = []
    slow: list[tuple[float, float, float]] = []  # (pressed, handled, painted), keys > 40 ms
    unpainted = 0  # a key that changed nothing on screen is followed by no paint
    for i in range(count):
        before = len(handled)
        pressed = time.perf_counter()
        send_key(app, "k" if i % 2 == 0 else "j")
        await wait_for(lambda n=before: len(handled) > n, 10, every_s=0.0005)
        try:
            painted = await clock.next_after(handled[before], timeout_s=2.0)
            latencies.append(painted - pressed)
            if painted - pressed > 0.040:
                slow.append((pressed, handled[before], painted))
        except TimeoutError:
            unpainted += 1
        await asyncio.sleep(gap_s)
    return {"latencies_s": latencies, "keys_without_repaint": unpainted, "slow": slow}


async def flood(
    settings: ConnectionSettings,
    topic: str,
    records: int,
    presses: int,
    press_gap_s: float,
    timeout_s: float,
) -> dict[str, Any]:
    # Opened on the brokers view, not the topics view: with P2's 2,000 topics in the
    # sandbox, filling the topics table blocks the event loop for minutes (see P2).
    app = app_starting_on("brokers", ClusterClient(settings))
    clock = PaintClock(app)
    out: dict[str, Any] = {"rss_start_mb": rss_mb()}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_tail(topic)
        await wait_for(lambda: getattr(app.screen, "session", None) is not None, 30)
        view = app.screen

        def received() -> int:
            return int(view.session.stats().received)

        handled = _handled_clock(view.log_view)
        await wait_for(lambda: len(view.log_view.rows) >= AT_REST_ROWS, 30)
        out["at_rest"] = await press_keys(app, clock, handled, AT_REST_KEYS, press_gap_s)
        sampler = RssSampler(received)
        sampler.start()
        print(json.dumps({"ready": time.time()}), flush=True)  # the parent starts the flood
        await wait_for(lambda: received() > AT_REST_ROWS + 10_000, 60)
        gc_clock = GcClock()
        keys_began, received_before = time.perf_counter(), received()
        cpu_before, wait_before = ui_thread_schedstat()
        out["flood"] = await press_keys(app, clock, handled, presses, press_gap_s)
        keys_took = time.perf_counter() - keys_began
        cpu_after, wait_after = ui_thread_schedstat()
        # how much of the time the UI thread could run it spent waiting for a free core
        on_cpu, waiting = cpu_after - cpu_before, wait_after - wait_before
        out["ui_thread_cpu_ms_during_keys"] = round(on_cpu / 1e6)
        out["ui_thread_waiting_for_a_core_ms"] = round(waiting / 1e6)
        # proof that the flood went on during the keys: what the tail took in meanwhile
        out["received_per_s_during_keys"] = round((received() - received_before) / keys_took)
        out["gc_during_keys"] = gc_clock.summary(keys_began, time.perf_counter())
        out["slow_keys"] = [
            {
                "ms": round((end - begin) * 1000, 1),
                "to_handled_ms": round((handled_at - begin) * 1000, 1),
                "gc": gc_clock.summary(begin, end),
            }
            for begin, handled_at, end in out["flood"].pop("slow")
        ]
        out["received_after_keys"] = received()
        await wait_for(lambda: received() >= records, timeout_s, every_s=0.2)
        sampler.stop()
        out["rss_samples"] = sampler.samples
        out["rss_end_mb"] = rss_mb()
        stats = view.session.stats()
        out["received"] = stats.received
        out["kept"] = stats.kept
        out["dropped"] = stats.dropped
        out["shown"] = len(view.log_view.rows)
        out["paints"] = len(clock.times)
        await pilot.press("escape")
        await pilot.press("q")
    return out


def avoid_zero_delay_timers() -> None:
    """Workaround, used only when asked: Textual's Timer divides by its interval when it
    runs late, so `set_timer(0.0, ...)` can raise ZeroDivisionError; make it 1 ms."""
    from kafkatui.ui.screens.tail import TailView

    original = TailView.set_timer

    def set_timer(self: Any, delay: float, *args: Any, **kwargs: Any) -> Any:
        return original(self, max(delay, 0.001), *args, **kwargs)

    TailView.set_timer = set_timer  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    tv = sub.add_parser("topics")
    tv.add_argument("bootstrap")
    tv.add_argument("--topics", type=int, required=True)
    tv.add_argument("--fill-timeout", type=float, default=90)
    tv.add_argument("--first-rows-only", action="store_true")
    gv = sub.add_parser("groups")
    gv.add_argument("bootstrap")
    gv.add_argument("--groups", type=int, required=True)
    fl = sub.add_parser("flood")
    fl.add_argument("bootstrap")
    fl.add_argument("topic")
    fl.add_argument("--records", type=int, default=1_000_000)
    fl.add_argument("--presses", type=int, default=200)
    fl.add_argument("--press-gap", type=float, default=0.025)
    fl.add_argument("--timeout", type=float, default=600)
    fl.add_argument("--avoid-zero-timer", action="store_true")
    args = parser.parse_args()
    if getattr(args, "avoid_zero_timer", False):
        avoid_zero_delay_timers()
    settings = ConnectionSettings(profile="bench", bootstrap_servers=args.bootstrap)
    if args.what == "topics":
        result = asyncio.run(
            topics_view(settings, args.topics, args.fill_timeout, args.first_rows_only)
        )
    elif args.what == "groups":
        result = asyncio.run(groups_view(settings, args.groups))
    else:
        result = asyncio.run(
            flood(
                settings,
                args.topic,
                args.records,
                args.presses,
                args.press_gap,
                args.timeout,
            )
        )
    print(json.dumps(result), flush=True)
    os._exit(0)  # do not wait for worker threads still talking to the cluster


if __name__ == "__main__":
    main()
