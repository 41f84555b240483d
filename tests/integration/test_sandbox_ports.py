"""A port taken between the layout's choice and a JVM's bind: a new sandbox starts over on
new ports, and a saved one says which part could not listen and how to recover."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kafkatui.sandbox import ownership
from kafkatui.sandbox.layout import SandboxLayout
from kafkatui.sandbox.runtime import PortClash, Sandbox

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _listen(port: int) -> socket.socket:
    holder = socket.socket()
    holder.bind(("127.0.0.1", port))
    holder.listen()
    return holder


@pytest.fixture
def held() -> Iterator[list[socket.socket]]:
    sockets: list[socket.socket] = []
    yield sockets
    for holder in sockets:
        holder.close()


def test_a_new_sandbox_whose_registry_port_is_taken_starts_on_new_ports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: list[socket.socket]
) -> None:
    layouts: list[SandboxLayout] = []
    real_fresh = SandboxLayout.fresh

    def fresh_then_taken(root: Path, brokers: int, secure: bool) -> SandboxLayout:
        layout = real_fresh(root, brokers, secure)
        if not layouts:  # someone else listens on the first layout's registry port
            held.append(_listen(layout.registry_port))
        layouts.append(layout)
        return layout

    monkeypatch.setattr(SandboxLayout, "fresh", staticmethod(fresh_then_taken))
    said: list[str] = []
    box = Sandbox(root=tmp_path / "box", say=said.append)
    ownership.claim(box.root)
    try:
        status = box.up()
        assert len(layouts) == 2
        assert status.running
        assert status.layout.registry_port == layouts[1].registry_port
        assert status.layout.registry_port != layouts[0].registry_port
        assert any("registry: another process holds a port" in line for line in said)
        assert ownership.owner(box.root) is not None, "the retry dropped the owner's claim"
        answer = httpx.get(status.layout.registry_url + "/subjects", timeout=10)
        assert answer.status_code == 200

        # The same sandbox restarted with its saved port taken: no silent move, data kept.
        box.down()
        held.append(_listen(status.layout.connect_port))
        with pytest.raises(PortClash) as clash:
            box.up()
        message = str(clash.value)
        assert message.startswith("connect exited during start-up")
        assert "kafkatui sandbox down --purge" in message
        assert SandboxLayout.load(box.root) == status.layout
        assert box.status() is not None and not any(box.status().alive.values())  # type: ignore[union-attr]
    finally:
        box.down(purge=True)
