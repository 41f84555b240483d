"""What the cluster layer needs to connect: resolved values, no file parsing here.

`kafkatui.config` turns a TOML profile (with ${env:}/${file:} references) into these.
`repr()` of anything holding a secret masks it, so a settings object can be logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from kafkatui.cluster.guard import is_secret_name


@dataclass(frozen=True)
class HttpEndpoint:
    """A REST endpoint (Connect cluster or schema registry) with its auth and TLS."""

    url: str
    name: str = "default"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    bearer_token: str | None = field(default=None, repr=False)
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    verify: bool = True
    timeout_s: float = 10.0


@dataclass(frozen=True)
class ConnectionSettings:
    profile: str = "default"
    bootstrap_servers: str = "localhost:9092"
    kafka: dict[str, str] = field(default_factory=dict)  # librdkafka properties, passed through
    schema_registry: HttpEndpoint | None = None
    connect: tuple[HttpEndpoint, ...] = ()
    read_only: bool = False
    theme: str | None = None
    timeout_s: float = 10.0  # an unreachable cluster fails in about this long

    def __repr__(self) -> str:
        kafka = {k: ("******" if is_secret_name(k) else v) for k, v in self.kafka.items()}
        return (
            f"ConnectionSettings(profile={self.profile!r}, bootstrap_servers="
            f"{self.bootstrap_servers!r}, kafka={kafka!r}, schema_registry="
            f"{self.schema_registry!r}, connect={self.connect!r}, read_only={self.read_only})"
        )

    __str__ = __repr__

    def librdkafka(self, **extra: str | int | float | bool) -> dict[str, object]:
        """Base librdkafka config for any client of this connection."""
        conf: dict[str, object] = {
            "bootstrap.servers": self.bootstrap_servers,
            "socket.timeout.ms": int(self.timeout_s * 1000),
            "socket.connection.setup.timeout.ms": int(self.timeout_s * 1000),
        }
        conf.update(self.kafka)
        conf.update(extra)
        return conf


def display_url(url: str) -> str:
    """`url` without userinfo, query or fragment: safe to put in a message."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid url>"
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def kafka_property_problem(properties: dict[str, str]) -> str | None:
    """What librdkafka says is wrong with these properties (unknown name, bad value, a
    file it cannot read), or None. Asked once when settings are loaded, so a typo is a
    usage error naming the property instead of a failure deep inside the first client.
    Values of secret properties are masked in the answer."""
    if not properties:
        return None
    from confluent_kafka import KafkaException, Producer

    # Names and values only: files (a CA, a key) are read when a client is made, and a
    # config may name files of another machine; that error comes with the first client.
    conf: dict[str, object] = {
        k: v for k, v in properties.items()
        if k != "bootstrap.servers" and not k.endswith(_FILE_SUFFIXES)
    }  # fmt: skip
    conf["logger"] = _SILENT
    try:
        Producer(conf)  # builds the config and connects to nothing: no brokers are given
    except KafkaException as exc:
        text = str(exc.args[0].str() if exc.args else exc)
    except (TypeError, ValueError) as exc:
        text = str(exc)
    else:
        return None
    for key, value in properties.items():
        if is_secret_name(key) and value:
            text = text.replace(value, "******")
    return text


_FILE_SUFFIXES = (".location", ".keytab")


class _SilentLogger:
    """librdkafka logs through this instead of stderr while properties are checked."""

    def log(self, *_args: object, **_kwargs: object) -> None:
        return None


_SILENT = _SilentLogger()
