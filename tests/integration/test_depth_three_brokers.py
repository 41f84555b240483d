"""A 3-broker sandbox of its own (heavy: run on purpose, once): the KRaft quorum with three
voters, per-broker log dirs and replica sizes, and the stuck-transaction demo scenario."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.sandbox.runtime import Sandbox
from tests.integration.kafka_helpers import produce, wait_until
from tests.integration.safety_support import cli_env, run_cli

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    box = Sandbox(root=tmp_path_factory.mktemp("depth-three-brokers"))
    try:
        yield box.up(brokers=3).to_json()
    finally:
        box.down(purge=True)


@pytest.fixture
def client(three: dict, tmp_path: Path) -> Iterator[ClusterClient]:
    made = ClusterClient(
        ConnectionSettings(bootstrap_servers=three["bootstrap_servers"]),
        Guard(audit_path=tmp_path / "audit.jsonl"),
    )
    yield made
    made.close()


def test_three_voters_and_their_lag(client: ClusterClient, tmp_path: Path, three: dict) -> None:
    quorum = client.brokers.quorum()
    assert [v.node_id for v in quorum.voters] == [1, 2, 3]
    assert quorum.observers == ()  # every node is broker and controller
    assert quorum.leader_id in {1, 2, 3}
    assert all(v.last_caught_up_ms is not None for v in quorum.voters)
    assert all(v.lag < 1000 for v in quorum.voters)
    found = client.health.check()
    assert not [f for f in found if f.code == "KRAFT_QUORUM"]  # three voters, none behind

    run = run_cli("-b", three["bootstrap_servers"], "brokers", "--json", env=cli_env(tmp_path))
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert [v["id"] for v in doc["quorum"]["voters"]] == [1, 2, 3]
    assert doc["quorum"]["observers"] == [] and doc["quorum"]["leader"] == quorum.leader_id
    assert [b["id"] for b in doc["brokers"]] == [1, 2, 3]
    for broker in doc["brokers"]:
        [log_dir] = broker["log_dirs"]
        assert log_dir["path"] == str(Path(three["state_dir"]) / f"broker-{broker['id']}" / "data")
        fs = os.statvfs(log_dir["path"])
        assert log_dir["total_bytes"] == fs.f_blocks * fs.f_frsize


def test_a_replicated_topic_counts_one_copy(client: ClusterClient, three: dict) -> None:
    settings = ConnectionSettings(bootstrap_servers=three["bootstrap_servers"])
    admin = AdminClient({"bootstrap.servers": three["bootstrap_servers"]})
    admin.create_topics([NewTopic("replicated", 2, 3)])["replicated"].result(timeout=30)
    wait_until(lambda: "replicated" in admin.list_topics(timeout=10).topics, "the topic")
    produce(settings, "replicated", {0: 40, 1: 10})
    root = Path(three["state_dir"])

    def on_disk(broker: int, partition: int) -> int:
        folder = root / f"broker-{broker}" / "data" / f"replicated-{partition}"
        return sum(f.stat().st_size for f in folder.glob("*.log"))

    def settled() -> bool:  # followers have fetched everything
        return all(len({on_disk(b, p) for b in (1, 2, 3)}) == 1 for p in (0, 1))

    wait_until(settled, "the followers to catch up")
    sizes = {p.partition: p.size_bytes for p in client.topics.describe("replicated").partitions}
    assert sizes == {0: on_disk(1, 0), 1: on_disk(1, 1)}
    [summary] = client.topics.fill_summaries(["replicated"])
    assert summary.size_bytes == on_disk(1, 0) + on_disk(1, 1)
    per_broker = {d.broker_id: d.partitions for d in client.brokers.log_dirs()}
    assert sorted(per_broker) == [1, 2, 3]


def test_the_stuck_transaction_scenario(client: ClusterClient, three: dict, tmp_path: Path) -> None:
    env = cli_env(tmp_path, KAFKATUI_SANDBOX_DIR=three["state_dir"])
    run = run_cli("sandbox", "scenario", "stuck-transaction", env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "left transaction settlement-stuck-" in run.stdout
    txn_id = run.stdout.split()[2]

    run = run_cli("-b", three["bootstrap_servers"], "transactions", "--json", env=env)
    assert run.returncode == 0, run.stderr
    [txn] = [t for t in json.loads(run.stdout) if t["transactional_id"] == txn_id]
    assert txn["state"] == "Ongoing" and txn["timeout_ms"] == 900_000
    assert txn["partitions"] == [
        {"topic": "payments.settled", "partition": 0},
        {"topic": "payments.settled", "partition": 1},
    ]
    [open_txn] = [t for t in client.transactions.list() if t.transactional_id == txn_id]
    assert [g.gap for g in client.transactions.gaps(open_txn.partitions)] == [3, 2]
    client.transactions.abort(open_txn)
    assert [g.gap for g in client.transactions.gaps(open_txn.partitions)] == [0, 0]


def test_a_throttled_reassignment_shows_in_detail_and_check(
    client: ClusterClient, three: dict
) -> None:
    """A replica added under a 1 KiB/s throttle stays "in progress" long enough to see."""
    from confluent_kafka.admin import ConfigResource, ResourceType
    from kafka.admin import KafkaAdminClient
    from kafka.structs import TopicPartition as PyTopicPartition

    bootstrap = three["bootstrap_servers"]
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic("moving", 1, replica_assignment=[[1]])])["moving"].result(30)
    wait_until(lambda: "moving" in admin.list_topics(timeout=10).topics, "the topic")
    from confluent_kafka import Producer

    filler = Producer({"bootstrap.servers": bootstrap, "linger.ms": 50})
    for _ in range(20_000):  # 20 MB: hours at the throttle below
        filler.produce("moving", value=b"x" * 1000, partition=0)
        filler.poll(0)
    assert filler.flush(60) == 0
    throttle = {"leader.replication.throttled.rate": "1024",
                "follower.replication.throttled.rate": "1024"}  # fmt: skip
    for broker in ("1", "2"):
        admin.alter_configs([ConfigResource(ResourceType.BROKER, broker, set_config=throttle)])[
            ConfigResource(ResourceType.BROKER, broker)
        ].result(30)
    admin.alter_configs(
        [ConfigResource(ResourceType.TOPIC, "moving", set_config={
            "leader.replication.throttled.replicas": "*",
            "follower.replication.throttled.replicas": "*"})]
    )[ConfigResource(ResourceType.TOPIC, "moving")].result(30)  # fmt: skip
    mover = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    try:
        mover.alter_partition_reassignments({PyTopicPartition("moving", 0): [1, 2]})
        [part] = client.topics.describe("moving").partitions
        assert part.adding == (2,) and part.removing == ()
        found = client.health.check()
        moves = [f for f in found if f.code == "REASSIGNMENT_IN_PROGRESS"]
        assert len(moves) == 1, [(f.code, f.subject, f.detail) for f in found]
        [moving] = moves
        assert (moving.severity, moving.subject) == ("info", "moving")
        assert "0 (adding [2], removing [])" in moving.detail
    finally:
        mover.alter_partition_reassignments({PyTopicPartition("moving", 0): None})  # cancel
        mover.close()
    wait_until(lambda: client.brokers.reassignments("moving") == [], "the cancel")
    assert not [f for f in client.health.check() if f.code == "REASSIGNMENT_IN_PROGRESS"]


def test_the_demo_settlements_commit_normally(client: ClusterClient, three: dict) -> None:
    import threading

    from confluent_kafka import Consumer

    from kafkatui.sandbox import traffic
    from kafkatui.sandbox.layout import SandboxLayout

    layout = SandboxLayout.load(Path(three["state_dir"]))
    assert layout is not None
    stop = threading.Event()
    worker = threading.Thread(target=traffic._settlements, args=(layout, stop))
    worker.start()
    try:
        consumer = Consumer({"bootstrap.servers": three["bootstrap_servers"],
                             "group.id": "settled-reader", "isolation.level": "read_committed",
                             "auto.offset.reset": "earliest"})  # fmt: skip
        consumer.subscribe(["payments.settled"])
        seen: list[bytes] = []

        def committed_batches() -> bool:
            seen.extend(m.value() for m in consumer.consume(100, timeout=1.0) if not m.error())
            return len({json.loads(v)["batch"] for v in seen}) >= 2

        wait_until(committed_batches, "two committed settlement batches", timeout_s=60)
        consumer.close()
        young = [t for t in client.transactions.list() if t.transactional_id == "settlements"]
        assert all((t.age_seconds(int(time.time() * 1000)) or 0) < 30 for t in young)
    finally:
        stop.set()
        worker.join(30)
