"""The sandbox's KRaft cluster id is one kafka-storage accepts on its command line, its
directories are absolute however they were given, and its ports are drawn where no
outgoing connection can take them before its JVMs bind."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kafkatui.sandbox.layout import (
    LISTEN_FLOOR,
    SandboxLayout,
    ephemeral_low,
    free_port,
    lib_dir,
    new_cluster_id,
    state_dir,
)


def test_an_id_starting_with_a_dash_is_drawn_again() -> None:
    # 0xF8 makes the first base64 digit 62, which is "-" in the URL-safe alphabet
    draws: Iterator[bytes] = iter([b"\xf8" + bytes(15), bytes(16)])
    assert new_cluster_id(lambda size: next(draws)) == "A" * 22


def test_ids_are_22_url_safe_characters() -> None:
    for _ in range(500):
        cluster_id = new_cluster_id()
        assert len(cluster_id) == 22 and not cluster_id.startswith("-")
        assert set(cluster_id) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )


def test_relative_directories_from_the_environment_are_made_absolute(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # the broker runs with the state dir as its cwd, so a relative config path breaks it
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KAFKATUI_SANDBOX_DIR", "bench/.sandbox")
    monkeypatch.setenv("KAFKATUI_SANDBOX_LIB", "lib")
    assert state_dir() == tmp_path / "bench" / ".sandbox"
    assert lib_dir() == tmp_path / "lib"


class _Draws(random.Random):
    """Hands out the given ports first, then random ones."""

    def __init__(self, first: list[int]) -> None:
        super().__init__(7)
        self.first = list(first)

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        return self.first.pop(0) if self.first else super().randrange(start, stop, step)


def test_ports_are_drawn_below_the_ephemeral_range() -> None:
    ports = [free_port(low=32768) for _ in range(200)]
    assert all(LISTEN_FLOOR <= port < 32768 for port in ports)


def test_a_port_something_listens_on_or_one_already_chosen_is_drawn_again() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        held = holder.getsockname()[1]
        chosen = {20001}
        port = free_port(chosen, low=65536, draw=_Draws([held, 20001, 20002]))
    assert port == 20002
    assert chosen == {20001, 20002}


def test_a_kernel_whose_ephemeral_range_starts_low_chooses_the_port() -> None:
    chosen: set[int] = set()
    ports = {free_port(chosen, low=LISTEN_FLOOR + 10) for _ in range(20)}
    assert len(ports) == 20 and chosen == ports


def test_the_ephemeral_range_is_read_from_the_kernel(tmp_path: Path) -> None:
    source = tmp_path / "ip_local_port_range"
    source.write_text("32768\t60999\n")
    assert ephemeral_low(source) == 32768
    assert ephemeral_low(tmp_path / "missing") is None
    source.write_text("")
    assert ephemeral_low(source) is None


def test_a_fresh_layout_never_uses_one_port_twice(tmp_path: Path) -> None:
    layout = SandboxLayout.fresh(tmp_path, brokers=3, secure=True)
    ports = [layout.connect_port, layout.registry_port, layout.registry_management_port]
    for broker in layout.brokers:
        ports += [broker.client, broker.controller, broker.sasl_ssl or 0, broker.mtls or 0]
    assert len(set(ports)) == len(ports) == 15
    low = ephemeral_low()
    if low is not None and low - LISTEN_FLOOR >= 1000:
        assert all(LISTEN_FLOOR <= port < low for port in ports)
