"""The audit log on real changes: one masked JSON line per change, in the state directory.

Each line holds time, profile, user, action, target, parameters, before and after (where
the action knows them) and the result. The changes are real (a topic, a connector, a
schema), made through the real client against the sandbox.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import time
from pathlib import Path
from typing import Any

import pytest

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.errors import InvalidInput, NotFound
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.kafka_helpers import (
    commit,
    drop_groups,
    drop_topic,
    make_topic,
    produce,
    wait_until,
)
from tests.integration.safety_support import cli_env, run_cli

pytestmark = pytest.mark.integration

SECRET = "audit-canary-Jx81-do-not-log"
SCHEMA = json.dumps({"type": "record", "name": "A", "fields": [{"name": "n", "type": "int"}]})
KEYS = {"time", "profile", "user", "action", "target", "parameters", "result"}


def audit_lines(guard: Guard) -> list[dict[str, Any]]:
    """Every line parses on its own (one JSON object per line)."""
    assert guard.audit_path is not None
    text = guard.audit_path.read_text(encoding="utf-8")
    assert SECRET not in text
    assert guard.audit_path.stat().st_mode & 0o077 == 0  # the log is the owner's only
    return [json.loads(line) for line in text.splitlines()]


def assert_recent(entry: dict[str, Any]) -> None:
    assert set(entry) >= KEYS, entry
    at = dt.datetime.strptime(entry["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert abs((dt.datetime.now(dt.UTC) - at).total_seconds()) < 120
    assert entry["profile"] == "sandbox"
    assert entry["user"] == getpass.getuser()


def test_topic_create_and_delete(client: ClusterClient, guard: Guard, unique: str) -> None:
    client.topics.create(unique, 2, 1, {"retention.ms": "3600000"})
    try:
        (created,) = audit_lines(guard)
    finally:
        client.topics.delete(unique)
    assert_recent(created)
    assert created["action"] == "topic.create"
    assert created["target"] == unique
    assert created["parameters"] == {"arg0": 2, "arg1": 1, "arg2": {"retention.ms": "3600000"}}
    assert created["before"] is None
    assert created["after"]["partitions"] == 2
    assert created["result"] == "ok"

    deleted = audit_lines(guard)[1]
    assert (deleted["action"], deleted["target"]) == ("topic.delete", unique)
    assert deleted["before"] == {"partitions": 2}


def test_a_failed_change_is_logged_with_its_error(
    client: ClusterClient, guard: Guard, sandbox_settings: ConnectionSettings, unique: str
) -> None:
    make_topic(sandbox_settings, unique, 1)
    try:
        with pytest.raises(InvalidInput):
            client.topics.create(unique, 1, 1)
    finally:
        drop_topic(sandbox_settings, unique)
    (entry,) = audit_lines(guard)
    assert entry["action"] == "topic.create"
    assert entry["result"].startswith("error: ") and "exists" in entry["result"]


def state_of(client: ClusterClient, connector: str) -> str | None:
    try:
        return client.connect.status("sandbox", connector).state
    except NotFound:  # just created: Connect has no status for it yet
        return None


def test_connector_create_and_pause_mask_secrets(
    client: ClusterClient, guard: Guard, unique: str, tmp_path: Path
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("")
    config = {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks.max": "1",
        "file": str(source),
        "topic": unique,
        "connection.password": SECRET,  # unused by FileStream; Connect keeps it anyway
    }
    client.connect.create("sandbox", unique, config)
    try:
        wait_until(lambda: state_of(client, unique) == "RUNNING", "the connector to run", 60)
        client.connect.pause("sandbox", unique)
        wait_until(lambda: state_of(client, unique) == "PAUSED", "the connector to pause", 60)
    finally:
        client.connect.delete("sandbox", unique)
    created, paused, deleted = audit_lines(guard)
    assert_recent(created)
    assert (created["action"], created["target"]) == ("connector.create", f"sandbox/{unique}")
    (logged_config,) = [v for v in created["parameters"].values() if isinstance(v, dict)]
    assert logged_config["connection.password"] == "******"
    assert logged_config["file"] == str(source)  # the rest stays readable
    assert (paused["action"], paused["target"], paused["result"]) == (
        "connector.pause",
        f"sandbox/{unique}",
        "ok",
    )
    assert deleted["action"] == "connector.delete"


def test_register_schema(client: ClusterClient, guard: Guard, unique: str) -> None:
    subject = f"{unique}-value"
    schema_id = client.registry.register(subject, SCHEMA)
    try:
        assert client.registry.versions(subject) == [1]
    finally:
        client.registry.delete_subject(subject, permanent=True)
    registered, deleted = audit_lines(guard)
    assert_recent(registered)
    assert (registered["action"], registered["target"]) == ("schema.register", subject)
    assert json.loads(registered["parameters"]["arg0"]) == json.loads(SCHEMA)
    assert registered["result"] == "ok"
    assert schema_id > 0
    assert (deleted["action"], deleted["target"]) == ("schema.delete_subject", subject)


def test_cli_reset_is_audited_in_the_state_dir(
    sandbox: dict, sandbox_settings: ConnectionSettings, unique: str, tmp_path: Path
) -> None:
    """The CLI's audit file is $XDG_STATE_HOME/kafkatui/audit.jsonl, with offsets moved."""
    group = f"{unique}-g"
    make_topic(sandbox_settings, unique, 1)
    try:
        produce(sandbox_settings, unique, {0: 3})
        commit(sandbox_settings, group, {(unique, 0): 1})
        run = run_cli("-b", sandbox["bootstrap_servers"], "reset-offsets", group,
                      "--topic", unique, "--to-offset", "2", "--execute",
                      env=cli_env(tmp_path))  # fmt: skip
        assert run.returncode == 0, run.stderr
    finally:
        drop_groups(sandbox_settings, unique)
        drop_topic(sandbox_settings, unique)
    log = tmp_path / "state" / "kafkatui" / "audit.jsonl"
    (entry,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert (entry["action"], entry["target"], entry["result"]) == (
        "group.reset_offsets",
        group,
        "ok",
    )
    assert entry["profile"] == "default"  # flags only, no profile
    # what moved, so the change can be undone by hand
    assert entry.get("before") == {f"{unique}-0": 1}, entry
    assert entry.get("after") == {f"{unique}-0": 2}, entry


async def test_tui_audit_view_lists_the_changes(
    client: ClusterClient, guard: Guard, unique: str
) -> None:
    """`:audit` shows the lines of the client's audit file."""
    from kafkatui.ui import make_app
    from tests.ui.support import settle, typed

    client.topics.create(unique, 1, 1)
    client.topics.delete(unique)
    app = make_app(client, cursor_blink=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("colon", *typed("audit"), "enter")
        deadline = time.monotonic() + 10
        while not getattr(app.screen, "items", None) and time.monotonic() < deadline:
            await settle(pilot)
        view: Any = app.screen
        assert view.TITLE_TEXT == "audit log"
        rows = [view.cells(item) for item in view.items.values()]
    assert {(r[2], r[3], r[4]) for r in rows} == {
        ("topic.create", unique, "ok"),
        ("topic.delete", unique, "ok"),
    }
