"""P1 tail ingest: `kafkatui tail --until-end` against `kcat -C -e`, records/s and ratio.

Workload: N records of about 200 B over 12 partitions, once raw bytes (kafkatui prints
them with --value-format hex) and once registry Avro (--value-format auto decodes them;
kcat prints the undecoded bytes). Both write to /dev/null. The tools alternate run by
run so background load hits both alike. Wall time and CPU time (user+sys) are recorded.
A third process, floor.py, shows what any Python tail could reach here: consume only
(raw), or consume plus fastavro decoding and nothing else (Avro).

The realistic rows: the same values, but every key is new (a UUID string), as on a
topic keyed by ids, so no key cache helps. They run at 300,000 records (where start-up
is a fair share of the time) and at the full size, against kcat's raw mode and against
`kcat -J` (a JSON envelope per record: the fair comparison for a JSON line per record).

Run alone: python bench/p1_tail.py [--records N] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import workloads
from cluster import BenchCluster
from common import BENCH_DIR, isolated_env, kafkatui_command, say, summary
from tools import kcat

REALISTIC_SMALL = 300_000


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, child CPU seconds) of one run writing to /dev/null."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:4])}... exited {done.returncode}: "
            f"{done.stderr.decode(errors='replace').strip()[-400:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def commands(
    cluster: BenchCluster, topic: str, value_format: str, realistic: bool = False
) -> dict[str, list[str]]:
    kafkatui = [*kafkatui_command(), "-b", cluster.bootstrap]
    if value_format == "auto":
        kafkatui += ["--schema-registry", cluster.registry]
    kafkatui += [
        "tail",
        topic,
        "--from",
        "earliest",
        "--until-end",
        "--format",
        "jsonl",
        "--value-format",
        value_format,
    ]
    kcat_raw = [kcat(), "-b", cluster.bootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-q"]
    if realistic:  # the floors do not depend on the keys: the other rows have them
        return {"kafkatui": kafkatui, "kcat": kcat_raw, "kcat_json": [*kcat_raw, "-J"]}
    floor = [sys.executable, str(BENCH_DIR / "floor.py")]
    if value_format == "auto":
        floor += ["fastavro", cluster.bootstrap, topic, json.dumps(workloads.CLICK_SCHEMA)]
    else:
        floor += ["consume", cluster.bootstrap, topic]
    chosen = {"kafkatui": kafkatui, "kcat": kcat_raw, "python_floor": floor}
    if value_format != "auto":  # consume plus the smallest JSON line per record, printed
        chosen["python_lines"] = [*floor[:2], "lines", cluster.bootstrap, topic]
    return chosen


def count_lines(command: list[str], env: dict[str, str]) -> int:
    """Untimed check that the tail really printed every record."""
    lines = 0
    with subprocess.Popen(command, stdout=subprocess.PIPE, env=env) as child:
        assert child.stdout is not None
        while chunk := child.stdout.read(1 << 20):
            lines += chunk.count(b"\n")
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}... exited {child.returncode}")
    return lines


def measure(
    cluster: BenchCluster,
    topic: str,
    records: int,
    value_format: str,
    runs: int,
    env: dict[str, str],
    realistic: bool = False,
) -> dict[str, Any]:
    cmds = commands(cluster, topic, value_format, realistic)
    printed = count_lines(cmds["kafkatui"], env)
    if printed != records:
        raise RuntimeError(f"kafkatui tail printed {printed:,} lines for {records:,} records")
    walls: dict[str, list[float]] = {name: [] for name in cmds}
    cpus: dict[str, list[float]] = {name: [] for name in cmds}
    for i in range(runs):
        for name, command in cmds.items():
            wall, cpu = _timed(command, env)
            walls[name].append(wall)
            cpus[name].append(cpu)
            say(
                f"P1 {topic} {name} run {i + 1}/{runs}: {wall:.2f}s "
                f"({records / wall:,.0f} rec/s, cpu {cpu:.2f}s)"
            )
    result: dict[str, Any] = {"topic": topic, "records": records, "value_format": value_format}
    for name in cmds:
        stats = summary(walls[name])
        stats["records_per_s"] = records / stats["median"]
        stats["cpu_median"] = summary(cpus[name])["median"]
        stats["command"] = " ".join(cmds[name])
        result[name] = stats
    result["ratio"] = result["kafkatui"]["records_per_s"] / result["kcat"]["records_per_s"]
    if "kcat_json" in result:
        kcat_json = result["kcat_json"]["records_per_s"]
        result["ratio_json"] = result["kafkatui"]["records_per_s"] / kcat_json
    # the same ratio in records per CPU second: what it would be on an idle machine where
    # each process had a core to itself (kcat mostly waits for the broker, so this is
    # the harsher comparison)
    result["cpu_ratio"] = result["kcat"]["cpu_median"] / result["kafkatui"]["cpu_median"]
    return result


def run(cluster: BenchCluster, records: int, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kafkatui-bench-") as home:
        env = isolated_env(Path(home))
        raw = workloads.raw_topic(cluster, records)
        avro = workloads.avro_topic(cluster, records)
        result: dict[str, Any] = {
            "raw": measure(cluster, raw, records, "hex", runs, env),
            "avro": measure(cluster, avro, records, "auto", runs, env),
            "distinct_keys": [],
        }
        for count in realistic_sizes(records):
            kinds = ((workloads.raw_topic, "hex"), (workloads.avro_topic, "auto"))
            for make, value_format in kinds:
                topic = make(cluster, count, distinct_keys=True)
                row = measure(cluster, topic, count, value_format, runs, env, realistic=True)
                result["distinct_keys"].append(row)
        return result


def realistic_sizes(records: int) -> list[int]:
    """300,000 records (start-up counts) and the full size, or less for a smoke run."""
    return sorted({min(REALISTIC_SMALL, records), records})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cluster = BenchCluster.start()
    result = run(cluster, args.records, args.runs)
    for kind in ("raw", "avro"):
        r = result[kind]
        print(
            f"{kind}: kafkatui {r['kafkatui']['records_per_s']:,.0f} rec/s, "
            f"kcat {r['kcat']['records_per_s']:,.0f} rec/s, ratio {r['ratio']:.2f}"
        )
    for r in result["distinct_keys"]:
        print(
            f"{r['topic']}: kafkatui {r['kafkatui']['records_per_s']:,.0f} rec/s, "
            f"{r['ratio']:.2f}x kcat, {r['ratio_json']:.2f}x kcat -J"
        )


if __name__ == "__main__":
    main()
