"""ACLs: list every binding, create and delete one.

A cluster without an authorizer answers every ACL request with SECURITY_DISABLED; that
becomes RemoteError("ACLs are not enabled on this cluster (no authorizer)").
"""

from __future__ import annotations

import builtins
from enum import Enum
from typing import Any, TypeVar

from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    ResourcePatternType,
    ResourceType,
)

from kafkatui.cluster.errors import InvalidInput, NotFound
from kafkatui.cluster.guard import Guard, changes
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.models import Acl

#: Changing methods return {"before": ..., "after": ...} for the audit log (see guard.changes);
#: typed Any so they still match the Protocols, which promise callers nothing.
E = TypeVar("E", bound=Enum)

# Kafka calls it CLUSTER; librdkafka's resource enum names the same value BROKER.
_RESOURCE_ALIASES = {"CLUSTER": "BROKER"}


def _enum(kind: type[E], name: str, field: str) -> E:
    key = name.upper()
    if kind is ResourceType:
        key = _RESOURCE_ALIASES.get(key, key)
    try:
        return kind[key]
    except KeyError:
        choices = ", ".join(m.name for m in kind if m.name not in {"UNKNOWN", "ANY", "MATCH"})
        raise InvalidInput(f"invalid ACL {field} {name!r}: use one of {choices}") from None


def to_acl(binding: Any) -> Acl:
    restype = binding.restype.name
    return Acl(
        resource_type="CLUSTER" if restype == "BROKER" else restype,
        resource_name=binding.name,
        pattern_type=binding.resource_pattern_type.name,
        principal=binding.principal,
        host=binding.host,
        operation=binding.operation.name,
        permission=binding.permission_type.name,
    )


def _parts(acl: Acl) -> tuple[Any, ...]:
    if not acl.principal or ":" not in acl.principal:
        raise InvalidInput(f"ACL principal must look like User:NAME, not {acl.principal!r}")
    return (
        _enum(ResourceType, acl.resource_type, "resource type"),
        acl.resource_name,
        _enum(ResourcePatternType, acl.pattern_type, "pattern type"),
        acl.principal,
        acl.host or "*",
        _enum(AclOperation, acl.operation, "operation"),
        _enum(AclPermissionType, acl.permission, "permission"),
    )


def _describe(acl: Acl) -> str:
    return (
        f"{acl.permission} {acl.principal} {acl.operation} {acl.resource_type}:{acl.resource_name}"
    )


class Acls:
    def __init__(self, admin: KafkaAdmin, guard: Guard) -> None:
        self.admin = admin
        self.guard = guard

    def list(self) -> builtins.list[Acl]:
        what = "listing ACLs"
        # None matches any name, principal and host (the stubs say str; the docs say None)
        anything: Any = None
        match_all = AclBindingFilter(
            ResourceType.ANY,
            anything,
            ResourcePatternType.ANY,
            anything,
            anything,
            AclOperation.ANY,
            AclPermissionType.ANY,
        )
        future = self.admin.call(
            what,
            lambda: self.admin.client.describe_acls(
                match_all, request_timeout=self.admin.request_timeout
            ),
        )
        bindings = self.admin.wait(future, what)
        acls = [to_acl(b) for b in bindings]
        return sorted(acls, key=lambda a: (a.resource_type, a.resource_name, a.principal))

    @changes("acl.create", target=_describe)
    def create(self, acl: Acl) -> Any:
        binding = AclBinding(*_parts(acl))
        self._one(f"creating ACL for {acl.principal}", self.admin.client.create_acls, binding)
        return {"before": None, "after": acl.__dict__}

    @changes("acl.delete", target=_describe)
    def delete(self, acl: Acl) -> Any:
        """Delete exactly this binding; NotFound when nothing matched."""
        exact = AclBindingFilter(*_parts(acl))
        results = self._one(
            f"deleting ACL for {acl.principal}", self.admin.client.delete_acls, exact
        )
        deleted = [to_acl(b) for found in results.values() for b in found]
        if not deleted:
            raise NotFound(f"no such ACL: {acl.principal} {acl.operation} on {acl.resource_name}")
        return {"before": [d.__dict__ for d in deleted], "after": None}

    def _one(self, what: str, request: Any, item: Any) -> dict[Any, Any]:
        """Send one binding (or filter) through a batch ACL call; raise its error, if any."""
        futures = self.admin.call(
            what, lambda: request([item], request_timeout=self.admin.request_timeout)
        )
        results, errors = self.admin.wait_all(futures, what)
        if errors:
            raise next(iter(errors.values()))
        return results
