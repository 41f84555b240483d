"""Changes made through the TUI on the real sandbox, each checked with an independent client.

The app runs on the real `ClusterClient` and is driven with Textual's Pilot the way an
operator drives it (keys, forms, confirmations). What the change did is then read back
without kafkatui: confluent-kafka's AdminClient, Consumer and registry client, and httpx
on Connect and the registry.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka import Consumer, KafkaException, TopicPartition
from confluent_kafka.admin import (
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    ConfigResource,
    ResourcePatternType,
    ResourceType,
)
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext
from textual.widgets import Button, Input, Static

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.ui.modals.common import ChoiceModal, ConfirmModal, FormModal
from kafkatui.ui.modals.schema import CheckModal, SchemaDiffModal
from kafkatui.ui.screens.group_detail import GroupDetailView
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.widgets.inputs import KTextArea
from kafkatui.ui.widgets.keyed_table import KeyedTable
from tests.integration.kafka_helpers import commit, drop_groups, drop_topic, make_topic, wait_until
from tests.ui.support import new_app, settle, typed, wait_for
from tests.ui.test_real_sandbox import committed, select_row

pytestmark = pytest.mark.integration

SIZE = (120, 40)
FILE_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"


@pytest.fixture
def admin(sandbox_settings: ConnectionSettings) -> AdminClient:
    return AdminClient({"bootstrap.servers": sandbox_settings.bootstrap_servers})


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    make_topic(sandbox_settings, unique, 2)
    yield unique
    drop_topic(sandbox_settings, unique)


def partitions_of(admin: AdminClient, name: str) -> int | None:
    found = admin.list_topics(name, timeout=10).topics.get(name)
    if found is None or found.error is not None:
        return None
    return len(found.partitions)


def cleanup_policy(admin: AdminClient, name: str) -> str | None:
    resource = ConfigResource(ConfigResource.Type.TOPIC, name)
    try:
        configs = admin.describe_configs([resource])[resource].result(timeout=15)
    except KafkaException:  # the new topic is not known to every part of the broker yet
        return None
    return str(configs["cleanup.policy"].value)


async def fill_form(pilot: Any, **values: str) -> None:
    """Fill the open FormModal's fields and submit it with enter."""
    form = pilot.app.screen
    assert isinstance(form, FormModal), form
    for name, value in values.items():
        form.query_one(f"#field-{name}", Input).value = value
    form.query_one(f"#field-{next(iter(values))}", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


# ---- topics ------------------------------------------------------------------------------
async def test_create_add_partitions_and_delete_a_topic(
    client: ClusterClient, admin: AdminClient, sandbox_settings: ConnectionSettings, unique: str
) -> None:
    app = new_app(client)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            await fill_form(pilot, name=unique, partitions="2", configs="cleanup.policy=compact")
            await wait_for(pilot, lambda: partitions_of(admin, unique) == 2)
            assert wait_until(lambda: cleanup_policy(admin, unique), "topic configs") == "compact"

            await select_row(pilot, unique)
            await pilot.press("plus")
            await settle(pilot)
            await fill_form(pilot, total="5")
            await wait_for(pilot, lambda: partitions_of(admin, unique) == 5)

            await select_row(pilot, unique)
            await pilot.press("ctrl+d")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmModal)
            await pilot.press(*typed(unique), "enter")
            await wait_for(pilot, lambda: partitions_of(admin, unique) is None)
    finally:
        with contextlib.suppress(KafkaException):  # deleted by the test itself
            drop_topic(sandbox_settings, unique)


# ---- produce -----------------------------------------------------------------------------
async def test_produce_an_avro_record(
    client: ClusterClient, sandbox: dict, sandbox_settings: ConnectionSettings, topic: str
) -> None:
    registry = SchemaRegistryClient({"url": sandbox["schema_registry"], "timeout": 10})
    fields = [{"name": "id", "type": "string"}, {"name": "amount", "type": "double"},
              {"name": "note", "type": ["null", "string"], "default": None}]  # fmt: skip
    schema = {"type": "record", "name": "Order", "namespace": topic.replace("-", "_"),
              "fields": fields}  # fmt: skip
    schema_id = registry.register_schema(f"{topic}-value", Schema(json.dumps(schema), "AVRO"))
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await select_row(pilot, topic)
        await pilot.press("P")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#key", Input).value = "k-1"
        dialog.query_one("#headers", Input).value = "source=pilot"
        dialog.query_one("#subject", Input).value = f"{topic}-value"
        dialog.query_one("#partition", Input).value = "1"
        dialog.query_one("#value", KTextArea).text = '{"id": "o-1", "amount": 2.5, "note": "hi"}'
        dialog.query_one("#ok", Button).press()
        await wait_for(pilot, lambda: app.screen is not dialog)
        assert not app.errors

    reader = Consumer({"bootstrap.servers": sandbox_settings.bootstrap_servers,
                       "group.id": f"{topic}-reader", "enable.auto.commit": False})  # fmt: skip
    try:
        reader.assign([TopicPartition(topic, 1, 0)])
        messages: list[Any] = []
        deadline = time.monotonic() + 30
        while not messages and time.monotonic() < deadline:
            messages = [m for m in reader.consume(1, timeout=1) if not m.error()]
    finally:
        reader.close()
    assert messages, "the produced record never arrived"
    record = messages[0]
    assert record.key() == b"k-1" and record.headers() == [("source", b"pilot")]
    assert int.from_bytes(record.value()[1:5], "big") == schema_id
    context = SerializationContext(topic, MessageField.VALUE)
    value = AvroDeserializer(registry)(record.value(), context)
    assert value == {"id": "o-1", "amount": 2.5, "note": "hi"}


