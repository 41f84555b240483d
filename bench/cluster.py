"""The benches' own sandbox (never the development one) and plain clients for it.

`BenchCluster.start()` brings up a sandbox in bench/.sandbox/ (reusing it, and its
workloads, when it already runs there) and stops its Kafka Connect worker: no bench
needs Connect, and on a small machine its JVM would steal CPU from what is measured.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import SANDBOX_DIR, say

from kafkatui.cluster.settings import ConnectionSettings, HttpEndpoint


@dataclass
class BenchCluster:
    bootstrap: str
    registry: str
    root: Path
    started_here: bool

    @classmethod
    def start(cls, root: Path = SANDBOX_DIR, brokers: int = 1) -> BenchCluster:
        # Children (kafkatui, helper scripts) see this sandbox, never the default one.
        os.environ["KAFKATUI_SANDBOX_DIR"] = str(root)
        from kafkatui.sandbox import processes
        from kafkatui.sandbox.runtime import Sandbox

        sandbox = Sandbox(root=root, say=say)
        before = sandbox.status()
        needed = (*(f"broker-{n}" for n in range(1, brokers + 1)), "registry")
        was_running = before is not None and all(before.alive.get(p) for p in needed)
        say(f"bench sandbox in {root} ({'reusing' if was_running else 'starting'})")
        # up() would also restart the Connect worker stopped below: skip it when reusing
        status = (before if was_running and before else sandbox.up(brokers=brokers)).to_json()
        processes.stop(root, "connect", grace_s=10)
        return cls(status["bootstrap_servers"], status["schema_registry"], root, not was_running)

    def stop(self, purge: bool = False) -> None:
        from kafkatui.sandbox.runtime import Sandbox

        say("stopping the bench sandbox" + (" and deleting its data" if purge else ""))
        Sandbox(root=self.root, say=say).down(purge=purge)

    # ---- clients ------------------------------------------------------------------------
    def settings(self, with_registry: bool = True) -> ConnectionSettings:
        registry = HttpEndpoint(url=self.registry, name="bench") if with_registry else None
        return ConnectionSettings(
            profile="bench", bootstrap_servers=self.bootstrap, schema_registry=registry
        )

    def admin(self) -> Any:
        from confluent_kafka.admin import AdminClient

        return AdminClient({"bootstrap.servers": self.bootstrap, "log_level": 3})

    def producer(self, **extra: Any) -> Any:
        from confluent_kafka import Producer

        conf = {
            "bootstrap.servers": self.bootstrap,
            "linger.ms": 50,
            "batch.size": 1_000_000,
            "queue.buffering.max.messages": 1_000_000,
            "queue.buffering.max.kbytes": 1_048_576,
            "acks": 1,
            "log_level": 3,
        }
        conf.update(extra)
        return Producer(conf)

    def record_count(self, topic: str) -> int | None:
        """Records in `topic` (sum of high - low), or None when it does not exist."""
        from confluent_kafka import Consumer, TopicPartition

        consumer = Consumer(
            {"bootstrap.servers": self.bootstrap, "group.id": "bench-probe", "log_level": 3}
        )
        try:
            meta = consumer.list_topics(topic, timeout=10)
            found = meta.topics.get(topic)
            if found is None or found.error is not None:
                return None
            total = 0
            for p in found.partitions:
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
                total += high - low
            return total
        finally:
            consumer.close()
