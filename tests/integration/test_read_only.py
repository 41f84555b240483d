"""Read-only is enforced in the client layer, and the CLI and the TUI respect it.

The list of changing operations is not kept here: every `@changes` method registers
itself in `CHANGING_ACTIONS` when its module is imported, and the test below imports
every cluster module, finds each action on the client's sub-APIs and calls it. A new
changing operation without a row in `CASES` fails `test_every_action_has_a_case`.

"Nothing changed" is checked with plain clients (not the code under test) against a
small world of real objects: a topic with records, a group with a committed offset, a
running connector, a registered subject and an ACL.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import pkgutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka import ConsumerGroupTopicPartitions, Producer
from confluent_kafka import TopicPartition as KafkaTopicPartition
from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    ConfigResource,
    OffsetSpec,
    ResourcePatternType,
    ResourceType,
)

import kafkatui.cluster
from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.deep_models import Transaction
from kafkatui.cluster.errors import ReadOnlyError
from kafkatui.cluster.guard import CHANGING_ACTIONS, Guard
from kafkatui.cluster.models import Acl, ResetMode, ResetSpec, TopicPartition
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.transfers import CopyRequest, RedriveRequest
from tests.integration.kafka_helpers import commit, drop_groups, drop_topic, make_topic, wait_until
from tests.integration.safety_support import (
    assert_one_clean_line,
    cli_env,
    recorded_notifications,
    run_cli,
    write_config,
)
from tests.ui.support import settle, typed

pytestmark = pytest.mark.integration

SUB_APIS = (
    "brokers", "topics", "groups", "connect", "registry", "acls", "health", "transactions",
    "transfers",
)  # fmt: skip
CONNECT_CLUSTER = "sandbox"  # the name conftest gives the sandbox's Connect endpoint
SCHEMA = json.dumps({"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]})
SCHEMA_V2 = json.dumps({"type": "record", "name": "R", "fields": [
    {"name": "a", "type": "int"}, {"name": "b", "type": "int", "default": 0}]})  # fmt: skip


def _import_every_cluster_module() -> None:
    """So that every `@changes` decorator has run and registered its action."""
    for module in pkgutil.walk_packages(kafkatui.cluster.__path__, "kafkatui.cluster."):
        importlib.import_module(module.name)


_import_every_cluster_module()
ACTIONS = sorted(a for a in CHANGING_ACTIONS if not a.startswith("test."))


def changing_methods(client: ClusterClient) -> dict[str, Callable[..., Any]]:
    """action id -> the bound method on the client's sub-API that performs it."""
    found: dict[str, Callable[..., Any]] = {}
    for area in SUB_APIS:
        api = getattr(client, area)
        for name, member in inspect.getmembers(type(api), callable):
            action = getattr(member, "__kafkatui_action__", None)
            if action is not None:
                found[action] = getattr(api, name)
    return found


# ---- the world the refused actions aim at ----------------------------------------------
@dataclass(frozen=True)
class World:
    prefix: str  # every name below starts with it, so tests on a shared sandbox never meet
    topic: str  # 1 partition, 3 records
    group: str  # committed offset 1 on the topic, no members
    connector: str  # a running FileStream source
    subject: str  # one registered version
    acl: Acl
    bootstrap: str
    connect_url: str
    registry_url: str

    @property
    def new_topic(self) -> str:
        return f"{self.prefix}-new"


def _acl_binding(acl: Acl, kind: type = AclBinding) -> Any:
    """The world's ACL (a literal TOPIC READ ALLOW) as a binding or a filter."""
    return kind(
        ResourceType.TOPIC,
        acl.resource_name,
        ResourcePatternType.LITERAL,
        acl.principal,
        acl.host,
        AclOperation.READ,
        AclPermissionType.ALLOW,
    )


