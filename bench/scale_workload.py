"""The scale workload: many topics, partitions and groups, on a sandbox of its own.

  python bench/scale_workload.py --topics 2000            # build (or grow to) 2,000 topics
  python bench/scale_workload.py --topics 10000           # the full workload
  python bench/scale_workload.py --measure                # only the broker's resource use
  python bench/scale_workload.py --topics 2000 --brokers 1 --dir bench/.sandbox-scale-1

Topics are `bench-sc-tNNNNN` with 2 partitions each (10,000 topics: 20,000 partitions),
2 records per partition; groups are `bench-sc-gNNNN`, each with committed offsets (at 1,
so every partition has lag 1) on the partitions of 3 topics. Names do not depend on the
size, so growing from 2,000 to 10,000 topics keeps the first 2,000 and only adds what is
missing: the build is idempotent and its sandbox (bench/.sandbox-scale/ by default, never
the development or the other benches' one) is kept for the next run.

After the build, the broker's open files and memory maps are counted from /proc and set
against its limits (`Max open files`, vm.max_map_count), to tell whether one broker can
carry the workload or it needs three. Results: bench/results/scale_workload_TOPICS.json
(with the state dir's name after it for any other dir than the default).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from cluster import BenchCluster
from common import BENCH_DIR, save_result, say
from workloads import create_topics

SCALE_DIR = BENCH_DIR / ".sandbox-scale"
PARTITIONS = 2
RECORDS_PER_PARTITION = 2
TOPICS_PER_GROUP = 3
CREATE_BATCH = 500  # topics per CreateTopics request


def topic_names(topics: int) -> list[str]:
    return [f"bench-sc-t{i:05d}" for i in range(topics)]


def group_ids(groups: int) -> list[str]:
    return [f"bench-sc-g{i:04d}" for i in range(groups)]


def group_topics(index: int, topics: list[str]) -> list[str]:
    return [topics[(index * 7 + k) % len(topics)] for k in range(TOPICS_PER_GROUP)]


def build(cluster: BenchCluster, topics: int, groups: int) -> dict[str, Any]:
    """Create whatever of the workload is missing; returns what was done and how long it took."""
    from confluent_kafka import ConsumerGroupTopicPartitions, TopicPartition

    names = topic_names(topics)
    admin = cluster.admin()
    existing = set(admin.list_topics(timeout=60).topics)
    missing = [n for n in names if n not in existing]
    started = time.perf_counter()
    for start in range(0, len(missing), CREATE_BATCH):
        create_topics(cluster, missing[start : start + CREATE_BATCH], PARTITIONS)
        say(f"created {min(start + CREATE_BATCH, len(missing)):,}/{len(missing):,} topics")
    created_s = time.perf_counter() - started
    if missing:
        producer = cluster.producer()
        for name in missing:
            for partition in range(PARTITIONS):
                for _ in range(RECORDS_PER_PARTITION):
                    while True:
                        try:
                            producer.produce(name, b"x" * 100, b"k", partition=partition)
                            break
                        except BufferError:
                            producer.poll(0.05)
        left = producer.flush(300)
        if left:
            raise RuntimeError(f"{left} records were not delivered")
    listed = admin.list_consumer_groups(request_timeout=60).result(timeout=120)
    have = {g.group_id for g in listed.valid}
    wanted = [(i, g) for i, g in enumerate(group_ids(groups)) if g not in have]
    futures = []
    for index, group in wanted:
        offsets = [
            TopicPartition(t, p, 1) for t in group_topics(index, names) for p in range(PARTITIONS)
        ]
        request = [ConsumerGroupTopicPartitions(group, offsets)]
        futures += list(admin.alter_consumer_group_offsets(request, request_timeout=60).values())
        if len(futures) >= 200:  # keep a bounded number of requests in flight
            for future in futures:
                future.result(timeout=120)
            futures = []
    for future in futures:
        future.result(timeout=120)
    total_s = time.perf_counter() - started
    say(
        f"scale workload: {len(missing):,} topics and {len(wanted):,} groups added "
        f"in {total_s:.1f}s (topics {created_s:.1f}s)"
    )
    return {
        "topics_added": len(missing),
        "groups_added": len(wanted),
        "create_s": created_s,
        "total_s": total_s,
    }


# ---- the broker's resources -------------------------------------------------------------
def _limit(pid: int, name: str) -> int | None:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith(name):
            soft = line[len(name) :].split()[0]
            return None if soft == "unlimited" else int(soft)
    return None


def broker_resources(root: Path) -> list[dict[str, Any]]:
    """Per broker: open files, memory maps and their limits, and partitions on it."""
    from kafkatui.sandbox import processes

    found = []
    max_maps = int(Path("/proc/sys/vm/max_map_count").read_text())
    for part_dir in sorted(root.glob("broker-*")):
        part = part_dir.name
        pid = processes.running_pid(root, part)
        if pid is None:
            continue
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
        targets = []
        for fd in fds:
            try:
                targets.append(str(fd.readlink()))
            except OSError:  # closed while we looked
                continue
        maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
        data = part_dir / "data"
        partitions = sum(1 for d in data.iterdir() if d.is_dir() and "-" in d.name)
        log_mentions = _log_errors(root, part)
        found.append(
            {
                "broker": part,
                "partitions": partitions,
                "open_files": len(targets),
                "open_segment_files": sum(1 for t in targets if t.endswith(".log")),
                "open_files_limit": _limit(pid, "Max open files"),
                "maps": len(maps),
                "index_maps": sum(1 for m in maps if m.endswith(".index") or ".timeindex" in m),
                "max_map_count": max_maps,
                "log_errors": log_mentions,
            }
        )
    return found


def _log_errors(root: Path, part: str) -> list[str]:
    from kafkatui.sandbox import processes

    log = processes.log_file(root, part)
    if not log.exists():
        return []
    wanted = ("Too many open files", "Map failed", "OutOfMemoryError")
    text = log.read_text(errors="replace")
    return [w for w in wanted if w in text]


def verdict(brokers: list[dict[str, Any]], planned_partitions: int) -> str:
    """Whether one broker holds `planned_partitions`, by the per-partition cost measured."""
    lines = []
    for b in brokers:
        per_fd = b["open_files"] / max(1, b["partitions"])
        per_map = b["maps"] / max(1, b["partitions"])
        fd_need = per_fd * planned_partitions
        map_need = per_map * planned_partitions
        lines.append(
            f"{b['broker']}: {b['partitions']:,} partitions, {b['open_files']:,} open files "
            f"(limit {b['open_files_limit']:,}), {b['maps']:,} maps (limit "
            f"{b['max_map_count']:,}); at {planned_partitions:,} partitions on one broker: "
            f"~{fd_need:,.0f} files, ~{map_need:,.0f} maps"
        )
        if b["log_errors"]:
            lines.append(f"{b['broker']} log mentions: {', '.join(b['log_errors'])}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=2_000)
    parser.add_argument("--brokers", type=int, default=3, help="one cannot hold 10,000 topics")
    parser.add_argument("--dir", type=Path, default=SCALE_DIR, help="the sandbox's state dir")
    parser.add_argument("--measure", action="store_true", help="do not build, only measure")
    parser.add_argument("--down", action="store_true", help="stop the sandbox at the end")
    args = parser.parse_args()
    cluster = BenchCluster.start(args.dir.resolve(), brokers=args.brokers)
    result: dict[str, Any] = {"topics": args.topics, "groups": args.groups}
    if not args.measure:
        result["build"] = build(cluster, args.topics, args.groups)
    result["brokers"] = broker_resources(cluster.root)
    result["bootstrap"] = cluster.bootstrap
    text = verdict(result["brokers"], args.topics * PARTITIONS)
    print(text)
    result["verdict"] = text
    # another sandbox's build of the same size must not overwrite the scale sandbox's
    other = "" if args.dir.resolve() == SCALE_DIR else f"_{args.dir.resolve().name.lstrip('.')}"
    save_result(f"scale_workload_{args.topics}{other}", result)
    if args.down:
        cluster.stop()


if __name__ == "__main__":
    main()
