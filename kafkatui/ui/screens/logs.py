"""`:log` (recent errors shown as notifications) and `:audit` (changes made, audited)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from kafkatui.ui.app import ErrorEntry
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.widgets.keyed_table import Cell, Column


class ErrorLogView(TableView[tuple[int, ErrorEntry]]):
    TITLE_TEXT = "error log"
    POLL_S = 2.0  # reads app memory only
    COLUMNS = (Column("time", "Time"), Column("source", "While"), Column("message", "Error"))
    DEFAULT_REVERSE = True

    def reload(self) -> None:
        self.set_items(list(enumerate(self.kapp.errors)))
        self.poll_done(ok=True)

    def key_of(self, item: tuple[int, ErrorEntry]) -> str:
        return str(item[0])

    def cells(self, item: tuple[int, ErrorEntry]) -> Sequence[Cell]:
        entry = item[1]
        return (time.strftime("%H:%M:%S", time.localtime(entry.at)), entry.source, entry.message)

    def sort_value(self, item: tuple[int, ErrorEntry], column: int) -> Any:
        return item[0] if column == 0 else super().sort_value(item, column)


class AuditView(TableView[tuple[int, dict[str, Any]]]):
    TITLE_TEXT = "audit log"
    POLL_S = 10.0
    COLUMNS = (
        Column("time", "Time"),
        Column("profile", "Profile"),
        Column("action", "Action"),
        Column("target", "Target"),
        Column("result", "Result"),
    )
    DEFAULT_REVERSE = True
    LOADING = "reading audit log"

    def fetch(self) -> list[tuple[int, dict[str, Any]]]:
        return list(enumerate(self.client.audit_log()))

    def key_of(self, item: tuple[int, dict[str, Any]]) -> str:
        return str(item[0])

    def cells(self, item: tuple[int, dict[str, Any]]) -> Sequence[Cell]:
        entry = item[1]
        return tuple(
            str(entry.get(k, "")) for k in ("time", "profile", "action", "target", "result")
        )

    def sort_value(self, item: tuple[int, dict[str, Any]], column: int) -> Any:
        return item[0] if column == 0 else super().sort_value(item, column)
