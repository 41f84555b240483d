"""Dead-letter triage and redrive against real Connect dead letters (see dlq_support)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka import Producer

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.transfer import MARKER
from kafkatui.cluster.transfers import RedriveRequest
from tests.integration.dlq_support import (
    CONVERTER_STAGE,
    DATA_EXCEPTION,
    TRANSFORM_STAGE,
    DeadLetters,
    dead_letter_sink,
    read_all,
)
from tests.integration.kafka_helpers import drop_topic, make_topic, wait_until
from tests.integration.safety_support import ROOT, audit_lines, cli_env, run_cli

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def letters(
    sandbox: dict, sandbox_settings: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DeadLetters]:
    import uuid

    prefix = f"t-dlq-{uuid.uuid4().hex[:8]}"
    tmp = tmp_path_factory.mktemp("dlq")
    with dead_letter_sink(sandbox_settings, sandbox["connect"], prefix, tmp, bad=24) as found:
        # two records no connector wrote: counted apart
        producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
        producer.produce(found.dlq, key=b"stray", value=b"no headers")
        producer.produce(found.dlq, value=b"other", headers=[("error.retries", b"2")])
        assert producer.flush(30) == 0
        yield found


@pytest.fixture
def target(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    make_topic(sandbox_settings, unique, 3)
    yield unique
    drop_topic(sandbox_settings, unique)


def _headers(msg) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    return dict(msg.headers() or [])


def _dlq_offsets_by_stage(bootstrap: str, dlq: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for msg in read_all(bootstrap, dlq):
        stage = _headers(msg).get("__connect.errors.stage")
        if stage:
            found.setdefault(stage.decode(), []).append(msg.offset())
    return found


def test_connect_dead_letters_are_grouped(
    letters: DeadLetters, sandbox: dict, tmp_path: Path
) -> None:
    run = run_cli("-b", sandbox["bootstrap_servers"], "dlq", letters.dlq, "--json",
                  env=cli_env(tmp_path))  # fmt: skip
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    stages = _dlq_offsets_by_stage(sandbox["bootstrap_servers"], letters.dlq)
    assert doc["topic"] == letters.dlq
    assert doc["records"] == len(letters.bad_json) + len(letters.not_objects) + 2
    assert doc["without_error_headers"] == 2
    by_stage = {g["stage"]: g for g in doc["groups"]}
    assert set(by_stage) == {CONVERTER_STAGE, TRANSFORM_STAGE}
    for stage, expected in ((CONVERTER_STAGE, letters.bad_json), (TRANSFORM_STAGE, letters.not_objects)):  # noqa: E501
        group = by_stage[stage]
        assert group["connector"] == letters.connector
        assert group["task"] == 0
        assert group["exception_class"] == DATA_EXCEPTION
        assert group["count"] == len(expected)
        assert group["first_offset"] == min(stages[stage])
        assert group["last_offset"] == max(stages[stage])
        assert group["message"]
    assert "Only Map objects" in by_stage[TRANSFORM_STAGE]["message"]
    assert doc["groups"][0]["stage"] == CONVERTER_STAGE  # the biggest group first


def test_redrive_writes_exactly_the_selected_group_once(
    letters: DeadLetters, client: ClusterClient, target: str, sandbox: dict
) -> None:
    bootstrap = sandbox["bootstrap_servers"]
    summary = client.transfers.dlq(letters.dlq)
    group = next(g for g in summary.groups if g.stage == TRANSFORM_STAGE)
    request = RedriveRequest(letters.dlq, to=target, records=frozenset(group.records))
    plan = client.transfers.plan_redrive(request)
    assert plan.to_write == len(letters.not_objects) and plan.already_there == 0
    assert read_all(bootstrap, target) == []  # a plan writes nothing

    report = client.transfers.redrive(request)
    assert report.written == len(letters.not_objects)
    dead = {m.offset(): m for m in read_all(bootstrap, letters.dlq)}
    copies = read_all(bootstrap, target)
    assert len(copies) == len(letters.not_objects)
    sources = Counter(_headers(c)[MARKER].decode() for c in copies)
    assert sources == Counter(f"{letters.dlq}/0/{o}" for _p, o in group.records)
    for copy in copies:
        original = dead[int(_headers(copy)[MARKER].decode().rsplit("/", 1)[1])]
        assert (copy.key(), copy.value()) == (original.key(), original.value())
        kept = [(k, v) for k, v in original.headers() if not k.startswith("__connect.errors.")]
        assert copy.headers() == [*kept, (MARKER, _headers(copy)[MARKER])]

    again = client.transfers.plan_redrive(request)  # a repeat dry run: nothing left to write
    assert (again.to_write, again.already_there) == (0, len(letters.not_objects))
    assert client.transfers.redrive(request).written == 0
    assert len(read_all(bootstrap, target)) == len(letters.not_objects)
    audit = [e for e in client.audit_log() if e["action"] == "dlq.redrive"]
    assert [(e["phase"], e["result"]) for e in audit] == [("start", "started"), ("end", "ok")] * 2
    assert audit[0]["target"] == f"{letters.dlq} -> {target}"
    assert audit[0]["plan"]["to_write"] == audit[1]["after"]["written"] == len(letters.not_objects)
    assert audit[2]["plan"]["to_write"] == 0 and audit[2]["run"] == audit[3]["run"]


def test_redrive_by_error_class_goes_back_to_the_original_partitions(
    letters: DeadLetters, sandbox: dict, tmp_path: Path
) -> None:
    """Without --to: each dead letter to its `__connect.errors.topic/partition`."""
    bootstrap = sandbox["bootstrap_servers"]
    env = cli_env(tmp_path)
    args = ("-b", bootstrap, "redrive", letters.dlq, "--error-class", DATA_EXCEPTION)
    dry = run_cli(*args, env=env)
    assert dry.returncode == 0, dry.stderr
    assert "would write" in dry.stdout and letters.source in dry.stdout
    before = len(read_all(bootstrap, letters.source))
    done = run_cli(*args, "--execute", "--json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    dead = len(letters.bad_json) + len(letters.not_objects)
    assert report["written"] == dead
    redriven = [m for m in read_all(bootstrap, letters.source) if MARKER in _headers(m)]
    assert len(read_all(bootstrap, letters.source)) == before + dead
    dead_by_offset = {m.offset(): m for m in read_all(bootstrap, letters.dlq)}
    for copy in redriven:
        original = dead_by_offset[int(_headers(copy)[MARKER].rsplit(b"/", 1)[1])]
        assert copy.partition() == int(_headers(original)["__connect.errors.partition"])
    repeat = run_cli(*args, "--execute", "--json", env=env)
    assert json.loads(repeat.stdout)["written"] == 0
    assert len(read_all(bootstrap, letters.source)) == before + dead


def test_redrive_killed_halfway_then_run_again_writes_each_once(
    letters: DeadLetters, target: str, sandbox: dict, tmp_path: Path
) -> None:
    bootstrap = sandbox["bootstrap_servers"]
    dead = len(letters.bad_json) + len(letters.not_objects)
    args = ["-b", bootstrap, "redrive", letters.dlq, "--to", target, "--execute"]
    child = subprocess.Popen([sys.executable, "-m", "kafkatui", *args, "--rate", "8"],
                             env=cli_env(tmp_path), cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_until(lambda: len(read_all(bootstrap, target)) >= 6, "some records redriven", 60)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    halfway = len(read_all(bootstrap, target))
    assert 6 <= halfway < dead  # killed in the middle
    (killed,) = audit_lines(tmp_path)  # a start line without an end
    assert (killed["action"], killed["phase"], killed["result"]) == (
        "dlq.redrive", "start", "started"
    )  # fmt: skip
    assert killed["plan"]["to_write"] == dead
    assert {row["topic"] for row in killed["plan"]["plan"]} == {target}
    assert sum(row["records"] for row in killed["plan"]["plan"]) == dead
    rerun = run_cli(*args, "--json", env=cli_env(tmp_path))
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["already_there"] == halfway
    markers = Counter(_headers(m)[MARKER] for m in read_all(bootstrap, target))
    assert len(markers) == dead and set(markers.values()) == {1}
    _, start, end = audit_lines(tmp_path)
    assert start["run"] == end["run"] != killed["run"]
    assert (start["phase"], end["phase"], end["result"]) == ("start", "end", "ok")
    assert start["plan"]["already_there"] == end["after"]["already_there"] == halfway
    assert end["after"]["written"] == dead - halfway


def test_redrive_and_dlq_refuse_bad_input_clearly(letters: DeadLetters, sandbox: dict,
                                                  tmp_path: Path) -> None:  # fmt: skip
    env = cli_env(tmp_path)
    bootstrap = sandbox["bootstrap_servers"]
    missing = run_cli("-b", bootstrap, "redrive", letters.dlq, "--to", "t-no-such-topic-x",
                      "--execute", env=env)  # fmt: skip
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr
    itself = run_cli("-b", bootstrap, "redrive", letters.dlq, "--to", letters.dlq, env=env)
    assert itself.returncode == 2 and "into itself" in itself.stderr
    absent = run_cli("-b", bootstrap, "dlq", "t-no-such-topic-y", env=env)
    assert absent.returncode == 1 and "does not exist" in absent.stderr
    before = len(read_all(bootstrap, letters.source))
    audit = tmp_path / "state" / "kafkatui" / "audit.jsonl"
    failed = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [(e["action"], e["result"][:6]) for e in failed] == [("dlq.redrive", "error:")]
    read_only = run_cli("-b", bootstrap, "--read-only", "redrive", letters.dlq, "--to",
                        letters.source, "--execute", env=env)  # fmt: skip
    assert read_only.returncode == 4 and "read-only" in read_only.stderr
    assert len(read_all(bootstrap, letters.source)) == before
    assert len(audit.read_text().splitlines()) == 1  # a refusal changes nothing, logs nothing
