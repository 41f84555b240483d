"""Integration fixtures beyond the shared dev sandbox.

`secure_sandbox` is a second sandbox started with `--secure` (SASL_SSL with SCRAM-SHA-512
and mutual TLS) in a state directory of its own, so the shared dev sandbox stays plain.
It starts once per test session (about 40 s) and is stopped and removed at the end. Set
KAFKATUI_TEST_SECURE_DIR to the state directory of a secure sandbox that already runs
to reuse it (it is then left running).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kafkatui.cluster.deep_admin import DeepAdmin
from kafkatui.cluster.groups import Groups
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.settings import ConnectionSettings


@pytest.fixture(scope="session")
def secure_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The secure sandbox's `status --json` document (with its "secure" object)."""
    from kafkatui.sandbox import ownership
    from kafkatui.sandbox.runtime import Sandbox

    reuse = os.environ.get("KAFKATUI_TEST_SECURE_DIR")
    if reuse:
        status = Sandbox(root=Path(reuse)).status()
        if status is None or not status.running or not status.layout.secure:
            pytest.fail(f"KAFKATUI_TEST_SECURE_DIR={reuse} holds no running secure sandbox")
        yield status.to_json()
        return
    box = Sandbox(root=tmp_path_factory.mktemp("secure-sandbox"))
    ownership.claim(box.root)  # its JVMs die with this test process
    try:
        yield box.up(secure=True).to_json()
    finally:
        box.down(purge=True)


@pytest.fixture
def groups(sandbox_settings: ConnectionSettings, guard: Guard) -> Iterator[Groups]:
    """The groups API on its own admin client, auditing into the test's temp dir."""
    admin, deep = KafkaAdmin(sandbox_settings), DeepAdmin(sandbox_settings)
    yield Groups(admin, guard, deep)
    deep.close()
    admin.close()
