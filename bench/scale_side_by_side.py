"""The scale goals, measured in one run, kafkatui beside kaskade, on the scale workload.

  python bench/scale_side_by_side.py --topics 10000 --groups 2000 --runs 3

Needs the scale sandbox built by scale_workload.py (3 brokers; started here if it is
stopped). Per run, each in a fresh process:
- the app (probe_app.py, Pilot, from spawn): first paint, first rows, every topic filled,
  and, in a second process on the groups view, every group's lag;
- `kafkatui` in tmux until a workload topic is on screen;
- kaskade 5 (`kaskade admin`, tmux): first rows, and its first full refresh;
- `kafkatui groups --json` and `kafkatui check --json --lag-window 0`: wall and max RSS.
Results: bench/results/scale_side_by_side_TOPICS.json, and a table on stdout.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cluster import BenchCluster
from common import isolated_env, kafkatui_command, save_result, say, summary
from p2_overview import AppProbe, TmuxFirstRows, kaskade_run
from scale_workload import SCALE_DIR
from tools import Tmux

ON_SCREEN = r"bench-sc-t\d+"


def cli_run(cluster: BenchCluster, env: dict[str, str], *args: str) -> dict[str, float]:
    """Wall seconds and max RSS (MB) of one `kafkatui -b BOOTSTRAP ARGS` run."""
    command = ["/usr/bin/time", "-f", "%e %M", *kafkatui_command(), "-b", cluster.bootstrap]
    done = subprocess.run([*command, *args], capture_output=True, text=True, env=env, timeout=600)
    wall, rss_kb = done.stderr.strip().splitlines()[-1].split()
    if done.returncode not in (0, 1):  # check exits 1 when it has findings
        raise RuntimeError(f"{' '.join(args)} exit {done.returncode}: {done.stderr[-300:]}")
    return {"seconds": float(wall), "rss_mb": int(rss_kb) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--topics", type=int, default=10000)
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=SCALE_DIR)
    args = parser.parse_args()
    cluster = BenchCluster.start(root=args.dir, brokers=3)
    load_start = os.getloadavg()
    samples: dict[str, list[dict[str, float]]] = {}
    errors: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="kafkatui-bench-") as home_dir:
        home = Path(home_dir)
        env = isolated_env(home)
        tmux = Tmux()
        measures: dict[str, Callable[[], dict[str, float]]] = {
            "kafkatui_app": AppProbe(cluster, args.topics, args.groups, env),
            "kafkatui_tmux": TmuxFirstRows(tmux, cluster, env, ON_SCREEN),
            "kaskade": lambda: kaskade_run(tmux, cluster, env, home, ON_SCREEN),
            "groups_json": lambda: cli_run(cluster, env, "groups", "--json"),
            "check_json": lambda: cli_run(cluster, env, "check", "--json", "--lag-window", "0"),
        }
        try:
            for i in range(args.runs):
                for name, measure in measures.items():
                    try:
                        samples.setdefault(name, []).append(measure())
                        say(f"run {i + 1} {name}: {samples[name][-1]}")
                    except Exception as exc:  # one tool failing must not lose the others
                        errors.setdefault(name, []).append(f"{type(exc).__name__}: {exc}"[:300])
                        say(f"run {i + 1} {name}: FAILED {errors[name][-1]}")
        finally:
            tmux.close()
    result: dict[str, Any] = {
        "topics": args.topics,
        "groups": args.groups,
        "load_start": load_start,
        "load_end": os.getloadavg(),
        "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    for name, runs in samples.items():
        keys = list(dict.fromkeys(k for s in runs for k in s))
        result[name] = {k: summary([s[k] for s in runs if k in s]) for k in keys}
    result["errors"] = errors
    path = save_result(f"scale_side_by_side_{args.topics}", result)
    say(f"saved {path}")
    for name in measures:
        for key, stats in result.get(name, {}).items():
            spread = f"{stats['min']:.2f}-{stats['max']:.2f}"
            print(f"| {name} | {key} | {stats['median']:.2f} | {spread} |")


if __name__ == "__main__":
    main()
