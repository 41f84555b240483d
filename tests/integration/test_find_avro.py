"""find on registry Avro: the one-pass text of a value gives the same matches as decoding."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from confluent_kafka import Producer
from fastavro import parse_schema, schemaless_writer
from textual.widgets import Input

from kafkatui.cluster.api import TailStart
from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.records.find import Finder, FindRequest
from kafkatui.records.view import RecordView
from tests.integration import test_cli
from tests.integration.kafka_helpers import drop_topic, make_topic
from tests.integration.test_cli import jsonl
from tests.ui.support import new_app, open_tail, wait_for

pytestmark = pytest.mark.integration

SCHEMA = {
    "type": "record", "name": "PageView", "namespace": "t",
    "fields": [
        {"name": "user", "type": "string"},
        {"name": "device", "type": {"type": "enum", "name": "Device",
                                    "symbols": ["DESKTOP", "MOBILE"]}},
        {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "amount", "type": "double"},
    ],
}  # fmt: skip


class _WithoutTranscoder:
    """The same decoder without its one-pass reader: every value decoded in full."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def decode(self, data: bytes | None, *, is_key: bool, fmt: str = "auto") -> Any:
        return self.inner.decode(data, is_key=is_key, fmt=fmt)


@pytest.fixture
def avro_topic(sandbox: dict, sandbox_settings: ConnectionSettings, unique: str) -> Iterator[str]:
    make_topic(sandbox_settings, unique, 3)
    registry = sandbox["schema_registry"]
    answer = httpx.post(f"{registry}/subjects/{unique}-value/versions",
                        json={"schema": json.dumps(SCHEMA)}, timeout=30)  # fmt: skip
    answer.raise_for_status()
    header = b"\x00" + int(answer.json()["id"]).to_bytes(4, "big")
    parsed = parse_schema(SCHEMA)
    rng = random.Random(3)
    producer = Producer({"bootstrap.servers": sandbox_settings.bootstrap_servers})
    for i in range(1500):
        body = io.BytesIO()
        body.write(header)
        note = rng.choice([None, "first visit", "Returning \u00e9l\u00e8ve", 'says "hi"\n'])
        schemaless_writer(body, parsed, {"user": f"user-{i % 97}", "device": rng.choice(
            ["DESKTOP", "MOBILE"]), "ts": 1_767_225_600_000 + i, "note": note,
            "amount": i / 8})  # fmt: skip
        key = f"user-{i % 97}".encode() if i % 5 else None
        producer.produce(unique, key=key, value=body.getvalue(), partition=i % 3,
                         headers=[("trace", b"Mobile-app")] if i % 50 == 0 else None)  # fmt: skip
    assert producer.flush(30) == 0
    yield unique
    drop_topic(sandbox_settings, unique)
    httpx.delete(f"{registry}/subjects/{unique}-value", timeout=30)
    httpx.delete(f"{registry}/subjects/{unique}-value", params={"permanent": "true"}, timeout=30)


def _found(client: ClusterClient, decoder: Any, topic: str, text: str) -> list[tuple[int, int]]:
    views: list[RecordView] = []
    finder = Finder(client.transfers.scan, decoder, FindRequest(topic, text, TailStart("earliest")))
    finder.run(views.extend)
    return sorted((v.record.partition, v.record.offset) for v in views)


@pytest.mark.parametrize("text", [
    "MOBILE", "mobile", "Mobile", "device", "user-4", "USER-4", "visit", "\u00e9l\u00e8ve",
    "hi", "2026-01-01T00:00:00.5", "T00:", "Z", "null", "0.125", "nothing at all",
])  # fmt: skip
def test_the_fast_path_finds_exactly_what_decoding_finds(
    client: ClusterClient, avro_topic: str, text: str
) -> None:
    decoder = client.decoder()
    assert getattr(decoder, "json_transcoder", None) is not None  # the fast path is taken
    fast = _found(client, decoder, avro_topic, text)
    slow = _found(client, _WithoutTranscoder(decoder), avro_topic, text)
    assert fast == slow
    assert bool(fast) == (text not in ("USER-4", "nothing at all"))  # the needles do hit


cli = test_cli.cli  # the fixture that runs `kafkatui` against the sandbox


@pytest.mark.parametrize("text", ["MOBILE", "user-4", "visit", "hi", "T00:", "nothing at all"])
def test_tail_filter_lists_what_decoding_finds(
    cli: Any, client: ClusterClient, avro_topic: str, text: str
) -> None:
    """`tail --filter` takes the same batch test (Avro values on their body's bytes or
    their one-pass text) and lists exactly the records a full decode matches."""
    lines = jsonl(cli("tail", avro_topic, "--from", "earliest", "--until-end", "--filter", text))
    listed = sorted((line["partition"], line["offset"]) for line in lines)
    assert listed == _found(client, _WithoutTranscoder(client.decoder()), avro_topic, text)


async def test_tui_tail_filter_lists_what_decoding_finds(
    client: ClusterClient, avro_topic: str
) -> None:
    """The TUI tail's `/` takes the same batch test on its buffer."""
    app = new_app(client)
    async with app.run_test(size=(120, 40)) as pilot:
        tail = await open_tail(pilot, avro_topic)
        await wait_for(pilot, lambda: tail.log_view.row_count == 600)  # the last 200 of 3

        def shown() -> list[tuple[int, int]]:
            session = tail.session
            assert session is not None
            records = (session.get(seq) for seq in tail.log_view.rows)
            return sorted((r.partition, r.offset) for r in records if r is not None)

        buffered = set(shown())
        await pilot.press("slash")
        box = tail.query_one("#filter", Input)
        for text in ("user-4", "visit", "T00:", "nothing at all"):
            box.value = text

            def settled(text: str = text) -> bool:
                return tail.filter_text == text and not tail._refilling

            await wait_for(pilot, settled)
            await pilot.pause()
            decoder = _WithoutTranscoder(client.decoder())
            found = _found(client, decoder, avro_topic, text)
            assert shown() == [at for at in found if at in buffered], text