# ---- schemas -----------------------------------------------------------------------------
async def test_check_a_schema_and_diff_two_versions(
    client: ClusterClient, sandbox: dict, unique: str
) -> None:
    base = sandbox["schema_registry"]
    namespace = unique.replace("-", "_")

    def order(*extra: dict, id_type: str = "long") -> str:
        return json.dumps({"type": "record", "name": "Order", "namespace": namespace,
                           "fields": [{"name": "id", "type": id_type}, *extra]})  # fmt: skip

    registry = SchemaRegistryClient({"url": base, "timeout": 10})
    registry.register_schema(unique, Schema(order(), "AVRO"))
    added = {"name": "channel_added", "type": "string", "default": "web"}
    registry.register_schema(unique, Schema(order(added), "AVRO"))
    # the shared registry's global level may be NONE; the subject's own level decides
    httpx.put(f"{base}/config/{unique}", json={"compatibility": "BACKWARD"}, timeout=10)
    incompatible = order(id_type="string")
    app = new_app(client)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("4")
            await select_row(pilot, unique)
            await pilot.press("k")
            await settle(pilot)
            check = app.screen
            assert isinstance(check, CheckModal)
            result = check.query_one("#check-result", Static)
            for candidate in (incompatible, order(added, {"name": "x", "type": "int",
                                                            "default": 0})):  # fmt: skip
                result.update("")
                check.query_one("#candidate", KTextArea).text = candidate
                check.query_one("#check", Button).press()
                await wait_for(pilot, lambda: bool(str(result.render()).strip()))
                shown = str(result.render())
                theirs = httpx.post(
                    f"{base}/compatibility/subjects/{unique}/versions/latest",
                    json={"schema": candidate}, timeout=10,
                ).json()["is_compatible"]  # fmt: skip
                assert ("NOT compatible" not in shown) is theirs, shown
                assert ("compatible" in shown.lower()) and shown.strip()
            await pilot.press("escape")
            await settle(pilot)

            await pilot.press("D")
            await settle(pilot)
            diff = app.screen
            assert isinstance(diff, SchemaDiffModal)
            text = diff.query_one("#diff", Static)
            await wait_for(pilot, lambda: "channel_added" in str(text.render()))
            lines = str(text.render()).splitlines()
            # the changes in words come first ("* fields.channel_added: field added ..."),
            # then the line diff, where the new field is an added line and nothing else moves
            said = [line for line in lines if line.startswith("* ") and "channel_added" in line]
            assert said and "added" in said[0], lines
            changed = [line for line in lines if "channel_added" in line and line not in said]
            assert changed and all(line.lstrip().startswith("+") for line in changed), lines
            assert not [line for line in lines if line.lstrip().startswith("-")
                        and '"id"' in line]  # fmt: skip
    finally:
        registry.delete_subject(unique)
        registry.delete_subject(unique, permanent=True)


# ---- ACLs --------------------------------------------------------------------------------
def any_acl_of(principal: str) -> AclBindingFilter:
    anything: Any = None  # the filter's "any name" and "any host" (its stubs say str)
    return AclBindingFilter(
        ResourceType.ANY, anything, ResourcePatternType.ANY, principal, anything,
        AclOperation.ANY, AclPermissionType.ANY,
    )  # fmt: skip


def acls_for(admin: AdminClient, principal: str) -> list[Any]:
    found = admin.describe_acls(any_acl_of(principal), request_timeout=10).result(timeout=15)
    return list(found)


async def test_create_and_delete_an_acl(
    client: ClusterClient, admin: AdminClient, unique: str
) -> None:
    principal = f"User:{unique}"
    app = new_app(client)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("colon", *typed("acls"), "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, TableView))
            await pilot.press("n")
            await settle(pilot)
            await fill_form(pilot, principal=principal, resource_name=unique,
                            operation="WRITE", pattern_type="PREFIXED")  # fmt: skip
            await wait_for(pilot, lambda: len(acls_for(admin, principal)) == 1)
            (binding,) = acls_for(admin, principal)
            assert binding.name == unique and binding.operation == AclOperation.WRITE
            assert binding.resource_pattern_type == ResourcePatternType.PREFIXED
            assert binding.permission_type == AclPermissionType.ALLOW

            await select_row(pilot, f"{principal}|ALLOW|WRITE|TOPIC|{unique}|PREFIXED|*")
            await pilot.press("ctrl+d")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmModal)
            app.screen.query_one("#ok", Button).press()
            await wait_for(pilot, lambda: acls_for(admin, principal) == [])
    finally:
        for future in admin.delete_acls([any_acl_of(principal)]).values():
            future.result(timeout=15)


