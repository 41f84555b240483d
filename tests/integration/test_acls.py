"""ACLs against the sandbox, which runs the KRaft StandardAuthorizer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kafkatui.cluster.acls import Acls
from kafkatui.cluster.errors import InvalidInput, NotFound
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.models import Acl
from kafkatui.cluster.settings import ConnectionSettings
from tests.integration.kafka_helpers import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def acls(sandbox_settings: ConnectionSettings, guard: Guard) -> Iterator[Acls]:
    admin = KafkaAdmin(sandbox_settings)
    yield Acls(admin, guard)
    admin.close()


def test_create_list_delete(acls: Acls, unique: str) -> None:
    acl = Acl("TOPIC", unique, "LITERAL", f"User:{unique}", "*", "READ", "ALLOW")
    acls.create(acl)
    wait_until(lambda: acl in acls.list(), "the new ACL to be listed")

    prefixed = Acl("GROUP", unique, "PREFIXED", f"User:{unique}", "*", "READ", "DENY")
    acls.create(prefixed)
    wait_until(lambda: prefixed in acls.list(), "the prefixed ACL to be listed")

    change = acls.delete(acl)
    assert change["before"] == [acl.__dict__]
    wait_until(lambda: acl not in acls.list(), "the ACL to be gone")
    assert prefixed in acls.list()
    acls.delete(prefixed)
    with pytest.raises(NotFound, match="no such ACL"):
        acls.delete(acl)


def test_cluster_acls_use_kafkas_name(acls: Acls, unique: str) -> None:
    acl = Acl("CLUSTER", "kafka-cluster", "LITERAL", f"User:{unique}", "*", "DESCRIBE", "ALLOW")
    acls.create(acl)
    try:
        wait_until(lambda: acl in acls.list(), "the cluster ACL to be listed")
    finally:
        acls.delete(acl)


def test_bad_acls_are_invalid_input(acls: Acls, unique: str) -> None:
    with pytest.raises(InvalidInput, match="operation 'SING'"):
        acls.create(Acl("TOPIC", unique, "LITERAL", "User:x", "*", "SING", "ALLOW"))
    with pytest.raises(InvalidInput, match="principal"):
        acls.create(Acl("TOPIC", unique, "LITERAL", "nobody", "*", "READ", "ALLOW"))
