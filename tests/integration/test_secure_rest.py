"""Connect and the registry over HTTPS with basic auth, on a real `sandbox up --secure`.

Connect guards its REST API with its own `BasicAuthSecurityRestExtension`; the registry
(Apicurio 3) with basic auth against Quarkus' embedded user realm. Both serve HTTPS only,
with a certificate from the sandbox's CA. Every profile is written to a config file the
way an operator writes one (password through `${file:...}`) and used through the real
client; the failures an operator meets (no CA, a wrong password, plain http on the TLS
port) must each give one clear error that never holds the password.
"""

from __future__ import annotations

import io
import json
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import fastavro
import httpx
import pytest

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.errors import AuthenticationFailed, ConnectionFailed, TlsError
from kafkatui.cluster.guard import Guard
from kafkatui.config import Overrides, load_settings
from kafkatui.config.sandbox import settings_from_status
from tests.integration.safety_support import bounded, cli_env, raised_by, run_cli, write_config

pytestmark = pytest.mark.integration

WRONG_PASSWORD = "not-the-rest-password-41d9"
FAIL_WITHIN_S = 15.0
Call = Callable[[ClusterClient], object]
SERVICES: dict[str, Call] = {
    "connect": lambda c: c.connect.list("main"),
    "registry": lambda c: c.registry.subjects(),
}


@pytest.fixture(scope="module")
def rest(secure_sandbox: dict) -> dict:
    """The "secure" object of the sandbox's status, with the HTTPS keys checked present."""
    secure = secure_sandbox["secure"]
    if "connect_https" not in secure:
        pytest.fail("this secure sandbox was started before Connect/registry HTTPS: restart it")
    return secure


def endpoint(url: str, **fields: str) -> str:
    pairs = ", ".join(f'{k} = "{v}"' for k, v in {"url": url, **fields}.items())
    return "{ " + pairs + " }"


def profile(name: str, bootstrap: str, registry: str, connect: str) -> str:
    return f"""
[profiles.{name}]
bootstrap_servers = "{bootstrap}"
schema_registry = {registry}
connect = [ {connect} ]
"""


def config_text(sandbox: dict, secure: dict) -> str:
    user = secure["connect_username"]
    good = {
        service: {
            "username": secure[f"{service}_username"],
            "password": "${file:" + secure[f"{service}_password_file"] + "}",
            "ca_file": secure["ca"],
        }
        for service in SERVICES
    }
    reg, con = secure["registry_https"], secure["connect_https"]
    bad_password = {"username": user, "password": WRONG_PASSWORD, "ca_file": secure["ca"]}
    no_ca = {s: {k: v for k, v in good[s].items() if k != "ca_file"} for s in SERVICES}
    boot = sandbox["bootstrap_servers"]
    return "".join(
        [
            profile("good", boot, endpoint(reg, **good["registry"]),
                    endpoint(con, name="main", **good["connect"])),
            profile("wrong-password", boot, endpoint(reg, **bad_password),
                    endpoint(con, name="main", **bad_password)),
            profile("no-ca", boot, endpoint(reg, **no_ca["registry"]),
                    endpoint(con, name="main", **no_ca["connect"])),
            profile("no-password", boot, endpoint(reg, ca_file=secure["ca"]),
                    endpoint(con, name="main", ca_file=secure["ca"])),
            profile("plain-http", boot,
                    endpoint(reg.replace("https:", "http:"), **good["registry"]),
                    endpoint(con.replace("https:", "http:"), name="main", **good["connect"])),
        ]
    )  # fmt: skip


