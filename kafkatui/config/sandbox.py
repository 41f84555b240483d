"""The built-in `sandbox` profile: endpoints of the running sandbox, no config file needed."""

from __future__ import annotations

from typing import Any

from kafkatui.cluster.errors import ConnectionFailed
from kafkatui.cluster.settings import ConnectionSettings, HttpEndpoint

SANDBOX_PROFILE = "sandbox"
NOT_RUNNING = "the sandbox is not running: kafkatui sandbox up"


def sandbox_settings() -> ConnectionSettings:
    """Settings for the running sandbox; ConnectionFailed when it does not run."""
    from kafkatui.sandbox.runtime import Sandbox  # the sandbox module is heavy: load on demand

    try:
        status = Sandbox().status()
    except (OSError, ValueError) as exc:
        raise ConnectionFailed(f"{NOT_RUNNING} ({type(exc).__name__})") from None
    if status is None or not getattr(status, "running", False):
        raise ConnectionFailed(NOT_RUNNING)
    return settings_from_status(status.to_json())


def settings_from_status(doc: dict[str, Any]) -> ConnectionSettings:
    """The sandbox's `status --json` document -> settings (plaintext listeners)."""
    if not doc.get("running", True) or not doc.get("bootstrap_servers"):
        raise ConnectionFailed(NOT_RUNNING)
    registry = doc.get("schema_registry")
    connect = doc.get("connect")
    return ConnectionSettings(
        profile=SANDBOX_PROFILE,
        bootstrap_servers=str(doc["bootstrap_servers"]),
        schema_registry=HttpEndpoint(url=registry, name="registry") if registry else None,
        connect=(HttpEndpoint(url=connect, name="sandbox"),) if connect else (),
    )
