"""`sandbox up --secure`: SASL_SSL (SCRAM-SHA-512) and mutual-TLS listeners, and the
REST services over HTTPS with basic auth.

The project makes its own CA, a server certificate for 127.0.0.1 and a client
certificate with the `cryptography` package; the SCRAM user is created through the
admin API once the brokers answer. Key and password files are mode 0600.

Connect serves HTTPS only, behind its own `BasicAuthSecurityRestExtension` (users in a
properties file read by `PropertyFileLoginModule`); its Jetty wants a PKCS12 keystore.
The registry (Apicurio 3 on Quarkus) serves HTTPS only from PEM files, with basic auth
checked by Apicurio against Quarkus' embedded user realm: no identity server needed.
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


def http_files(layout: SandboxLayout) -> dict[str, Path]:
    d = _dir(layout)
    return {
        "http_cert": d / "http-server.pem",  # the server certificate and the CA
        "http_key": d / "http-server.key",
        "connect_keystore": d / "connect-keystore.p12",
        "connect_keystore_password": d / "connect-keystore.password",
        "connect_users": d / "connect-users.properties",
        "connect_jaas": d / "connect-jaas.conf",
        "connect_password_file": d / "connect-password",
        "registry_password_file": d / "registry-password",
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


def ensure_http_material(layout: SandboxLayout) -> None:
    """HTTPS and basic-auth files for Connect and the registry, made once from the
    broker's server key (so a sandbox made before these existed keeps its CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    paths = http_files(layout)
    if all(p.exists() for p in paths.values()):
        return
    keystore = files(layout)["server"].read_bytes()
    key = serialization.load_pem_private_key(keystore, password=None)
    certs = x509.load_pem_x509_certificates(keystore)
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)
    paths["http_cert"].write_bytes(chain)
    _write_secret(paths["http_key"], keystore[: keystore.index(b"-----BEGIN CERTIFICATE")])
    store_password = secrets.token_urlsafe(18)
    _write_secret(paths["connect_keystore_password"], store_password.encode())
    p12 = pkcs12.serialize_key_and_certificates(
        b"connect", key, certs[0], certs[1:],  # type: ignore[arg-type]
        serialization.BestAvailableEncryption(store_password.encode()),
    )  # fmt: skip
    _write_secret(paths["connect_keystore"], p12)
    for service in ("connect", "registry"):
        _write_secret(paths[f"{service}_password_file"], secrets.token_urlsafe(18).encode())
    _write_secret(
        paths["connect_users"], f"{USERNAME}: {_http_password(layout, 'connect')}\n".encode()
    )
    users = paths["connect_users"]
    jaas = (
        "KafkaConnect {\n"
        "  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n"
        f'  file="{users}";\n'
        "};\n"
    )
    _write_secret(paths["connect_jaas"], jaas.encode())


def _http_password(layout: SandboxLayout, service: str) -> str:
    return http_files(layout)[f"{service}_password_file"].read_text().strip()


def connect_rest_properties(layout: SandboxLayout) -> dict[str, object]:
    """Connect worker settings: HTTPS listener, its keystore, the basic-auth extension."""
    paths = http_files(layout)
    prefix = "listeners.https."
    return {
        "listeners": f"https://127.0.0.1:{layout.connect_port}",
        "rest.advertised.listener": "https",
        f"{prefix}ssl.keystore.type": "PKCS12",
        f"{prefix}ssl.keystore.location": paths["connect_keystore"],
        f"{prefix}ssl.keystore.password": paths["connect_keystore_password"].read_text().strip(),
        f"{prefix}ssl.client.auth": "none",
        "rest.extension.classes": (
            "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension"
        ),
    }


def connect_jvm_args(layout: SandboxLayout) -> list[str]:
    return [f"-Djava.security.auth.login.config={http_files(layout)['connect_jaas']}"]


def registry_https_properties(layout: SandboxLayout) -> list[str]:
    """Quarkus HTTPS on the registry port (plain HTTP off) and Apicurio's basic auth
    against Quarkus' embedded realm. No role checks: the one user may do everything.

    The user's password is not a flag (command lines are world-readable): Quarkus reads
    it from config/application.properties in its working directory, the state dir."""
    paths = http_files(layout)
    _write_secret(
        layout.path("config", "application.properties"),
        f"quarkus.security.users.embedded.users.{USERNAME}="
        f"{_http_password(layout, 'registry')}\n".encode(),
    )
    return [
        f"-Dquarkus.http.ssl-port={layout.registry_port}",
        f"-Dquarkus.http.ssl.certificate.files={paths['http_cert']}",
        f"-Dquarkus.http.ssl.certificate.key-files={paths['http_key']}",
        "-Dquarkus.http.insecure-requests=disabled",
        "-Dquarkus.http.auth.basic=true",
        "-Dquarkus.security.users.embedded.enabled=true",
        "-Dquarkus.security.users.embedded.plain-text=true",
        "-Dapicurio.authn.mechanism.priority=basic",
    ]


def http_probe_options(layout: SandboxLayout, service: str) -> dict[str, Any]:
    """httpx options for the start-up readiness probe of `service` (connect, registry)."""
    import ssl

    return {
        "verify": ssl.create_default_context(cafile=str(files(layout)["ca"])),
        "auth": (USERNAME, _http_password(layout, service)),
    }


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
    paths, http = files(layout), http_files(layout)
    return {
        "sasl_ssl": ",".join(f"127.0.0.1:{b.sasl_ssl}" for b in layout.brokers),
        "mtls": ",".join(f"127.0.0.1:{b.mtls}" for b in layout.brokers),
        "ca": str(paths["ca"]),
        "client_cert": str(paths["client_cert"]),
        "client_key": str(paths["client_key"]),
        "username": USERNAME,
        "password_file": str(paths["password_file"]),
        "connect_https": layout.connect_url,
        "connect_username": USERNAME,
        "connect_password_file": str(http["connect_password_file"]),
        "registry_https": layout.registry_url,
        "registry_username": USERNAME,
        "registry_password_file": str(http["registry_password_file"]),
    }
