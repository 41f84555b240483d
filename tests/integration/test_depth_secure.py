"""The kafka-python views over the secure sandbox's SCRAM and mutual-TLS listeners.

The same librdkafka properties a profile holds drive both clients (see
kafkatui.cluster.connection); every new view is read through each listener, and no
secret reaches a log record or an error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.errors import ConnectionFailed, NotAvailable
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.models import TopicPartition
from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.kafka_helpers import commit, drop_groups, drop_topic, make_topic

pytestmark = pytest.mark.integration


def scram(secure_sandbox: dict, password: str | None = None) -> ConnectionSettings:
    s = secure_sandbox["secure"]
    return ConnectionSettings(
        bootstrap_servers=s["sasl_ssl"],
        kafka={
            "security.protocol": "SASL_SSL",
            "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.username": s["username"],
            "sasl.password": password or Path(s["password_file"]).read_text().strip(),
            "ssl.ca.location": s["ca"],
        },
        timeout_s=5.0,
    )


def mtls(secure_sandbox: dict) -> ConnectionSettings:
    s = secure_sandbox["secure"]
    return ConnectionSettings(
        bootstrap_servers=s["mtls"],
        kafka={
            "security.protocol": "SSL",
            "ssl.ca.location": s["ca"],
            "ssl.certificate.location": s["client_cert"],
            "ssl.key.location": s["client_key"],
        },
        timeout_s=5.0,
    )


@pytest.fixture
def topic(secure_sandbox: dict, unique: str) -> Iterator[str]:
    plain = ConnectionSettings(bootstrap_servers=secure_sandbox["bootstrap_servers"])
    make_topic(plain, unique, 2)
    commit(plain, unique + "-g", {(unique, 0): 0, (unique, 1): 0})
    yield unique
    drop_groups(plain, unique)
    drop_topic(plain, unique)


@pytest.mark.parametrize("listener", ["scram", "mtls"])
def test_every_new_view_works_through_the_secure_listener(
    listener: str,
    secure_sandbox: dict,
    topic: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = scram(secure_sandbox) if listener == "scram" else mtls(secure_sandbox)
    caplog.set_level(logging.DEBUG)
    client = ClusterClient(settings, Guard(audit_path=tmp_path / "audit.jsonl"))
    try:
        dirs = client.brokers.log_dirs()
        assert dirs and all(d.total_bytes for d in dirs)
        assert [v.node_id for v in client.brokers.quorum().voters] == [1]
        assert client.brokers.reassignments() == []
        assert isinstance(client.transactions.list(), list)
        sizes = [p.size_bytes for p in client.topics.describe(topic).partitions]
        assert sizes == [0, 0]
        [summary] = client.topics.fill_summaries([topic])
        assert summary.size_bytes == 0
        client.groups.delete_offsets(topic + "-g", [TopicPartition(topic, 1)])
        assert client.groups.committed(topic + "-g") == {(topic, 0): 0}
    finally:
        client.close()
    if listener == "scram":
        password = settings.kafka["sasl.password"]
        assert not [r for r in caplog.records if password in r.getMessage()]


def test_a_wrong_password_fails_quickly_and_never_shows_the_password(
    secure_sandbox: dict, tmp_path: Path
) -> None:
    wrong = "not-the-password-5d2a"
    client = ClusterClient(scram(secure_sandbox, wrong), Guard(audit_path=None))
    try:
        started = time.monotonic()
        with pytest.raises(ConnectionFailed) as failed:
            client.brokers.quorum()
        assert time.monotonic() - started < 15
        assert wrong not in str(failed.value)
        started = time.monotonic()
        with pytest.raises(ConnectionFailed):  # the next call fails at once
            client.transactions.list()
        assert time.monotonic() - started < 1
    finally:
        client.close()


def test_oauthbearer_says_not_available_at_once(secure_sandbox: dict) -> None:
    settings = ConnectionSettings(
        bootstrap_servers=secure_sandbox["secure"]["sasl_ssl"],
        kafka={"security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER"},
    )
    client = ClusterClient(settings, Guard(audit_path=None))
    try:
        for view in (client.brokers.log_dirs, client.brokers.quorum, client.transactions.list):
            started = time.monotonic()
            with pytest.raises(NotAvailable, match="not available with this authentication"):
                view()
            assert time.monotonic() - started < 0.5
    finally:
        client.close()
