"""librdkafka properties -> kafka-python keywords: one case per property that matters."""

from __future__ import annotations

import ssl

import pytest

from kafkatui.cluster.connection import NotTranslatable, kafka_python_config
from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.settings import ConnectionSettings


def conf(**kafka: str) -> dict:
    props = {k.replace("_", "."): v for k, v in kafka.items()}
    return kafka_python_config(
        ConnectionSettings(bootstrap_servers="k1:9092, k2:9093", kafka=props, timeout_s=7.0)
    )


def test_plaintext_by_default_with_every_server_and_the_timeouts() -> None:
    c = conf()
    assert c["security_protocol"] == "PLAINTEXT"
    assert c["bootstrap_servers"] == ["k1:9092", "k2:9093"]
    assert c["request_timeout_ms"] == 7000
    assert c["bootstrap_timeout_ms"] == 7000
    assert "sasl_mechanism" not in c


@pytest.mark.parametrize("protocol", ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL", "ssl"])
def test_each_security_protocol(protocol: str) -> None:
    kafka = {"security.protocol": protocol}
    if protocol.upper().startswith("SASL"):
        kafka["sasl.mechanism"] = "PLAIN"
    c = kafka_python_config(ConnectionSettings(kafka=kafka))
    assert c["security_protocol"] == protocol.upper()


def test_an_unknown_protocol_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match=r"security\.protocol"):
        conf(security_protocol="TLS")


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "scram-sha-512"])
def test_each_sasl_mechanism_with_username_and_password(mechanism: str) -> None:
    c = kafka_python_config(
        ConnectionSettings(
            kafka={
                "security.protocol": "SASL_SSL",
                "sasl.mechanism": mechanism,
                "sasl.username": "ops",
                "sasl.password": "S3cret-Value",
            }
        )
    )
    assert c["sasl_mechanism"] == mechanism.upper()
    assert c["sasl_plain_username"] == "ops"
    assert c["sasl_plain_password"] == "S3cret-Value"  # case kept


def test_the_old_plural_sasl_mechanisms_spelling() -> None:
    c = kafka_python_config(
        ConnectionSettings(
            kafka={"security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": "SCRAM-SHA-256"}
        )
    )
    assert c["sasl_mechanism"] == "SCRAM-SHA-256"


@pytest.mark.parametrize(
    "kafka",
    [
        {"security.protocol": "SASL_SSL", "sasl.mechanism": "OAUTHBEARER"},
        {"security.protocol": "SASL_SSL", "sasl.mechanism": "GSSAPI"},
        {"security.protocol": "SASL_SSL"},  # librdkafka's default mechanism is GSSAPI
        {"sasl.mechanism": "PLAIN", "sasl.oauthbearer.method": "oidc"},
        {"security.protocol": "SSL", "ssl.keystore.location": "/k.p12"},
        {"security.protocol": "SSL", "ssl.certificate.pem": "-----BEGIN"},
    ],
)
def test_what_kafka_python_cannot_do_alike_is_not_translatable(kafka: dict) -> None:
    with pytest.raises(NotTranslatable, match="not available with this authentication"):
        kafka_python_config(ConnectionSettings(kafka=kafka))


def test_an_unknown_sasl_mechanism_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match=r"sasl\.mechanism"):
        conf(security_protocol="SASL_SSL", sasl_mechanism="DIGEST")


def test_tls_files() -> None:
    c = kafka_python_config(
        ConnectionSettings(
            kafka={
                "security.protocol": "SSL",
                "ssl.ca.location": "/etc/ca.pem",
                "ssl.certificate.location": "/etc/client.pem",
                "ssl.key.location": "/etc/client.key",
                "ssl.key.password": "keypw",
            }
        )
    )
    assert c["ssl_cafile"] == "/etc/ca.pem"
    assert c["ssl_certfile"] == "/etc/client.pem"
    assert c["ssl_keyfile"] == "/etc/client.key"
    assert c["ssl_password"] == "keypw"
    assert "ssl_check_hostname" not in c  # kafka-python checks host names, as librdkafka does


def test_host_name_check_follows_endpoint_identification() -> None:
    assert conf(ssl_endpoint_identification_algorithm="none")["ssl_check_hostname"] is False
    assert conf(ssl_endpoint_identification_algorithm="https")["ssl_check_hostname"] is True


def test_certificate_verification_off_gives_a_context_that_does_not_verify() -> None:
    ctx = conf(security_protocol="SSL", enable_ssl_certificate_verification="false")["ssl_context"]
    assert isinstance(ctx, ssl.SSLContext)
    assert ctx.verify_mode == ssl.CERT_NONE
    assert ctx.check_hostname is False
    with pytest.raises(InvalidInput, match="true or false"):
        conf(enable_ssl_certificate_verification="maybe")


def test_librdkafka_tuning_properties_are_ignored() -> None:
    c = conf(linger_ms="5", fetch_wait_max_ms="100", client_id="ops-box")
    assert c["client_id"] == "ops-box"
    assert not any("linger" in k or "fetch" in k for k in c)


def test_no_bootstrap_servers() -> None:
    with pytest.raises(InvalidInput, match="bootstrap"):
        kafka_python_config(ConnectionSettings(bootstrap_servers=" , "))


def test_every_keyword_is_one_kafka_python_accepts() -> None:
    from kafka.admin import KafkaAdminClient

    c = kafka_python_config(
        ConnectionSettings(
            kafka={
                "security.protocol": "SASL_SSL",
                "sasl.mechanism": "SCRAM-SHA-512",
                "sasl.username": "u",
                "sasl.password": "p",
                "ssl.ca.location": "/ca",
                "ssl.certificate.location": "/c",
                "ssl.key.location": "/k",
                "ssl.key.password": "kp",
                "ssl.crl.location": "/crl",
                "ssl.endpoint.identification.algorithm": "none",
                "client.id": "x",
            }
        )
    )
    assert set(c) <= set(KafkaAdminClient.DEFAULT_CONFIG)
