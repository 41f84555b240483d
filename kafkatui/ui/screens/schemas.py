"""Registry subjects: versions, schema text, diff, compatibility (view, set) and checks."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from kafkatui.cluster.models import SchemaVersion
from kafkatui.decode.schema_diff import pretty_schema
from kafkatui.ui.modals.common import ChoiceModal, ConfirmModal
from kafkatui.ui.screens.base import ChangeDone, DetailView, View, back_binding
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.widgets.keyed_table import Cell, Column, KeyedTable
from kafkatui.ui.workers import io_work

DELETE_CHOICES = (
    ("soft", "Soft delete (the registry can still restore it)"),
    ("hard", "Hard delete: permanent, ids may be reused"),
)


@dataclass(frozen=True)
class SubjectRow:
    subject: str
    versions: tuple[int, ...] = ()
    latest: SchemaVersion | None = None
    compatibility: str | None = None


class SubjectActions(View):
    """D, c, k and delete: shared by the subject list and one subject's versions."""

    RESERVED_KEYS = ("k",)  # `k` checks a schema here, so it does not move the cursor

    BINDINGS = [
        Binding("D", "diff", "Diff", id="schemas.diff"),
        Binding("c", "compatibility", "Compat", id="schemas.compatibility"),
        Binding("k", "check", "Check", id="schemas.check"),
        Binding("ctrl+d", "delete", "Delete", id="schemas.delete"),
    ]

    def subject_row(self) -> SubjectRow | None:
        raise NotImplementedError

    def chosen_version(self) -> int | None:
        """The version ctrl+d deletes; None deletes the whole subject."""
        return None

    def action_delete(self) -> None:
        row = self.subject_row()
        if row is None:
            return
        version = self.chosen_version()
        if not self.allowed(
            "schema.delete_subject" if version is None else "schema.delete_version"
        ):
            return
        what = f"subject {row.subject}" if version is None else f"{row.subject} v{version}"
        self.app.push_screen(
            ChoiceModal(f"Delete {what}", DELETE_CHOICES),
            lambda choice: self._confirm_delete(row.subject, version, what, choice),
        )

    def _confirm_delete(
        self, subject: str, version: int | None, what: str, choice: str | None
    ) -> None:
        if choice is None:
            return
        hard = choice == "hard"
        registry = self.client.registry
        call: Callable[[], object]
        if version is None:
            effect = "All its versions are deleted"
            call = functools.partial(registry.delete_subject, subject, permanent=hard)
        else:
            effect = f"Version {version} is deleted"
            call = functools.partial(registry.delete_version, subject, version, permanent=hard)
        effect += (
            " for good: it cannot be restored."
            if hard
            else "; the registry keeps it until a hard delete."
        )
        kind = "Hard" if hard else "Soft"
        dialog = ConfirmModal(
            f"{kind} delete {what}?",
            effect,
            type_to_confirm=subject if hard else None,
            action_label="Delete",
        )
        self.confirm(
            dialog,
            lambda: self.run_change(f"deleting {what}", call, f"{what} {kind.lower()}-deleted"),
        )

    def action_diff(self) -> None:
        row = self.subject_row()
        if row is None or not row.versions:
            return
        from kafkatui.ui.modals.schema import SchemaDiffModal

        self.app.push_screen(SchemaDiffModal(row.subject, list(row.versions)))

    def action_compatibility(self) -> None:
        row = self.subject_row()
        if row is None:
            return
        from kafkatui.ui.modals.schema import CompatibilityModal

        self.app.push_screen(
            CompatibilityModal(row.subject, row.compatibility), lambda _r: self.reload()
        )

    def action_check(self) -> None:
        row = self.subject_row()
        if row is None:
            return
        from kafkatui.ui.modals.schema import CheckModal

        kind = row.latest.schema_type if row.latest else "AVRO"
        self.app.push_screen(CheckModal(row.subject, kind))


