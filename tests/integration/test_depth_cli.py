"""`kafkatui topics`, `brokers`, `transactions` and the new `check` limits (SPEC §2.4, §2.5),
run as a user runs them, against the sandbox."""

from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import pytest

from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.depth_support import open_transaction
from tests.integration.kafka_helpers import drop_topic, make_topic
from tests.integration.safety_support import assert_one_clean_line, cli_env, run_cli

pytestmark = pytest.mark.integration

TOPIC_KEYS = {"topic", "partitions", "replication_factor", "messages", "size_bytes",
              "under_replicated", "cleanup_policy", "retention_ms"}  # fmt: skip
LOG_DIR_KEYS = {"path", "total_bytes", "usable_bytes", "used_percent", "size_bytes",
                "partitions", "cordoned"}  # fmt: skip
TXN_KEYS = {"transactional_id", "state", "producer_id", "producer_epoch", "age_seconds",
            "timeout_ms", "partitions"}  # fmt: skip


def cli(sandbox: dict, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    run = run_cli("-b", sandbox["bootstrap_servers"], *args, env=cli_env(tmp_path), timeout=90)
    return run.returncode, run.stdout, run.stderr


def test_topics_json(sandbox: dict, sandbox_settings: ConnectionSettings, unique: str,
                     tmp_path: Path) -> None:  # fmt: skip
    make_topic(sandbox_settings, unique, 2, **{"cleanup.policy": "compact"})
    try:
        code, out, err = cli(sandbox, tmp_path, "topics", "--json")
        assert code == 0, err
        docs = json.loads(out)
        assert all(set(d) == TOPIC_KEYS for d in docs)
        [mine] = [d for d in docs if d["topic"] == unique]
        assert mine == {"topic": unique, "partitions": 2, "replication_factor": 1, "messages": 0,
                        "size_bytes": 0, "under_replicated": 0, "cleanup_policy": "compact",
                        "retention_ms": mine["retention_ms"]}  # fmt: skip
        code, out, _ = cli(sandbox, tmp_path, "topics")
        assert code == 0 and unique in out and "SIZE_BYTES" in out
    finally:
        drop_topic(sandbox_settings, unique)


def test_brokers_json(sandbox: dict, tmp_path: Path) -> None:
    code, out, err = cli(sandbox, tmp_path, "brokers", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == {"controller", "quorum", "brokers"}
    assert doc["controller"] == 1
    assert doc["quorum"]["leader"] == 1
    assert [v["id"] for v in doc["quorum"]["voters"]] == [1] and doc["quorum"]["observers"] == []
    [broker] = doc["brokers"]
    assert set(broker) == {"id", "host", "port", "rack", "log_dirs"}
    [log_dir] = broker["log_dirs"]
    assert set(log_dir) == LOG_DIR_KEYS
    fs = os.statvfs(log_dir["path"])
    assert log_dir["total_bytes"] == fs.f_blocks * fs.f_frsize
    assert 0 < log_dir["used_percent"] < 100


def test_transactions_json_and_check_name_a_frozen_transaction(
    sandbox: dict, sandbox_settings: ConnectionSettings, unique: str, tmp_path: Path
) -> None:
    make_topic(sandbox_settings, unique, 2)
    txn_id = unique + "-txn"
    try:
        with open_transaction(sandbox["bootstrap_servers"], unique, txn_id, (1,), 60_000) as child:
            os.kill(child.pid, signal.SIGSTOP)
            code, out, err = cli(sandbox, tmp_path, "transactions", "--json")
            assert code == 0, err
            [txn] = [t for t in json.loads(out) if t["transactional_id"] == txn_id]
            assert set(txn) == TXN_KEYS
            assert txn["state"] == "Ongoing" and txn["timeout_ms"] == 60_000
            assert txn["partitions"] == [{"topic": unique, "partition": 1}]
            code, out, err = cli(sandbox, tmp_path, "transactions")
            assert code == 0 and f"{unique}-1 (held back 2)" in out, err
            code, out, err = cli(sandbox, tmp_path, "check", "--json", "--lag-window", "0",
                                 "--txn-age", "0")  # fmt: skip
            assert code == 1, err
            [finding] = [f for f in json.loads(out) if f["subject"] == txn_id]
            assert finding["code"] == "OPEN_TRANSACTION" and finding["severity"] == "warning"
            assert f"blocks {unique}-1 (2 records)" in finding["detail"]
    finally:
        drop_topic(sandbox_settings, unique)


def test_check_rejects_bad_limits_in_one_line(sandbox: dict, tmp_path: Path) -> None:
    code, _, err = cli(sandbox, tmp_path, "check", "--disk-warn", "95", "--disk-critical", "90")
    assert code == 2
    assert "--disk-warn" in assert_one_clean_line(err)


def test_check_disk_usage_follows_the_limits(sandbox: dict, tmp_path: Path) -> None:
    fs = os.statvfs(Path(sandbox["state_dir"]) / "broker-1" / "data")
    used = 100 * (fs.f_blocks - fs.f_bavail) / fs.f_blocks
    below, above = f"{max(0.0, used - 5):.0f}", f"{min(100.0, used + 5):.0f}"
    code, out, err = cli(sandbox, tmp_path, "check", "--json", "--lag-window", "0",
                         "--disk-warn", below, "--disk-critical", above)  # fmt: skip
    [disk] = [f for f in json.loads(out) if f["code"] == "DISK_USAGE_HIGH"]
    assert disk["severity"] == "warning", err
    assert code == 1
    # the finding names the Kafka data in the dir: sized, though check reads totals first
    assert int(re.search(r"Kafka data here (\d+) bytes", disk["detail"])[1]) > 0  # type: ignore[index]
    code, out, _ = cli(sandbox, tmp_path, "check", "--json", "--lag-window", "0",
                       "--disk-warn", below, "--disk-critical", below)  # fmt: skip
    [disk] = [f for f in json.loads(out) if f["code"] == "DISK_USAGE_HIGH"]
    assert disk["severity"] == "critical" and code == 1
    _, out, _ = cli(sandbox, tmp_path, "check", "--json", "--lag-window", "0",
                    "--disk-warn", above, "--disk-critical", above)  # fmt: skip
    assert not [f for f in json.loads(out) if f["code"] == "DISK_USAGE_HIGH"]
