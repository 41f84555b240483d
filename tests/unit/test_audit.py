"""Audit lines of changes whose result is not a before/after dict (the `details` hook)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kafkatui.cluster.errors import ReadOnlyError, RemoteError
from kafkatui.cluster.guard import Guard, audit_note, audit_start, changes


@dataclass(frozen=True)
class Moved:
    name: str
    old: int
    new: int
    token: str


def _moved_details(result: Moved) -> dict[str, Any]:
    return {
        "before": {"position": result.old},
        "after": {"position": result.new},
        "parameters": {"how": "by hand", "token": result.token},
    }


class Mover:
    def __init__(self, guard: Guard) -> None:
        self.guard = guard

    @changes("test.move", target=lambda thing: thing["name"], details=_moved_details)
    def move(self, thing: dict[str, Any]) -> Moved:
        return Moved(thing["name"], thing["at"], thing["at"] + 1, token="s3cr3t-token")

    @changes("test.plain")
    def plain(self, name: str) -> int:
        return 7

    @changes("test.long")
    def long_write(self, name: str, fail_after_start: bool = False) -> int:
        audit_start(plan={"to_write": 3, "password": "hunter2"})
        audit_note(after={"written": 2})
        if fail_after_start:
            raise RemoteError("broker gone")
        return 3


def test_details_fill_before_after_and_parameters(tmp_path: Path) -> None:
    guard = Guard(profile="ops", audit_path=tmp_path / "audit.jsonl")
    result = Mover(guard).move({"name": "widget", "at": 3})
    assert result.new == 4  # the method's own result is untouched
    (entry,) = guard.read_audit()
    assert entry["target"] == "widget"
    assert entry["before"] == {"position": 3}
    assert entry["after"] == {"position": 4}
    assert entry["parameters"] == {"how": "by hand", "token": "******"}
    assert "s3cr3t-token" not in (tmp_path / "audit.jsonl").read_text()


def test_a_result_that_is_not_a_dict_has_no_before_after(tmp_path: Path) -> None:
    guard = Guard(audit_path=tmp_path / "audit.jsonl")
    assert Mover(guard).plain("x") == 7
    (entry,) = guard.read_audit()
    assert entry["result"] == "ok"
    assert "before" not in entry and "after" not in entry


def test_a_long_write_leaves_a_start_line_then_an_end_line_of_the_same_run(
    tmp_path: Path,
) -> None:
    guard = Guard(profile="ops", audit_path=tmp_path / "audit.jsonl")
    assert Mover(guard).long_write("orders") == 3
    start, end = guard.read_audit()
    assert (start["phase"], start["result"], end["phase"], end["result"]) == (
        "start", "started", "end", "ok"
    )  # fmt: skip
    assert start["run"] == end["run"] and len(start["run"]) == 12
    assert start["plan"] == {"to_write": 3, "password": "******"}
    assert end["after"] == {"written": 2} and "plan" not in end
    for key in ("profile", "user", "action", "target", "parameters"):
        assert start[key] == end[key]
    assert start["target"] == "orders" and start["profile"] == "ops"


def test_a_long_write_that_fails_after_starting_ends_with_the_error_and_progress(
    tmp_path: Path,
) -> None:
    guard = Guard(audit_path=tmp_path / "audit.jsonl")
    with pytest.raises(RemoteError):
        Mover(guard).long_write("orders", fail_after_start=True)
    start, end = guard.read_audit()
    assert start["run"] == end["run"] and end["phase"] == "end"
    assert end["result"] == "error: broker gone" and end["after"] == {"written": 2}


def test_start_outside_a_change_and_a_read_only_refusal_write_nothing(tmp_path: Path) -> None:
    guard = Guard(read_only=True, audit_path=tmp_path / "audit.jsonl")
    audit_start(plan={"to_write": 1})  # a dry run: no change is open
    audit_note(after={"written": 0})
    with pytest.raises(ReadOnlyError):
        Mover(guard).long_write("orders")
    assert guard.read_audit() == []
    assert Mover(Guard(audit_path=tmp_path / "other.jsonl")).plain("x") == 7
    (plain,) = Guard(audit_path=tmp_path / "other.jsonl").read_audit()
    assert "phase" not in plain and "run" not in plain  # one-shot changes keep one line
