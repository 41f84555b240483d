"""`sandbox seed` and the demo traffic, run for real and checked against SPEC §5.

A sandbox of its own (never the shared one) is started in a temporary directory, seeded
through the CLI exactly as `kafkatui demo` does, and given live traffic for a bounded
time; then every item of the demo data is checked with independent clients
(confluent-kafka's AdminClient and Consumer, httpx on Connect and on the registry). The
records are also read back with kafkatui's own decoder, since the demo exists to show
them. Set KAFKATUI_TEST_SEED_DIR to the state dir of a running plain sandbox to reuse it
(it is seeded again, which is idempotent, and left running).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka import Consumer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.guard import Guard
from kafkatui.config.sandbox import settings_from_status
from tests.integration.safety_support import cli_env, run_cli

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TRAFFIC_WINDOW_S = 90.0  # the most the traffic gets to show its effects


def _group_lag(admin: AdminClient, consumer: Consumer, group: str, topic: str) -> int:
    from confluent_kafka import ConsumerGroupTopicPartitions

    parts = [TopicPartition(topic, p) for p in range(_partitions(admin, topic))]
    request = [ConsumerGroupTopicPartitions(group, parts)]
    committed = admin.list_consumer_group_offsets(request)[group].result(timeout=15)
    lag = 0
    for tp in committed.topic_partitions:
        _low, high = consumer.get_watermark_offsets(TopicPartition(topic, tp.partition), 10)
        lag += high - max(tp.offset, 0)
    return lag


def _partitions(admin: AdminClient, topic: str) -> int:
    return len(admin.list_topics(topic, timeout=15).topics[topic].partitions)


class Demo:
    """The seeded sandbox and independent clients on it."""

    def __init__(self, status: dict[str, Any], seed_output: str) -> None:
        self.status = status
        self.seed_output = seed_output
        self.admin = AdminClient({"bootstrap.servers": status["bootstrap_servers"]})
        self.consumer = Consumer(
            {"bootstrap.servers": status["bootstrap_servers"], "group.id": "kafkatui-test-probe"}
        )
        self.http = httpx.Client(timeout=15)
        self.lag_samples: list[int] = []

    def records(self, topic: str) -> int:
        total = 0
        for p in range(_partitions(self.admin, topic)):
            low, high = self.consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            total += high - low
        return total

    def lag(self, group: str, topic: str) -> int:
        return _group_lag(self.admin, self.consumer, group, topic)

    def sample(self, topic: str, partition: int, count: int) -> list[Any]:
        """Up to `count` records from the start of one partition."""
        bootstrap = self.status["bootstrap_servers"]
        reader = Consumer({"bootstrap.servers": bootstrap, "group.id": "kafkatui-test-reader",
                           "enable.auto.commit": False})  # fmt: skip
        try:
            reader.assign([TopicPartition(topic, partition, 0)])
            got: list[Any] = []
            deadline = time.monotonic() + 20
            while len(got) < count and time.monotonic() < deadline:
                got += [m for m in reader.consume(count - len(got), timeout=1) if not m.error()]
            return got
        finally:
            reader.close()

    def connector(self, name: str) -> dict[str, Any]:
        response = self.http.get(f"{self.status['connect']}/connectors/{name}/status")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def group(self, group_id: str) -> Any:
        return self.admin.describe_consumer_groups([group_id])[group_id].result(timeout=15)

    def close(self) -> None:
        self.consumer.close()
        self.http.close()


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    from kafkatui.sandbox.runtime import Sandbox, start_traffic, stop_traffic

    reuse = os.environ.get("KAFKATUI_TEST_SEED_DIR")
    root = Path(reuse) if reuse else Path(tempfile.mkdtemp(prefix="kafkatui-test-demo-"))
    box = Sandbox(root=root)
    status = box.status()
    if reuse and (status is None or not status.running):
        pytest.fail(f"KAFKATUI_TEST_SEED_DIR={reuse} holds no running sandbox")
    if status is None or not status.running:
        status = box.up()
    home = root / "test-home"
    seeded = run_cli("sandbox", "seed", env=cli_env(home, KAFKATUI_SANDBOX_DIR=str(root)),
                     timeout=300)  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    started_traffic = start_traffic(root)
    made = Demo(status.to_json(), seeded.stderr)
    try:
        yield made
    finally:
        made.close()
        if started_traffic:
            stop_traffic(root)
        if not reuse:
            box.down(purge=True)


@pytest.fixture(scope="module")
def decoder(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    audit = tmp_path_factory.mktemp("demo-audit") / "audit.jsonl"
    client = ClusterClient(settings_from_status(demo.status), Guard(audit_path=audit))
    yield client.decoder()
    client.close()


# ---- topics ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("topic", "partitions"),
    [("orders", 6), ("payments", 3), ("clickstream", 12), ("orders.dlq", 1)],
)
def test_topic_partition_counts(demo: Demo, topic: str, partitions: int) -> None:
    assert _partitions(demo.admin, topic) == partitions


def test_clickstream_has_live_traffic(demo: Demo) -> None:
    before = demo.records("clickstream")
    deadline = time.monotonic() + 30
    while demo.records("clickstream") <= before:
        assert time.monotonic() < deadline, "no new clickstream records within 30 s"
        time.sleep(1)


def test_orders_has_string_keys_avro_values_and_ten_thousand_records(
    demo: Demo, decoder: Any
) -> None:
    assert demo.records("orders") >= 10_000
    records = demo.sample("orders", 0, 30)
    assert len(records) == 30
    versions = set()
    for record in records:
        assert record.key().decode("utf-8").isprintable()
        decoded = decoder.decode(record.value(), is_key=False)
        assert (decoded.format, decoded.subject, decoded.error) == ("avro", "orders-value", None)
        assert decoded.value["order_id"].startswith("o-")
        versions.add("channel" in decoded.value)
    assert versions == {True, False}, "both schema versions are on the topic"


def test_orders_value_subject_has_v1_and_v2_with_a_defaulted_field(demo: Demo) -> None:
    import json

    base = demo.status["schema_registry"]
    assert demo.http.get(f"{base}/subjects/orders-value/versions").json() == [1, 2]
    fields = {}
    for version in (1, 2):
        body = demo.http.get(f"{base}/subjects/orders-value/versions/{version}").json()
        fields[version] = {f["name"]: f for f in json.loads(body["schema"])["fields"]}
    added = set(fields[2]) - set(fields[1])
    assert added and all("default" in fields[2][name] for name in added)


def test_payments_are_json(demo: Demo, decoder: Any) -> None:
    assert demo.records("payments") > 0
    for record in demo.sample("payments", 0, 10):
        decoded = decoder.decode(record.value(), is_key=False)
        assert decoded.format == "json" and decoded.value["payment_id"].startswith("p-")


def test_inventory_is_compacted(demo: Demo) -> None:
    resource = ConfigResource(ConfigResource.Type.TOPIC, "inventory")
    configs = demo.admin.describe_configs([resource])[resource].result(timeout=15)
    assert configs["cleanup.policy"].value == "compact"
    assert demo.records("inventory") > 0


def test_shipments_are_protobuf_through_the_registry(demo: Demo, decoder: Any) -> None:
    records = demo.sample("shipments", 0, 10)
    assert records
    for record in records:
        decoded = decoder.decode(record.value(), is_key=False)
        assert (decoded.format, decoded.subject, decoded.error) == (
            "protobuf", "shipments-value", None,
        )  # fmt: skip
        assert decoded.value["shipment_id"].startswith("s-")


def test_dlq_holds_undecodable_values(demo: Demo, decoder: Any) -> None:
    records = demo.sample("orders.dlq", 0, 50)
    assert records
    failed = [r for r in records if decoder.decode(r.value(), is_key=False).error is not None]
    assert failed, "some dead letters do not decode"


def test_dlq_records_come_from_a_real_connect_sink(demo: Demo) -> None:
    """Connect's own DLQ reporter adds the connector's name and task id to each record."""
    headers = [dict(r.headers() or []) for r in demo.sample("orders.dlq", 0, 200)]
    real = [h for h in headers if "__connect.errors.connector.name" in h]
    assert real, "no dead letter carries Connect's context headers"
    assert all("__connect.errors.task.id" in h for h in real)


# ---- groups ------------------------------------------------------------------------------
def test_order_service_has_no_members_and_lags_on_orders(demo: Demo) -> None:
    assert demo.group("order-service").members == []
    assert demo.lag("order-service", "orders") > 0


def test_billing_is_caught_up_on_payments(demo: Demo) -> None:
    assert demo.lag("billing", "payments") == 0


def test_analytics_is_active_and_its_lag_grows(demo: Demo) -> None:
    """Sampled over a bounded window: a member is in the group and lag rises."""
    deadline = time.monotonic() + TRAFFIC_WINDOW_S
    samples: list[int] = []
    while time.monotonic() < deadline:
        group = demo.group("analytics")
        if group.members:
            samples.append(demo.lag("analytics", "clickstream"))
            if len(samples) >= 3 and samples[-1] > samples[0]:
                break
        time.sleep(5)
    assert len(samples) >= 3, "analytics never had an active member"
    assert samples[-1] > samples[0], f"analytics lag did not grow: {samples}"
    assert [m.client_id for m in demo.group("analytics").members] == ["analytics-worker-1"]


def test_a_kip848_group_has_an_active_member(demo: Demo) -> None:
    from confluent_kafka import ConsumerGroupType

    listed = demo.admin.list_consumer_groups(request_timeout=15).result(timeout=20)
    consumer_type = [g.group_id for g in listed.valid if g.type == ConsumerGroupType.CONSUMER]
    assert consumer_type, "no group uses the consumer protocol"
    assert any(demo.group(g).members for g in consumer_type)


def test_traffic_includes_a_committing_transactional_producer(demo: Demo) -> None:
    """A transactional producer writes its state to __transaction_state."""
    topics = demo.admin.list_topics(timeout=15).topics
    assert "__transaction_state" in topics
    assert demo.records("__transaction_state") > 0


# ---- connectors --------------------------------------------------------------------------
def test_clickstream_source_runs(demo: Demo) -> None:
    status = demo.connector("clickstream-file-source")
    assert status["connector"]["state"] == "RUNNING"
    assert [t["state"] for t in status["tasks"]] == ["RUNNING"]


def test_orders_archive_is_a_paused_filestream_sink(demo: Demo) -> None:
    status = demo.connector("orders-archive")
    assert status["connector"]["state"] == "PAUSED" and status["type"] == "sink"
    config = demo.http.get(f"{demo.status['connect']}/connectors/orders-archive/config").json()
    assert config["connector.class"].endswith("FileStreamSinkConnector")


def test_broken_sink_task_failed_with_a_trace(demo: Demo) -> None:
    deadline = time.monotonic() + 60
    tasks: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        tasks = demo.connector("broken-sink")["tasks"]
        if tasks and tasks[0]["state"] == "FAILED":
            break
        time.sleep(1)
    assert tasks and tasks[0]["state"] == "FAILED", tasks
    assert "Exception" in tasks[0]["trace"] and "\n\tat " in tasks[0]["trace"]


def test_seeding_again_changes_nothing(demo: Demo, tmp_path: Path) -> None:
    before = {t: demo.records(t) for t in ("orders", "payments", "shipments", "orders.dlq")}
    env = cli_env(tmp_path, KAFKATUI_SANDBOX_DIR=demo.status["state_dir"])
    again = run_cli("sandbox", "seed", timeout=300, env=env)
    assert again.returncode == 0, again.stderr
    assert {t: demo.records(t) for t in before} == before
