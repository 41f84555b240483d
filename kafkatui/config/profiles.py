"""One resolved `[profiles.NAME]` table -> `ConnectionSettings`.

Unknown keys are errors rather than ignored: a misspelt `read_only` must not leave a
production profile writable without anyone noticing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from kafkatui.cluster.settings import ConnectionSettings, HttpEndpoint
from kafkatui.config.errors import ConfigError
from kafkatui.config.refs import SourceText

PROFILE_KEYS = (
    "bootstrap_servers", "read_only", "theme", "timeout", "schema_registry", "connect", "kafka",
)
ENDPOINT_KEYS = (
    "url", "name", "username", "password", "bearer_token", "token",
    "ca_file", "cert_file", "key_file", "verify", "timeout",
)
DEFAULT_TIMEOUT_S = 10.0


FLAGS = "--"  # the Place key of the command line's flags


@dataclass(frozen=True)
class Place:
    """Where a value came from, for error messages: dotted key and the file."""

    source: SourceText
    key: str
    anchor: str | None = None

    def child(self, key: str) -> Place:
        if self.key == FLAGS:  # a command-line flag: --schema-registry, not --.schema-registry
            return Place(self.source, f"{FLAGS}{key}", self.anchor)
        if self.key.startswith(FLAGS) and key.isdigit():  # the Nth use of a repeated flag
            return Place(self.source, f"{self.key} #{int(key) + 1}", self.anchor)
        return Place(self.source, f"{self.key}.{key}", self.anchor)

    def error(self, problem: str, needle: str | None = None) -> ConfigError:
        last = self.key.rsplit(".", 1)[-1]
        at = self.source.where(needle or last, self.anchor)
        return ConfigError(f"{at}: {self.key} {problem}")


def build_profile(name: str, table: Any, source: SourceText) -> ConnectionSettings:
    place = Place(source, f"profiles.{name}", anchor=f"profiles.{name}")
    if not isinstance(table, dict):
        raise place.error("must be a table", needle=f"profiles.{name}")
    _reject_unknown(table, PROFILE_KEYS, place)
    timeout = _timeout(table.get("timeout"), place.child("timeout"), DEFAULT_TIMEOUT_S)
    registry = table.get("schema_registry")
    return ConnectionSettings(
        profile=name,
        bootstrap_servers=_text(table.get("bootstrap_servers", "localhost:9092"),
                                place.child("bootstrap_servers")),
        kafka=kafka_properties(table.get("kafka", {}), place.child("kafka")),
        schema_registry=(
            None if registry is None
            else parse_endpoint(registry, place.child("schema_registry"), "registry", timeout)
        ),
        connect=connect_endpoints(table.get("connect", []), place.child("connect"), timeout),
        read_only=_flag(table.get("read_only", False), place.child("read_only")),
        theme=None if table.get("theme") is None else _text(table["theme"], place.child("theme")),
        timeout_s=timeout,
    )


def kafka_properties(table: Any, place: Place) -> dict[str, str]:
    """librdkafka properties as strings; unquoted dotted keys (nested tables) are re-joined."""
    if not isinstance(table, dict):
        raise place.error("must be a table of librdkafka properties")
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            for sub, sub_value in kafka_properties(value, place.child(key)).items():
                flat[f"{key}.{sub}"] = sub_value
        elif isinstance(value, bool):
            flat[key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            flat[key] = str(value)
        else:
            raise place.child(key).error("must be a string, number or boolean")
    return flat


def connect_endpoints(value: Any, place: Place, timeout: float) -> tuple[HttpEndpoint, ...]:
    items = value if isinstance(value, list) else [value]
    endpoints = tuple(
        parse_endpoint(item, place.child(str(i)),
                       "default" if len(items) == 1 else f"connect{i + 1}", timeout)
        for i, item in enumerate(items)
    )
    names = [e.name for e in endpoints]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise place.error(f"has duplicate Connect cluster names: {', '.join(duplicates)}")
    return endpoints


def parse_endpoint(value: Any, place: Place, default_name: str, timeout: float) -> HttpEndpoint:
    """A URL string or a table with url, auth and TLS settings."""
    table: Mapping[str, Any] = {"url": value} if isinstance(value, str) else value
    if not isinstance(table, dict):
        raise place.error("must be a URL or a table with a url")
    _reject_unknown(table, ENDPOINT_KEYS, place)
    if "url" not in table:
        raise place.error("needs a url")
    # a bare URL is the value itself: its errors name the setting, not a "url" key
    url_place = place if isinstance(value, str) else place.child("url")
    url, user, password = split_userinfo(_text(table["url"], url_place))
    if not url.lower().startswith(("http://", "https://")):
        raise url_place.error("must start with http:// or https://")
    problem = url_problem(url)
    if problem:
        raise url_place.error(problem)
    username = _optional(table, "username", place) or user
    token = _optional(table, "bearer_token", place) or _optional(table, "token", place)
    if username and token:
        raise place.error("sets both username and a bearer token: choose one")
    return HttpEndpoint(
        url=url,
        name=_optional(table, "name", place) or default_name,
        username=username,
        password=_optional(table, "password", place) or password,
        bearer_token=token,
        ca_file=_path(table, "ca_file", place),
        cert_file=_path(table, "cert_file", place),
        key_file=_path(table, "key_file", place),
        verify=_flag(table.get("verify", True), place.child("verify")),
        timeout_s=_timeout(table.get("timeout"), place.child("timeout"), timeout),
    )


def url_problem(url: str) -> str | None:
    """Why the HTTP client would refuse this URL (bad host or port), or None. Checked when
    settings are loaded, so it is a usage error and not a failure at the first request."""
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        return f"is not a valid URL ({exc})"
    if not parsed.host:
        return "has no host"
    if parsed.port is not None and not 0 < parsed.port < 65536:
        return f"has a port out of range ({parsed.port})"
    return None


def split_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """Move `user:password@` out of a URL so it never shows where the URL does."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip(), None, None
    if "@" not in parts.netloc:
        return url.strip(), None, None
    host = parts.netloc.rsplit("@", 1)[1]
    bare = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return bare, user, password


def _reject_unknown(table: Mapping[str, Any], allowed: tuple[str, ...], place: Place) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise place.child(unknown[0]).error(
            f"is not a known setting (known: {', '.join(allowed)})", needle=unknown[0]
        )


def _text(value: Any, place: Place) -> str:
    if not isinstance(value, str):
        raise place.error("must be a string")
    return value


def _optional(table: Mapping[str, Any], key: str, place: Place) -> str | None:
    value = table.get(key)
    return None if value is None else _text(value, place.child(key))


def _path(table: Mapping[str, Any], key: str, place: Place) -> str | None:
    value = _optional(table, key, place)
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = place.source.directory / path
    return str(path)


def _flag(value: Any, place: Place) -> bool:
    if not isinstance(value, bool):
        raise place.error("must be true or false")
    return value


def _timeout(value: Any, place: Place, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise place.error("must be a number of seconds above 0")
    return float(value)
