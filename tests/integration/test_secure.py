"""Authentication against a real secured broker (`sandbox up --secure`, SPEC §2.1 and §3).

Every profile here is written to a config file the way an operator writes one, and is
loaded through `load_settings`: SCRAM-SHA-512 over TLS with the password read through
`${file:...}`, and mutual TLS with a client certificate. The failures an operator meets
(wrong password, a CA that does not match, plaintext on a TLS port) must each give one
clear line, quickly, and never a traceback or a hang.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.errors import AuthenticationFailed, ConnectionFailed, TlsError
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.config import Overrides, load_settings
from tests.integration.kafka_helpers import commit, drop_groups, drop_topic, make_topic
from tests.integration.safety_support import (
    CliRun,
    assert_one_clean_line,
    bounded,
    cli_env,
    raised_by,
    run_cli,
    write_config,
)

pytestmark = pytest.mark.integration

ClientFor = Callable[[str], ClusterClient]
#: "within about 10 s": the client timeout is 10 s; allow start-up and scheduling slack
FAIL_WITHIN_S = 15.0
WRONG_PASSWORD = "not-the-password-7c1e"


def untrusted_ca(path: Path) -> Path:
    """A CA certificate of our own that signed nothing the sandbox presents."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "some other CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def config_text(secure: dict, other_ca: Path) -> str:
    """One profile per way of connecting, good and bad."""
    sasl, mtls = secure["sasl_ssl"], secure["mtls"]
    ca, cert, key = secure["ca"], secure["client_cert"], secure["client_key"]
    scram = f'''"security.protocol" = "SASL_SSL"
"sasl.mechanism" = "SCRAM-SHA-512"
"sasl.username" = "{secure["username"]}"'''
    return f'''
[profiles.scram]
bootstrap_servers = "{sasl}"
[profiles.scram.kafka]
{scram}
"sasl.password" = "${{file:{secure["password_file"]}}}"
"ssl.ca.location" = "{ca}"

[profiles.mtls]
bootstrap_servers = "{mtls}"
[profiles.mtls.kafka]
"security.protocol" = "SSL"
"ssl.ca.location" = "{ca}"
"ssl.certificate.location" = "{cert}"
"ssl.key.location" = "{key}"

[profiles.wrong-password]
bootstrap_servers = "{sasl}"
[profiles.wrong-password.kafka]
{scram}
"sasl.password" = "{WRONG_PASSWORD}"
"ssl.ca.location" = "{ca}"

[profiles.untrusted-ca]
bootstrap_servers = "{sasl}"
[profiles.untrusted-ca.kafka]
{scram}
"sasl.password" = "${{file:{secure["password_file"]}}}"
"ssl.ca.location" = "{other_ca}"

[profiles.untrusted-ca-mtls]
bootstrap_servers = "{mtls}"
[profiles.untrusted-ca-mtls.kafka]
"security.protocol" = "SSL"
"ssl.ca.location" = "{other_ca}"
"ssl.certificate.location" = "{cert}"
"ssl.key.location" = "{key}"

[profiles.no-client-cert]
bootstrap_servers = "{mtls}"
[profiles.no-client-cert.kafka]
"security.protocol" = "SSL"
"ssl.ca.location" = "{ca}"

[profiles.plaintext-on-tls]
bootstrap_servers = "{sasl}"
'''


