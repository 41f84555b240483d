"""Disks, the KRaft quorum, open transactions and OffsetDelete against the real sandbox.

Sizes are checked against the broker's own files: the log dir's totals against
`os.statvfs` of the data directory, topic sizes against the segment files on disk.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.deep_models import DepthLimits
from kafkatui.cluster.errors import NotFound
from kafkatui.cluster.models import TopicPartition
from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.depth_support import open_transaction
from tests.integration.kafka_helpers import commit, drop_groups, drop_topic, make_topic, wait_until

pytestmark = pytest.mark.integration


def data_dir(sandbox: dict) -> Path:
    return Path(sandbox["state_dir"]) / "broker-1" / "data"


def produce_bytes(settings: ConnectionSettings, topic: str, counts: dict[int, int]) -> None:
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": settings.bootstrap_servers})
    for partition, n in counts.items():
        for i in range(n):
            producer.produce(topic, value=b"v" * 100 + str(i).encode(), partition=partition)
    assert producer.flush(30) == 0


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str):  # type: ignore[no-untyped-def]
    make_topic(sandbox_settings, unique, 3)
    yield unique
    drop_groups(sandbox_settings, unique)
    drop_topic(sandbox_settings, unique)


def test_log_dir_totals_agree_with_statvfs_of_the_data_dir(
    client: ClusterClient, sandbox: dict
) -> None:
    [log_dir] = [d for d in client.brokers.log_dirs() if d.broker_id == 1]
    assert Path(log_dir.path) == data_dir(sandbox)
    fs = os.statvfs(log_dir.path)
    assert log_dir.total_bytes == fs.f_blocks * fs.f_frsize
    usable = fs.f_bavail * fs.f_frsize
    assert log_dir.usable_bytes is not None
    assert abs(log_dir.usable_bytes - usable) < 256 * 2**20  # other writers share the disk
    assert log_dir.used_percent == pytest.approx(
        100 * (fs.f_blocks - fs.f_bavail) / fs.f_blocks, abs=0.5
    )
    assert not log_dir.offline and not log_dir.cordoned
    assert log_dir.partitions > 0 and log_dir.size_bytes > 0


def test_the_unsized_read_gives_the_same_dirs_and_totals(client: ClusterClient) -> None:
    depth = client.brokers.depth
    sized = {(d.broker_id, d.path): d for d in depth.disk_usage().log_dirs}
    totals = {(d.broker_id, d.path): d for d in depth.log_dir_totals().log_dirs}
    assert totals.keys() == sized.keys()
    for key, d in totals.items():
        assert d.total_bytes == sized[key].total_bytes and d.error == sized[key].error
        assert d.usable_bytes is not None and sized[key].usable_bytes is not None
        assert abs(d.usable_bytes - sized[key].usable_bytes) < 256 * 2**20
        assert (d.partitions, d.size_bytes) == (0, 0)  # what it leaves out


def test_topic_and_partition_sizes_agree_with_the_segment_files(
    client: ClusterClient, sandbox: dict, sandbox_settings: ConnectionSettings, topic: str
) -> None:
    produce_bytes(sandbox_settings, topic, {0: 50, 1: 10})
    on_disk = {
        p: sum(f.stat().st_size for f in (data_dir(sandbox) / f"{topic}-{p}").glob("*.log"))
        for p in range(3)
    }
    assert on_disk[0] > on_disk[1] > 0 and on_disk[2] == 0
    detail = client.topics.describe(topic)
    assert {p.partition: p.size_bytes for p in detail.partitions} == on_disk
    assert detail.depth_note is None
    [summary] = client.topics.fill_summaries([topic])
    assert summary.size_bytes == sum(on_disk.values())


def test_the_quorum_of_a_single_broker_sandbox(client: ClusterClient) -> None:
    quorum = client.brokers.quorum()
    assert quorum.leader_id == 1
    assert [v.node_id for v in quorum.voters] == [1]
    assert quorum.voters[0].lag == 0
    assert quorum.voters[0].last_caught_up_ms is not None
    assert abs(quorum.voters[0].last_caught_up_ms / 1000 - time.time()) < 60
    assert quorum.high_watermark > 0


def test_a_frozen_transaction_is_listed_with_its_gap_and_warned_about_then_clears(
    client: ClusterClient, sandbox_settings: ConnectionSettings, topic: str, unique: str
) -> None:
    txn_id = unique + "-txn"
    with open_transaction(
        sandbox_settings.bootstrap_servers, topic, txn_id, (0, 2), 20_000
    ) as child:
        os.kill(child.pid, signal.SIGSTOP)  # frozen mid-transaction
        try:
            [txn] = [t for t in client.transactions.list() if t.transactional_id == txn_id]
            assert txn.state == "Ongoing"
            assert txn.partitions == (TopicPartition(topic, 0), TopicPartition(topic, 2))
            assert txn.timeout_ms == 20_000
            age = txn.age_seconds(int(time.time() * 1000))
            assert age is not None and 0 <= age < 60
            gaps = {g.partition: g.gap for g in client.transactions.gaps(txn.partitions)}
            assert gaps == {0: 1, 2: 3}  # partition p got p+1 uncommitted records

            time.sleep(1.2)
            findings = client.health.check(limits=DepthLimits(txn_age_s=1))
            [open_txn] = [
                f for f in findings if f.code == "OPEN_TRANSACTION" and f.subject == txn_id
            ]
            assert open_txn.severity == "warning"
            assert f"{topic}-0 (1 records)" in open_txn.detail
            assert f"{topic}-2 (3 records)" in open_txn.detail
            young = client.health.check(limits=DepthLimits(txn_age_s=3600))
            assert not [f for f in young if f.code == "OPEN_TRANSACTION" and f.subject == txn_id]
        finally:
            os.kill(child.pid, signal.SIGKILL)
    # the coordinator aborts it once its timeout (20 s) has passed
    wait_until(
        lambda: txn_id not in {t.transactional_id for t in client.transactions.list()},
        "the coordinator to abort the dead producer's transaction",
        timeout_s=60,
    )
    gaps = client.transactions.gaps([TopicPartition(topic, 0), TopicPartition(topic, 2)])
    assert [g.gap for g in gaps] == [0, 0]
    findings = client.health.check(limits=DepthLimits(txn_age_s=1))
    assert not [f for f in findings if f.code == "OPEN_TRANSACTION" and f.subject == txn_id]


def test_aborting_a_hanging_transaction_frees_its_partitions_and_is_audited(
    client: ClusterClient, sandbox_settings: ConnectionSettings, topic: str, unique: str
) -> None:
    txn_id = unique + "-txn"
    with open_transaction(sandbox_settings.bootstrap_servers, topic, txn_id, (1,), 60_000) as child:
        os.kill(child.pid, signal.SIGSTOP)
        [txn] = [t for t in client.transactions.list() if t.transactional_id == txn_id]
        change = client.transactions.abort(txn)
        assert change["before"] == {"stable_gap": {f"{topic}-1": 2}}
        assert change["after"] == {"stable_gap": {f"{topic}-1": 0}}
        [entry] = [e for e in client.audit_log() if e["action"] == "transaction.abort"]
        assert entry["target"] == txn_id and entry["result"] == "ok"
        assert entry["parameters"]["aborted_on"] == [f"{topic}-1"]
        with pytest.raises(NotFound, match="nothing open"):
            client.transactions.abort(txn)
        os.kill(child.pid, signal.SIGCONT)


# ---- OffsetDelete --------------------------------------------------------------------
KILL_AFTER_DELETE = r"""
import os, signal, sys
from kafka.admin import KafkaAdminClient
from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.models import TopicPartition
from kafkatui.cluster.settings import ConnectionSettings

