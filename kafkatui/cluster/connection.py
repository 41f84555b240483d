"""The one translation of a profile's librdkafka properties into kafka-python's keywords.

kafkatui talks to Kafka through confluent-kafka (librdkafka), and through kafka-python
only for the admin APIs librdkafka lacks (see deep_admin). Users write librdkafka
properties once; this module turns them into what kafka-python's KafkaAdminClient takes,
so both clients connect the same way. A setting kafka-python cannot honour the same way
(OAUTHBEARER, GSSAPI, PKCS#12 keystores, PEM given inline) makes the whole translation
`NotTranslatable`: those views then say "not available with this authentication", and
nothing is tried half-configured.
"""

from __future__ import annotations

import ssl
from typing import Any

from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.settings import ConnectionSettings

_PROTOCOLS = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}
_MECHANISMS = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}
_UNTRANSLATABLE_MECHANISMS = {"OAUTHBEARER", "GSSAPI"}
#: librdkafka properties that decide how to authenticate and have no kafka-python twin here
_UNTRANSLATABLE_PREFIXES = (
    "sasl.oauthbearer.",
    "sasl.kerberos.",
    "ssl.keystore.",
    "ssl.certificate.pem",
    "ssl.key.pem",
    "ssl_engine",
    "ssl.engine.",
)
#: how each simple property is spelled in kafka-python
_RENAMED = {
    "ssl.ca.location": "ssl_cafile",
    "ssl.certificate.location": "ssl_certfile",
    "ssl.key.location": "ssl_keyfile",
    "ssl.key.password": "ssl_password",
    "ssl.crl.location": "ssl_crlfile",
    "sasl.username": "sasl_plain_username",
    "sasl.password": "sasl_plain_password",
    "client.id": "client_id",
}


class NotTranslatable(Exception):
    """The profile authenticates in a way kafka-python is not set up for here."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"not available with this authentication ({reason})")
        self.reason = reason


def _flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise InvalidInput(f"{name} must be true or false, not {value!r}")


def _servers(bootstrap: str) -> list[str]:
    servers = [s.strip() for s in bootstrap.split(",") if s.strip()]
    if not servers:
        raise InvalidInput("no bootstrap servers given")
    return servers


def kafka_python_config(settings: ConnectionSettings) -> dict[str, Any]:
    """KafkaAdminClient keyword arguments equivalent to the settings' librdkafka properties.

    Raises NotTranslatable for authentication kafka-python cannot do like librdkafka,
    and InvalidInput for a value librdkafka would reject too.
    """
    props = {k.strip().lower(): str(v) for k, v in settings.kafka.items()}
    for name in props:
        if name.startswith(_UNTRANSLATABLE_PREFIXES):
            raise NotTranslatable(name)
    timeout_ms = int(settings.timeout_s * 1000)
    conf: dict[str, Any] = {
        "bootstrap_servers": _servers(settings.bootstrap_servers),
        "client_id": "kafkatui",
        "request_timeout_ms": timeout_ms,
        "bootstrap_timeout_ms": timeout_ms,
        "reconnect_backoff_max_ms": 1000,
    }
    protocol = props.get("security.protocol", "PLAINTEXT").upper()
    if protocol not in _PROTOCOLS:
        raise InvalidInput(f"security.protocol {protocol!r} is not one of {sorted(_PROTOCOLS)}")
    conf["security_protocol"] = protocol
    if protocol.startswith("SASL"):
        mechanism = props.get("sasl.mechanism", props.get("sasl.mechanisms", "GSSAPI")).upper()
        if mechanism in _UNTRANSLATABLE_MECHANISMS:
            raise NotTranslatable(f"sasl.mechanism {mechanism}")
        if mechanism not in _MECHANISMS:
            raise InvalidInput(f"sasl.mechanism {mechanism!r} is not one of {sorted(_MECHANISMS)}")
        conf["sasl_mechanism"] = mechanism
    for name, keyword in _RENAMED.items():
        if props.get(name):
            conf[keyword] = settings.kafka.get(name, props[name])  # values keep their case
    if "ssl.endpoint.identification.algorithm" in props:
        conf["ssl_check_hostname"] = props["ssl.endpoint.identification.algorithm"] == "https"
    if "ssl.ca.pem" in props:
        conf["ssl_context"] = _context(conf, cadata=props["ssl.ca.pem"])
    verify = props.get("enable.ssl.certificate.verification")
    if verify is not None and not _flag("enable.ssl.certificate.verification", verify):
        conf["ssl_context"] = _context(conf, verify=False)
    return conf


def _context(conf: dict[str, Any], *, verify: bool = True, cadata: str | None = None) -> Any:
    """An SSLContext for what kafka-python's own keywords cannot say (no verification, a
    CA given inline); the client certificate, if any, is loaded into it as well."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if verify:
        ctx.check_hostname = conf.get("ssl_check_hostname", True)
        if cadata:
            ctx.load_verify_locations(cadata=cadata)
        else:
            ctx.load_default_certs()
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if conf.get("ssl_certfile"):
        try:
            ctx.load_cert_chain(
                conf["ssl_certfile"], conf.get("ssl_keyfile"), conf.get("ssl_password")
            )
        except (OSError, ssl.SSLError) as exc:
            reason = exc.strerror or exc
            raise InvalidInput(f"cannot load the client certificate: {reason}") from exc
    return ctx
