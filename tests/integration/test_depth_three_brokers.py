"""A 3-broker sandbox of its own (heavy: run on purpose, once): the KRaft quorum with three
voters, per-broker log dirs and replica sizes, and the stuck-transaction demo scenario."""

from __future__ import annotations

import json
import os
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
