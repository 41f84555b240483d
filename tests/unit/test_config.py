"""load_settings: file location, profile choice, SPEC §3 example, CLI overrides, sandbox."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from kafkatui.cluster.errors import ConnectionFailed
from kafkatui.config import ConfigError, Overrides, default_config_path, load_settings

SPEC_EXAMPLE = """\
default_profile = "prod"
[profiles.prod]
bootstrap_servers = "k1:9092,k2:9092"
read_only = true
theme = "high-contrast"
schema_registry = { url = "https://sr:8081", username = "ops", password = "${env:SR_PASSWORD}" }
connect = [ { name = "main", url = "https://connect:8083" } ]
[profiles.prod.kafka]            # librdkafka properties, passed through
"security.protocol" = "SASL_SSL"
"sasl.mechanism" = "SCRAM-SHA-512"
"sasl.username" = "ops"
"sasl.password" = "${file:~/.secrets/kafka}"

[profiles.dev]
bootstrap_servers = "localhost:9092"
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake home with the secret file the SPEC example reads."""
    monkeypatch.setenv("HOME", str(tmp_path))
    secrets = tmp_path / ".secrets"
    secrets.mkdir()
    (secrets / "kafka").write_text("kafka-pw\n")
    (secrets / "kafka").chmod(0o600)
    return tmp_path


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def load(path: Path | None, profile: str | None = None, env: dict | None = None, **flags: object):
    return load_settings(
        str(path) if path else None,
        profile,
        Overrides(**flags),  # type: ignore[arg-type]
        env=env if env is not None else {},
    )


def test_spec_example(home: Path) -> None:
    cfg = write(home / "config.toml", SPEC_EXAMPLE)
    loaded = load(cfg, env={"SR_PASSWORD": "sr-pw"})
    s = loaded.settings
    assert s.profile == "prod"
    assert s.bootstrap_servers == "k1:9092,k2:9092"
    assert s.read_only is True and s.theme == "high-contrast"
    assert s.schema_registry is not None
    assert (s.schema_registry.url, s.schema_registry.username) == ("https://sr:8081", "ops")
    assert s.schema_registry.password == "sr-pw"
    assert [(c.name, c.url) for c in s.connect] == [("main", "https://connect:8083")]
    assert s.kafka == {
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": "ops",
        "sasl.password": "kafka-pw",  # one trailing newline stripped
    }
    assert loaded.source_path == cfg
    assert loaded.warnings == []
    assert set(loaded.profiles) == {"prod", "dev", "sandbox"}
    for text in (repr(loaded), str(loaded), repr(s)):
        assert "sr-pw" not in text and "kafka-pw" not in text


def test_default_path_uses_xdg_then_home(tmp_path: Path, monkeypatch) -> None:
    assert default_config_path({"XDG_CONFIG_HOME": "/x"}) == Path("/x/kafkatui/config.toml")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_config_path({}) == tmp_path / ".config/kafkatui/config.toml"


def test_file_from_xdg_env_and_flag(tmp_path: Path) -> None:
    xdg = write(
        tmp_path / "xdg/kafkatui/config.toml", '[profiles.default]\nbootstrap_servers="xdg:1"\n'
    )
    other = write(tmp_path / "other.toml", '[profiles.default]\nbootstrap_servers="env:1"\n')
    flag = write(tmp_path / "flag.toml", '[profiles.default]\nbootstrap_servers="flag:1"\n')
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert load(None, env=env).source_path == xdg
    from_env = load(None, env={**env, "KAFKATUI_CONFIG": str(other)})
    assert from_env.settings.bootstrap_servers == "env:1"
    loaded = load(flag, env={**env, "KAFKATUI_CONFIG": str(other)})
    assert loaded.settings.bootstrap_servers == "flag:1"


def test_no_file_at_default_location_means_flags_only(tmp_path: Path) -> None:
    loaded = load(None, env={"XDG_CONFIG_HOME": str(tmp_path)}, bootstrap_servers="b:9")
    assert loaded.source_path is None
    assert loaded.settings.bootstrap_servers == "b:9"
    assert loaded.settings.profile == "default"


def test_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml does not exist") as err:
        load(tmp_path / "nope.toml")
    assert err.value.exit_code == 2
    with pytest.raises(ConfigError, match=r"missing\.toml"):
        load(None, env={"KAFKATUI_CONFIG": str(tmp_path / "missing.toml")})


def test_profile_precedence(home: Path) -> None:
    cfg = write(home / "c.toml", SPEC_EXAMPLE + '[profiles.stage]\nbootstrap_servers = "s:1"\n')
    env = {"SR_PASSWORD": "x"}
    assert load(cfg, env=env).settings.profile == "prod"  # default_profile
    assert load(cfg, env={**env, "KAFKATUI_PROFILE": "stage"}).settings.profile == "stage"
    assert load(cfg, "dev", env={**env, "KAFKATUI_PROFILE": "stage"}).settings.profile == "dev"


def test_profile_named_default_is_used_without_default_profile(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        '[profiles.default]\nbootstrap_servers = "d:1"\n[profiles.x]\nbootstrap_servers = "x:1"\n',
    )
    assert load(cfg).settings.bootstrap_servers == "d:1"


def test_unknown_profile_lists_known(home: Path) -> None:
    cfg = write(home / "c.toml", SPEC_EXAMPLE)
    with pytest.raises(ConfigError) as err:
        load(cfg, "staging", env={"SR_PASSWORD": "x"})
    message = str(err.value)
    assert "unknown profile 'staging' from --profile" in message
    assert "known: dev, prod, sandbox" in message and "c.toml" in message


def test_unknown_default_profile_names_its_line(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", '\n\ndefault_profile = "gone"\n[profiles.a]\n')
    with pytest.raises(ConfigError, match=r"c.toml line 3: unknown profile 'gone' from default_"):
        load(cfg)


def test_other_profiles_broken_references_do_not_matter(home: Path) -> None:
    cfg = write(home / "c.toml", SPEC_EXAMPLE)  # prod needs SR_PASSWORD, dev does not
    assert load(cfg, "dev").settings.bootstrap_servers == "localhost:9092"


def test_cli_flags_override_profile(home: Path) -> None:
    cfg = write(home / "c.toml", SPEC_EXAMPLE)
    loaded = load(
        cfg,
        env={"SR_PASSWORD": "x"},
        bootstrap_servers="cli:9092",
        schema_registry="http://u:p%40ss@sr2:8081/apis/ccompat/v7",
        connect=("a=http://c1:8083", "http://c2:8083/?x=1"),
        properties=("sasl.password=other", "client.id=me", "client.rack="),
        theme="dark",
    )
    s = loaded.settings
    assert s.bootstrap_servers == "cli:9092"
    assert s.schema_registry is not None
    assert s.schema_registry.url == "http://sr2:8081/apis/ccompat/v7"
    assert (s.schema_registry.username, s.schema_registry.password) == ("u", "p@ss")
    assert [(c.name, c.url) for c in s.connect] == [
        ("a", "http://c1:8083"),
        ("connect2", "http://c2:8083/?x=1"),
    ]
    assert s.kafka["sasl.password"] == "other" and s.kafka["client.id"] == "me"
    assert s.kafka["client.rack"] == "" and s.kafka["security.protocol"] == "SASL_SSL"
    assert s.theme == "dark"
    assert s.read_only is True  # the flag was not given: the profile's value stays


def test_read_only_flag_only_tightens(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", "[profiles.default]\nread_only = false\n")
    assert load(cfg, read_only=True).settings.read_only is True
    ro = write(tmp_path / "ro.toml", "[profiles.default]\nread_only = true\n")
    assert load(ro, read_only=False).settings.read_only is True


def test_malformed_property_flag(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="-X expects KEY=VALUE"):
        load(None, env={"XDG_CONFIG_HOME": str(tmp_path)}, properties=("noequals",))
    with pytest.raises(ConfigError, match="-X expects KEY=VALUE"):
        load(None, env={"XDG_CONFIG_HOME": str(tmp_path)}, properties=("=value",))


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"schema_registry": "ftp://sr"}, "command line: --schema-registry must start with http"),
        ({"connect": ("http://a", "ftp://b")}, "command line: --connect #2 must start with http"),
        ({"connect": ("x=http://a", "x=http://b")}, "command line: --connect has duplicate"),
    ],
)
def test_bad_endpoint_flags_are_named_as_typed(
    tmp_path: Path, flags: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load(None, env={"XDG_CONFIG_HOME": str(tmp_path)}, **flags)
    assert str(raised.value).startswith(message)


def test_single_unnamed_connect_flag_is_default(tmp_path: Path) -> None:
    loaded = load(None, env={"XDG_CONFIG_HOME": str(tmp_path)}, connect=("http://c:8083",))
    assert [c.name for c in loaded.settings.connect] == ["default"]


def test_endpoint_tables(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    cfg = write(
        tmp_path / "c.toml",
        """
