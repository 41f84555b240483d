"""P3 keys during a flood: keypress-to-repaint latency and memory of the live tail.

Each run: a fresh 12-partition topic holding 2,000 records; the real app in a fresh
process (probe_app.py) opens its tail view on them and 30 keys are timed at rest; then a
producer process floods the topic with clickstream JSON records as fast as it can
(everything shares the machine's cores with the broker), and keeps on until the app has
reported, so every key is timed during the flood. Once 10,000 more records have
arrived, 200 keys (`k`, `j` alternately, 25 ms apart) go in
through the app's driver queue, as a terminal's keys do. Latency of one key = from
handing it to the driver until the first paint that follows the moment the tail list
ran the cursor action, both stamped where they happen. The probe waits on paints rather
than polling, so it adds no work of its own to the app's event loop.
RSS (VmRSS of the app process) is sampled every 0.5 s until the tail has received N
records. The topic is deleted afterwards.

Run alone: python bench/p3_flood.py [--records N] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cluster import BenchCluster
from common import BENCH_DIR, isolated_env, median, percentile, say
from workloads import PARTITIONS, create_topics


class ProbeFailed(RuntimeError):
    pass


def one_run(
    cluster: BenchCluster,
    records: int,
    presses: int,
    env: dict[str, str],
    workaround: bool = False,
    on_ready: Callable[[int], None] | None = None,
) -> dict:
    """One flood; `on_ready(pid)` runs once the app has opened its tail (spy_profile.py starts
    py-spy on it there)."""
    topic = f"bench-flood-{int(time.time())}"
    create_topics(cluster, [topic], PARTITIONS)
    probe_cmd = [
        sys.executable,
        str(BENCH_DIR / "probe_app.py"),
        "flood",
        cluster.bootstrap,
        topic,
        "--records",
        str(records),
        "--presses",
        str(presses),
    ]
    if workaround:
        probe_cmd.append("--avoid-zero-timer")
    flood_cmd = [sys.executable, str(BENCH_DIR / "flood_producer.py"), cluster.bootstrap, topic]
    # some records for the view to open on, so keys can first be timed at rest
    subprocess.run([*flood_cmd, "--records", "2000"], capture_output=True, env=env, check=True)
    flood_cmd += ["--records", str(int(records * 1.05)), "--until-stopped"]
    try:
        with tempfile.TemporaryFile(mode="w+") as errors:  # a file: no pipe left undrained
            seen, sent = _flood_once(probe_cmd, flood_cmd, env, errors, on_ready)
    finally:  # waited for: an unsent delete left dozens of topics before the P2 ones
        admin = cluster.admin()  # kept referenced: a collected client fails its futures
        for future in admin.delete_topics([topic], operation_timeout=60).values():
            future.result(timeout=90)
    rss = [mb for _t, _n, mb in seen["rss_samples"]]
    flood_keys, rest_keys = seen.pop("flood"), seen.pop("at_rest")
    result = {
        **seen,
        "latency_ms": _latency(flood_keys),
        "at_rest_latency_ms": _latency(rest_keys),
        "keys_without_repaint": flood_keys["keys_without_repaint"],
        "rss_max_mb": max(rss) if rss else None,
        "flood_rate": sent["rate"],
        "workaround": workaround,
    }
    say(
        f"P3: p50 {result['latency_ms']['p50']:.1f} ms, p99 {result['latency_ms']['p99']:.1f} "
        f"ms, RSS max {result['rss_max_mb']} MB, flood {sent['rate']:,.0f} rec/s"
    )
    return result


def _flood_once(
    probe_cmd: list[str],
    flood_cmd: list[str],
    env: dict[str, str],
    errors: Any,
    on_ready: Callable[[int], None] | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start the app, flood once it is ready, and return (what it saw, the flood's rate)."""
    with subprocess.Popen(probe_cmd, stdout=subprocess.PIPE, stderr=errors, text=True,
                          env=env) as probe:  # fmt: skip
        assert probe.stdout is not None
        for line in probe.stdout:
            if '"ready"' in line:
                break
        else:
            probe.kill()
            raise ProbeFailed(f"probe_app flood did not start: {_tail(errors)}")
        if on_ready is not None:
            on_ready(probe.pid)
        with subprocess.Popen(flood_cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) as flood:  # fmt: skip
            out, _ = probe.communicate(timeout=900)
            flood.terminate()
            flood_out, flood_err = flood.communicate(timeout=180)
    if probe.returncode != 0:
        raise ProbeFailed(f"probe_app flood failed: {_tail(errors)}")
    if flood.returncode != 0:
        raise RuntimeError(f"flood producer failed: {flood_err.strip()[-400:]}")
    seen = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    return seen, json.loads(flood_out.strip().splitlines()[-1])


def _tail(errors: Any) -> str:
    errors.seek(0)
    return str(errors.read()).strip()[-800:]


def _latency(keys: dict[str, Any]) -> dict[str, Any]:
    values = [x * 1000 for x in keys["latencies_s"]]
    return {
        "p50": percentile(values, 50),
        "p99": percentile(values, 99),
        "max": max(values) if values else None,
        "samples": values,
    }


def run(cluster: BenchCluster, records: int, presses: int, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="kafkatui-bench-") as home:
        env = isolated_env(Path(home))
        crashes: list[str] = []  # the known 0 s timer crash, measured around afterwards
        errors: list[str] = []  # any other failed run; the other runs still count
        samples = []
        for _ in range(runs):
            try:
                samples.append(one_run(cluster, records, presses, env, workaround=bool(crashes)))
            except ProbeFailed as exc:
                if crashes or "ZeroDivisionError" not in str(exc):
                    errors.append(str(exc).splitlines()[-1][:300])
                    say(f"P3: a run failed: {errors[-1]}")
                    continue
                say(
                    "P3: the app crashed (ZeroDivisionError in a 0 s timer); retrying with "
                    "the 1 ms timer workaround"
                )
                crashes.append(str(exc).splitlines()[-1])
                samples.append(one_run(cluster, records, presses, env, workaround=True))
    if not samples:
        raise RuntimeError(f"every P3 run failed: {errors[0] if errors else '?'}")
    return {
        "crashes_without_workaround": crashes,
        "failed_runs": errors,
        "records": records,
        "presses": presses,
        "runs": samples,
        "p50_ms_median": median([s["latency_ms"]["p50"] for s in samples]),
        "p99_ms_median": median([s["latency_ms"]["p99"] for s in samples]),
        "rss_max_mb_median": median([s["rss_max_mb"] for s in samples]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cluster = BenchCluster.start()
    result = run(cluster, args.records, args.presses, args.runs)
    for r in result["runs"]:
        r["latency_ms"].pop("samples")
        r["at_rest_latency_ms"].pop("samples")
        r.pop("rss_samples")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
