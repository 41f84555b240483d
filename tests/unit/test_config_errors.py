"""Config references, errors that point at file and line, permission warnings, no leaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from kafkatui.config import ConfigError, Overrides, load_settings

SECRET = "Zq-secret-value-9"


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def load(
    path: Path,
    profile: str | None = None,
    env: dict | None = None,
    overrides: Overrides | None = None,
):
    return load_settings(str(path), profile, overrides or Overrides(), env=env or {})


def config_error(path: Path, env: dict | None = None) -> str:
    with pytest.raises(ConfigError) as err:
        load(path, env=env)
    assert err.value.exit_code == 2
    return str(err.value)


# ---- references ----------------------------------------------------------------------
def test_references_inside_longer_values_and_escape(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        """
[profiles.default]
bootstrap_servers = "${env:HOST}:9092,${env:HOST}:9093"
theme = "$${env:literal}"
""",
    )
    s = load(cfg, env={"HOST": "k1"}).settings
    assert s.bootstrap_servers == "k1:9092,k1:9093"
    assert s.theme == "${env:literal}"


def test_file_reference_strips_exactly_one_newline(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write(tmp_path / "two", "pw\n\n")
    write(tmp_path / "crlf", "pw\r\n")
    cfg = write(
        tmp_path / "c.toml",
        """
[profiles.default.kafka]
"sasl.password" = "${file:~/two}"
"ssl.key.password" = "${file:crlf}"
""",
    )
    kafka = load(cfg).settings.kafka
    assert kafka["sasl.password"] == "pw\n"
    assert kafka["ssl.key.password"] == "pw"  # relative to the config file's directory


def test_missing_env_names_file_line_and_variable(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        "[profiles.default]\n\n"
        'schema_registry = { url = "http://sr", password = "${env:SR_PW}" }\n',
    )
    message = config_error(cfg)
    assert f"{cfg} line 3" in message
    assert "environment variable SR_PW is not set" in message


def test_missing_file_names_the_file_and_line(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        '[profiles.default.kafka]\n"sasl.password" = "${file:/nonexistent/kafka.pw}"\n',
    )
    message = config_error(cfg)
    assert f"{cfg} line 2" in message
    assert "/nonexistent/kafka.pw does not exist" in message


def test_line_of_a_reference_in_the_chosen_profile(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        """[profiles.a]
bootstrap_servers = "${env:MISSING}"
[profiles.b]
bootstrap_servers = "${env:MISSING}"
""",
    )
    with pytest.raises(ConfigError, match=r"c.toml line 4"):
        load(cfg, "b")


def test_unknown_reference_kind(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", '[profiles.default]\nbootstrap_servers = "${vault:x}"\n')
    assert "unknown reference ${vault:x}" in config_error(cfg)


# ---- file and structure errors -------------------------------------------------------
def test_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml", '[profiles.default]\nbootstrap_servers = "a"\nread_only = tru\n'
    )
    message = config_error(cfg)
    assert str(cfg) in message and "invalid TOML" in message and "line 3" in message


def test_misspelt_profile_key_is_an_error_with_line(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml", '[profiles.prod]\nbootstrap_servers = "a:1"\nread_olny = true\n'
    )
    with pytest.raises(ConfigError, match=r"c.toml line 3: profiles.prod.read_olny is not a known"):
        load(cfg, "prod")


def test_unknown_top_level_key(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", 'bootstrap_servers = "a:1"\n')
    assert "go under [profiles.NAME]" in config_error(cfg)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('read_only = "yes"', "read_only must be true or false"),
        ("timeout = 0", "timeout must be a number of seconds above 0"),
        ('schema_registry = { username = "u" }', "schema_registry needs a url"),
        ('schema_registry = "ftp://sr"', "profiles.default.schema_registry must start with http"),
        ('schema_registry = { url = "ftp://sr" }', "schema_registry.url must start with http"),
        (
            'connect = [ { url = "http://a", name = "x" }, { url = "http://b", name = "x" } ]',
            "duplicate Connect cluster names: x",
        ),
        ('schema_registry = { url = "http://a", username = "u", token = "t" }', "choose one"),
        ('schema_registry = { url = "http://a", verify = "no" }', "verify must be true or false"),
        ('kafka = { "a" = [1] }', "kafka.a must be a string, number or boolean"),
    ],
)
def test_bad_values(tmp_path: Path, body: str, fragment: str) -> None:
    cfg = write(tmp_path / "c.toml", f"[profiles.default]\n{body}\n")
    assert fragment in config_error(cfg)


# ---- secrets: warnings and leaks -----------------------------------------------------
def test_literal_secret_in_readable_config_warns(tmp_path: Path) -> None:
    text = f'[profiles.default.kafka]\n"sasl.password" = "{SECRET}"\n'
    loose = write(tmp_path / "loose.toml", text, 0o644)
    [warning] = load(loose).warnings
    assert str(loose) in warning and "chmod 600" in warning and "0644" in warning
    assert SECRET not in warning
    tight = write(tmp_path / "tight.toml", text, 0o600)
    assert load(tight).warnings == []


def test_literal_password_in_url_counts_as_a_secret(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        f'[profiles.default]\nschema_registry = "https://u:{SECRET}@sr"\n',
        0o640,
    )
    loaded = load(cfg)
    assert len(loaded.warnings) == 1
    assert loaded.settings.schema_registry is not None
    assert loaded.settings.schema_registry.url == "https://sr"
    assert loaded.settings.schema_registry.password == SECRET


def test_references_only_do_not_make_the_config_sensitive(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml", '[profiles.default.kafka]\n"sasl.password" = "${env:PW}"\n', 0o644
    )
    assert load(cfg, env={"PW": SECRET}).warnings == []


def test_readable_secret_file_warns(tmp_path: Path) -> None:
    secret_file = write(tmp_path / "pw", SECRET + "\n", 0o604)
    write(tmp_path / "servers", "k:1\n", 0o644)  # not a secret: no warning
    cfg = write(
        tmp_path / "c.toml",
        """
[profiles.default]
bootstrap_servers = "${file:servers}"
[profiles.default.kafka]
"sasl.password" = "${file:pw}"
""",
        0o644,
    )
    loaded = load(cfg)
    assert [w.split(" ")[0] for w in loaded.warnings] == [str(secret_file)]


def test_secrets_never_in_errors_or_reprs(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "c.toml",
        f"""
[profiles.default]
schema_registry = {{ url = "http://sr", username = "u", password = "{SECRET}", verify = 1 }}
""",
    )
    assert SECRET not in config_error(cfg)

    cfg = write(
        tmp_path / "d.toml",
        f"""
[profiles.default]
connect = [ {{ url = "http://c", bearer_token = "{SECRET}" }} ]
[profiles.default.kafka]
"ssl.key.password" = "{SECRET}"
""",
    )
    overrides = Overrides(
        properties=(f"sasl.password={SECRET}",), schema_registry=f"http://u:{SECRET}@sr"
    )
    loaded = load(cfg, overrides=overrides)
    assert loaded.settings.kafka["sasl.password"] == SECRET
    for text in (repr(loaded), str(loaded.settings), repr(overrides), str(overrides)):
        assert SECRET not in text


def test_secret_value_of_wrong_type_is_not_echoed(tmp_path: Path) -> None:
    cfg = write(tmp_path / "c.toml", "[profiles.default]\nbootstrap_servers = 12345\n")
    message = config_error(cfg)
    assert "bootstrap_servers must be a string" in message and "12345" not in message
