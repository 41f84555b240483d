"""What the fault drills share: numbered traffic, the exactly-once check, running the CLI.

Test-side only: plain confluent-kafka and subprocesses, independent of the code under test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from confluent_kafka import (
    Consumer,
    KafkaError,
    KafkaException,
    Message,
    Producer,
    TopicPartition,
)

from kafkatui.cluster.tail_session import KafkaTail
from tests.integration.kafka_helpers import default_sigint


class NumberedTraffic:
    """A background producer writing "0", "1", "2" ... to partition n % partitions.

    Idempotent with acks=all and a long delivery timeout: a broker outage only delays
    records, and retries never write one twice, so the set of records in the log is
    exactly the set whose delivery was reported.
    """

    def __init__(self, bootstrap: str, topic: str, partitions: int, every_s: float = 0.005) -> None:
        self.topic = topic
        self.partitions = partitions
        self.every_s = every_s
        self.delivered: list[tuple[int, int, bytes]] = []  # (partition, offset, value)
        self.failures: list[str] = []
        self.sent = 0
        self._producer = Producer(
            {
                "bootstrap.servers": bootstrap,
                "enable.idempotence": True,
                "acks": "all",
                "message.timeout.ms": 300_000,
                "linger.ms": 5,
                "log_level": 0,
            }
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="drill-traffic", daemon=True)

    def __enter__(self) -> NumberedTraffic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            n = self.sent
            self._producer.produce(
                self.topic, str(n).encode(), partition=n % self.partitions, on_delivery=self._done
            )
            self.sent += 1
            self._producer.poll(0)
            time.sleep(self.every_s)

    def _done(self, err: KafkaError | None, msg: Message) -> None:
        if err is not None:
            self.failures.append(err.str())
            return
        value = msg.value()
        assert value is not None
        self.delivered.append((msg.partition() or 0, msg.offset() or 0, value))

    def wait_for(self, count: int, timeout_s: float = 60.0) -> None:
        """Until at least `count` more records than now are reported delivered."""
        goal = len(self.delivered) + count
        deadline = time.monotonic() + timeout_s
        while len(self.delivered) < goal:
            assert time.monotonic() < deadline, f"only {len(self.delivered)}/{goal} delivered"
            time.sleep(0.1)

    def stop(self, flush_s: float = 180.0) -> None:
        """Stop producing and wait until everything sent is delivered (or failed)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        left = self._producer.flush(flush_s)
        assert left == 0, f"{left} records still undelivered after {flush_s:.0f} s"
        assert not self.failures, f"deliveries failed: {self.failures[:3]}"
        assert len(self.delivered) == self.sent


def tailed(tail: KafkaTail) -> list[tuple[int, int, bytes]]:
    """Everything the tail's buffer holds, oldest first, as (partition, offset, value)."""
    pairs = tail.read(tail.first_seq() - 1, 10**9)
    return [(r.partition, r.offset, r.value or b"") for _, r in pairs]


