"""Endpoint auth and TLS settings from a config file, proven against a local HTTPS server.

The server runs in-process on 127.0.0.1 with certificates made here, so the CA file,
client certificate, verify toggle, basic auth and bearer token are exercised for real,
through both the Connect client (httpx) and the registry (confluent-kafka's client).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kafkatui.cluster.connect import Connect
from kafkatui.cluster.errors import AuthenticationFailed, ConnectionFailed, TlsError
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.registry import Registry
from kafkatui.config import Overrides, load_settings

PASSWORD = "pw-Xy7-secret"
TOKEN = "tok-Q3-secret"


def _cert(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: x509.Name | None = None,
    issuer_key: ec.EllipticCurvePrivateKey | None = None,
    ca: bool = False,
    ip: str | None = None,
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer or name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ip:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), critical=False
        )
    return builder.sign(issuer_key or key, hashes.SHA256())


def _write(path: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> None:
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.with_suffix(".key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ca.crt, server.crt/key (for 127.0.0.1) and client.crt/key, all signed by the CA."""
    root = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("test ca", ca_key, ca=True)
    _write(root / "ca", ca, ca_key)
    for name, ip in (("server", "127.0.0.1"), ("client", None)):
        key = ec.generate_private_key(ec.SECP256R1())
        _write(root / name, _cert(name, key, ca.subject, ca_key, ip=ip), key)
    return root


@dataclass
class Seen:
    authorization: list[str | None] = field(default_factory=list)


def _serve(
    pki: Path, require_client_cert: bool, expect_auth: str | None
) -> Iterator[tuple[int, Seen]]:
    seen = Seen()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            got = self.headers.get("Authorization")
            seen.authorization.append(got)
            if expect_auth is not None and got != expect_auth:
                self._reply(401, {"error_code": 401, "message": "Unauthorized"})
            elif self.path.startswith("/connectors"):
                self._reply(200, {})
            elif self.path.startswith("/subjects"):
                self._reply(200, ["orders-value"])
            else:
                self._reply(404, {"error_code": 404, "message": "no such path"})

        def _reply(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pki / "server.crt", pki / "server.key")
    if require_client_cert:
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(pki / "ca.crt")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def https(pki: Path) -> Iterator[tuple[int, Seen]]:
    yield from _serve(pki, require_client_cert=False, expect_auth=None)


@pytest.fixture
def mtls(pki: Path) -> Iterator[tuple[int, Seen]]:
    import base64

    basic = "Basic " + base64.b64encode(f"ops:{PASSWORD}".encode()).decode()
    yield from _serve(pki, require_client_cert=True, expect_auth=basic)


def clients(tmp_path: Path, endpoint_toml: str, env: dict[str, str] | None = None):
    """Connect and Registry built from a profile whose endpoints use `endpoint_toml`."""
    config = tmp_path / "config.toml"
    config.write_text(f"""
[profiles.default]
timeout = 3
[profiles.default.schema_registry]
{endpoint_toml}
[[profiles.default.connect]]
name = "main"
{endpoint_toml}
""")
    config.chmod(0o600)
    settings = load_settings(str(config), None, Overrides(), env=env or {}).settings
    guard = Guard(audit_path=None)
    return Connect(settings.connect, guard), Registry(settings.schema_registry, guard)


def test_ca_file_trusts_the_server(tmp_path: Path, pki: Path, https) -> None:
    port, _ = https
    connect, registry = clients(
        tmp_path, f'url = "https://127.0.0.1:{port}"\nca_file = "{pki / "ca.crt"}"'
    )
    assert connect.list("main") == []
    assert registry.subjects() == ["orders-value"]


def test_unknown_ca_is_a_tls_error(tmp_path: Path, https) -> None:
    port, _ = https
    connect, registry = clients(tmp_path, f'url = "https://127.0.0.1:{port}"')
    with pytest.raises(TlsError, match=r"(?i)certificate"):
        connect.list("main")
    with pytest.raises(TlsError, match=r"(?i)certificate"):
        registry.subjects()


def test_verify_false_skips_checks(tmp_path: Path, https) -> None:
    port, _ = https
    connect, registry = clients(tmp_path, f'url = "https://127.0.0.1:{port}"\nverify = false')
    assert connect.list("main") == []
    assert registry.subjects() == ["orders-value"]


def test_client_certificate_and_basic_auth(tmp_path: Path, pki: Path, mtls) -> None:
    port, seen = mtls
    endpoint = (
        f'url = "https://127.0.0.1:{port}"\nca_file = "{pki / "ca.crt"}"\n'
        f'cert_file = "{pki / "client.crt"}"\nkey_file = "{pki / "client.key"}"\n'
        'username = "ops"\npassword = "${env:PW}"'
    )
    connect, registry = clients(tmp_path, endpoint, env={"PW": PASSWORD})
    assert connect.list("main") == []
    assert registry.subjects() == ["orders-value"]
    assert len(seen.authorization) == 2


def test_missing_client_certificate_fails_clearly(tmp_path: Path, pki: Path, mtls) -> None:
    port, _ = mtls
    connect, registry = clients(
        tmp_path, f'url = "https://127.0.0.1:{port}"\nca_file = "{pki / "ca.crt"}"'
    )
    for call in (lambda: connect.list("main"), registry.subjects):
        with pytest.raises(ConnectionFailed) as err:
            call()
        assert "127.0.0.1" in str(err.value)


def test_wrong_password_is_authentication_failed(tmp_path: Path, pki: Path, mtls) -> None:
    port, _ = mtls
    endpoint = (
        f'url = "https://127.0.0.1:{port}"\nca_file = "{pki / "ca.crt"}"\n'
        f'cert_file = "{pki / "client.crt"}"\nkey_file = "{pki / "client.key"}"\n'
        'username = "ops"\npassword = "wrong-Pw-123"'
    )
    connect, registry = clients(tmp_path, endpoint)
    for call in (lambda: connect.list("main"), registry.subjects):
        with pytest.raises(AuthenticationFailed) as err:
            call()
        assert "wrong-Pw-123" not in str(err.value)


def test_bearer_token_is_sent(tmp_path: Path, pki: Path, https) -> None:
    port, seen = https
    connect, registry = clients(
        tmp_path,
        f'url = "https://127.0.0.1:{port}"\nca_file = "{pki / "ca.crt"}"\ntoken = "{TOKEN}"',
    )
    connect.list("main")
    registry.subjects()
    assert seen.authorization == [f"Bearer {TOKEN}"] * 2
