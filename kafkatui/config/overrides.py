"""Command-line flags, applied on top of the chosen profile."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kafkatui.cluster.guard import is_secret_name
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.config.errors import ConfigError
from kafkatui.config.profiles import FLAGS, Place, connect_endpoints, parse_endpoint
from kafkatui.config.refs import SourceText


@dataclass(frozen=True)
class Overrides:
    """What the global CLI options said; None or empty means "not given"."""

    bootstrap_servers: str | None = None
    schema_registry: str | None = None  # URL; credentials may ride in its userinfo
    connect: tuple[str, ...] = ()  # each "[NAME=]URL"; replaces the profile's list
    properties: tuple[str, ...] = ()  # each "KEY=VALUE" from -X
    read_only: bool | None = None  # can only turn read-only on, never off
    theme: str | None = None

    def __repr__(self) -> str:
        props = [p if not is_secret_name(p.split("=", 1)[0]) else p.split("=", 1)[0] + "=******"
                 for p in self.properties]
        registry = "<set>" if self.schema_registry else None
        connect = f"<{len(self.connect)} endpoints>" if self.connect else "()"
        return (
            f"Overrides(bootstrap_servers={self.bootstrap_servers!r}, schema_registry={registry}, "
            f"connect={connect}, properties={props!r}, read_only={self.read_only}, "
            f"theme={self.theme!r})"
        )

    __str__ = __repr__


def parse_property(text: str) -> tuple[str, str]:
    """'KEY=VALUE' -> (KEY, VALUE). Only the key appears in errors."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        shown = key.strip() if sep else "(no '=')"
        raise ConfigError(f"-X expects KEY=VALUE, got key {shown!r}")
    return key.strip(), value


def parse_connect_flag(text: str) -> str | dict[str, str]:
    """'[NAME=]URL' -> a URL or {name, url}; a '=' inside the URL is not a name separator."""
    name, sep, url = text.partition("=")
    if sep and "/" not in name and ":" not in name and name.strip():
        return {"name": name.strip(), "url": url.strip()}
    return text.strip()


def apply_overrides(settings: ConnectionSettings, overrides: Overrides) -> ConnectionSettings:
    flags = Place(SourceText(None), FLAGS)
    changes: dict[str, object] = {}
    if overrides.bootstrap_servers:
        changes["bootstrap_servers"] = overrides.bootstrap_servers
    if overrides.schema_registry:
        # A bare endpoint: the profile's credentials are not sent to a host named on the fly.
        changes["schema_registry"] = parse_endpoint(
            overrides.schema_registry, flags.child("schema-registry"), "registry",
            settings.timeout_s,
        )
    if overrides.connect:
        changes["connect"] = connect_endpoints(
            [parse_connect_flag(c) for c in overrides.connect], flags.child("connect"),
            settings.timeout_s,
        )
    if overrides.properties:
        changes["kafka"] = {**settings.kafka, **dict(map(parse_property, overrides.properties))}
    if overrides.read_only:
        changes["read_only"] = True
    if overrides.theme:
        changes["theme"] = overrides.theme
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]
