"""Shared fixtures. Integration tests run against the real sandbox (Kafka, Connect, registry).

The session fixture starts a sandbox of its own, in a temporary state directory (so a
demo sandbox of the user's is never touched), and stops and removes it at the end. Set
KAFKATUI_TEST_SANDBOX=reuse to use one that is already running (`kafkatui sandbox up`)
for fast local loops; it is then left running.
"""

from __future__ import annotations

import faulthandler
import os
import re
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kafkatui.cluster.guard import Guard

if TYPE_CHECKING:
    from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.settings import ConnectionSettings, HttpEndpoint


@pytest.fixture(scope="session")
def sandbox() -> Iterator[dict]:
    """The running sandbox's `status --json` document."""
    from kafkatui.sandbox import ownership
    from kafkatui.sandbox.runtime import Sandbox

    reuse = os.environ.get("KAFKATUI_TEST_SANDBOX") == "reuse"
    if not reuse and "KAFKATUI_SANDBOX_DIR" not in os.environ:
        # Exported, so CLI subprocesses (`--profile sandbox`) find the same sandbox.
        os.environ["KAFKATUI_SANDBOX_DIR"] = tempfile.mkdtemp(prefix="kafkatui-test-sandbox-")
    box = Sandbox()
    status = box.status()
    started = False
    if status is None or not status.running:
        if reuse:
            pytest.fail("KAFKATUI_TEST_SANDBOX=reuse but no sandbox runs: `kafkatui sandbox up`")
        ownership.claim(box.root)  # its JVMs die with this test process, even on SIGKILL
        status = box.up()
        started = True
    yield status.to_json()
    if started:
        box.down(purge=not reuse)


@pytest.fixture(scope="session")
def sandbox_settings(sandbox: dict) -> ConnectionSettings:
    return ConnectionSettings(
        profile="sandbox",
        bootstrap_servers=sandbox["bootstrap_servers"],
        schema_registry=HttpEndpoint(url=sandbox["schema_registry"], name="registry"),
        connect=(HttpEndpoint(url=sandbox["connect"], name="sandbox"),),
        timeout_s=10.0,
    )


@pytest.fixture
def client(sandbox_settings: ConnectionSettings, guard: Guard) -> Iterator[ClusterClient]:
    """The real client on the sandbox, auditing into the test's temp dir."""
    from kafkatui.cluster.client import ClusterClient

    made = ClusterClient(sandbox_settings, guard)
    yield made
    made.close()


@pytest.fixture
def guard(tmp_path: Path) -> Guard:
    """A writable guard whose audit log lives in the test's temp dir."""
    return Guard(read_only=False, profile="sandbox", audit_path=tmp_path / "audit.jsonl")


@pytest.fixture
def unique(request: pytest.FixtureRequest) -> str:
    """A name no other test uses: tests run in any order against one sandbox."""
    base = re.sub(r"[^a-zA-Z0-9]+", "-", request.node.name)[:40].strip("-").lower()
    return f"t-{base}-{uuid.uuid4().hex[:8]}"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """A failure is printed at once, not only in the final summary: if the process dies
    later (librdkafka aborts on its internal asserts), the reason is still on record."""
    if report.failed:
        sys.stderr.write(f"\n{report.nodeid} failed in {report.when}:\n{report.longreprtext}\n")
        sys.stderr.flush()


# With KAFKATUI_CRASH_LOG set (CI sets it), the name of each test as it starts and, if
# the process dies of a signal, every thread's stack go to that file: a crash inside a
# C library then still says which test and which calls it came from.
_crash_log = None


@pytest.hookimpl(trylast=True)  # after pytest's own faulthandler set-up, which it replaces
def pytest_configure(config: pytest.Config) -> None:
    global _crash_log
    path = os.environ.get("KAFKATUI_CRASH_LOG")
    if path:
        _crash_log = open(path, "a", buffering=1)  # noqa: SIM115  # open for the whole run
        faulthandler.enable(file=_crash_log, all_threads=True)


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    if _crash_log is not None:
        _crash_log.write(f"started {nodeid}\n")
