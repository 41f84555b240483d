"""A known secret, fed in every way a secret arrives, never comes out anywhere (SPEC §3).

The secret rides in as a SASL password (from a file, an env var and `-X`), a registry
password, a URL's userinfo, a Connect bearer token and a connector config value. The
test then collects what a person or a log could see: CLI output of failures, `--help`,
config errors, the audit log, the Connect config view, repr/str of settings, Python
logging at DEBUG (librdkafka's own debug log included), and the TUI's error log view,
notifications and connector config view. Each check also proves it looked at real
output (a positive control), so a silent empty capture cannot pass.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kafkatui.cluster.client import ClusterClient
from kafkatui.cluster.connect import Connect
from kafkatui.cluster.errors import AuthenticationFailed, KafkaTuiError
from kafkatui.cluster.guard import Guard
from kafkatui.cluster.registry import Registry
from kafkatui.cluster.settings import ConnectionSettings, HttpEndpoint
from kafkatui.config import ConfigError, Overrides, load_settings
from tests.integration.kafka_helpers import wait_until
from tests.integration.safety_support import (
    assert_one_clean_line,
    cli_env,
    raised_by,
    recorded_notifications,
    run_cli,
    write_config,
)

pytestmark = pytest.mark.integration

SECRET = "Zq7-leak-canary-5e3b1f"
CLOSED_PORT_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
SUBCOMMANDS = ("tail", "groups", "reset-offsets", "check", "sandbox", "demo")


def assert_no_secret(*texts: Any) -> None:
    for text in texts:
        assert SECRET not in str(text), f"the secret leaked into: {str(text)[:2000]}"


#: shaped like the secure sandbox's status, for tests that never connect
NOWHERE = {
    "schema_registry": "https://sr.invalid:8081",
    "connect": "https://connect.invalid:8083",
    "secure": {"sasl_ssl": "k1.invalid:9093", "username": "ops", "ca": "/etc/ssl/ca.pem"},
}


def secure_profile(secure_sandbox: dict, password: str) -> str:
    """A SCRAM profile on the secure sandbox with everything secret set to `password`."""
    s = secure_sandbox["secure"]
    return f'''
default_profile = "prod"
[profiles.prod]
bootstrap_servers = "{s["sasl_ssl"]}"
schema_registry = {{ url = "{secure_sandbox["schema_registry"]}", username = "ops", password = "{password}" }}
connect = [ {{ name = "main", url = "{secure_sandbox["connect"]}", bearer_token = "{password}" }} ]
[profiles.prod.kafka]
"security.protocol" = "SASL_SSL"
"sasl.mechanism" = "SCRAM-SHA-512"
"sasl.username" = "{s["username"]}"
"sasl.password" = "{password}"
"ssl.ca.location" = "{s["ca"]}"
'''  # noqa: E501


# ---- failures ----------------------------------------------------------------------------
def test_failed_login_output_holds_no_secret(secure_sandbox: dict, tmp_path: Path) -> None:
    """The broker rejects the secret as a password: a real authentication failure."""
    config = write_config(tmp_path / "config.toml",
                          secure_profile(secure_sandbox, "${env:KAFKA_PASSWORD}"))  # fmt: skip
    env = cli_env(tmp_path, KAFKA_PASSWORD=SECRET)
    for command in (["groups", "--json"], ["check", "--json"], ["tail", "x", "--max", "1"]):
        run = run_cli("--config", str(config), *command, env=env, timeout=60)
        assert run.returncode == 3, (command, run.stderr)
        assert "authentication failed" in assert_one_clean_line(run.stderr)
        assert_no_secret(run.stdout, run.stderr)


def test_failed_login_with_a_property_flag(secure_sandbox: dict, tmp_path: Path) -> None:
    s = secure_sandbox["secure"]
    run = run_cli(
        "-b", s["sasl_ssl"], "-X", "security.protocol=SASL_SSL",
        "-X", "sasl.mechanism=SCRAM-SHA-512", "-X", f"sasl.username={s['username']}",
        "-X", f"sasl.password={SECRET}", "-X", f"ssl.ca.location={s['ca']}",
        "groups", env=cli_env(tmp_path), timeout=60,
    )  # fmt: skip
    assert run.returncode == 3
    assert "authentication failed" in assert_one_clean_line(run.stderr)
    assert_no_secret(run.stdout, run.stderr)


def test_unreachable_endpoints_with_credentials(sandbox: dict, tmp_path: Path) -> None:
    """Credentials in a URL's userinfo never show where the URL does."""
    run = run_cli(
        "-b", sandbox["bootstrap_servers"],
        "--schema-registry", f"http://ops:{SECRET}@127.0.0.1:9/apis/ccompat/v7",
        "--connect", f"main=http://ops:{SECRET}@127.0.0.1:9",
        "check", "--json", env=cli_env(tmp_path), timeout=60,
    )  # fmt: skip
    assert "127.0.0.1:9" in run.stdout + run.stderr  # the unreachable endpoint is named
    assert "Traceback" not in run.stderr
    assert_no_secret(run.stdout, run.stderr)


