"""The built-in `sandbox` profile from a `status --json` document, plain and secure."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafkatui.cluster.errors import ConnectionFailed
from kafkatui.config.sandbox import settings_from_status

PLAIN = {
    "running": True,
    "bootstrap_servers": "127.0.0.1:9092",
    "schema_registry": "http://127.0.0.1:8081/apis/ccompat/v7",
    "connect": "http://127.0.0.1:8083",
}


def secure_doc(tmp_path: Path) -> dict:
    for service in ("connect", "registry"):
        (tmp_path / f"{service}-password").write_text(f"{service}-secret\n")
    return {
        **PLAIN,
        "schema_registry": "https://127.0.0.1:8081/apis/ccompat/v7",
        "connect": "https://127.0.0.1:8083",
        "secure": {
            "ca": str(tmp_path / "ca.pem"),
            "connect_https": "https://127.0.0.1:8083",
            "connect_username": "kafkatui",
            "connect_password_file": str(tmp_path / "connect-password"),
            "registry_https": "https://127.0.0.1:8081/apis/ccompat/v7",
            "registry_username": "kafkatui",
            "registry_password_file": str(tmp_path / "registry-password"),
        },
    }


def test_a_plain_sandbox_needs_no_credentials() -> None:
    settings = settings_from_status(PLAIN)
    assert settings.schema_registry is not None
    assert (settings.schema_registry.username, settings.schema_registry.ca_file) == (None, None)
    assert settings.connect[0].username is None


def test_a_secure_sandbox_gets_its_ca_and_each_services_password(tmp_path: Path) -> None:
    settings = settings_from_status(secure_doc(tmp_path))
    registry, connect = settings.schema_registry, settings.connect[0]
    assert registry is not None
    assert (registry.username, registry.password) == ("kafkatui", "registry-secret")
    assert (connect.username, connect.password) == ("kafkatui", "connect-secret")
    assert registry.ca_file == connect.ca_file == str(tmp_path / "ca.pem")
    assert "secret" not in repr(settings)


def test_an_unreadable_password_file_is_a_clear_error(tmp_path: Path) -> None:
    doc = secure_doc(tmp_path)
    (tmp_path / "connect-password").unlink()
    with pytest.raises(ConnectionFailed, match="connect password file cannot be read"):
        settings_from_status(doc)