@pytest.fixture(scope="module")
def world(sandbox: dict, sandbox_settings: ConnectionSettings,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:  # fmt: skip
    prefix = f"t-read-only-{uuid.uuid4().hex[:8]}"  # module-wide, as `unique` is per test
    w = World(
        prefix=prefix, topic=f"{prefix}-topic", group=f"{prefix}-group",
        connector=f"{prefix}-conn", subject=f"{prefix}-value",
        acl=Acl("TOPIC", f"{prefix}-topic", "LITERAL", f"User:{prefix}", "*", "READ", "ALLOW"),
        bootstrap=sandbox["bootstrap_servers"], connect_url=sandbox["connect"],
        registry_url=sandbox["schema_registry"],
    )  # fmt: skip
    make_topic(sandbox_settings, w.topic, 1)
    producer = Producer({"bootstrap.servers": w.bootstrap})
    for i in range(3):
        producer.produce(w.topic, key=f"k{i}", value=f"v{i}")
    assert producer.flush(30) == 0
    commit(sandbox_settings, w.group, {(w.topic, 0): 1})
    admin = AdminClient({"bootstrap.servers": w.bootstrap})
    binding = _acl_binding(w.acl)
    admin.create_acls([binding])[binding].result(timeout=30)
    source_file = tmp_path_factory.mktemp("read-only") / "source.txt"
    source_file.write_text("")  # nothing to copy: the topic's end offset must not move
    source = {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks.max": "1", "file": str(source_file), "topic": w.topic,
    }  # fmt: skip
    httpx.post(f"{w.connect_url}/connectors", json={"name": w.connector, "config": source},
               timeout=30).raise_for_status()  # fmt: skip
    wait_until(lambda: _connector_state(w) == "RUNNING", "the connector to run", 60)
    httpx.post(f"{w.registry_url}/subjects/{w.subject}/versions", timeout=30,
               json={"schema": SCHEMA}).raise_for_status()  # fmt: skip
    # A level of its own, so a change of the global level by another test cannot show here.
    httpx.put(f"{w.registry_url}/config/{w.subject}", timeout=30,
              json={"compatibility": "FULL"}).raise_for_status()  # fmt: skip
    yield w
    httpx.delete(f"{w.connect_url}/connectors/{w.connector}", timeout=30)
    httpx.delete(f"{w.registry_url}/subjects/{w.subject}", timeout=30)
    httpx.delete(f"{w.registry_url}/subjects/{w.subject}", params={"permanent": "true"},
                 timeout=30)  # fmt: skip
    admin.delete_acls([_acl_binding(w.acl, AclBindingFilter)])
    drop_groups(sandbox_settings, prefix)
    drop_topic(sandbox_settings, w.topic)


def _connector_state(w: World) -> str | None:
    response = httpx.get(f"{w.connect_url}/connectors/{w.connector}/status", timeout=10)
    return response.json()["connector"]["state"] if response.status_code == 200 else None


def snapshot(w: World) -> dict[str, Any]:
    """Everything a refused action could have changed, read with plain clients."""
    admin = AdminClient({"bootstrap.servers": w.bootstrap})
    mine = w.prefix
    tp = KafkaTopicPartition(w.topic, 0)
    resource = ConfigResource(ResourceType.TOPIC, w.topic)
    configs = admin.describe_configs([resource])[resource].result(timeout=10)
    offsets = admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(w.group)])
    committed = offsets[w.group].result(timeout=10).topic_partitions
    groups = admin.list_consumer_groups().result(timeout=10).valid
    acl_filter = AclBindingFilter(  # None matches any name and any host
        ResourceType.ANY, None, ResourcePatternType.ANY, w.acl.principal, None,  # type: ignore[arg-type]
        AclOperation.ANY, AclPermissionType.ANY,
    )  # fmt: skip
    connectors = httpx.get(f"{w.connect_url}/connectors", timeout=10).json()
    subjects = httpx.get(f"{w.registry_url}/subjects", timeout=10).json()
    versions = httpx.get(f"{w.registry_url}/subjects/{w.subject}/versions", timeout=10)
    subject_config = httpx.get(f"{w.registry_url}/config/{w.subject}", timeout=10)
    topics = admin.list_topics(timeout=10).topics
    return {
        "topics": {n: len(t.partitions) for n, t in topics.items() if n.startswith(mine)},
        "end offset": admin.list_offsets({tp: OffsetSpec.latest()})[tp].result(timeout=10).offset,
        "configs": {k: v.value for k, v in configs.items() if not v.is_default},
        "committed": [(p.topic, p.partition, p.offset) for p in committed],
        "groups": sorted(g.group_id for g in groups if g.group_id.startswith(mine)),
        "acls": sorted(str(b) for b in admin.describe_acls(acl_filter).result(timeout=10)),
        "connectors": sorted(c for c in connectors if c.startswith(mine)),
        "connector halted": _connector_state(w) in ("PAUSED", "STOPPED"),
        "subjects": sorted(s for s in subjects if s.startswith(mine)),
        "versions": versions.json(),
        "subject level": subject_config.json().get("compatibilityLevel"),
    }