@pytest.fixture(scope="module")
def config_file(secure_sandbox: dict, rest: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("secure-rest-config")
    return write_config(home / "config.toml", config_text(secure_sandbox, rest))


@pytest.fixture
def client_for(config_file: Path, tmp_path: Path) -> Iterator[Callable[[str], ClusterClient]]:
    made: list[ClusterClient] = []

    def build(name: str) -> ClusterClient:
        loaded = load_settings(str(config_file), name, Overrides(), env={})
        assert loaded.warnings == [], loaded.warnings
        guard = Guard(profile=name, audit_path=tmp_path / "audit.jsonl")
        made.append(ClusterClient(loaded.settings, guard))
        return made[-1]

    yield build
    for client in made:
        client.close()


# ---- the sandbox serves it ------------------------------------------------------------
def test_status_json_names_the_rest_endpoints_and_secrets(
    secure_sandbox: dict, rest: dict, tmp_path: Path
) -> None:
    env = cli_env(tmp_path, KAFKATUI_SANDBOX_DIR=secure_sandbox["state_dir"])
    run = run_cli("sandbox", "status", "--json", env=env)
    assert run.returncode == 0, run.stderr
    secure = json.loads(run.stdout)["secure"]
    for service in SERVICES:
        assert secure[f"{service}_https"].startswith("https://127.0.0.1:")
        assert secure[f"{service}_username"] == "kafkatui"
        secret = Path(secure[f"{service}_password_file"])
        assert secret.stat().st_mode & 0o777 == 0o600, service
        assert len(secret.read_text().strip()) >= 16
    assert secure["connect_https"] == json.loads(run.stdout)["connect"]
    assert secure["registry_https"] == json.loads(run.stdout)["schema_registry"]
    assert secure["connect_password_file"] != secure["registry_password_file"]


def test_no_secret_on_a_command_line_or_in_a_readable_file(
    secure_sandbox: dict, rest: dict
) -> None:
    """Command lines are world-readable; every file holding a secret is the owner's only."""
    from kafkatui.sandbox import processes

    root = Path(secure_sandbox["state_dir"])
    secrets_ = [Path(rest[f"{s}_password_file"]).read_text().strip() for s in SERVICES]
    secrets_.append((root / "secure" / "connect-keystore.password").read_text().strip())
    for part in ("registry", "connect"):
        pid = processes.running_pid(root, part)
        assert pid is not None, part
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        assert not [s for s in secrets_ if s in cmdline], f"a secret on {part}'s command line"
    holders = [p for p in [*root.joinpath("config").iterdir(), *root.joinpath("secure").iterdir()]
               if any(s in p.read_text(errors="replace") for s in secrets_)]  # fmt: skip
    assert {p.name for p in holders} >= {"connect.properties", "application.properties"}
    for path in holders:
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is readable by others"


@pytest.mark.parametrize("service", ["connect", "registry"])
def test_the_server_itself_refuses_anonymous_and_plaintext(rest: dict, service: str) -> None:
    """Checked with httpx directly, so a client bug cannot make the server look secure."""
    url = rest[f"{service}_https"] + ("/connectors" if service == "connect" else "/subjects")
    password = Path(rest[f"{service}_password_file"]).read_text().strip()
    ca = ssl.create_default_context(cafile=rest["ca"])
    ok = httpx.get(url, verify=ca, auth=("kafkatui", password), timeout=10)
    assert ok.status_code == 200
    assert httpx.get(url, verify=ca, timeout=10).status_code == 401
    wrong = httpx.get(url, verify=ca, auth=("kafkatui", WRONG_PASSWORD), timeout=10)
    assert wrong.status_code == 401
    with pytest.raises(httpx.HTTPError):
        httpx.get(url.replace("https:", "http:"), timeout=10)


# ---- the client uses it ---------------------------------------------------------------
def test_working_profile_reaches_connect_and_registry(
    client_for: Callable[[str], ClusterClient], rest: dict, unique: str
) -> None:
    client = client_for("good")
    registry_password = Path(rest["registry_password_file"]).read_text().strip()
    assert client.settings.schema_registry is not None
    assert client.settings.schema_registry.password == registry_password  # via ${file:...}
    assert bounded(lambda: client.connect.list("main"), 30, "listing connectors") == []
    schema = json.dumps({"type": "record", "name": "R", "namespace": unique.replace("-", "_"),
                         "fields": [{"name": "id", "type": "long"}]})  # fmt: skip
    schema_id = bounded(lambda: client.registry.register(unique, schema), 30, "registering")
    assert unique in client.registry.subjects()
    assert client.registry.schema_by_id(schema_id).subject == unique
    # a producer's bytes, decoded through the decoder's own registry lookups
    body = io.BytesIO()
    fastavro.schemaless_writer(body, fastavro.parse_schema(json.loads(schema)), {"id": 42})
    wire = b"\x00" + schema_id.to_bytes(4, "big") + body.getvalue()
    decoded = client.decoder().decode(wire, is_key=False)
    assert (decoded.format, decoded.value, decoded.error) == ("avro", {"id": 42}, None)
    client.registry.delete_subject(unique)


def test_the_sandbox_profile_of_a_secure_sandbox_uses_https(
    secure_sandbox: dict, rest: dict, tmp_path: Path
) -> None:
    settings = settings_from_status(secure_sandbox)
    assert settings.schema_registry is not None and settings.schema_registry.ca_file == rest["ca"]
    client = ClusterClient(settings, Guard(audit_path=tmp_path / "audit.jsonl"))
    try:
        assert isinstance(client.registry.subjects(), list)
        assert isinstance(client.connect.list("sandbox"), list)
    finally:
        client.close()


@pytest.mark.parametrize("service", ["connect", "registry"])
def test_wrong_password_is_a_clear_auth_error(
    client_for: Callable[[str], ClusterClient], service: str
) -> None:
    client = client_for("wrong-password")
    error, took = raised_by(lambda: SERVICES[service](client), FAIL_WITHIN_S, service)
    assert isinstance(error, AuthenticationFailed), repr(error)
    text = str(error)
    assert "HTTP 401" in text and "rejected" in text
    assert WRONG_PASSWORD not in text and WRONG_PASSWORD not in repr(error)
    assert "\n" not in text and took < FAIL_WITHIN_S


@pytest.mark.parametrize("service", ["connect", "registry"])
def test_no_credentials_is_a_clear_auth_error(
    client_for: Callable[[str], ClusterClient], service: str
) -> None:
    error, _took = raised_by(lambda: SERVICES[service](client_for("no-password")), 15, service)
    assert isinstance(error, AuthenticationFailed), repr(error)


@pytest.mark.parametrize("service", ["connect", "registry"])
def test_untrusted_server_is_a_clear_tls_error(
    client_for: Callable[[str], ClusterClient], rest: dict, service: str
) -> None:
    """Without the sandbox's CA the certificate is not trusted: say so, and what to set."""
    client = client_for("no-ca")
    error, took = raised_by(lambda: SERVICES[service](client), FAIL_WITHIN_S, service)
    assert isinstance(error, TlsError), repr(error)
    text = str(error)
    assert "TLS handshake failed" in text and "set ca_file" in text
    password = Path(rest[f"{service}_password_file"]).read_text().strip()
    assert password not in text and took < FAIL_WITHIN_S


@pytest.mark.parametrize("service", ["connect", "registry"])
def test_plain_http_on_the_https_port_is_a_clear_error(
    client_for: Callable[[str], ClusterClient], service: str
) -> None:
    client = client_for("plain-http")
    error, took = raised_by(lambda: SERVICES[service](client), FAIL_WITHIN_S, service)
    assert isinstance(error, ConnectionFailed) and not isinstance(error, TlsError), repr(error)
    assert "https://" in str(error) and took < FAIL_WITHIN_S
