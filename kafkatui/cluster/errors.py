"""Typed errors with messages an operator can act on.

Every error carries the CLI exit code it maps to (docs/cli.md, exit codes), so the CLI and
the TUI share one translation. Messages never contain secrets: build them from
hosts, names and reasons only.
"""

from __future__ import annotations


class KafkaTuiError(Exception):
    """Base class: `str(err)` is a one-line message fit to show a user."""

    exit_code = 1


class UsageError(KafkaTuiError):
    """The user asked for something malformed (bad option, bad value)."""

    exit_code = 2


class InvalidInput(UsageError):
    """A value given in a dialog or on the command line cannot be used."""


class ConnectionFailed(KafkaTuiError):
    """A broker, Connect or registry endpoint could not be reached.

    `service` says which: "kafka" (the brokers) or "http" (Connect, the registry), so
    a front end can tell "the cluster is down" from "one REST service is down".
    """

    exit_code = 3
    service = "kafka"


class CoordinatorMoved(ConnectionFailed):
    """A consumer group's coordinator did not answer: its broker is down, or the group
    moved to another broker. The rest of the cluster may well answer; asking again
    finds the new coordinator."""


class AuthenticationFailed(ConnectionFailed):
    """Credentials were rejected (SASL, TLS client certificate, HTTP 401/403)."""


class TlsError(ConnectionFailed):
    """The TLS handshake failed: untrusted CA, wrong host name, plaintext on a TLS port."""


class TimedOut(ConnectionFailed):
    """A call got no answer within its timeout."""


class Refused(KafkaTuiError):
    """The action is unsafe now (for example a reset on a group with active members)."""

    exit_code = 4


class ReadOnlyError(Refused):
    """A changing action was attempted while read-only mode is on."""

    def __init__(self, action: str) -> None:
        super().__init__(f"read-only: {action} is disabled (this profile is read-only)")
        self.action = action


class NotFound(KafkaTuiError, LookupError):
    """The topic, group, connector, subject or schema does not exist. A LookupError, so
    code below the cluster layer (the decoders' schema lookup) can tell it apart."""


class RemoteError(KafkaTuiError):
    """A server answered with an error (Kafka error code, HTTP 4xx/5xx)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class NotAvailable(KafkaTuiError):
    """A view needs an API this connection cannot use (for example the admin APIs
    librdkafka lacks, with an authentication kafka-python is not set up for here)."""
