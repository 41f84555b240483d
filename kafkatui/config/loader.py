"""`load_settings`: config file + profile + CLI flags -> what the app needs to start.

Precedence: the file is `--config`, else `$KAFKATUI_CONFIG`, else the XDG default (which
may be absent). The profile is `--profile`, else `$KAFKATUI_PROFILE`, else
`default_profile`, else a profile named "default", else none (CLI flags only). CLI flags
override profile values. Only the chosen profile's references are resolved, so a broken
reference in another profile does not stop this one.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kafkatui.cluster.guard import is_secret_name
from kafkatui.cluster.settings import ConnectionSettings, display_url, kafka_property_problem
from kafkatui.config.errors import ConfigError
from kafkatui.config.overrides import Overrides, apply_overrides, parse_property
from kafkatui.config.paths import default_config_path, default_themes_dir
from kafkatui.config.profiles import build_profile
from kafkatui.config.refs import Resolver, SourceText, has_reference, is_only_references
from kafkatui.config.sandbox import SANDBOX_PROFILE, sandbox_settings

TOP_LEVEL_KEYS = ("default_profile", "profiles", "keymap", "themes_dir")


@dataclass(frozen=True)
class LoadedConfig:
    """Everything the UI and CLI take from configuration. Safe to print: secrets are masked."""

    settings: ConnectionSettings
    """Resolved connection settings of the chosen profile, CLI flags applied."""
    warnings: list[str] = field(default_factory=list)
    """Things to tell the user at start (for example a secrets file readable by others)."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys (comma-separated, Textual style) from the `[keymap]` table."""
    themes_dir: Path = field(default_factory=default_themes_dir)
    """Directory of user theme files."""
    source_path: Path | None = None
    """The config file read, or None when there was none."""
    profiles: tuple[str, ...] = ()
    """Profile names the user can switch to (the file's, plus `sandbox`)."""


def load_settings(
    config_path: str | None,
    profile: str | None,
    overrides: Overrides,
    env: Mapping[str, str] | None = None,
) -> LoadedConfig:
    env = os.environ if env is None else env
    source, doc = _read_file(config_path, env)
    profiles = doc.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"{source.where('profiles')}: profiles must be a table")

    chosen, asked_by = _choose_profile(profile, env, doc, profiles)
    resolver = Resolver(source, env, anchor=f"profiles.{chosen}" if chosen else None)
    if chosen is None:
        settings = ConnectionSettings(profile="default")
    elif chosen in profiles:
        settings = build_profile(chosen, resolver.resolve_tree(profiles[chosen]), source)
    elif chosen == SANDBOX_PROFILE:
        settings = sandbox_settings()
    else:
        known = ", ".join([*sorted(profiles), SANDBOX_PROFILE])
        where = source.where(f'"{chosen}"') if asked_by == "default_profile" else source.where()
        raise ConfigError(f"{where}: unknown profile {chosen!r} from {asked_by} (known: {known})")

    top = Resolver(source, env)
    keymap = _keymap(top.resolve_tree(doc.get("keymap", {})), source)
    themes_dir = _themes_dir(doc.get("themes_dir"), top, source, env)
    settings = apply_overrides(settings, overrides)
    _check_kafka_properties(settings, overrides, source)
    return LoadedConfig(
        settings=settings,
        warnings=exposure_warnings(source, doc, resolver.secret_files) + _tls_warnings(settings),
        keymap=keymap,
        themes_dir=themes_dir,
        source_path=source.path,
        profiles=tuple(sorted({*profiles, SANDBOX_PROFILE})),
    )


def _check_kafka_properties(
    settings: ConnectionSettings, overrides: Overrides, source: SourceText
) -> None:
    """librdkafka's verdict on the properties, as a usage error that says where they came
    from (`-X` or the profile's kafka table)."""
    problem = kafka_property_problem(settings.kafka)
    if problem is None:
        return
    flagged = {parse_property(p)[0] for p in overrides.properties}
    named = [k for k in settings.kafka if f'"{k}"' in problem or k in problem]
    origin = "-X" if (named and named[0] in flagged) or (not named and flagged) else (
        f"{source.where()}: {settings.profile}.kafka"
    )
    raise ConfigError(f"{origin}: librdkafka rejects a property: {problem}")


