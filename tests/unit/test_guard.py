"""The guard: read-only refusal and audit lines, on a tiny class of its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kafkatui.cluster.connect import mask_config
from kafkatui.cluster.errors import ReadOnlyError
from kafkatui.cluster.guard import (
    CHANGING_ACTIONS,
    Guard,
    changes,
    mask_inline_secrets,
    mask_secrets,
)


class Thing:
    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self.calls: list[str] = []

    @changes("test.rename")
    def rename(self, name: str, new_name: str, password: str | None = None) -> dict:
        self.calls.append(name)
        return {"before": name, "after": new_name}

    @changes("test.explode")
    def explode(self, name: str) -> None:
        raise ValueError("boom")


def test_read_only_refuses_before_the_action_runs(tmp_path: Path) -> None:
    thing = Thing(Guard(read_only=True, audit_path=tmp_path / "audit.jsonl"))
    with pytest.raises(ReadOnlyError, match="read-only"):
        thing.rename("a", "b")
    assert thing.calls == []
    assert not (tmp_path / "audit.jsonl").exists()


def test_each_change_appends_one_masked_audit_line(tmp_path: Path) -> None:
    guard = Guard(profile="prod", audit_path=tmp_path / "audit.jsonl")
    Thing(guard).rename("orders", "orders2", password="hunter2")
    lines = (tmp_path / "audit.jsonl").read_text().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["action"] == "test.rename"
    assert entry["target"] == "orders"
    assert entry["profile"] == "prod"
    assert entry["before"] == "orders" and entry["after"] == "orders2"
    assert entry["result"] == "ok"
    assert "hunter2" not in lines[0]
    assert (tmp_path / "audit.jsonl").stat().st_mode & 0o077 == 0


def test_a_failed_change_is_audited_with_its_error(tmp_path: Path) -> None:
    guard = Guard(audit_path=tmp_path / "audit.jsonl")
    with pytest.raises(ValueError):
        Thing(guard).explode("x")
    entry = guard.read_audit()[-1]
    assert entry["action"] == "test.explode"
    assert entry["result"] == "error: boom"


def test_decorated_actions_are_registered() -> None:
    assert CHANGING_ACTIONS["test.rename"].endswith("Thing.rename")


def test_mask_secrets_is_recursive() -> None:
    masked = mask_secrets({"sasl.password": "p", "nested": [{"token": "t", "name": "n"}]})
    assert masked == {"sasl.password": "******", "nested": [{"token": "******", "name": "n"}]}


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "jdbc:postgresql://db:5432/shop?user=app&password=s3cr3t&ssl=true",
            "jdbc:postgresql://db:5432/shop?user=app&password=******&ssl=true",
        ),
        (
            "jdbc:sqlserver://h;user=sa;password=Pa55;db=x",
            "jdbc:sqlserver://h;user=sa;password=******;db=x",
        ),
        ("https://bob:hunter2@registry.example.com/x", "https://bob:******@registry.example.com/x"),
        (
            'PlainLoginModule required username="u" password="pw";',
            'PlainLoginModule required username="u" password="******";',
        ),
        ("http://host:8081/path", "http://host:8081/path"),
        ("topics=password-changes", "topics=password-changes"),
    ],
)
def test_secrets_inside_ordinary_values_are_masked(text: str, masked: str) -> None:
    assert mask_inline_secrets(text) == masked
    assert mask_secrets({"connection.url": text}) == {"connection.url": masked}
    assert mask_config({"connection.url": text}) == {"connection.url": masked}
