"""`P`: produce one record (key, headers, value); Avro-encoded through a subject if named."""

from __future__ import annotations

import json

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from kafkatui.cluster.errors import InvalidInput
from kafkatui.ui.screens.base import KModal
from kafkatui.ui.widgets.inputs import KButton, KInput, KTextArea
from kafkatui.ui.workers import io_work


def parse_headers(text: str) -> list[tuple[str, bytes]]:
    """`name=value, name2=value2` -> header pairs."""
    headers = []
    for pair in text.split(","):
        if pair.strip():
            name, sep, value = pair.partition("=")
            if not sep or not name.strip():
                raise InvalidInput(f"header {pair.strip()!r} is not name=value")
            headers.append((name.strip(), value.strip().encode()))
    return headers


class ProduceModal(KModal[tuple[int, int] | None]):
    def __init__(self, topic: str) -> None:
        super().__init__()
        self.topic = topic

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(f"Produce to {self.topic}", classes="title")
            yield Label("Key (empty: none)")
            yield KInput(id="key")
            yield Label("Headers (name=value, comma separated)")
            yield KInput(id="headers")
            yield Label("Avro subject (empty: send the value as text)")
            yield KInput(id="subject", placeholder=f"{self.topic}-value")
            yield Label("Partition (empty: by key)")
            yield KInput(id="partition")
            yield Label("Value (JSON when encoding through a subject)")
            yield KTextArea(id="value")
            yield Static("", id="produce-error", classes="error")
            with Horizontal(classes="buttons"):
                yield KButton("Cancel", id="cancel")
                yield KButton("Produce", id="ok", variant="primary")

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        partition = self._value("partition")
        if partition and not partition.isdigit():
            self.query_one("#produce-error", Static).update("partition is a number")
            return
        self.query_one("#ok", Button).disabled = True
        self.send(
            self._value("key"),
            self._value("headers"),
            self._value("subject"),
            int(partition) if partition else None,
            self.query_one("#value", KTextArea).text,
        )

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @io_work("produce", "producing a record")
    def send(self, key: str, headers: str, subject: str, partition: int | None, value: str) -> None:
        client = self.kapp.client
        payload = self.encode(client, subject, value)
        where = client.topics.produce(
            self.topic, payload, key.encode() if key else None, parse_headers(headers), partition
        )
        self.app.call_from_thread(self._sent, where)

    @staticmethod
    def encode(client: object, subject: str, value: str) -> bytes:
        if not subject:
            return value.encode()
        from kafkatui.decode.avro import encode_avro

        schema = client.registry.get_version(subject, "latest")  # type: ignore[attr-defined]
        if schema.schema_type.upper() != "AVRO":
            raise InvalidInput(
                f"{subject} holds a {schema.schema_type} schema; only Avro can be encoded here"
            )
        try:
            return encode_avro(schema.schema, schema.schema_id, json.loads(value))
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"value does not fit {subject} v{schema.version}: {exc}") from None

    def _sent(self, where: tuple[int, int]) -> None:
        self.notify(f"produced to {self.topic} partition {where[0]} offset {where[1]}")
        self.dismiss(where)

    def on_worker_state_changed(self, event: object) -> None:
        from textual.worker import WorkerState

        if getattr(event, "state", None) is WorkerState.ERROR:
            self.query_one("#ok", Button).disabled = False
