"""copy and find against the real sandbox: exact copies, crash safety, find's progress."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka import TIMESTAMP_CREATE_TIME, Producer

from kafkatui.cluster.partitioner import partition_for_key
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.transfer import MARKER
from tests.integration.dlq_support import read_all
from tests.integration.kafka_helpers import drop_topic, make_topic, wait_until
from tests.integration.safety_support import ROOT, audit_lines, cli_env, run_cli

pytestmark = pytest.mark.integration
DAY_MS = 86_400_000


@pytest.fixture
def topics(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[tuple[str, str]]:
    """A source and a destination name; both dropped after the test."""
    names = (f"{unique}-src", f"{unique}-dst")
    yield names
    for name in names:
        with contextlib.suppress(Exception):  # a test may not have created both
            drop_topic(sandbox_settings, name)


def _fill(bootstrap: str, topic: str, count: int, partitions: int) -> None:
    """Keys, keyless records, null values, repeated and null headers, old timestamps."""
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20})
    now = int(time.time() * 1000)
    for i in range(count):
        key = None if i % 7 == 0 else f"key-{i}".encode()
        value = None if i % 11 == 0 else json.dumps({"n": i, "tag": "odd" if i % 2 else "even"})
        headers = [("trace", f"t{i}".encode()), ("trace", b"again"), ("empty", None)]
        producer.produce(topic, key=key, value=value, headers=headers if i % 3 else None,
                         partition=i % partitions, timestamp=now - DAY_MS + i)  # fmt: skip
        if i % 1000 == 0:
            producer.poll(0)
    assert producer.flush(30) == 0


def _record(msg) -> tuple:  # type: ignore[no-untyped-def]
    headers = [h for h in (msg.headers() or []) if h[0] != MARKER]
    return (msg.key(), msg.value(), headers, msg.timestamp())


def _by_partition(messages: list) -> dict[int, list]:
    out: dict[int, list] = {}
    for msg in sorted(messages, key=lambda m: (m.partition(), m.offset())):
        out.setdefault(msg.partition(), []).append(_record(msg))
    return out


def test_copy_reproduces_keys_values_headers_partitions_and_timestamps(
    topics: tuple[str, str], sandbox_settings: ConnectionSettings, tmp_path: Path
) -> None:
    src, dst = topics
    bootstrap = sandbox_settings.bootstrap_servers
    make_topic(sandbox_settings, src, 3)
    make_topic(sandbox_settings, dst, 3)
    _fill(bootstrap, src, 300, 3)
    env = cli_env(tmp_path)
    dry = run_cli("-b", bootstrap, "copy", src, dst, "--keep-partitions", "--json", env=env)
    assert dry.returncode == 0, dry.stderr
    plan = json.loads(dry.stdout)
    assert plan["to_write"] == 300 and plan["written"] == 0
    assert [(p["partition"], p["records"]) for p in plan["plan"]] == [(0, 100), (1, 100), (2, 100)]
    assert read_all(bootstrap, dst) == []
    done = run_cli("-b", bootstrap, "copy", src, dst, "--keep-partitions", "--execute", env=env)
    assert done.returncode == 0, done.stderr
    assert "wrote 300 of 300" in done.stdout
    source, copies = read_all(bootstrap, src), read_all(bootstrap, dst)
    assert _by_partition(copies) == _by_partition(source)
    assert {m.timestamp()[0] for m in copies} == {TIMESTAMP_CREATE_TIME}
    for msg in copies:  # one marker, last, naming the source record
        assert msg.headers()[-1] == (MARKER, f"{src}/{msg.partition()}/{msg.offset()}".encode())
    audit = (tmp_path / "state" / "kafkatui" / "audit.jsonl").read_text().splitlines()
    entry = json.loads(audit[-1])
    assert (entry["action"], entry["target"], entry["result"]) == ("topic.copy", f"{src} -> {dst}", "ok")  # noqa: E501
    assert entry["after"]["written"] == 300 and entry["after"]["options"]["keep_partitions"]
    assert entry["parameters"] == {}  # the progress callback is not logged


def test_copy_partitions_by_key_as_kafka_does_and_filters(
    topics: tuple[str, str], sandbox_settings: ConnectionSettings, tmp_path: Path
) -> None:
    src, dst = topics
    bootstrap = sandbox_settings.bootstrap_servers
    make_topic(sandbox_settings, src, 2)
    make_topic(sandbox_settings, dst, 5)
    _fill(bootstrap, src, 200, 2)
    env = cli_env(tmp_path)
    run = run_cli("-b", bootstrap, "copy", src, dst, "--partition", "1", "--filter", "ODD",
                  "--execute", "--json", env=env)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["written"] == 0  # smart case: "ODD" is not "odd"
    run = run_cli("-b", bootstrap, "copy", src, dst, "--partition", "1", "--filter", "odd",
                  "--execute", "--json", env=env)  # fmt: skip
    report = json.loads(run.stdout)
    expected = [m for m in read_all(bootstrap, src)
                if m.partition() == 1 and m.value() and b'"odd"' in m.value()]  # fmt: skip
    copies = read_all(bootstrap, dst)
    assert report["written"] == len(expected) == len(copies) > 0
    planned = {p["partition"]: p["records"] for p in report["plan"]}
    assert Counter(m.partition() for m in copies) == Counter(planned)
    keyed = [m for m in copies if m.key() is not None]
    assert keyed and all(m.partition() == partition_for_key(m.key(), 5) for m in keyed)
    # the partition Kafka's own partitioner picks for that key (after the copy was read)
    seen: list[int] = []
    java_style = Producer({"bootstrap.servers": bootstrap, "partitioner": "murmur2_random"})
    java_style.produce(dst, key=keyed[0].key(), value=b"probe",
                       on_delivery=lambda e, m: seen.append(m.partition()))  # fmt: skip
    java_style.flush(10)
    assert seen == [keyed[0].partition()]


def test_copy_killed_halfway_then_run_again_leaves_each_record_once(
    topics: tuple[str, str], sandbox_settings: ConnectionSettings, tmp_path: Path
) -> None:
    src, dst = topics
    bootstrap = sandbox_settings.bootstrap_servers
    make_topic(sandbox_settings, src, 2)
    make_topic(sandbox_settings, dst, 2)
    _fill(bootstrap, src, 400, 2)
    args = ["-b", bootstrap, "copy", src, dst, "--execute"]
    child = subprocess.Popen([sys.executable, "-m", "kafkatui", *args, "--rate", "60"],
                             env=cli_env(tmp_path), cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_until(lambda: len(read_all(bootstrap, dst)) >= 40, "some records copied", 60)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    halfway = len(read_all(bootstrap, dst))
    assert 40 <= halfway < 400
    (killed,) = audit_lines(tmp_path)  # the start line was written before the first record
    assert (killed["action"], killed["phase"], killed["target"]) == (
        "topic.copy", "start", f"{src} -> {dst}"
    )  # fmt: skip
    assert killed["plan"]["to_write"] == 400 and killed["plan"]["already_there"] == 0
    rerun = run_cli(*args, "--json", env=cli_env(tmp_path))
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["already_there"] == halfway and report["written"] == 400 - halfway
    markers = Counter(dict(m.headers())[MARKER] for m in read_all(bootstrap, dst))
    assert len(markers) == 400 and set(markers.values()) == {1}
    _, start, end = audit_lines(tmp_path)
    assert start["run"] == end["run"] != killed["run"]
    assert (start["phase"], end["phase"], end["result"]) == ("start", "end", "ok")
    assert start["plan"]["to_write"] == 400 - halfway
    assert end["after"]["written"] == 400 - halfway and end["after"]["already_there"] == halfway


def test_copy_refuses_what_it_cannot_do(
    topics: tuple[str, str], sandbox_settings: ConnectionSettings, tmp_path: Path
) -> None:
    src, dst = topics
    bootstrap = sandbox_settings.bootstrap_servers
    make_topic(sandbox_settings, src, 3)
    make_topic(sandbox_settings, dst, 2)
    _fill(bootstrap, src, 30, 3)
    env = cli_env(tmp_path)
    fewer = run_cli("-b", bootstrap, "copy", src, dst, "--keep-partitions", env=env)
    assert fewer.returncode == 2 and "cannot keep partition 2" in fewer.stderr
    read_only = run_cli("-b", bootstrap, "--read-only", "copy", src, dst, "--execute", env=env)
    assert read_only.returncode == 4 and "read-only" in read_only.stderr
    assert "Traceback" not in read_only.stderr
    assert read_all(bootstrap, dst) == []
    assert audit_lines(tmp_path) == []  # a dry run and a refusal log nothing
    dry_read_only = run_cli("-b", bootstrap, "--read-only", "copy", src, dst, env=env)
    assert dry_read_only.returncode == 0, dry_read_only.stderr  # a plan changes nothing
    bad_time = run_cli("-b", bootstrap, "copy", src, dst, "--until", "yesterday", env=env)
    assert bad_time.returncode == 2 and "Traceback" not in bad_time.stderr


@pytest.fixture
def haystack(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    """30,000 records over 3 partitions, one of them holding the needle in the middle."""
    make_topic(sandbox_settings, unique, 3)
    producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers,
                         "linger.ms": 50, "compression.type": "lz4"})  # fmt: skip
    for i in range(30_000):
        text = "the NEEDLE-7f3 is here" if i == 15_001 else f"hay {i}"
        producer.produce(unique, key=f"k{i}".encode(), partition=i % 3,
                         value=json.dumps({"i": i, "text": text}).encode())  # fmt: skip
        if i % 5000 == 0:
            producer.poll(0)
    assert producer.flush(30) == 0
    yield unique
    drop_topic(sandbox_settings, unique)


def test_find_finds_a_record_in_the_middle_with_progress_on_a_terminal(
    haystack: str, sandbox_settings: ConnectionSettings, tmp_path: Path
) -> None:
    leader, follower = pty.openpty()  # stderr is a terminal: progress is drawn
    child = subprocess.Popen(
        [sys.executable, "-m", "kafkatui", "-b", sandbox_settings.bootstrap_servers,
         "find", haystack, "needle-7f3"],
        env=cli_env(tmp_path), cwd=ROOT, stdout=subprocess.PIPE, stderr=follower,
    )  # fmt: skip
    os.close(follower)
    stdout, _ = child.communicate(timeout=120)
    progress = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        progress += chunk
    os.close(leader)
    assert child.returncode == 0, progress
    lines = stdout.decode().splitlines()
    assert len(lines) == 1
    found = json.loads(lines[0])
    assert (found["topic"], found["partition"], found["offset"]) == (haystack, 15_001 % 3, 5000)
    assert found["value"] == {"i": 15_001, "text": "the NEEDLE-7f3 is here"}
    assert set(found) >= {"timestamp", "key", "headers", "key_format", "value_format", "schema_id"}
    shown = progress.decode(errors="replace")
    assert "30,000/30,000 (100%)" in shown and "rec/s" in shown and "ETA" in shown
    assert "1 matches in 30,000 records" in shown


def test_find_exits_1_without_a_match_and_bounds_matches(
    haystack: str, sandbox_settings: ConnectionSettings, tmp_path: Path
) -> None:
    env = cli_env(tmp_path)
    bootstrap = sandbox_settings.bootstrap_servers
    none = run_cli("-b", bootstrap, "find", haystack, "NEEDLE-7F3", env=env)  # smart case
    assert (none.returncode, none.stdout, none.stderr) == (1, "", "")
    some = run_cli("-b", bootstrap, "find", haystack, "hay 1", "--partition", "2",
                   "--max-matches", "5", env=env)  # fmt: skip
    assert some.returncode == 0, some.stderr
    docs = [json.loads(line) for line in some.stdout.splitlines()]
    assert len(docs) == 5 and {d["partition"] for d in docs} == {2}
    late = run_cli("-b", bootstrap, "find", haystack, "hay", "--until", "2000-01-01", env=env)
    assert late.returncode == 1  # nothing stamped that early
    missing = run_cli("-b", bootstrap, "find", "t-no-such-topic-z", "x", env=env)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