def test_registry_and_connect_errors(tmp_path: Path) -> None:
    guard = Guard(audit_path=tmp_path / "audit.jsonl")
    registry = Registry(HttpEndpoint(url=CLOSED_PORT_URL, name="registry", username="ops",
                                     password=SECRET, timeout_s=3), guard)  # fmt: skip
    connect = Connect([HttpEndpoint(url=f"http://ops:{SECRET}@127.0.0.1:9", name="main",
                                    bearer_token=SECRET, timeout_s=3)], guard)  # fmt: skip
    for call in (registry.subjects, lambda: connect.list("main")):
        error, _ = raised_by(call, 30, "calling an unreachable endpoint")
        assert isinstance(error, KafkaTuiError), repr(error)
        assert "127.0.0.1:9" in str(error)
        assert_no_secret(str(error), repr(error))


# ---- help and config errors --------------------------------------------------------------
def test_help_texts(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", secure_profile(NOWHERE, SECRET))
    env = cli_env(tmp_path, KAFKATUI_CONFIG=str(config), SR_PASSWORD=SECRET)
    for args in (["--help"], *([c, "--help"] for c in SUBCOMMANDS)):
        run = run_cli(*args, env=env, timeout=30)
        assert run.returncode == 0, (args, run.stderr)
        assert "usage:" in run.stdout
        assert_no_secret(run.stdout, run.stderr)


BROKEN_CONFIGS = {
    "bad TOML on the secret's line": f'''
[profiles.prod.kafka]
"sasl.password" = "{SECRET}
''',
    "bad TOML after the secret": f'''
[profiles.prod.kafka]
"sasl.password" = "{SECRET}"
"sasl.username" = = "ops"
''',
    "secret at a misplaced key": f'''
[profiles.prod]
bootstrap_servers = "k1:9092"
sasl_password = "{SECRET}"
''',
    "secret in a URL that is not http": f"""
[profiles.prod]
schema_registry = "ftp://ops:{SECRET}@sr:8081"
""",
    "wrong type next to a secret": f'''
[profiles.prod]
read_only = "yes"
[profiles.prod.kafka]
"sasl.password" = "{SECRET}"
''',
    "missing env var next to a secret": f'''
[profiles.prod]
schema_registry = {{ url = "https://sr:8081", username = "ops", password = "{SECRET}" }}
connect = [ {{ url = "https://c:8083", bearer_token = "${{env:NO_SUCH_TOKEN}}" }} ]
''',
}


@pytest.mark.parametrize("case", sorted(BROKEN_CONFIGS))
def test_config_errors(case: str, tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", BROKEN_CONFIGS[case])
    with pytest.raises(ConfigError) as failed:
        load_settings(str(config), "prod", Overrides(), env={})
    assert str(config) in str(failed.value)  # names the file
    assert_no_secret(str(failed.value), repr(failed.value))
    run = run_cli("--config", str(config), "--profile", "prod", "groups",
                  env=cli_env(tmp_path), timeout=30)  # fmt: skip
    assert run.returncode == 2
    assert_one_clean_line(run.stderr)
    assert_no_secret(run.stdout, run.stderr)


def test_unknown_profile(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", secure_profile(NOWHERE, SECRET))
    run = run_cli("--config", str(config), "--profile", "staging", "groups",
                  env=cli_env(tmp_path), timeout=30)  # fmt: skip
    assert run.returncode == 2
    assert "staging" in assert_one_clean_line(run.stderr)
    assert_no_secret(run.stdout, run.stderr)


def test_exposure_warning(tmp_path: Path) -> None:
    """The warning about a readable secrets file names the file, not what is in it."""
    config = write_config(tmp_path / "config.toml", secure_profile(NOWHERE, SECRET))
    config.chmod(0o644)
    loaded = load_settings(str(config), None, Overrides(), env={})
    assert any(str(config) in w for w in loaded.warnings), loaded.warnings
    run = run_cli("--config", str(config), "groups", env=cli_env(tmp_path), timeout=60)
    assert f"warning: {config}" in run.stderr
    assert_no_secret(*loaded.warnings, run.stdout, run.stderr)


# ---- objects that get printed ------------------------------------------------------------
def test_repr_and_str_of_settings(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config.toml", secure_profile(NOWHERE, SECRET))
    overrides = Overrides(
        schema_registry=f"http://ops:{SECRET}@sr:8081",
        connect=(f"main=http://ops:{SECRET}@c:8083",),
        properties=(f"sasl.password={SECRET}", f"ssl.key.password={SECRET}"),
    )
    loaded = load_settings(str(config), None, Overrides(), env={})
    flagged = load_settings(str(config), None, overrides, env={})
    assert loaded.settings.kafka["sasl.password"] == SECRET  # the secret really is inside
    assert flagged.settings.kafka["ssl.key.password"] == SECRET
    for thing in (loaded, loaded.settings, loaded.settings.schema_registry,
                  *loaded.settings.connect, overrides, flagged, flagged.settings,
                  flagged.settings.schema_registry, *flagged.settings.connect):  # fmt: skip
        assert_no_secret(repr(thing), str(thing), f"{thing}", f"{thing!r}")


# ---- the audit log and the Connect config view -------------------------------------------
@pytest.fixture
def connector(sandbox_settings: ConnectionSettings, tmp_path: Path,
              unique: str) -> Iterator[tuple[ClusterClient, Guard, str, str]]:  # fmt: skip
    """A running connector whose config holds the secret; (client, guard, name, file)."""
    guard = Guard(profile="sandbox", audit_path=tmp_path / "audit.jsonl")
    client = ClusterClient(sandbox_settings, guard)
    source = tmp_path / "source.txt"
    source.write_text("")
    client.connect.create("sandbox", unique, {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "tasks.max": "1", "file": str(source), "topic": unique,
        "connection.password": SECRET, "sasl.jaas.config": f'password="{SECRET}";',
        "connection.url": f"jdbc:postgresql://db:5432/shop?user=app&password={SECRET}&ssl=true",
    })  # fmt: skip
    wait_until(lambda: unique in {c.name for c in client.connect.list("sandbox")},
               "the connector to be listed")  # fmt: skip
    yield client, guard, unique, str(source)
    client.connect.delete("sandbox", unique)
    client.close()


def test_audit_log_and_connect_views(connector: tuple[ClusterClient, Guard, str, str]) -> None:
    client, guard, name, source = connector
    with pytest.raises(KafkaTuiError) as failed:  # a rejected config is audited too
        client.connect.create("sandbox", f"{name}-bad", {
            "connector.class": "no.such.Connector", "connection.password": SECRET})  # fmt: skip
    config = client.connect.config("sandbox", name)
    assert config["file"] == source  # positive control: the real config came back
    assert config["connection.password"] != SECRET
    assert config["connection.url"].startswith("jdbc:postgresql://db:5432/shop?user=app&")
    listed = client.connect.list("sandbox")
    status = client.connect.status("sandbox", name)
    audit = guard.audit_path.read_text() if guard.audit_path else ""
    assert [e["action"] for e in guard.read_audit()] == ["connector.create", "connector.create"]
    assert_no_secret(audit, config, listed, status, failed.value, client.audit_log())


# ---- logging -----------------------------------------------------------------------------
@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG by any logger while the test runs."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield sink
    root.removeHandler(handler)
    root.setLevel(level)


def test_debug_logging(secure_sandbox: dict, debug_log: io.StringIO, tmp_path: Path) -> None:
    s = secure_sandbox["secure"]
    settings = ConnectionSettings(
        profile="prod",
        bootstrap_servers=s["sasl_ssl"],
        kafka={
            "security.protocol": "SASL_SSL",
            "sasl.mechanism": "SCRAM-SHA-512",
            "sasl.username": s["username"],
            "sasl.password": SECRET,
            "ssl.ca.location": s["ca"],
            "debug": "conf,security,broker",
        },
        schema_registry=HttpEndpoint(
            url=secure_sandbox["schema_registry"], name="registry", username="ops",
            password=SECRET, ca_file=s["ca"],
        ),
        connect=(HttpEndpoint(url=secure_sandbox["connect"], name="main", username="ops",
                              password=SECRET, ca_file=s["ca"]),),
    )  # fmt: skip
    client = ClusterClient(settings, Guard(audit_path=tmp_path / "audit.jsonl"))
    try:
        error, _ = raised_by(client.topics.list_names, 30, "listing topics")
        # the secure sandbox's registry and Connect check basic auth: both refuse these
        with pytest.raises(AuthenticationFailed):
            client.registry.subjects()
        with pytest.raises(AuthenticationFailed):
            client.connect.list("main")
        logging.getLogger("kafkatui.test").debug("settings: %r", settings)
    finally:
        client.close()
    text = debug_log.getvalue()
    assert "sasl.password" in text  # librdkafka's config dump was captured (redacted)
    assert "HTTP Request" in text  # httpx logged its requests
    assert_no_secret(text, error)


# ---- the TUI -----------------------------------------------------------------------------
async def _until(pilot: Any, done: Any, what: str, timeout_s: float = 40.0) -> None:
    """Pause until `done()`; failed workers are expected here, so no waiting on them."""
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.2)


async def test_tui_error_screens(secure_sandbox: dict, tmp_path: Path) -> None:
    from kafkatui.ui import make_app
    from tests.ui.support import typed

    config = write_config(tmp_path / "config.toml", secure_profile(secure_sandbox, SECRET))
    loaded = load_settings(str(config), None, Overrides(), env={})
    client = ClusterClient(loaded.settings, Guard(audit_path=tmp_path / "audit.jsonl"))
    app = make_app(client, cursor_blink=False, warnings=tuple(loaded.warnings))
    notes = recorded_notifications(app)
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await _until(pilot, lambda: any("authentication failed" in e.message
                                            for e in app.errors), "the login to fail")  # fmt: skip
            shots = [app.export_screenshot()]
            await pilot.press("colon", *typed("log"), "enter")
            await _until(pilot, lambda: getattr(app.screen, "items", None), "the error log")
            shots.append(app.export_screenshot())
            for view in ("3", "4"):  # Connect (bearer token) and registry (password)
                await pilot.press(view)
                await _until(pilot, lambda: app.screen.is_current, "the view")
                shots.append(app.export_screenshot())
    finally:
        client.close()
    assert "authentication" in shots[1]  # the log view shows the failure
    assert_no_secret(*shots, *notes, *(e.message for e in app.errors))


async def test_tui_connector_config_view(
    connector: tuple[ClusterClient, Guard, str, str],
) -> None:
    from kafkatui.ui import make_app
    from tests.ui.support import typed

    client, _, name, source = connector
    app = make_app(client, cursor_blink=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("3")
        view: Any = app.screen
        await _until(pilot, lambda: name in {c.name for c in view.items.values()},
                     "the connector row")  # fmt: skip
        await pilot.press("slash", *typed(name), "enter", "c")
        await _until(pilot, lambda: app.screen.query("#text-body"), "the config view")
        shot = app.export_screenshot()
        body = str(app.screen.query_one("#text-body").render())
    assert source in body and "connection.password" in body  # the config is on screen
    assert_no_secret(shot, body)