real = KafkaAdminClient.delete_group_offsets
def then_die(self, *args, **kwargs):
    real(self, *args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # the broker answered; nothing of ours ran after
KafkaAdminClient.delete_group_offsets = then_die

bootstrap, group, topic = sys.argv[1:4]
client = ClusterClient(ConnectionSettings(bootstrap_servers=bootstrap), Guard(audit_path=None))
client.groups.delete_offsets(group, [TopicPartition(topic, 1)])
print("survived", flush=True)
"""


def test_killed_right_after_offset_delete_only_the_chosen_partition_is_gone(
    client: ClusterClient, sandbox_settings: ConnectionSettings, topic: str
) -> None:
    group = topic + "-g"
    commit(sandbox_settings, group, {(topic, 0): 1, (topic, 1): 2, (topic, 2): 3})
    args = [sys.executable, "-c", KILL_AFTER_DELETE, sandbox_settings.bootstrap_servers]
    run = subprocess.run([*args, group, topic], capture_output=True, text=True, timeout=60)
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert "survived" not in run.stdout
    assert client.groups.committed(group) == {(topic, 0): 1, (topic, 2): 3}


def test_killed_at_any_moment_offset_delete_loses_nothing_else(
    client: ClusterClient, sandbox_settings: ConnectionSettings, topic: str
) -> None:
    """Killed at a spread of moments while deleting: partition 1 is either still there
    or gone, and the others never change."""
    group = topic + "-g"
    script = KILL_AFTER_DELETE.replace("KafkaAdminClient.delete_group_offsets = then_die", "")
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0):
        commit(sandbox_settings, group, {(topic, 0): 1, (topic, 1): 2, (topic, 2): 3})
        child = subprocess.Popen(
            [sys.executable, "-c", script, sandbox_settings.bootstrap_servers, group, topic],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        child.kill()
        child.wait(10)
        left = client.groups.committed(group)
        assert left in (
            {(topic, 0): 1, (topic, 1): 2, (topic, 2): 3},
            {(topic, 0): 1, (topic, 2): 3},
        )