class SchemasView(SubjectActions, TableView[SubjectRow]):
    TITLE_TEXT = "schemas"
    POLL_S = 30.0
    COLUMNS = (
        Column("subject", "Subject"),
        Column("versions", "Versions"),
        Column("id", "Latest id"),
        Column("type", "Type"),
        Column("compat", "Compatibility"),
    )
    _read = 0  # subjects read in full in this load

    class Subjects(Message):
        def __init__(self, rows: list[SubjectRow]) -> None:
            super().__init__()
            self.rows = rows

    class Filled(Message):
        def __init__(self, rows: list[SubjectRow]) -> None:
            super().__init__()
            self.rows = rows

    def reload(self) -> None:
        self.load()

    @io_work("poll", "listing subjects")
    def load(self) -> None:
        registry = self.client.registry
        subjects = registry.subjects()
        self.post_message(self.Subjects([SubjectRow(s) for s in subjects]))
        rows = []
        for subject in subjects:
            rows.append(
                SubjectRow(
                    subject,
                    tuple(registry.versions(subject)),
                    registry.get_version(subject, "latest"),
                    registry.compatibility(subject),
                )
            )
            if len(rows) % 20 == 0:
                self.post_message(self.Filled(rows))
                rows = []
        self.post_message(self.Filled(rows))

    def on_schemas_view_subjects(self, message: Subjects) -> None:
        self.set_items([self.items.get(r.subject, r) for r in message.rows])
        self._read = 0
        self.load_progress("reading", 0, len(message.rows), "subjects")

    def on_schemas_view_filled(self, message: Filled) -> None:
        self.update_items(message.rows)
        self._read += len(message.rows)
        self.load_progress("reading", self._read, len(self.items), "subjects")

    def key_of(self, item: SubjectRow) -> str:
        return item.subject

    def cells(self, item: SubjectRow) -> Sequence[Cell]:
        latest = item.latest
        return (
            item.subject,
            str(len(item.versions)) if item.versions else "-",
            str(latest.schema_id) if latest else "-",
            latest.schema_type if latest else "-",
            item.compatibility or "-",
        )

    def sort_value(self, item: SubjectRow, column: int) -> Any:
        if column == 1:
            return len(item.versions)
        if column == 2:
            return item.latest.schema_id if item.latest else None
        return super().sort_value(item, column)

    def subject_row(self) -> SubjectRow | None:
        return self.current

    def open_item(self, item: SubjectRow) -> None:
        self.app.push_screen(SubjectView(item))


class SubjectView(SubjectActions, DetailView):
    """Versions of one subject; the highlighted version's schema is shown below."""

    BINDINGS = [back_binding("subject")]
    POLL_GROUP = "schema-version"  # its one load: the loading line follows it

    class Version(Message):
        def __init__(self, version: SchemaVersion) -> None:
            super().__init__()
            self.version = version

    def __init__(self, row: SubjectRow) -> None:
        super().__init__()
        self.row = row
        self.fetched: dict[int, SchemaVersion] = {}
        self.TITLE_TEXT = f"subject {row.subject}"

    def compose_body(self) -> ComposeResult:
        yield KeyedTable(
            (Column("version", "Version"), Column("id", "Id"), Column("type", "Type")),
            id="versions",
        )
        with VerticalScroll(classes="detail-text"):
            yield Static("", id="schema-text", markup=False)

    def subject_row(self) -> SubjectRow | None:
        return self.row

    def chosen_version(self) -> int | None:
        key = self.query_one("#versions", KeyedTable).current_key
        return None if key is None else int(key)

    def on_change_done(self, message: ChangeDone) -> None:
        """What this page showed was deleted: back to the list, which reloads."""
        message.prevent_default()
        self.notify(message.text)
        self.app.pop_screen()
        below = self.app.screen
        if isinstance(below, View):
            below.reload()

    def on_mount(self) -> None:
        table = self.query_one("#versions", KeyedTable)
        table.styles.height = min(8, len(self.row.versions) + 2)
        self._paint_versions()
        table.focus()

    def _paint_versions(self) -> None:
        rows = []
        for number in reversed(self.row.versions):
            known = self.fetched.get(number)
            rows.append(
                (
                    str(number),
                    (
                        str(number),
                        str(known.schema_id) if known else "-",
                        known.schema_type if known else "-",
                    ),
                )
            )
        self.query_one("#versions", KeyedTable).sync(rows)

    def reload(self) -> None:
        key = self.query_one("#versions", KeyedTable).current_key
        if key is not None:
            self.load_version(int(key))

    @on(DataTable.RowHighlighted, "#versions")
    def _highlighted(self) -> None:
        self.reload()

    @io_work("schema-version", "reading schema")
    def load_version(self, version: int) -> None:
        self.post_message(self.Version(self.client.registry.get_version(self.row.subject, version)))

    def on_subject_view_version(self, message: Version) -> None:
        v = message.version
        self.fetched[v.version] = v
        self._paint_versions()
        self.query_one("#schema-text", Static).update(pretty_schema(v.schema_type, v.schema))