@pytest.fixture(scope="module")
def config_file(secure_sandbox: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("secure-config")
    other_ca = untrusted_ca(home / "other-ca.pem")
    return write_config(home / "config.toml", config_text(secure_sandbox["secure"], other_ca))


def settings_of(config_file: Path, profile: str) -> ConnectionSettings:
    loaded = load_settings(str(config_file), profile, Overrides(), env={})
    assert loaded.warnings == [], loaded.warnings  # every secret file is mode 0600
    return loaded.settings


@pytest.fixture
def client_for(config_file: Path, tmp_path: Path) -> Iterator[ClientFor]:
    """Build a ClusterClient from a profile of the config file; closed after the test."""
    made: list[ClusterClient] = []

    def build(profile: str) -> ClusterClient:
        guard = Guard(profile=profile, audit_path=tmp_path / "audit.jsonl")
        made.append(ClusterClient(settings_of(config_file, profile), guard))
        return made[-1]

    yield build
    for client in made:
        client.close()


@pytest.fixture(scope="module")
def plain(secure_sandbox: dict) -> ConnectionSettings:
    """The secure sandbox's plaintext listener, for test setup only."""
    return ConnectionSettings(bootstrap_servers=secure_sandbox["bootstrap_servers"])


@pytest.fixture
def topic_and_group(plain: ConnectionSettings, unique: str) -> Iterator[tuple[str, str]]:
    """A topic and a group with a committed offset, made on the plaintext listener."""
    make_topic(plain, unique, 2)
    commit(plain, f"{unique}-g", {(unique, 0): 0})
    yield unique, f"{unique}-g"
    drop_groups(plain, unique)
    drop_topic(plain, unique)


def cli(config_file: Path, tmp_path: Path, profile: str, *args: str) -> CliRun:
    env = cli_env(tmp_path)
    return run_cli("--config", str(config_file), "--profile", profile, *args, env=env,
                   timeout=FAIL_WITHIN_S + 30)  # fmt: skip


# ---- what works ------------------------------------------------------------------------
def test_status_json_names_the_secure_endpoints(secure_sandbox: dict, tmp_path: Path) -> None:
    root = secure_sandbox["state_dir"]
    run = run_cli("sandbox", "status", "--json", env=cli_env(tmp_path, KAFKATUI_SANDBOX_DIR=root))
    assert run.returncode == 0, run.stderr
    secure = json.loads(run.stdout)["secure"]
    assert set(secure) >= {"sasl_ssl", "mtls", "ca", "client_cert", "client_key", "username",
                           "password_file"}  # fmt: skip
    for key in ("ca", "client_cert", "client_key", "password_file"):
        assert Path(secure[key]).is_file(), key
    for key in ("client_key", "password_file"):  # secrets: the owner's only
        assert Path(secure[key]).stat().st_mode & 0o077 == 0, key


def test_scram_over_tls_lists_topics(
    client_for: ClientFor, topic_and_group: tuple[str, str], secure_sandbox: dict
) -> None:
    topic, _ = topic_and_group
    client = client_for("scram")
    password = Path(secure_sandbox["secure"]["password_file"]).read_text().strip()
    assert client.settings.kafka["sasl.password"] == password  # through ${file:...}
    names = bounded(lambda: [t.name for t in client.topics.list_names()], 30, "listing topics")
    assert topic in names


def test_scram_over_tls_through_the_cli(
    config_file: Path, tmp_path: Path, topic_and_group: tuple[str, str]
) -> None:
    topic, group = topic_and_group
    run = cli(config_file, tmp_path, "scram", "groups", group, "--json")
    assert run.returncode == 0, run.stderr
    (doc,) = json.loads(run.stdout)
    assert doc["group"] == group
    assert {(p["topic"], p["partition"], p["committed"]) for p in doc["partitions"]} == {
        (topic, 0, 0)
    }


def test_scram_cli_lists_all_groups(
    config_file: Path, tmp_path: Path, topic_and_group: tuple[str, str]
) -> None:
    _, group = topic_and_group
    run = cli(config_file, tmp_path, "scram", "groups", "--json")
    assert run.returncode == 0, run.stderr
    assert group in {g["group"] for g in json.loads(run.stdout)}


def test_mtls_lists_topics(client_for: ClientFor, topic_and_group: tuple[str, str]) -> None:
    topic, _ = topic_and_group
    client = client_for("mtls")
    names = bounded(lambda: [t.name for t in client.topics.list_names()], 30, "listing topics")
    assert topic in names


def test_mtls_through_the_cli(
    config_file: Path, tmp_path: Path, topic_and_group: tuple[str, str]
) -> None:
    _, group = topic_and_group
    run = cli(config_file, tmp_path, "mtls", "groups", "--json")
    assert run.returncode == 0, run.stderr
    assert group in {g["group"] for g in json.loads(run.stdout)}


# ---- what fails, clearly ---------------------------------------------------------------
def test_wrong_password_is_authentication_failed(client_for: ClientFor) -> None:
    client = client_for("wrong-password")
    error, took = raised_by(client.topics.list_names, FAIL_WITHIN_S, "listing topics")
    assert isinstance(error, AuthenticationFailed), repr(error)
    assert "authentication failed" in str(error).lower()
    assert WRONG_PASSWORD not in str(error)
    assert took < FAIL_WITHIN_S


def test_wrong_password_through_the_cli(config_file: Path, tmp_path: Path) -> None:
    run = cli(config_file, tmp_path, "wrong-password", "groups", "--json")
    assert run.returncode == 3
    line = assert_one_clean_line(run.stderr)
    assert "authentication failed" in line.lower()
    assert run.stdout == ""
    assert WRONG_PASSWORD not in run.stderr
    assert run.seconds < FAIL_WITHIN_S


@pytest.mark.parametrize("profile", ["untrusted-ca", "untrusted-ca-mtls"])
def test_untrusted_ca_is_a_tls_error(client_for: ClientFor, profile: str) -> None:
    client = client_for(profile)
    error, took = raised_by(client.topics.list_names, FAIL_WITHIN_S, "listing topics")
    assert isinstance(error, TlsError), repr(error)
    assert "certificate" in str(error).lower()
    assert took < FAIL_WITHIN_S


def test_untrusted_ca_through_the_cli(config_file: Path, tmp_path: Path) -> None:
    run = cli(config_file, tmp_path, "untrusted-ca", "groups")
    assert run.returncode == 3
    line = assert_one_clean_line(run.stderr)
    assert "tls" in line.lower() and "certificate" in line.lower()


def test_missing_client_certificate_is_refused(client_for: ClientFor) -> None:
    client = client_for("no-client-cert")
    error, _ = raised_by(client.topics.list_names, FAIL_WITHIN_S, "listing topics")
    assert isinstance(error, TlsError | AuthenticationFailed), repr(error)
    assert "certificate" in str(error).lower()


def test_plaintext_on_a_tls_port_fails_clearly(client_for: ClientFor) -> None:
    client = client_for("plaintext-on-tls")
    error, took = raised_by(client.topics.list_names, FAIL_WITHIN_S, "listing topics")
    assert isinstance(error, ConnectionFailed), repr(error)
    assert took < FAIL_WITHIN_S
    # "brokers are down" alone sends an operator to check the broker; the cause is theirs
    assert any(w in str(error).lower() for w in ("tls", "ssl", "security.protocol")), str(error)


def test_plaintext_on_a_tls_port_through_the_cli(config_file: Path, tmp_path: Path) -> None:
    run = cli(config_file, tmp_path, "plaintext-on-tls", "groups")
    assert run.returncode == 3
    line = assert_one_clean_line(run.stderr)
    assert "127.0.0.1:" in line
    assert run.seconds < FAIL_WITHIN_S
