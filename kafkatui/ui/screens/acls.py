"""ACLs: a filterable list; create and delete when not read-only."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding

from kafkatui.cluster.models import Acl
from kafkatui.ui.format import styled
from kafkatui.ui.modals.common import ConfirmModal, Field, FormModal
from kafkatui.ui.screens.table_view import TableView
from kafkatui.ui.widgets.keyed_table import Cell, Column

RESOURCE_TYPES = ("TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID")
PATTERN_TYPES = ("LITERAL", "PREFIXED")
PERMISSIONS = ("ALLOW", "DENY")


def acl_from_form(values: dict[str, str]) -> Acl:
    return Acl(
        values["resource_type"].upper(),
        values["resource_name"],
        values["pattern_type"].upper(),
        values["principal"],
        values["host"] or "*",
        values["operation"].upper(),
        values["permission"].upper(),
    )


def check_acl_form(values: dict[str, str]) -> str | None:
    if values["resource_type"].upper() not in RESOURCE_TYPES:
        return f"resource type is one of {', '.join(RESOURCE_TYPES)}"
    if values["pattern_type"].upper() not in PATTERN_TYPES:
        return "pattern is LITERAL or PREFIXED"
    if values["permission"].upper() not in PERMISSIONS:
        return "permission is ALLOW or DENY"
    if not values["resource_name"] or ":" not in values["principal"]:
        return "a resource name and a principal like User:alice are needed"
    return None


class AclsView(TableView[Acl]):
    TITLE_TEXT = "acls"
    POLL_S = 30.0
    COLUMNS = (
        Column("principal", "Principal"),
        Column("permission", "Perm"),
        Column("operation", "Operation"),
        Column("type", "Resource"),
        Column("name", "Name"),
        Column("pattern", "Pattern"),
        Column("host", "Host"),
    )
    BINDINGS = [
        Binding("n", "create", "New", id="acls.create"),
        Binding("ctrl+d", "delete", "Delete", id="acls.delete"),
    ]

    LOADING = "listing ACLs"

    def fetch(self) -> list[Acl]:
        result: list[Acl] = self.client.acls.list()
        return result

    def key_of(self, item: Acl) -> str:
        return "|".join(
            (
                item.principal,
                item.permission,
                item.operation,
                item.resource_type,
                item.resource_name,
                item.pattern_type,
                item.host,
            )
        )

    def cells(self, item: Acl) -> Sequence[Cell]:
        colours = self.app.theme_variables
        level = "health-ok" if item.permission == "ALLOW" else "health-critical"
        return (
            item.principal,
            styled(item.permission, colours, level),
            item.operation,
            item.resource_type,
            item.resource_name,
            item.pattern_type,
            item.host,
        )

    def action_create(self) -> None:
        if not self.allowed("acl.create"):
            return
        form = FormModal(
            "Create ACL",
            [
                Field("principal", "Principal", "", "User:alice"),
                Field("permission", "Permission (ALLOW/DENY)", "ALLOW"),
                Field("operation", "Operation", "READ", "READ, WRITE, DESCRIBE, ALL ..."),
                Field("resource_type", "Resource type", "TOPIC", "TOPIC, GROUP, CLUSTER ..."),
                Field("resource_name", "Resource name"),
                Field("pattern_type", "Pattern (LITERAL/PREFIXED)", "LITERAL"),
                Field("host", "Host", "*"),
            ],
            validate=check_acl_form,
            submit_label="Create",
        )
        self.app.push_screen(form, self._create)

    def _create(self, values: dict[str, str] | None) -> None:
        if values:
            acl = acl_from_form(values)
            self.run_change(
                "creating ACL",
                lambda: self.client.acls.create(acl),
                f"ACL created for {acl.principal}",
            )

    def action_delete(self) -> None:
        acl = self.current
        if acl is None or not self.allowed("acl.delete"):
            return
        dialog = ConfirmModal(
            "Delete ACL?",
            f"{acl.permission} {acl.principal} "
            f"{acl.operation} on {acl.resource_type} {acl.resource_name}",
            action_label="Delete",
        )
        self.confirm(
            dialog,
            lambda: self.run_change(
                "deleting ACL", lambda: self.client.acls.delete(acl), "ACL deleted"
            ),
        )