def _read_file(config_path: str | None, env: Mapping[str, str]) -> tuple[SourceText, dict]:
    explicit = config_path or env.get("KAFKATUI_CONFIG")
    path = Path(explicit).expanduser() if explicit else default_config_path(env)
    if not path.exists():
        if explicit:
            raise ConfigError(f"config file {path} does not exist")
        return SourceText(None), {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigError(f"cannot read config file {path}: {reason}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    source = SourceText(path, text)
    unknown = sorted(set(doc) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise ConfigError(
            f"{source.where(unknown[0])}: {unknown[0]} is not a known top-level setting "
            f"(known: {', '.join(TOP_LEVEL_KEYS)}; profile settings go under [profiles.NAME])"
        )
    return source, doc


def _choose_profile(
    flag: str | None, env: Mapping[str, str], doc: dict, profiles: dict
) -> tuple[str | None, str]:
    if flag:
        return flag, "--profile"
    if env.get("KAFKATUI_PROFILE"):
        return env["KAFKATUI_PROFILE"], "KAFKATUI_PROFILE"
    default = doc.get("default_profile")
    if default is not None:
        if not isinstance(default, str):
            raise ConfigError("default_profile must be a string")
        return default, "default_profile"
    return ("default" if "default" in profiles else None), "the default"


def _keymap(table: Any, source: SourceText) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f"{source.where('keymap')}: keymap must be a table of id = keys")
    keymap: dict[str, str] = {}
    for binding, keys in table.items():
        if isinstance(keys, list) and all(isinstance(k, str) for k in keys):
            keys = ",".join(keys)
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(
                f"{source.where(binding, 'keymap')}: keymap.{binding} must be a key "
                'string like "ctrl+t" or a list of them'
            )
        keymap[str(binding)] = keys.strip()
    return keymap


def _themes_dir(value: Any, resolver: Resolver, source: SourceText,
                env: Mapping[str, str]) -> Path:
    if value is None:
        return default_themes_dir(env)
    if not isinstance(value, str):
        raise ConfigError(f"{source.where('themes_dir')}: themes_dir must be a path string")
    path = Path(resolver.resolve(value, "themes_dir")).expanduser()
    return path if path.is_absolute() else source.directory / path


def exposure_warnings(source: SourceText, doc: dict, secret_files: list[Path]) -> list[str]:
    """Warn about files holding secrets that group or others can read."""
    exposed: list[Path] = []
    if source.path is not None and _holds_literal_secret(doc):
        exposed.append(source.path)
    exposed.extend(secret_files)
    warnings: list[str] = []
    for path in dict.fromkeys(exposed):
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & 0o044:
            warnings.append(
                f"{path} holds secrets but is readable by group or others "
                f"(mode {mode:04o}): run chmod 600 {path}"
            )
    return warnings


def _tls_warnings(settings: ConnectionSettings) -> list[str]:
    endpoints = [settings.schema_registry, *settings.connect]
    return [
        f"TLS certificate checks are off for {e.name} ({display_url(e.url)}): verify = false"
        for e in endpoints
        if e is not None and not e.verify
    ]


def _holds_literal_secret(value: Any, key: str = "") -> bool:
    """A secret typed into the file itself (not an ${env:}/${file:} reference)."""
    if isinstance(value, dict):
        return any(_holds_literal_secret(v, str(k)) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_literal_secret(v, key) for v in value)
    if not isinstance(value, str) or not value.strip():
        return False
    if is_secret_name(key) and not is_only_references(value):
        return True
    return "@" in value and "://" in value and not has_reference(value) and _url_password(value)


def _url_password(value: str) -> bool:
    try:
        return bool(urlsplit(value).password)
    except ValueError:
        return False
