"""Run every benchmark on the bench sandbox and rewrite the results in docs/benchmarks.md.

  python bench/run_all.py                 # the full workloads, 5 runs each
  python bench/run_all.py --quick         # a small smoke run (20k records, 50 topics)
  python bench/run_all.py --only p1,p4    # some of them; the others keep their last results

It starts its own sandbox in bench/.sandbox/ (never the development one), builds the
workloads there (kept for the next run), and stops the sandbox at the end unless
--keep-sandbox is given (--purge also deletes its data). Raw results: bench/results/.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import traceback
from collections.abc import Callable
from typing import Any

import p1_tail
import p2_overview
import p3_flood
import p4_startup
import report
from cluster import BenchCluster
from common import load_result, save_result, say

ALL = ("p4", "p1", "p3", "p2")  # P2's 2,000 topics go last: they slow the broker down


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default=",".join(ALL), help="comma list of p1,p2,p3,p4")
    parser.add_argument("--runs", type=int, default=5, help="repetitions per measurement")
    parser.add_argument("--records", type=int, default=1_000_000, help="P1 and P3 records")
    parser.add_argument("--topics", type=int, default=2000, help="P2 topics")
    parser.add_argument("--groups", type=int, default=300, help="P2 groups")
    parser.add_argument("--p3-runs", type=int, default=5, help="P3 repetitions (each floods)")
    parser.add_argument("--presses", type=int, default=200, help="P3 keys per run")
    parser.add_argument("--quick", action="store_true", help="small smoke workloads, 3 runs")
    parser.add_argument("--note", default="", help="a sentence for the results section")
    parser.add_argument("--keep-sandbox", action="store_true")
    parser.add_argument("--purge", action="store_true", help="delete the sandbox data at the end")
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite docs/benchmarks.md")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.records, args.topics, args.groups = 3, 20_000, 50, 10
        args.p3_runs, args.presses = 1, 50
    return args


def main() -> int:
    args = parse_args()
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    previous = load_result("latest") or {}
    results: dict[str, Any] = {k: v for k, v in previous.items() if k in ALL}
    load_start = os.getloadavg()
    cluster = BenchCluster.start()
    benches: dict[str, Callable[[], dict[str, Any]]] = {
        "p4": lambda: p4_startup.run(cluster, max(args.runs, 10)),
        "p1": lambda: p1_tail.run(cluster, args.records, args.runs),
        "p3": lambda: p3_flood.run(cluster, args.records, args.presses, args.p3_runs),
        "p2": lambda: p2_overview.run(cluster, args.topics, args.groups, args.runs),
    }
    failed = False
    try:
        for name in ALL:
            if name not in chosen:
                continue
            say(f"== {name}")
            try:
                results[name] = benches[name]()
            except Exception as exc:  # one failing bench must not lose the others' results
                traceback.print_exc()
                results[name] = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0][:300]}
                failed = True
            save_result(name, results[name])
    finally:
        if not args.keep_sandbox:
            cluster.stop(purge=args.purge)
    note = args.note or ("Quick smoke workloads, not the targets' sizes." if args.quick else "")
    results["meta"] = {
        "finished": report.now_utc(),
        "command": shlex.join(["python", "bench/run_all.py", *sys.argv[1:]]),
        "note": note,
        "load_start": load_start,
        "machine": report.machine(),
        "versions": report.versions(),
    }
    save_result("latest", results)
    if not args.no_doc:
        report.write_doc(results)
        say(f"wrote {report.DOC}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
