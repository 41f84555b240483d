"""The built-in `sandbox` profile: endpoints of the running sandbox, no config file needed."""

from __future__ import annotations

from pathlib import Path
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
    secure = doc.get("secure") or {}
    return ConnectionSettings(
        profile=SANDBOX_PROFILE,
        bootstrap_servers=str(doc["bootstrap_servers"]),
        schema_registry=(
            HttpEndpoint(url=registry, name="registry", **_rest_auth(secure, "registry"))
            if registry
            else None
        ),
        connect=(
            (HttpEndpoint(url=connect, name="sandbox", **_rest_auth(secure, "connect")),)
            if connect
            else ()
        ),
    )


def _rest_auth(secure: dict[str, Any], service: str) -> dict[str, Any]:
    """CA and basic auth for a secure sandbox's HTTPS service (nothing for a plain one)."""
    username = secure.get(f"{service}_username")
    password_file = secure.get(f"{service}_password_file")
    if not secure.get(f"{service}_https") or not username or not password_file:
        return {}
    try:
        password = Path(password_file).read_text().strip()
    except OSError as exc:
        raise ConnectionFailed(
            f"the sandbox's {service} password file cannot be read ({exc.strerror})"
        ) from None
    return {"ca_file": secure.get("ca"), "username": username, "password": password}
