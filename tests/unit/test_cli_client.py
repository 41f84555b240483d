"""The client facade: built without network, parts made once and shared, guard wired."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.settings import ConnectionSettings, HttpEndpoint

UNREACHABLE = ConnectionSettings(
    profile="p1",
    bootstrap_servers="127.0.0.1:1",
    schema_registry=HttpEndpoint(url="http://127.0.0.1:1/apis/ccompat/v7"),
    connect=(HttpEndpoint(url="http://127.0.0.1:1", name="main"),),
    read_only=True,
)


def test_construction_and_parts_do_not_wait_for_the_network(tmp_path: Path) -> None:
    began = time.monotonic()
    client = ClusterClient(UNREACHABLE, Guard(audit_path=tmp_path / "audit.jsonl"))
    parts = [client.brokers, client.topics, client.groups, client.acls, client.connect,
             client.registry, client.health, client.decoder()]
    client.close()
    assert all(part is not None for part in parts)
    assert time.monotonic() - began < 3


def test_parts_are_built_once_and_share_the_admin_and_guard(tmp_path: Path) -> None:
    guard = Guard(read_only=False, profile="x", audit_path=tmp_path / "audit.jsonl")
    client = ClusterClient(UNREACHABLE, guard)
    try:
        assert client.topics is client.topics
        assert client.decoder() is client.decoder()
        assert client.topics.guard is guard  # type: ignore[attr-defined]
        assert client.groups.admin is client.topics.admin  # type: ignore[attr-defined]
    finally:
        client.close()


def test_default_guard_follows_the_settings() -> None:
    client = ClusterClient(UNREACHABLE)
    assert client.guard.read_only is True
    assert client.guard.profile == "p1"
    assert client.guard.audit_path is not None
    assert (client.profile, client.read_only, client.bootstrap_servers) == (
        "p1", True, "127.0.0.1:1"
    )


def test_the_decoder_asks_the_registry_without_its_library_client() -> None:
    """Decoding a wire-format record asks the registry with plain GETs: the library
    registry client (half a second of imports) is never loaded, nor built."""
    code = (
        "import sys\n"
        "from tests.unit.test_cli_client import UNREACHABLE\n"
        "from kafkatui.cluster.client import ClusterClient\n"
        "from kafkatui.cluster.guard import Guard\n"
        "client = ClusterClient(UNREACHABLE, Guard(audit_path=sys.argv[1]))\n"
        "decoder = client.decoder()\n"
        "assert decoder.decode(b'plain', is_key=False).value == 'plain'\n"
        "failed = decoder.decode(b'\\x00\\x00\\x00\\x00\\x07body', is_key=False)\n"
        "assert failed.error is not None and failed.schema_id == 7, failed\n"
        "assert '127.0.0.1:1' in failed.error, failed.error\n"
        "assert '_lazy_registry' not in vars(client)\n"
        "client.close()\n"
        "print('confluent_kafka.schema_registry' in sys.modules)\n"
    )
    with tempfile.TemporaryDirectory() as home:
        done = subprocess.run(
            [sys.executable, "-c", code, str(Path(home) / "audit.jsonl")],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=Path(__file__).parents[2],
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_audit_log_reads_the_guards_file(tmp_path: Path) -> None:
    guard = Guard(audit_path=tmp_path / "audit.jsonl")
    guard.record({"action": "topic.create", "target": "t"})
    client = ClusterClient(UNREACHABLE, guard)
    assert client.audit_log() == [{"action": "topic.create", "target": "t"}]


def test_close_stops_open_tails(tmp_path: Path) -> None:
    client = ClusterClient(UNREACHABLE, Guard(audit_path=tmp_path / "a.jsonl"))
    from kafkatui.cluster.api import TailStart

    tail = client.open_tail("t", TailStart("earliest"), capacity=10)
    client.close()
    assert tail.stopped
