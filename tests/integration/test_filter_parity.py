"""One filter rule on both front ends, against the real sandbox: `kafkatui tail --filter`
and the TUI tail's `/` list the same records, and those are the records the rule
(smart case; key, the whole decoded value, header names and values) says."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from confluent_kafka import Producer
from textual.widgets import Input

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.settings import ConnectionSettings
from tests.integration import test_cli
from tests.integration.kafka_helpers import drop_topic, make_topic
from tests.integration.test_cli import jsonl
from tests.ui.support import new_app, open_tail, wait_for

pytestmark = pytest.mark.integration
cli = test_cli.cli  # the fixture that runs `kafkatui` against the sandbox

LONG = json.dumps({"pad": "x" * 3000, "note": "needle-deep"})  # past the list's cut

# (partition, key, value, headers), produced in this order: partition p's offsets count up
RECORDS: list[tuple[int, bytes | None, bytes, list[tuple[str, bytes]]]] = [
    (0, b"Order-1", b"plain", []),  # 0:0 key, mixed case
    (0, b"k2", b"ORDER shipped", []),  # 0:1 value, upper case
    (0, b"k3", b"quiet", [("trace", b"order-77")]),  # 0:2 header value
    (0, b"k4", b"quiet", [("Order-Source", b"web")]),  # 0:3 header name
    (1, None, b"an order, lower case", []),  # 1:0 null key
    (1, b"k6", LONG.encode(), []),  # 1:1 the whole value
    (1, b"k7", b'{"city": "Z\\u00fcrich ord\\u0065r"}', []),  # 1:2 only decoded
    (1, b"k8", b"\xde\xad order \xff", []),  # 1:3 not UTF-8: its text is hex
    (1, b"k9", b"nothing to see", [("n", b"\xff\xfe")]),  # 1:4 binary header: base64
]

EXPECTED = {
    "order": {(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 2)},
    "Order": {(0, 0), (0, 3)},
    "ORDER": {(0, 1)},
    "needle-deep": {(1, 1)},
    "zürich": {(1, 2)},
    "//4=": {(1, 4)},  # the base64 of a binary header value
    "dead": {(1, 3)},  # the hex of an undecodable value
    "absent": set(),
}


@pytest.fixture
def topic(sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    make_topic(sandbox_settings, unique, 2)
    producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
    for partition, key, value, headers in RECORDS:
        producer.produce(unique, key=key, value=value, partition=partition, headers=headers)
    assert producer.flush(30) == 0
    yield unique
    drop_topic(sandbox_settings, unique)


def test_cli_filter_gives_the_records_the_rule_says(cli: Any, topic: str) -> None:
    for text, expected in EXPECTED.items():
        lines = jsonl(cli("tail", topic, "--from", "earliest", "--until-end", "--filter", text))
        assert {(x["partition"], x["offset"]) for x in lines} == expected, text


async def test_tui_filter_gives_the_same_records(client: ClusterClient, topic: str) -> None:
    app = new_app(client)
    async with app.run_test(size=(120, 40)) as pilot:
        tail = await open_tail(pilot, topic)
        await wait_for(pilot, lambda: tail.log_view.row_count == len(RECORDS))
        await pilot.press("slash")
        box = tail.query_one("#filter", Input)
        for text, expected in EXPECTED.items():
            box.value = text  # what typing does: Input.Changed sets the tail's filter

            def settled(text: str = text) -> bool:
                return tail.filter_text == text and not tail._refilling

            await wait_for(pilot, settled)
            await pilot.pause()
            session = tail.session
            assert session is not None
            shown = set()
            for seq in tail.log_view.rows:
                record = session.get(seq)
                assert record is not None
                shown.add((record.partition, record.offset))
            assert shown == expected, text  # the CLI test holds --filter to the same sets
