"""The sandbox's KRaft cluster id is one kafka-storage accepts on its command line."""

from __future__ import annotations

from collections.abc import Iterator

from kafkatui.sandbox.layout import new_cluster_id


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