# ---- connectors --------------------------------------------------------------------------
def status_records(sandbox_settings: ConnectionSettings, name: str) -> dict[str, list[str]]:
    """Every state Connect wrote for the connector and its tasks to its status topic."""
    reader = Consumer({"bootstrap.servers": sandbox_settings.bootstrap_servers,
                       "group.id": f"{name}-status-reader", "enable.auto.commit": False,
                       "auto.offset.reset": "earliest"})  # fmt: skip
    found: dict[str, list[str]] = {}
    try:
        meta = reader.list_topics("_connect-status", timeout=10).topics["_connect-status"]
        parts = [TopicPartition("_connect-status", p, 0) for p in meta.partitions]
        ends = {p.partition: reader.get_watermark_offsets(p, timeout=10)[1] for p in parts}
        reader.assign(parts)
        done: set[int] = {p for p, end in ends.items() if end == 0}
        deadline = time.monotonic() + 30
        while len(done) < len(parts) and time.monotonic() < deadline:
            for m in reader.consume(500, timeout=1):
                partition, offset, value = m.partition(), m.offset(), m.value()
                if m.error() or partition is None or offset is None:
                    continue
                if offset + 1 >= ends[partition]:
                    done.add(partition)
                key = (m.key() or b"").decode()
                if key.endswith(f"-{name}") or f"-{name}-" in key:
                    state = json.loads(value)["state"] if value else "deleted"
                    found.setdefault(key.split(f"-{name}")[0], []).append(state)
    finally:
        reader.close()
    return found


@pytest.fixture
def failed_sink(
    client: ClusterClient, sandbox: dict, topic: str, tmp_path: Path
) -> Iterator[tuple[str, str, Path]]:
    """A FileStream sink whose task FAILED (its directory is missing): (cluster, name, dir)."""
    cluster = client.connect.clusters()[0]
    missing = tmp_path / "not-yet"
    config = {"connector.class": FILE_SINK, "tasks.max": "1", "topics": topic,
              "file": str(missing / "out.txt")}  # fmt: skip
    client.connect.create(cluster, topic, config)
    url = f"{sandbox['connect']}/connectors/{topic}/status"

    def task_states() -> list[str]:
        response = httpx.get(url, timeout=10)
        return [t["state"] for t in response.json().get("tasks", [])] if response.is_success else []

    wait_until(lambda: task_states() == ["FAILED"], "the sink's task failing", 60)
    yield cluster, topic, missing
    client.connect.delete(cluster, topic)


async def test_restart_only_the_failed_tasks(
    client: ClusterClient,
    sandbox: dict,
    sandbox_settings: ConnectionSettings,
    failed_sink: tuple[str, str, Path],
) -> None:
    cluster, name, missing = failed_sink
    url = f"{sandbox['connect']}/connectors/{name}/status"
    before = status_records(sandbox_settings, name)
    assert before["status-task"][-1] == "FAILED"
    missing.mkdir()  # the next start of the task succeeds
    app = new_app(client)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await select_row(pilot, f"{cluster}/{name}")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("down", "down", "enter")  # connector and failed tasks only

        def tasks_running() -> bool:
            tasks = httpx.get(url, timeout=10).json()["tasks"]
            return [t["state"] for t in tasks] == ["RUNNING"]

        await wait_for(pilot, tasks_running, 60)
    status = httpx.get(url, timeout=10).json()
    assert status["connector"]["state"] == "RUNNING"
    after = status_records(sandbox_settings, name)
    assert after["status-task"][len(before["status-task"]) :][-1] == "RUNNING"
    # the running connector itself was not restarted: Connect wrote no new state for it
    assert after["status-connector"] == before["status-connector"]


# ---- groups ------------------------------------------------------------------------------
async def test_delete_a_groups_offsets(
    client: ClusterClient, sandbox_settings: ConnectionSettings, topic: str, unique: str
) -> None:
    group = f"{unique}-group"
    commit(sandbox_settings, group, {(topic, 0): 0, (topic, 1): 0})
    assert committed(sandbox_settings, group, topic) == {0: 0, 1: 0}
    app = new_app(client)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("2")
            await select_row(pilot, group)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, GroupDetailView))
            table = app.screen.query_one("#partitions", KeyedTable)
            await wait_for(pilot, lambda: table.row_count == 2)
            await pilot.press("x")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmModal)
            await pilot.press(*typed(topic), "enter")
            await wait_for(pilot, lambda: committed(sandbox_settings, group, topic)
                           == {0: -1001, 1: -1001})  # fmt: skip
    finally:
        drop_groups(sandbox_settings, group)
