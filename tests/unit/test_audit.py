"""Audit lines of changes whose result is not a before/after dict (the `details` hook)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafkatui.cluster.guard import Guard, changes


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
