"""Brokers against the sandbox, and how an unreachable cluster fails."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from kafkatui.cluster.broker_depth import BrokerDepth
from kafkatui.cluster.brokers import Brokers
from kafkatui.cluster.deep_admin import DeepAdmin
from kafkatui.cluster.errors import ConnectionFailed, KafkaTuiError
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.settings import ConnectionSettings

pytestmark = pytest.mark.integration


@pytest.fixture
def brokers(sandbox_settings: ConnectionSettings) -> Iterator[Brokers]:
    admin, deep = KafkaAdmin(sandbox_settings), DeepAdmin(sandbox_settings)
    yield Brokers(admin, BrokerDepth(deep))
    deep.close()
    admin.close()


def test_cluster_info_lists_every_broker_and_the_controller(
    brokers: Brokers, sandbox: dict
) -> None:
    info = brokers.cluster_info()
    assert len(info.brokers) == sandbox["brokers"]
    if sandbox.get("cluster_id"):
        assert info.cluster_id == sandbox["cluster_id"]
    addresses = {f"{b.host}:{b.port}" for b in info.brokers}
    assert set(sandbox["bootstrap_servers"].split(",")) <= addresses
    assert info.controller_id in {b.id for b in info.brokers}
    assert [b.id for b in info.brokers if b.is_controller] == [info.controller_id]


def test_broker_configs_show_values_and_hide_secrets(brokers: Brokers) -> None:
    broker_id = brokers.cluster_info().brokers[0].id
    configs = {c.name: c for c in brokers.broker_configs(broker_id)}
    # the sandbox sets these explicitly
    assert configs["auto.create.topics.enable"].value == "false"
    assert not configs["auto.create.topics.enable"].is_default
    assert configs["num.partitions"].value == "1"
    assert all(c.value is None for c in configs.values() if c.is_sensitive)
    assert any(c.is_sensitive for c in configs.values())  # e.g. ssl.key.password


def test_broker_configs_of_an_unknown_broker_is_an_error(brokers: Brokers) -> None:
    with pytest.raises(KafkaTuiError):
        brokers.broker_configs(9999)


def test_log_dirs_of_every_broker(brokers: Brokers, sandbox: dict) -> None:
    dirs = brokers.log_dirs()
    ids = sorted(b.id for b in brokers.cluster_info().brokers)
    assert sorted({d.broker_id for d in dirs}) == ids
    assert all(d.total_bytes and d.usable_bytes is not None for d in dirs)  # Kafka 4 reports them


def test_an_unreachable_cluster_fails_with_connection_failed_in_about_the_timeout() -> None:
    admin = KafkaAdmin(ConnectionSettings(bootstrap_servers="127.0.0.1:1", timeout_s=10.0))
    started = time.monotonic()
    with pytest.raises(ConnectionFailed, match=r"cannot connect to Kafka at 127\.0\.0\.1:1"):
        Brokers(admin, BrokerDepth(DeepAdmin(admin.settings))).cluster_info()
    assert time.monotonic() - started < 12.5
    admin.close()