@pytest.fixture(scope="module")
def baseline(world: World) -> dict[str, Any]:
    state = snapshot(world)
    # the snapshot sees the world, so a change to it would show
    assert state["topics"] == {world.topic: 1}
    assert state["end offset"] == 3
    assert state["committed"] == [(world.topic, 0, 1)]
    assert len(state["acls"]) == 1
    assert state["connectors"] == [world.connector] and not state["connector halted"]
    assert state["subjects"] == [world.subject] and state["versions"] == [1]
    assert state["subject level"] == "FULL"
    return state


@pytest.fixture(scope="module")
def read_only_client(
    sandbox_settings: ConnectionSettings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ClusterClient]:
    """Read-only as a profile makes it: `read_only` in the settings, the guard derived."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("read-only-state")))
        client = ClusterClient(dataclasses.replace(sandbox_settings, read_only=True))
        yield client
        client.close()


# ---- one row per changing action: plausible arguments aimed at the world ---------------
Args = Callable[[World, ClusterClient], tuple[Any, ...]]
CONNECTOR: Args = lambda w, c: (CONNECT_CLUSTER, w.connector)  # noqa: E731
SINK_CONFIG = {
    "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
    "topics": "unused", "file": "/dev/null",
}  # fmt: skip
SOURCE_OFFSETS = [{"partition": {"filename": "x"}, "offset": {"position": 0}}]

CASES: dict[str, Args] = {
    "topic.create": lambda w, c: (w.new_topic, 3, 1, {"cleanup.policy": "compact"}),
    "topic.delete": lambda w, c: (w.topic,),
    "topic.add_partitions": lambda w, c: (w.topic, 4),
    "topic.alter_config": lambda w, c: (w.topic, {"retention.ms": "60000"}),
    "topic.produce": lambda w, c: (w.topic, b"value", b"key"),
    "group.reset_offsets": lambda w, c: (
        c.groups.plan_reset(w.group, w.topic, None, ResetSpec(ResetMode.EARLIEST)),
    ),
    "group.delete": lambda w, c: (w.group,),
    "group.delete_offsets": lambda w, c: (w.group, [TopicPartition(w.topic, 0)]),
    "transaction.abort": lambda w, c: (
        Transaction(f"{w.prefix}-t", "Ongoing", 1, 0, 1, None, (TopicPartition(w.topic, 0),), 1),
    ),
    "acl.create": lambda w, c: (dataclasses.replace(w.acl, operation="WRITE"),),
    "acl.delete": lambda w, c: (w.acl,),
    "connector.create": lambda w, c: (CONNECT_CLUSTER, f"{w.prefix}-new", SINK_CONFIG),
    "connector.delete": CONNECTOR,
    "connector.pause": CONNECTOR,
    "connector.resume": CONNECTOR,
    "connector.stop": CONNECTOR,
    "connector.restart": lambda w, c: (CONNECT_CLUSTER, w.connector, True, False),
    "connector.restart_task": lambda w, c: (CONNECT_CLUSTER, w.connector, 0),
    "connector.reset_offsets": CONNECTOR,
    "connector.alter_offsets": lambda w, c: (CONNECT_CLUSTER, w.connector, SOURCE_OFFSETS),
    "schema.compatibility": lambda w, c: ("NONE", w.subject),
    "schema.register": lambda w, c: (w.subject, SCHEMA_V2),
    "schema.delete_subject": lambda w, c: (w.subject, True),
    "schema.delete_version": lambda w, c: (w.subject, 1, True),
    "topic.copy": lambda w, c: (CopyRequest(w.topic, w.new_topic),),
    "dlq.redrive": lambda w, c: (RedriveRequest(w.topic, to=w.topic),),
}


def test_every_action_has_a_case() -> None:
    assert len(ACTIONS) >= 20, ACTIONS  # the registry really filled up
    missing = sorted(set(ACTIONS) - set(CASES))
    assert not missing, f"changing actions without a read-only case: {missing}"
    stale = sorted(set(CASES) - set(ACTIONS))
    assert not stale, f"cases for actions that no longer exist: {stale}"


def test_every_action_is_reachable_on_the_client(read_only_client: ClusterClient) -> None:
    """The UI and the CLI only hold the client: each action must be one of its methods."""
    assert sorted(changing_methods(read_only_client)) == ACTIONS


def test_read_only_settings_make_a_read_only_guard(read_only_client: ClusterClient) -> None:
    assert read_only_client.read_only is True
    assert read_only_client.guard.read_only is True


@pytest.mark.parametrize("action", ACTIONS)
def test_action_refuses_and_changes_nothing(
    action: str, world: World, baseline: dict[str, Any], read_only_client: ClusterClient
) -> None:
    assert action in CASES, f"no read-only case for {action}: add one to CASES"
    method = changing_methods(read_only_client)[action]
    args = CASES[action](world, read_only_client)
    with pytest.raises(ReadOnlyError) as refused:
        method(*args)
    assert refused.value.action == action
    assert "read-only" in str(refused.value)
    assert refused.value.exit_code == 4
    assert snapshot(world) == baseline


# ---- the CLI -----------------------------------------------------------------------------
def _reset_args(w: World) -> list[str]:
    return ["reset-offsets", w.group, "--topic", w.topic, "--to-earliest"]


def test_cli_read_only_flag_refuses_a_reset(
    world: World, baseline: dict[str, Any], tmp_path: Path
) -> None:
    env = cli_env(tmp_path)
    run = run_cli("-b", world.bootstrap, "--read-only", *_reset_args(world), "--execute", env=env)
    assert run.returncode == 4, run.stderr
    assert "read-only" in assert_one_clean_line(run.stderr)
    assert snapshot(world) == baseline
    assert not (tmp_path / "state" / "kafkatui" / "audit.jsonl").exists()


def test_cli_read_only_profile_refuses_a_reset(
    world: World, baseline: dict[str, Any], tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "config.toml",
        f'''
default_profile = "prod"
[profiles.prod]
bootstrap_servers = "{world.bootstrap}"
read_only = true
''',
    )
    env = cli_env(tmp_path)
    run = run_cli("--config", str(config), *_reset_args(world), "--execute", env=env)
    assert run.returncode == 4, run.stderr
    assert "read-only" in assert_one_clean_line(run.stderr)
    assert snapshot(world) == baseline


def test_cli_read_only_still_reads(world: World, tmp_path: Path) -> None:
    """A dry-run changes nothing, so read-only allows it."""
    run = run_cli("-b", world.bootstrap, "--read-only", *_reset_args(world), "--json",
                  env=cli_env(tmp_path))  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert world.topic in run.stdout


# ---- the TUI -----------------------------------------------------------------------------
class Spy:
    """Replaces every changing method of a client's sub-APIs with a recorder."""

    def __init__(self, client: ClusterClient) -> None:
        self.calls: list[str] = []
        for area in SUB_APIS:
            api = getattr(client, area)
            for name, member in inspect.getmembers(type(api), callable):
                action = getattr(member, "__kafkatui_action__", None)
                if action is not None:
                    setattr(api, name, self._recorder(action))

    def _recorder(self, action: str) -> Callable[..., Any]:
        def record(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(action)
            raise AssertionError(f"the TUI called {action}")  # no "read-only" in it

        return record


@dataclass
class Tui:
    app: Any
    spy: Spy
    notes: list[str]  # every notification's message


@pytest.fixture
def tui(sandbox_settings: ConnectionSettings, tmp_path: Path) -> Iterator[Tui]:
    """A read-only app on a *writable*, spied client: refusals must come from the UI."""
    from kafkatui.ui import make_app

    client = ClusterClient(sandbox_settings, Guard(audit_path=tmp_path / "audit.jsonl"))
    spy = Spy(client)
    app = make_app(client, read_only=True, cursor_blink=False)
    yield Tui(app, spy, recorded_notifications(app))
    client.close()


#: (view, keys that open it, keys that start a change there); each view has rows
TUI_CASES = [
    ("topics", ["1"], ["n", "plus", "ctrl+d", "P"]),
    ("groups", ["2"], ["o", "ctrl+d"]),
    ("connectors", ["3"], ["p", "s", "r"]),
    ("acls", ["colon", *typed("acls"), "enter"], ["n", "ctrl+d"]),
]


@pytest.mark.parametrize(("view", "opening", "presses"), TUI_CASES, ids=[c[0] for c in TUI_CASES])
async def test_tui_changing_keys_say_read_only(
    view: str, opening: list[str], presses: list[str], world: World, tui: Tui
) -> None:
    async with tui.app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*opening)
        await _wait_for_rows(pilot)
        for key in presses:
            before = len(tui.app.screen_stack)
            tui.notes.clear()
            await pilot.press(key)
            await settle(pilot)
            assert any("read-only" in n for n in tui.notes), (key, tui.notes)
            assert len(tui.app.screen_stack) == before, f"{key} opened a dialog"
    assert tui.spy.calls == []


