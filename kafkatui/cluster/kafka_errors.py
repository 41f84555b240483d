"""Kafka errors translated to kafkatui's typed errors: the one place to look.

librdkafka reports failures as KafkaError codes (inside KafkaException, in futures, in
error callbacks); `translate` turns one into the KafkaTuiError a person can act on,
with the exit code it maps to (docs/cli.md). The admin client and the tail use it.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable

from confluent_kafka import KafkaError, KafkaException

from kafkatui.cluster.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    InvalidInput,
    KafkaTuiError,
    NotFound,
    Refused,
    RemoteError,
    TimedOut,
    TlsError,
)

AUTH_CODES = {KafkaError._AUTHENTICATION, KafkaError.SASL_AUTHENTICATION_FAILED}
TLS_CODES = {KafkaError._SSL}
UNREACHABLE_CODES = {KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN, KafkaError._RESOLVE}
TIMEOUT_CODES = {KafkaError._TIMED_OUT, KafkaError.REQUEST_TIMED_OUT, KafkaError._MSG_TIMED_OUT}
#: errors reported through error_cb that explain why requests hang
CONNECTION_ERRORS = AUTH_CODES | TLS_CODES | UNREACHABLE_CODES
_NOT_FOUND_CODES = {
    KafkaError.UNKNOWN_TOPIC_OR_PART,
    KafkaError._UNKNOWN_TOPIC,
    KafkaError._UNKNOWN_PARTITION,
    KafkaError.GROUP_ID_NOT_FOUND,
    KafkaError.UNKNOWN_TOPIC_ID,
    KafkaError.RESOURCE_NOT_FOUND,
}
_INVALID_CODES = {
    KafkaError.TOPIC_ALREADY_EXISTS,
    KafkaError.INVALID_PARTITIONS,
    KafkaError.INVALID_REPLICATION_FACTOR,
    KafkaError.INVALID_REPLICA_ASSIGNMENT,
    KafkaError.INVALID_CONFIG,
    KafkaError.TOPIC_EXCEPTION,
    KafkaError.POLICY_VIOLATION,
    KafkaError.INVALID_REQUEST,
    KafkaError.INVALID_GROUP_ID,
    KafkaError._INVALID_ARG,
}
#: the broker refuses because the group is in use
_REFUSED_CODES = {
    KafkaError.NON_EMPTY_GROUP,
    KafkaError.UNKNOWN_MEMBER_ID,
    KafkaError.GROUP_SUBSCRIBED_TO_TOPIC,
    KafkaError.REBALANCE_IN_PROGRESS,
}
_AUTHORIZATION_CODES = {
    KafkaError.TOPIC_AUTHORIZATION_FAILED,
    KafkaError.GROUP_AUTHORIZATION_FAILED,
    KafkaError.CLUSTER_AUTHORIZATION_FAILED,
    KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
}


def kafka_error(exc: BaseException | KafkaError) -> KafkaError | None:
    """The KafkaError behind a failure; a wait that ran out counts as a timeout."""
    err = kafka_error_of(exc)
    if err is None and isinstance(exc, concurrent.futures.TimeoutError | TimeoutError):
        return KafkaError(KafkaError._TIMED_OUT, "no answer")
    return err


def code_of(exc: BaseException) -> int | None:
    """The KafkaError code of a failed future."""
    err = kafka_error(exc)
    return None if err is None else int(err.code())


def _is_tls_text(text: str) -> bool:
    lowered = text.lower()
    return "ssl" in lowered or "certificate" in lowered or "handshake" in lowered


def translate(
    err: KafkaError,
    what: str,
    bootstrap: str,
    connection_error: KafkaError | None = None,
    scrub: Callable[[str], str] = lambda s: s,
) -> KafkaTuiError:
    """Map a librdkafka error to the kafkatui error an operator can act on.

    `connection_error` is the last error librdkafka reported through error_cb; it explains
    a timeout or transport failure (wrong password, bad certificate, nobody listening).
    """
    code = err.code()
    reason = scrub(err.str())
    if code in TIMEOUT_CODES | UNREACHABLE_CODES and connection_error is not None:
        code, reason = connection_error.code(), scrub(connection_error.str())
    if code in AUTH_CODES:
        return AuthenticationFailed(f"authentication failed at {bootstrap}: {reason}")
    if code in TLS_CODES or (code == KafkaError._TRANSPORT and _is_tls_text(reason)):
        return TlsError(f"TLS handshake with {bootstrap} failed: {reason}")
    if code in UNREACHABLE_CODES:
        return ConnectionFailed(f"cannot connect to Kafka at {bootstrap}: {reason}")
    if code in TIMEOUT_CODES:
        return TimedOut(f"{what}: Kafka at {bootstrap} did not answer in time ({reason})")
    if code in _NOT_FOUND_CODES:
        return NotFound(f"{what}: {reason}")
    if code in _INVALID_CODES:
        return InvalidInput(f"{what}: {reason}")
    if code in _REFUSED_CODES:
        return Refused(f"{what}: {reason}")
    if code in _AUTHORIZATION_CODES:
        return RemoteError(f"{what}: not authorized ({reason})")
    if code == KafkaError.SECURITY_DISABLED:
        return RemoteError("ACLs are not enabled on this cluster (no authorizer)")
    return RemoteError(f"{what}: {reason}")


def kafka_error_of(exc: BaseException | KafkaError) -> KafkaError | None:
    """The KafkaError inside a KafkaException (or None for other exceptions)."""
    if isinstance(exc, KafkaException) and exc.args and isinstance(exc.args[0], KafkaError):
        return exc.args[0]
    if isinstance(exc, KafkaError):
        return exc
    return None
