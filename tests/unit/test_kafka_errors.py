"""librdkafka errors become the kafkatui error an operator can act on. No network."""

from __future__ import annotations

import pytest
from confluent_kafka import KafkaError

from kafkatui.cluster.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    InvalidInput,
    NotFound,
    Refused,
    RemoteError,
    TimedOut,
    TlsError,
)
from kafkatui.cluster.kafka_errors import translate

BOOT = "k1:9092"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (KafkaError._AUTHENTICATION, AuthenticationFailed),
        (KafkaError.SASL_AUTHENTICATION_FAILED, AuthenticationFailed),
        (KafkaError._SSL, TlsError),
        (KafkaError._TRANSPORT, ConnectionFailed),
        (KafkaError._ALL_BROKERS_DOWN, ConnectionFailed),
        (KafkaError._RESOLVE, ConnectionFailed),
        (KafkaError._TIMED_OUT, TimedOut),
        (KafkaError.UNKNOWN_TOPIC_OR_PART, NotFound),
        (KafkaError.GROUP_ID_NOT_FOUND, NotFound),
        (KafkaError.TOPIC_ALREADY_EXISTS, InvalidInput),
        (KafkaError.INVALID_PARTITIONS, InvalidInput),
        (KafkaError.NON_EMPTY_GROUP, Refused),
        (KafkaError.UNKNOWN_MEMBER_ID, Refused),
        (KafkaError.TOPIC_AUTHORIZATION_FAILED, RemoteError),
        (KafkaError.NOT_CONTROLLER, RemoteError),
    ],
)
def test_codes_map_to_error_classes(code: int, expected: type) -> None:
    err = translate(KafkaError(code, "reason"), "doing x", BOOT)
    assert type(err) is expected
    assert "reason" in str(err) or code == KafkaError.SECURITY_DISABLED


def test_a_timeout_is_explained_by_the_last_connection_error() -> None:
    auth = KafkaError(KafkaError._AUTHENTICATION, "SASL authentication error: invalid credentials")
    err = translate(KafkaError(KafkaError._TIMED_OUT, "Timed out"), "listing", BOOT, auth)
    assert isinstance(err, AuthenticationFailed)
    assert (
        str(err)
        == f"authentication failed at {BOOT}: SASL authentication error: invalid credentials"
    )

    down = KafkaError(KafkaError._ALL_BROKERS_DOWN, "1/1 brokers are down")
    err = translate(KafkaError(KafkaError._TIMED_OUT, "Timed out"), "listing", BOOT, down)
    assert type(err) is ConnectionFailed and err.exit_code == 3


def test_ssl_trouble_reported_as_transport_is_a_tls_error() -> None:
    text = "SSL handshake failed: certificate verify failed"
    assert isinstance(translate(KafkaError(KafkaError._TRANSPORT, text), "x", BOOT), TlsError)


def test_no_authorizer_has_a_clear_message() -> None:
    err = translate(
        KafkaError(KafkaError.SECURITY_DISABLED, "Security features are disabled"), "x", BOOT
    )
    assert str(err) == "ACLs are not enabled on this cluster (no authorizer)"


def test_secrets_are_scrubbed_from_messages() -> None:
    err = translate(
        KafkaError(KafkaError._AUTHENTICATION, "bad password hunter2 for ops"),
        "x",
        BOOT,
        scrub=lambda s: s.replace("hunter2", "******"),
    )
    assert "hunter2" not in str(err) and "******" in str(err)
