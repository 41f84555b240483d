"""P5 find: `kafkatui find` against `kafkatui tail --until-end` on P1's topics.

The issue asks that find scans at least as fast as `tail --until-end` reads. Both read
the whole topic to the end offsets seen at start: tail decodes and prints every record
(to /dev/null), find tries the filter on each record and prints the one match. The
needle sits in one record's value (raw topic: not present, so find prints nothing and
exits 1; Avro topic: a `url` value, matched through the one-pass text of the value).
The tools alternate run by run; wall and CPU time are recorded. A script, not a test.

Run alone: python bench/p5_find.py [--records N] [--runs R]
    or on a running cluster: python bench/p5_find.py --bootstrap H:P --registry URL
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import workloads
from cluster import BenchCluster
from common import SANDBOX_DIR, isolated_env, kafkatui_command, save_result, say, summary

#: found in no record, and holding a colon: no value can be judged on its bytes
WORST_AVRO_NEEDLE = "zz:"


def _timed(command: list[str], env: dict[str, str], ok: tuple[int, ...]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(command[:5])}... exited {done.returncode}: "
                           f"{done.stderr.decode(errors='replace').strip()[-300:]}")  # fmt: skip
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(cluster: BenchCluster, topic: str, records: int, needle: str, runs: int,
            env: dict[str, str], value_format: str) -> dict[str, Any]:  # fmt: skip
    base = [*kafkatui_command(), "-b", cluster.bootstrap, "--schema-registry", cluster.registry]
    commands = {
        "tail": ([*base, "tail", topic, "--from", "earliest", "--until-end",
                  "--value-format", value_format], (0,)),
        "find": ([*base, "find", topic, needle], (0, 1)),
    }  # fmt: skip
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(runs):
        for name, (command, ok) in commands.items():
            wall, cpu = _timed(command, env, ok)
            walls[name].append(wall)
            cpus[name].append(cpu)
            say(f"P5 {topic} {name} run {i + 1}/{runs}: {wall:.2f}s "
                f"({records / wall:,.0f} rec/s, cpu {cpu:.2f}s)")  # fmt: skip
    result: dict[str, Any] = {"topic": topic, "records": records, "needle": needle}
    for name in commands:
        stats = summary(walls[name])
        stats["records_per_s"] = records / stats["median"]
        stats["cpu_median"] = summary(cpus[name])["median"]
        result[name] = stats
    result["find_vs_tail"] = result["find"]["records_per_s"] / result["tail"]["records_per_s"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bootstrap", help="a running cluster instead of the bench sandbox")
    parser.add_argument("--registry", help="its registry (Confluent-compatible API)")
    args = parser.parse_args()
    if args.bootstrap:
        cluster = BenchCluster(args.bootstrap, args.registry or "", SANDBOX_DIR, False)
    else:
        cluster = BenchCluster.start()
    with tempfile.TemporaryDirectory(prefix="kafkatui-bench-") as home:
        env = isolated_env(Path(home))
        raw = workloads.raw_topic(cluster, args.records)
        avro = workloads.avro_topic(cluster, args.records)
        needle = f"i={args.records // 2}"  # in one record's url only
        results = [
            measure(cluster, raw, args.records, "no such text", args.runs, env, "hex"),
            measure(cluster, avro, args.records, needle, args.runs, env, "auto"),
            # the worst case: JSON punctuation in the text, so every value is transcoded
            measure(cluster, avro, args.records, WORST_AVRO_NEEDLE, args.runs, env, "auto"),
        ]
        save_result("p5_find", {"runs": args.runs, "results": results})
        for result in results:
            print(f"{result['topic']} {result['needle']!r}: find "
                  f"{result['find']['records_per_s']:,.0f} rec/s "
                  f"(cpu {result['find']['cpu_median']:.2f}s), tail "
                  f"{result['tail']['records_per_s']:,.0f} rec/s (cpu "
                  f"{result['tail']['cpu_median']:.2f}s), find/tail "
                  f"{result['find_vs_tail']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
