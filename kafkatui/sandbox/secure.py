"""`sandbox up --secure`: SASL_SSL (SCRAM-SHA-512) and mutual-TLS listeners.

The project makes its own CA, a server certificate for 127.0.0.1 and a client
certificate with the `cryptography` package; the SCRAM user is created through the
admin API once the brokers answer. Key and password files are mode 0600.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

from kafkatui.sandbox.layout import BrokerPorts, SandboxLayout

USERNAME = "kafkatui"
CLIENT_CN = "kafkatui-client"


def _dir(layout: SandboxLayout) -> Path:
    return layout.path("secure")


def files(layout: SandboxLayout) -> dict[str, Path]:
    d = _dir(layout)
    return {
        "ca": d / "ca.pem",
        "ca_key": d / "ca.key",
        "server": d / "server-keystore.pem",
        "client_cert": d / "client.pem",
        "client_key": d / "client.key",
        "password_file": d / "password",
    }


def _write_secret(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(path, 0o600)


def ensure_material(layout: SandboxLayout) -> None:
    """Create the CA, server and client certificates and the SCRAM password once."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    paths = files(layout)
    if all(p.exists() for p in paths.values()):
        return
    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def issue(subject: str, key: Any, issuer_key: Any, ca: bool, san: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(name("kafkatui sandbox CA"))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=825))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if san:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
        return builder.sign(issuer_key, hashes.SHA256())

    def pem_key(key: Any) -> bytes:
        return bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )

    def pem_cert(cert: x509.Certificate) -> bytes:
        return cert.public_bytes(serialization.Encoding.PEM)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = issue("kafkatui sandbox CA", ca_key, ca_key, ca=True, san=False)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = issue("127.0.0.1", server_key, ca_key, ca=False, san=True)
    client_key = ec.generate_private_key(ec.SECP256R1())
    client_cert = issue(CLIENT_CN, client_key, ca_key, ca=False, san=False)

    _write_secret(paths["ca_key"], pem_key(ca_key))
    paths["ca"].write_bytes(pem_cert(ca_cert))
    # Kafka reads a PEM keystore as the private key followed by the certificate chain.
    _write_secret(paths["server"], pem_key(server_key) + pem_cert(server_cert) + pem_cert(ca_cert))
    paths["client_cert"].write_bytes(pem_cert(client_cert))
    _write_secret(paths["client_key"], pem_key(client_key))
    _write_secret(paths["password_file"], secrets.token_urlsafe(18).encode())


def password(layout: SandboxLayout) -> str:
    return files(layout)["password_file"].read_text().strip()


def secure_broker_properties(
    layout: SandboxLayout, broker: BrokerPorts
) -> tuple[list[str], list[str], list[str], dict[str, object]]:
    """Extra listeners, advertised listeners, protocol-map entries and settings."""
    paths = files(layout)
    listeners = [f"SASL_SSL://127.0.0.1:{broker.sasl_ssl}", f"MTLS://127.0.0.1:{broker.mtls}"]
    settings: dict[str, object] = {
        "sasl.enabled.mechanisms": "SCRAM-SHA-512",
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": (
            "org.apache.kafka.common.security.scram.ScramLoginModule required;"
        ),
        "ssl.keystore.type": "PEM",
        "ssl.keystore.location": paths["server"],
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": paths["ca"],
        "listener.name.mtls.ssl.client.auth": "required",
        "ssl.endpoint.identification.algorithm": "",
        "super.users": f"User:ANONYMOUS;User:admin;User:{USERNAME};User:CN={CLIENT_CN}",
    }
    return listeners, list(listeners), ["SASL_SSL:SASL_SSL", "MTLS:SSL"], settings


def format_scram_args(layout: SandboxLayout) -> list[str]:
    return []  # the SCRAM user is created through the admin API instead


def ensure_scram_user(layout: SandboxLayout) -> None:
    from confluent_kafka.admin import (
        AdminClient,
        ScramCredentialInfo,
        ScramMechanism,
        UserScramCredentialUpsertion,
    )

    admin = AdminClient({"bootstrap.servers": layout.bootstrap_servers})
    upsert = UserScramCredentialUpsertion(
        USERNAME,
        ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
        password(layout).encode(),
        secrets.token_bytes(16),
    )
    for future in admin.alter_user_scram_credentials([upsert], request_timeout=30).values():
        future.result(timeout=30)


def secure_status(layout: SandboxLayout) -> dict[str, Any]:
    paths = files(layout)
    return {
        "sasl_ssl": ",".join(f"127.0.0.1:{b.sasl_ssl}" for b in layout.brokers),
        "mtls": ",".join(f"127.0.0.1:{b.mtls}" for b in layout.brokers),
        "ca": str(paths["ca"]),
        "client_cert": str(paths["client_cert"]),
        "client_key": str(paths["client_key"]),
        "username": USERNAME,
        "password_file": str(paths["password_file"]),
    }