[profiles.default]
timeout = 4
connect = [
  { name = "a", url = "https://a", cert_file = "~/c.pem", key_file = "/abs/k.pem", timeout = 2 },
  "http://b:8083",
]
[profiles.default.schema_registry]
url = "https://sr"
bearer_token = "${env:TOK}"
ca_file = "certs/ca.pem"
verify = false
""",
    )
    s = load(cfg, env={"TOK": "the-token", "HOME": "/home/u"}).settings
    assert s.timeout_s == 4
    reg = s.schema_registry
    assert reg is not None and reg.bearer_token == "the-token" and reg.verify is False
    assert reg.ca_file == str(tmp_path / "certs/ca.pem") and reg.timeout_s == 4
    a, b = s.connect
    assert a.key_file == "/abs/k.pem" and a.cert_file.endswith("/c.pem") and a.timeout_s == 2
    assert (b.name, b.url, b.verify) == ("connect2", "http://b:8083", True)
    assert load(cfg, env={"TOK": "x"}).warnings == [
        "TLS certificate checks are off for registry (https://sr): verify = false"
    ]


def test_nested_kafka_tables_are_flattened(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        """
[profiles.default.kafka]
sasl.mechanism = "PLAIN"
"socket.keepalive.enable" = true
"queued.max.messages.kbytes" = 1024
""",
    )
    assert load(cfg).settings.kafka == {
        "sasl.mechanism": "PLAIN",
        "socket.keepalive.enable": "true",
        "queued.max.messages.kbytes": "1024",
    }


def test_sandbox_profile_from_running_sandbox(tmp_path: Path, monkeypatch) -> None:
    status = {
        "running": True,
        "bootstrap_servers": "127.0.0.1:1111",
        "schema_registry": "http://127.0.0.1:2222/apis/ccompat/v7",
        "connect": "http://127.0.0.1:3333",
        "brokers": 1,
    }
    fake_runtime(monkeypatch, status)
    cfg = write(tmp_path / "c.toml", '[profiles.prod]\nbootstrap_servers = "p:1"\n')
    before = cfg.read_text()
    s = load(cfg, "sandbox", read_only=True).settings
    assert s.profile == "sandbox" and s.bootstrap_servers == "127.0.0.1:1111"
    assert s.schema_registry is not None
    assert s.schema_registry.url == "http://127.0.0.1:2222/apis/ccompat/v7"
    assert [c.url for c in s.connect] == ["http://127.0.0.1:3333"]
    assert s.read_only is True
    assert cfg.read_text() == before
    assert (
        load(
            None, env={"XDG_CONFIG_HOME": str(tmp_path / "none"), "KAFKATUI_PROFILE": "sandbox"}
        ).settings.profile
        == "sandbox"
    )


def test_sandbox_not_running(tmp_path: Path, monkeypatch) -> None:
    fake_runtime(monkeypatch, None)
    with pytest.raises(ConnectionFailed, match="the sandbox is not running: kafkatui sandbox up"):
        load(None, "sandbox", env={"XDG_CONFIG_HOME": str(tmp_path)})


def test_sandbox_profile_in_file_wins(tmp_path: Path, monkeypatch) -> None:
    fake_runtime(monkeypatch, None)
    cfg = write(tmp_path / "c.toml", '[profiles.sandbox]\nbootstrap_servers = "mine:1"\n')
    assert load(cfg, "sandbox").settings.bootstrap_servers == "mine:1"


def fake_runtime(monkeypatch: pytest.MonkeyPatch, status: dict | None) -> None:
    class Status:
        running = True

        def to_json(self) -> dict:
            return dict(status or {})

    class Sandbox:
        def status(self) -> Status | None:
            return Status() if status is not None else None

    module = types.ModuleType("kafkatui.sandbox.runtime")
    module.Sandbox = Sandbox  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kafkatui.sandbox.runtime", module)


def test_keymap_and_themes_dir(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        """
themes_dir = "themes"
[keymap]
"topics.tail" = "t"
"app.quit" = ["q", "ctrl+q"]
""",
    )
    loaded = load(cfg)
    assert loaded.keymap == {"topics.tail": "t", "app.quit": "q,ctrl+q"}
    assert loaded.themes_dir == tmp_path / "themes"
    default = load(None, env={"XDG_CONFIG_HOME": str(tmp_path / "x")})
    assert default.themes_dir == tmp_path / "x/kafkatui/themes" and default.keymap == {}


def test_bad_keymap_entry(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", '[keymap]\n"topics.tail" = 3\n')
    with pytest.raises(ConfigError, match=r"c.toml line 2: keymap.topics.tail"):
        load(cfg)
