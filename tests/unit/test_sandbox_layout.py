"""The sandbox's KRaft cluster id is one kafka-storage accepts on its command line, and
its directories are absolute however they were given."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kafkatui.sandbox.layout import lib_dir, new_cluster_id, state_dir


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
