"""The demo's real dead letters: the seed's sink, run on unique topics of the shared sandbox."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.sandbox.dead_letters import ensure_dead_letter_sink
from tests.integration.kafka_helpers import drop_topic, make_topic, produce

pytestmark = pytest.mark.integration


def test_the_seed_sink_dead_letters_the_last_records_of_each_partition(
    sandbox: dict, sandbox_settings: ConnectionSettings, client: ClusterClient, tmp_path: Path
) -> None:
    prefix = f"t-seed-dlq-{uuid.uuid4().hex[:8]}"
    source, dlq, name = f"{prefix}-orders", f"{prefix}-dlq", f"{prefix}-export"
    make_topic(sandbox_settings, source, 3)
    make_topic(sandbox_settings, dlq, 1)
    try:
        produce(sandbox_settings, source, {0: 10, 1: 10, 2: 2})  # not JSON: every one fails
        args = (sandbox["connect"], sandbox["bootstrap_servers"], tmp_path / "export.json")
        kwargs = {"name": name, "source": source, "dlq": dlq, "last_per_partition": 3}
        assert ensure_dead_letter_sink(*args, **kwargs) == 3 + 3 + 2
        assert ensure_dead_letter_sink(*args, **kwargs) == 0  # idempotent: left as is
        summary = client.transfers.dlq(dlq)
        assert summary.records == 8 and summary.without_error_headers == 0
        [group] = summary.groups
        assert (group.connector, group.task, group.stage, group.count) == (
            name, 0, "VALUE_CONVERTER", 8,
        )  # fmt: skip
        assert group.exception_class == "org.apache.kafka.connect.errors.DataException"
    finally:
        httpx.delete(f"{sandbox['connect']}/connectors/{name}", timeout=30)
        drop_topic(sandbox_settings, source)
        drop_topic(sandbox_settings, dlq)
