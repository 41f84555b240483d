"""Every setting that librdkafka, the HTTP client or the TOML parser would reject is a
usage error (exit 2) that names the setting, on every command, before any connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafkatui.cli.main import main

SECRET = "Zq-secret-value-9"

BAD_FLAGS = [
    (["-X", "nonsense.prop=1"], 'No such configuration property: "nonsense.prop"'),
    (["-X", "security.protocol=BOGUS"], 'Invalid value "BOGUS"'),
    (["-X", "security.protocol=SSL", "-X", "ssl.ca.location=/no/such/ca.pem"], "ssl.ca.location"),
    (["--schema-registry", "http://[::1"], "--schema-registry is not a valid URL"),
    (["--schema-registry", "http://registry:99999"], "port out of range (99999)"),
    (["--connect", "http://:8083/"], "--connect #1 has no host"),
]
COMMANDS = [["groups"], ["check"], ["tail", "orders", "--max", "1"], ["topics"]]


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("KAFKATUI_CONFIG", raising=False)
    monkeypatch.delenv("KAFKATUI_PROFILE", raising=False)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(("flags", "says"), BAD_FLAGS, ids=lambda f: " ".join(f)[:40])
def test_a_rejected_flag_is_a_usage_error_naming_it(
    flags: list[str], says: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["-b", "127.0.0.1:1", *flags, *command])
    err = capsys.readouterr().err
    if code == 2 and "invalid choice" in err:
        pytest.skip(f"`{command[0]}` is not a command of this build")
    assert code == 2, err  # 3 would mean it tried to connect; 1 an internal error
    assert says in err
    assert "Traceback" not in err and "internal error" not in err
    assert len(err.strip().splitlines()) == 1


def test_the_origin_of_a_bad_property_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-b", "127.0.0.1:1", "-X", "nonsense.prop=1", "groups"]) == 2
    assert capsys.readouterr().err.startswith("error: -X: ")


def test_a_bad_property_in_the_profile_names_file_and_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'default_profile = "p"\n[profiles.p]\nbootstrap_servers = "127.0.0.1:1"\n'
        '[profiles.p.kafka]\n"nonsense.x" = "1"\n'
    )
    config.chmod(0o600)
    assert main(["--config", str(config), "groups"]) == 2
    err = capsys.readouterr().err
    assert str(config) in err and "p.kafka" in err and '"nonsense.x"' in err


def test_a_rejected_secret_value_is_never_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["-b", "127.0.0.1:1", "-X", f"sasl.oauthbearer.config={SECRET}",
                 "-X", "nonsense.prop=1", "groups"])
    err = capsys.readouterr().err
    assert code == 2
    assert SECRET not in err


def test_bad_toml_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text('default_profile = "p"\n[profiles.p\n')
    config.chmod(0o600)
    assert main(["--config", str(config), "check"]) == 2
    err = capsys.readouterr().err
    assert "invalid TOML" in err and "line 2" in err
