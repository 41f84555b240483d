"""P2 cluster overview at scale: T topics x 3 partitions and G groups with committed offsets.

kafkatui, each run in a fresh process (probe_app.py: the real app on a real ClusterClient,
driven by Pilot, clocks started before the process is spawned):
- first rows: the topics table has a row;
- all filled: every topic has partitions, RF, messages, URP, cleanup and retention
  (Size is unknown by design: it needs DescribeLogDirs, which confluent-kafka lacks),
  given up after FILL_TIMEOUT_S;
- groups lag: a second fresh process opens the app on the groups view; until every group
  has its lag.
The same first-rows moment is also read from a real terminal (tmux), as for kaskade.

Core calls, fresh client each run: `topics.list_names()` + `fill_summaries()` over all
names in the view's chunks, and `groups.list()` + `groups.lag(all)`.

kaskade 5 (`kaskade admin`, in tmux): first rows = a workload topic is on screen; all
filled = its log says "admin refresh completed" (records, groups and lag per topic).
Kafka's own `ConsumerGroupCommand --describe --all-groups` (a JVM): wall time.

Run alone: python bench/p2_overview.py [--topics T] [--groups G] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import workloads
from cluster import BenchCluster
from common import BENCH_DIR, isolated_env, kafkatui_command, say, summary
from tools import Tmux, consumer_group_command, kaskade

TOPIC_ON_SCREEN = r"bench-(ov|avro|raw|flood)-\S+"  # any workload topic: a first row


def _all_names(cluster: BenchCluster) -> tuple[int, int]:
    """Topics and groups the cluster has in all (the views list every one of them)."""
    admin = cluster.admin()
    topics = len(admin.list_topics(timeout=30).topics)
    groups = len(admin.list_consumer_groups(request_timeout=30).result(timeout=60).valid)
    return topics, groups


FILL_TIMEOUT_S = 90.0


def _probe(args: list[str], env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    """(time.time() just before the spawn, what the probe saw)."""
    command = [sys.executable, str(BENCH_DIR / "probe_app.py"), *args]
    spawned = time.time()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"probe_app {args[0]} failed: {done.stderr.strip()[-800:]}")
    return spawned, json.loads(done.stdout.strip().splitlines()[-1])


class AppProbe:
    """The app's topics and groups views, from process spawn. Once the topics view has
    not filled within FILL_TIMEOUT_S, later runs time only its first rows (each such run
    would otherwise keep the machine busy for minutes) and the report says so."""

    def __init__(self, cluster: BenchCluster, topics: int, groups: int, env: dict[str, str]):
        self.cluster, self.topics, self.groups, self.env = cluster, topics, groups, env
        self.fill_timed_out: int | None = None  # topics filled when the timeout struck

    def __call__(self) -> dict[str, float]:
        args = ["topics", self.cluster.bootstrap, "--topics", str(self.topics)]
        args += ["--fill-timeout", str(FILL_TIMEOUT_S)]
        if self.fill_timed_out is not None:
            args.append("--first-rows-only")
        spawned, seen = _probe(args, self.env)
        sample = {
            "first_paint": seen["first_paint"] - spawned,
            "first_rows": seen["first_rows"] - spawned,
        }
        if seen.get("first_rows_painted") is not None:
            sample["first_rows_painted"] = seen["first_rows_painted"] - spawned
        if seen.get("all_filled") is not None:
            sample["all_filled"] = seen["all_filled"] - spawned
        elif "filled_at_timeout" in seen:
            self.fill_timed_out = seen["filled_at_timeout"]
        args = ["groups", self.cluster.bootstrap, "--groups", str(self.groups)]
        spawned, seen = _probe(args, self.env)
        sample["groups_lag"] = seen["groups_lagged"] - spawned
        return sample


def core_calls(cluster: BenchCluster) -> dict[str, float]:
    from kafkatui.cluster.client import ClusterClient
    from kafkatui.ui.screens.topics import FILL_CHUNK

    client = ClusterClient(cluster.settings(with_registry=False))
    try:
        started = time.perf_counter()
        names = [t.name for t in client.topics.list_names()]
        listed = time.perf_counter()
        for start in range(0, len(names), FILL_CHUNK):
            client.topics.fill_summaries(names[start : start + FILL_CHUNK])
        filled = time.perf_counter()
        client2 = ClusterClient(cluster.settings(with_registry=False))
        try:
            lag_start = time.perf_counter()
            ids = [g.group_id for g in client2.groups.list()]
            client2.groups.lag(ids)
            lag_done = time.perf_counter()
        finally:
            client2.close()
    finally:
        client.close()
    return {
        "topic_names": listed - started,
        "topics_filled": filled - started,
        "groups_lag": lag_done - lag_start,
    }


def kaskade_run(
    tmux: Tmux, cluster: BenchCluster, env: dict[str, str], home: Path, on_screen: str = ""
) -> dict:
    """kaskade admin until a topic matching `on_screen` (default: a workload topic) shows,
    and until its log says its first refresh completed."""
    log = home / "state" / "kaskade" / "kaskade.log"
    log.unlink(missing_ok=True)
    command = [str(kaskade()), "admin", "-b", cluster.bootstrap, "--refresh-interval", "0"]
    started = tmux.run(command, env)
    try:
        first = tmux.wait_for(on_screen or TOPIC_ON_SCREEN, started, timeout_s=300)
        deadline = started + 600
        while "admin refresh completed" not in (log.read_text() if log.exists() else ""):
            if time.perf_counter() > deadline:
                raise TimeoutError("kaskade did not finish its refresh within 600 s")
            time.sleep(0.01)
        sample = {"first_rows": first, "all_filled": time.perf_counter() - started}
        # kaskade's own timing of each stage, as it logs them ("... elapsed=1.234s")
        for stage, seconds in re.findall(r"admin (\w+) \w+ .*?elapsed=([\d.]+)s", log.read_text()):
            sample[f"logged_{stage}"] = float(seconds)
        return sample
    finally:
        tmux.stop()


TMUX_TIMEOUT_S = 60.0


class TmuxFirstRows:
    """`kafkatui` in tmux until a workload topic is on screen. After one run that shows
    none within TMUX_TIMEOUT_S, later runs are skipped (each would wait as long again)."""

    def __init__(
        self, tmux: Tmux, cluster: BenchCluster, env: dict[str, str], on_screen: str = ""
    ) -> None:
        self.tmux, self.cluster, self.env = tmux, cluster, env
        self.on_screen = on_screen or TOPIC_ON_SCREEN
        self.timed_out = False

    def __call__(self) -> dict[str, float]:
        if self.timed_out:
            raise TimeoutError(f"skipped: an earlier run showed no row in {TMUX_TIMEOUT_S:.0f} s")
        started = self.tmux.run([*kafkatui_command(), "-b", self.cluster.bootstrap], self.env)
        try:
            return {"first_rows": self.tmux.wait_for(self.on_screen, started, TMUX_TIMEOUT_S)}
        except TimeoutError:
            self.timed_out = True
            raise TimeoutError(f"no topic row on screen within {TMUX_TIMEOUT_S:.0f} s") from None
        finally:
            self.tmux.stop()


def group_command_seconds(cluster: BenchCluster, groups: int) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        consumer_group_command(cluster.bootstrap), capture_output=True, text=True, timeout=600
    )
    elapsed = time.perf_counter() - started
    described = {line.split()[0] for line in done.stdout.splitlines() if "bench-ov-" in line}
    if done.returncode != 0 or len(described) < groups:
        raise RuntimeError(
            f"ConsumerGroupCommand described {len(described)} of {groups} "
            f"groups (exit {done.returncode}): {done.stderr.strip()[-300:]}"
        )
    return elapsed


def _collect(samples: list[dict[str, float]], errors: list[str]) -> dict[str, Any]:
    if not samples:
        return {"error": errors[0] if errors else "no run"}
    keys = list(dict.fromkeys(key for s in samples for key in s))  # a key may miss in a run
    collected: dict[str, Any] = {
        key: summary([s[key] for s in samples if key in s]) for key in keys
    }
    if errors:
        collected["errors"] = errors
    return collected


def run(cluster: BenchCluster, topics: int, groups: int, runs: int) -> dict[str, Any]:
    workloads.overview(cluster, topics, groups)
    all_topics, all_groups = _all_names(cluster)
    result: dict[str, Any] = {
        "topics": topics,
        "groups": groups,
        "cluster_topics": all_topics,
        "cluster_groups": all_groups,
    }
    with tempfile.TemporaryDirectory(prefix="kafkatui-bench-") as home_dir:
        home = Path(home_dir)
        env = isolated_env(home)
        tmux = Tmux()
        app_probe = AppProbe(cluster, topics, groups, env)  # at least the workload
        measures: dict[str, Callable[[], dict[str, float]]] = {
            "kafkatui_app": app_probe,
            "kafkatui_core": lambda: core_calls(cluster),
            "kafkatui_tmux": TmuxFirstRows(tmux, cluster, env),
            "kaskade": lambda: kaskade_run(tmux, cluster, env, home),
            "consumer_group_command": lambda: {
                "describe_all_groups": group_command_seconds(cluster, groups)
            },
        }
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in measures}
        errors: dict[str, list[str]] = {name: [] for name in measures}
        try:
            kaskade()  # install before any clock runs
            for i in range(runs):
                line = []
                for name, measure in measures.items():
                    try:  # one tool failing must not lose the others' numbers
                        samples[name].append(measure())
                        line.append(f"{name} {_fmt(samples[name][-1])}")
                    except Exception as exc:
                        errors[name].append(f"{type(exc).__name__}: {exc}"[:300])
                        line.append(f"{name} FAILED ({type(exc).__name__})")
                say(f"P2 run {i + 1}/{runs}: " + " | ".join(line))
        finally:
            tmux.close()
    for name in measures:
        result[name] = _collect(samples[name], errors[name])
    if app_probe.fill_timed_out is not None:
        result["kafkatui_app"]["fill_timeout"] = {
            "seconds": FILL_TIMEOUT_S,
            "filled_topics": app_probe.fill_timed_out,
        }
    return result


def _fmt(sample: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.2f}s" for k, v in sample.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--topics", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cluster = BenchCluster.start()
    print(json.dumps(run(cluster, args.topics, args.groups, args.runs), indent=2))


if __name__ == "__main__":
    main()
