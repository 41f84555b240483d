"""The headless commands as a user runs them: subprocesses against the sandbox (SPEC §2)."""

from __future__ import annotations

import io
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastavro
import pytest
from confluent_kafka import Producer
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

from kafkatui.cluster.lag_time import NO_COMMIT
from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.kafka_helpers import (
    active_member,
    commit,
    default_sigint,
    drop_groups,
    drop_topic,
    make_topic,
)

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ORDER_SCHEMA = {
    "type": "record",
    "name": "Order",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount", "type": "int"},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    ],
}


@pytest.fixture
def cli(sandbox: dict, tmp_path: Path) -> Any:
    """Run `kafkatui GLOBAL ARGS...` against the sandbox; returns the CompletedProcess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAFKATUI_")}
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # no user config file
        XDG_STATE_HOME=str(tmp_path / "state"),  # audit log in the test's dir
        PYTHONPATH=str(ROOT),
    )
    endpoints = [
        "-b", sandbox["bootstrap_servers"],
        "--schema-registry", sandbox["schema_registry"],
        "--connect", f"sandbox={sandbox['connect']}",
    ]

    def run(*args: str, globals_: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kafkatui", *(endpoints if globals_ else []), *args],
            capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout,
        )

    run.env = env  # type: ignore[attr-defined]
    run.endpoints = endpoints  # type: ignore[attr-defined]
    return run


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    """2 partitions: p0 holds k0..k4 = apple, banana, cherry, date, elder; p1 holds 3 more."""
    make_topic(sandbox_settings, unique, 2)
    producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
    for i, fruit in enumerate(["apple", "banana", "cherry", "date", "elder"]):
        producer.produce(unique, key=f"k{i}", value=fruit, partition=0,
                         timestamp=1_700_000_000_000 + i * 1000, headers=[("n", str(i))])
    for i in range(3):
        producer.produce(unique, key=f"q{i}", value=f"other-{i}", partition=1,
                         timestamp=1_700_000_000_000 + i * 1000)
    assert producer.flush(30) == 0
    yield unique
    drop_topic(sandbox_settings, unique)
    drop_groups(sandbox_settings, unique)


def jsonl(result: subprocess.CompletedProcess) -> list[dict[str, Any]]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


# ---- tail ----------------------------------------------------------------------------
def test_tail_until_end_prints_every_record_as_spec_jsonl(cli: Any, topic: str) -> None:
    lines = jsonl(cli("tail", topic, "--from", "earliest", "--until-end"))
    assert len(lines) == 8
    first = next(x for x in lines if x["partition"] == 0 and x["offset"] == 0)
    assert first == {
        "topic": topic, "partition": 0, "offset": 0,
        "timestamp": "2023-11-14T22:13:20.000Z",
        "key": "k0", "value": "apple", "headers": {"n": "0"},
        "key_format": "text", "value_format": "text", "schema_id": None,
    }
    offsets = [x["offset"] for x in lines if x["partition"] == 0]
    assert offsets == [0, 1, 2, 3, 4]


def test_tail_from_last_n_offset_and_time(cli: Any, topic: str) -> None:
    last = jsonl(cli("tail", topic, "--from", "-2", "--until-end"))
    assert sorted((x["partition"], x["offset"]) for x in last) == [(0, 3), (0, 4), (1, 1), (1, 2)]
    from_offset = jsonl(cli("tail", topic, "--from", "3", "--until-end"))
    assert [(x["partition"], x["offset"]) for x in from_offset] == [(0, 3), (0, 4)]
    by_time = jsonl(cli("tail", topic, "--from", "2023-11-14T22:13:23Z", "--until-end"))
    assert [x["value"] for x in by_time] == ["date", "elder"]


def test_tail_partition_choice_max_and_filter(cli: Any, topic: str) -> None:
    only_p1 = jsonl(cli("tail", topic, "--partition", "1", "--until-end"))
    assert [x["key"] for x in only_p1] == ["q0", "q1", "q2"]
    first_two = jsonl(cli("tail", topic, "--partition", "0", "--from", "earliest", "--max", "2"))
    assert [x["value"] for x in first_two] == ["apple", "banana"]
    filtered = jsonl(cli("tail", topic, "--until-end", "--filter", "an"))
    assert [x["value"] for x in filtered] == ["banana"]
    by_key = jsonl(cli("tail", topic, "--until-end", "--filter", "q2"))
    assert [x["value"] for x in by_key] == ["other-2"]


def test_tail_shared_among_processes_prints_each_record_once_in_partition_order(
    cli: Any, sandbox_settings: ConnectionSettings, unique: str
) -> None:
    make_topic(sandbox_settings, unique, 5)
    try:
        producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
        for i in range(6000):
            producer.produce(unique, key=f"k{i}", value=f"v{i}", partition=i % 5)
            if i % 1000 == 0:
                producer.poll(0)
        assert producer.flush(30) == 0
        alone = jsonl(cli("tail", unique, "--until-end", "--workers", "1"))
        shared = jsonl(cli("tail", unique, "--until-end", "--workers", "3"))
        assert len(shared) == 6000
        assert sorted(map(json.dumps, shared)) == sorted(map(json.dumps, alone))
        for partition in range(5):
            offsets = [x["offset"] for x in shared if x["partition"] == partition]
            assert offsets == list(range(1200))
        refused = cli("tail", unique, "--until-end", "--max", "5", "--workers", "2")
        assert refused.returncode == 2
        assert "--workers shares a bounded read" in refused.stderr
    finally:
        drop_topic(sandbox_settings, unique)


def test_tail_text_format_and_forced_hex(cli: Any, topic: str) -> None:
    text = cli("tail", topic, "--partition", "0", "--until-end", "--format", "text", "--max", "1")
    assert text.returncode == 0, text.stderr
    assert text.stdout == "2023-11-14T22:13:20.000Z\t0\t0\tk0\tapple\n"
    (line,) = jsonl(cli("tail", topic, "--partition", "0", "--until-end", "--max", "1",
                        "--value-format", "hex", "--key-format", "hex"))
    assert (line["value"], line["value_format"]) == (b"apple".hex(), "hex")
    assert (line["key"], line["key_format"]) == (b"k0".hex(), "hex")


def test_tail_decodes_registry_avro_and_reports_undecodable_records(
    cli: Any, sandbox: dict, sandbox_settings: ConnectionSettings, unique: str
) -> None:
    make_topic(sandbox_settings, unique, 1)
    registry = SchemaRegistryClient({"url": sandbox["schema_registry"], "timeout": 10})
    try:
        schema_id = registry.register_schema(
            f"{unique}-value", Schema(json.dumps(ORDER_SCHEMA), "AVRO")
        )
        body = io.BytesIO()
        fastavro.schemaless_writer(
            body, fastavro.parse_schema(ORDER_SCHEMA),
            {"id": "o-1", "amount": 42, "at": 1_700_000_000_000},
        )
        header = b"\x00" + schema_id.to_bytes(4, "big")
        producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
        producer.produce(unique, value=header + body.getvalue(), key=b"o-1")
        producer.produce(unique, value=header + body.getvalue()[:2], key=b"truncated")
        producer.produce(unique, value=b"\xff\xfe\x00raw", key=b"binary")
        assert producer.flush(30) == 0

        good, truncated, binary = jsonl(cli("tail", unique, "--until-end"))
        assert good["value"] == {"id": "o-1", "amount": 42, "at": good["value"]["at"]}
        assert good["value"]["at"].startswith("2023-11-14T22:13:20")
        assert (good["value_format"], good["schema_id"]) == ("avro", schema_id)
        assert "value_error" not in good

        assert truncated["value"] is None
        assert truncated["schema_id"] == schema_id
        assert truncated["value_error"]
        assert truncated["value_hex"] == (header + body.getvalue()[:2]).hex()

        forced = jsonl(cli("tail", unique, "--until-end", "--value-format", "text"))[2]
        assert forced["value"] is None
        assert "UTF-8" in forced["value_error"]
        assert forced["value_hex"] == b"\xff\xfe\x00raw".hex()
        assert (binary["value"], binary["value_format"]) == (b"\xff\xfe\x00raw".hex(), "hex")
    finally:
        drop_topic(sandbox_settings, unique)
        for permanent in (False, True):
            registry.delete_subject(f"{unique}-value", permanent=permanent)


def test_tail_of_a_missing_topic_is_one_clear_line(cli: Any, unique: str) -> None:
    result = cli("tail", unique + "-missing", "--until-end")
    assert result.returncode == 1
    assert result.stderr == f"error: topic '{unique}-missing' does not exist\n"


def test_tail_into_a_closed_pipe_exits_quietly(
    cli: Any, sandbox_settings: ConnectionSettings, unique: str
) -> None:
    make_topic(sandbox_settings, unique, 1)
    try:
        producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
        for i in range(20_000):
            producer.produce(unique, value=b"x" * 200, key=str(i).encode())
            if i % 5000 == 0:
                producer.poll(0)
        assert producer.flush(30) == 0
        proc = subprocess.Popen(
            [sys.executable, "-m", "kafkatui", *cli.endpoints, "tail", unique, "--until-end"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli.env, cwd=ROOT,
        )
        assert proc.stdout is not None and proc.stderr is not None
        assert json.loads(proc.stdout.readline())["offset"] == 0
        proc.stdout.close()  # what `| head -1` does
        assert proc.wait(60) == 0
        assert proc.stderr.read() == b""
    finally:
        drop_topic(sandbox_settings, unique)


def test_follow_prints_new_records_and_stops_cleanly_on_ctrl_c(
    cli: Any, sandbox_settings: ConnectionSettings, topic: str
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kafkatui", *cli.endpoints, "tail", topic, "--partition", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli.env, cwd=ROOT, text=True,
        preexec_fn=default_sigint,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        deadline = time.monotonic() + 30
        producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
        line = ""
        while not line and time.monotonic() < deadline:  # until the tail has started
            producer.produce(topic, key="late", value="fresh", partition=1)
            producer.flush(10)
            ready = select.select([proc.stdout], [], [], 1.0)[0]
            line = proc.stdout.readline() if ready else ""
        assert json.loads(line)["value"] == "fresh"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


# ---- connection failures ------------------------------------------------------------------
@pytest.mark.parametrize("command", [["tail", "t", "--until-end"], ["groups"]])
def test_unreachable_cluster_exits_3_with_one_line_in_time(cli: Any, command: list[str]) -> None:
    began = time.monotonic()
    result = cli("-b", "127.0.0.1:1", *command, globals_=False)
    elapsed = time.monotonic() - began
    assert result.returncode == 3
    assert elapsed < 14, f"took {elapsed:.1f}s"
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: cannot connect to Kafka at 127.0.0.1:1")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


# ---- groups and resets --------------------------------------------------------------------
def test_groups_json_shows_committed_end_and_lag(
    cli: Any, sandbox_settings: ConnectionSettings, topic: str, unique: str
) -> None:
    group = unique + "-g"
    commit(sandbox_settings, group, {(topic, 0): 2, (topic, 1): 3})
    (doc,) = json.loads(cli("groups", group, "--json").stdout)
    behind = doc["partitions"][0]["lag_seconds"]  # now minus the fixture record's timestamp
    assert isinstance(behind, float) and behind >= 0
    assert doc == {
        "group": group, "state": doc["state"], "members": 0, "lag": 3, "type": "classic",
        "max_lag_seconds": behind,
        "partitions": [
            {"topic": topic, "partition": 0, "committed": 2, "end": 5, "lag": 3,
             "lag_seconds": behind, "lag_seconds_note": None},
            {"topic": topic, "partition": 1, "committed": 3, "end": 3, "lag": 0,
             "lag_seconds": 0.0, "lag_seconds_note": None},
        ],
    }  # fmt: skip

    def timeless(group_doc: dict) -> dict:  # seconds behind grow between two calls
        parts = [{**p, "lag_seconds": None} for p in group_doc["partitions"]]
        return {**group_doc, "max_lag_seconds": None, "partitions": parts}

    listing = json.loads(cli("groups", "--json").stdout)
    assert timeless(doc) in [timeless(d) for d in listing]
    table = cli("groups")
    assert table.returncode == 0
    assert any(line.split()[0] == group and line.split()[4] == "3"  # GROUP STATE TYPE MEMBERS LAG
               for line in table.stdout.splitlines())
    missing = cli("groups", unique + "-nobody")
    assert missing.returncode == 1
    assert "does not exist" in missing.stderr


def test_a_group_that_never_committed_has_an_unknown_lag_not_zero(
    cli: Any, sandbox_settings: ConnectionSettings, topic: str, unique: str
) -> None:
    """Like a sink connector paused before its first commit: its partitions are assigned,
    records are waiting, and where it starts depends on its auto.offset.reset."""
    group = unique + "-fresh"
    with active_member(sandbox_settings, group, topic):
        detail = cli("groups", group).stdout
        listing = cli("groups").stdout
        (doc,) = json.loads(cli("groups", group, "--json").stdout)
    assert detail.startswith(f"group {group}: STABLE, classic, 1 member(s), lag unknown,")
    (row,) = [line.split() for line in listing.splitlines() if line.split()[0] == group]
    assert row[4:] == ["-", "-"]  # LAG, LAG TIME
    assert [p["lag"] for p in doc["partitions"]] == [None, None]
    assert {p["lag_seconds_note"] for p in doc["partitions"]} == {NO_COMMIT}


def reset(cli: Any, group: str, topic: str, *extra: str) -> subprocess.CompletedProcess:
    return cli("reset-offsets", group, "--topic", topic, "--json", *extra)


def committed(cli: Any, group: str) -> dict[int, int | None]:
    (doc,) = json.loads(cli("groups", group, "--json").stdout)
    return {p["partition"]: p["committed"] for p in doc["partitions"]}


def test_reset_dry_run_then_execute_reads_back(
    cli: Any, sandbox_settings: ConnectionSettings, topic: str, unique: str
) -> None:
    group = unique + "-g"
    commit(sandbox_settings, group, {(topic, 0): 4, (topic, 1): 3})

    dry = reset(cli, group, f"{topic}:0", "--to-earliest")
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert plan["executed"] is False
    assert plan["partitions"] == [{
        "topic": topic, "partition": 0, "current": 4, "new": 0,
        "lag_before": 1, "lag_after": 5, "lag_change": 4,
    }]
    assert "dry run" in dry.stderr
    assert committed(cli, group) == {0: 4, 1: 3}  # nothing changed

    done = reset(cli, group, topic, "--shift-by", "-2", "--execute")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["executed"] is True
    assert result["mismatches"] == []
    assert [(p["partition"], p["new"]) for p in result["partitions"]] == [(0, 2), (1, 1)]
    assert committed(cli, group) == {0: 2, 1: 1}

    table = cli("reset-offsets", group, "--topic", topic, "--to-latest")
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].split() == [
        "TOPIC", "PARTITION", "CURRENT", "NEW", "LAG", "BEFORE", "LAG", "AFTER", "CHANGE"
    ]


def test_reset_is_refused_while_the_group_has_a_member(
    cli: Any, sandbox_settings: ConnectionSettings, topic: str, unique: str
) -> None:
    group = unique + "-g"
    commit(sandbox_settings, group, {(topic, 0): 4})
    with active_member(sandbox_settings, group, topic):
        executed = reset(cli, group, topic, "--to-earliest", "--execute")
        assert executed.returncode == 4
        assert "active member" in executed.stderr
        dry = reset(cli, group, topic, "--to-earliest")
        assert dry.returncode == 4
    assert committed(cli, group)[0] == 4


def test_read_only_refuses_execute(
    cli: Any, sandbox_settings: ConnectionSettings, topic: str, unique: str
) -> None:
    group = unique + "-g"
    commit(sandbox_settings, group, {(topic, 0): 4})
    refused = reset(cli, group, topic, "--to-earliest", "--execute", "--read-only")
    assert refused.returncode == 4
    assert refused.stderr.startswith("error: read-only")
    assert committed(cli, group)[0] == 4


# ---- check ---------------------------------------------------------------------------------
def test_check_json_findings_and_exit_code(cli: Any) -> None:
    result = cli("check", "--json")
    findings = json.loads(result.stdout)
    assert isinstance(findings, list)
    for finding in findings:
        assert set(finding) == {"severity", "code", "subject", "detail"}
        assert finding["severity"] in ("critical", "warning", "info")
    serious = any(f["severity"] in ("critical", "warning") for f in findings)
    assert result.returncode == (1 if serious else 0), result.stderr