def wait_for_tail(tail: KafkaTail, count: int, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while tail.stats().received < count:
        stats = tail.stats()
        assert time.monotonic() < deadline, (
            f"tail has {stats.received} of {count} records after {timeout_s:.0f} s "
            f"(error: {stats.error})"
        )
        time.sleep(0.2)


def assert_exactly_once(tail: KafkaTail, traffic: NumberedTraffic) -> None:
    """The tail holds every delivered record once, with contiguous offsets per partition."""
    wait_for_tail(tail, len(traffic.delivered))
    time.sleep(1.0)  # a duplicate fetched late would show up now
    got = tailed(tail)
    stats = tail.stats()
    assert stats.dropped == 0, "the buffer was too small for the drill"
    assert stats.received == len(got)
    assert len(got) == len(set(got)), "the tail shows a record twice"
    assert set(got) == set(traffic.delivered)
    by_partition: dict[int, list[int]] = defaultdict(list)
    for partition, offset, _ in got:
        by_partition[partition].append(offset)
    for partition, offsets in by_partition.items():
        assert offsets == list(range(len(offsets))), f"gap or reorder in partition {partition}"


@dataclass
class CliRun:
    code: int
    stdout: str
    stderr: str
    seconds: float


def run_cli(*args: str, home: Path, timeout_s: float = 60.0) -> CliRun:
    """`kafkatui ARGS` in a subprocess, with a config dir of its own (no user profile)."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(home), "KAFKATUI_DEBUG": "0"}
    env.pop("KAFKATUI_CONFIG", None)
    env.pop("KAFKATUI_PROFILE", None)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "kafkatui", *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        env=env,
    )
    return CliRun(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def start_cli(*args: str, home: Path) -> tuple[subprocess.Popen[str], float]:
    """Like run_cli, without waiting: (process, start time) for `finish_cli`."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(home), "KAFKATUI_DEBUG": "0"}
    env.pop("KAFKATUI_CONFIG", None)
    env.pop("KAFKATUI_PROFILE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kafkatui", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    return proc, time.monotonic()


def finish_cli(started: tuple[subprocess.Popen[str], float], timeout_s: float = 60.0) -> CliRun:
    proc, at = started
    stdout, stderr = proc.communicate(timeout=timeout_s)
    return CliRun(proc.returncode, stdout, stderr, time.monotonic() - at)


def assert_cannot_connect(run: CliRun, within_s: float) -> None:
    """Exit 3, one line on stderr naming the problem, no traceback, in bounded time."""
    assert run.code == 3, f"exit {run.code}: {run.stderr}"
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in run.stderr
    assert run.seconds < within_s, f"took {run.seconds:.1f} s"


class CliFollower:
    """`kafkatui tail TOPIC --from earliest` (following) in a subprocess, output to a file."""

    def __init__(self, bootstrap: str, topic: str, home: Path) -> None:
        self.out = home / "follow.jsonl"
        env = {**os.environ, "XDG_CONFIG_HOME": str(home)}
        with open(self.out, "wb") as sink:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kafkatui", "-b", bootstrap, "tail", topic,
                 "--from", "earliest", "--format", "jsonl"],
                stdout=sink, stderr=subprocess.PIPE, env=env, preexec_fn=default_sigint,
            )  # fmt: skip

    def records(self) -> list[tuple[int, int, bytes]]:
        """(partition, offset, value) of every complete line written so far."""
        lines = self.out.read_text().split("\n")[:-1]
        found = []
        for line in lines:
            doc = json.loads(line)
            found.append((doc["partition"], doc["offset"], str(doc["value"]).encode()))
        return found

    def assert_exactly_once(self, traffic: NumberedTraffic, timeout_s: float = 90.0) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.records()) < len(traffic.delivered):
            assert self.proc.poll() is None, f"the CLI tail exited: {self.stop()}"
            assert time.monotonic() < deadline, (
                f"CLI tail wrote {len(self.records())} of {len(traffic.delivered)} records"
            )
            time.sleep(0.2)
        time.sleep(1.0)  # a duplicate written late would show up now
        got = self.records()
        assert len(got) == len(set(got)), "the CLI tail printed a record twice"
        assert set(got) == set(traffic.delivered)

    def stop(self) -> str:
        """Interrupt it as a person would (ctrl+c); its stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err.decode(errors="replace")


def wait_readable(bootstrap: str, topic: str, partitions: int, timeout_s: float = 30.0) -> None:
    """Until every partition of a new topic has a leader that answers ListOffsets.

    Right after a broker restart a new topic can answer "not leader" for a moment;
    the drills start from a topic that is fully there.
    """
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "drill-probe",
                         "log_level": 0})  # fmt: skip
    deadline = time.monotonic() + timeout_s
    try:
        for p in range(partitions):
            while True:
                try:
                    consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=5)
                    break
                except KafkaException as exc:
                    assert time.monotonic() < deadline, f"{topic}-{p} not readable: {exc}"
                    time.sleep(0.2)
    finally:
        consumer.close()


async def pilot_wait(pilot: Any, check: Callable[[], object], what: str, timeout_s: float) -> None:
    """In a Pilot test: let the app run until `check()` is truthy, or fail naming `what`."""
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"timed out after {timeout_s:.0f} s waiting for {what}"
        await pilot.pause(0.2)