async def test_tui_follows_a_read_only_profile(
    sandbox_settings: ConnectionSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As `kafkatui --profile prod` opens it: no flag to make_app, the client decides."""
    from kafkatui.ui import make_app

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    client = ClusterClient(dataclasses.replace(sandbox_settings, read_only=True))
    spy = Spy(client)
    app = make_app(client, cursor_blink=False)
    notes = recorded_notifications(app)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _wait_for_rows(pilot)
            await pilot.press("n")
            await settle(pilot)
            assert any("read-only" in n for n in notes), notes
            assert len(app.screen_stack) == 1
    finally:
        client.close()
    assert app.read_only is True and spy.calls == []


async def test_tui_schema_compatibility_says_read_only(world: World, tui: Tui) -> None:
    """The compatibility dialog shows the level; choosing another one is refused."""
    async with tui.app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await _wait_for_rows(pilot)
        await pilot.press("slash", *typed(world.subject), "enter")
        await settle(pilot)
        row = tui.app.screen.current
        assert row.subject == world.subject
        await pilot.press("c")
        await settle(pilot)
        tui.notes.clear()
        await pilot.press("home" if row.compatibility == "NONE" else "end", "enter")
        await settle(pilot)
        assert any("read-only" in n for n in tui.notes), tui.notes
    assert tui.spy.calls == []


async def _wait_for_rows(pilot: Any, timeout_s: float = 30.0) -> None:
    """Until the current list has a selected row (its first load landed)."""
    deadline = time.monotonic() + timeout_s
    while getattr(pilot.app.screen, "current", None) is None:
        assert time.monotonic() < deadline, "the view never showed a row"
        await settle(pilot)
        await pilot.pause(0.2)
