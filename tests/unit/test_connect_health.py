"""Pure Connect logic: derived health, status parsing, name checks, HTTP error translation."""

from __future__ import annotations

import ssl

import httpx
import pytest

from kafkatui.cluster.connect import (
    Connect,
    derive_health,
    mask_config,
    parse_status,
    validate_name,
)
from kafkatui.cluster.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    InvalidInput,
    NotFound,
    RemoteError,
    TimedOut,
    TlsError,
)
from kafkatui.cluster.guard import CHANGING_ACTIONS, Guard
from kafkatui.cluster.http import build_client, to_error
from kafkatui.cluster.models import ConnectorHealth as H
from kafkatui.cluster.settings import HttpEndpoint, display_url


@pytest.mark.parametrize(
    ("connector", "tasks", "health"),
    [
        ("RUNNING", ["RUNNING", "RUNNING"], H.HEALTHY),
        ("RUNNING", [], H.HEALTHY),
        ("RUNNING", ["RUNNING", "FAILED"], H.DEGRADED),
        ("RUNNING", ["FAILED", "FAILED"], H.FAILED),
        ("FAILED", [], H.FAILED),
        ("FAILED", ["RUNNING"], H.FAILED),
        ("PAUSED", ["PAUSED"], H.PAUSED),
        ("PAUSED", ["FAILED"], H.PAUSED),
        ("STOPPED", [], H.STOPPED),
        ("RESTARTING", ["RUNNING"], H.RESTARTING),
        ("RUNNING", ["RUNNING", "RESTARTING"], H.RESTARTING),
        ("UNASSIGNED", [], H.UNASSIGNED),
        ("RUNNING", ["UNASSIGNED"], H.UNASSIGNED),
        ("running", ["failed", "running"], H.DEGRADED),
        ("SOMETHING_NEW", ["RUNNING"], H.UNASSIGNED),
        ("RUNNING", ["FAILED", "RESTARTING"], H.DEGRADED),
    ],
)
def test_derived_health(connector: str, tasks: list[str], health: H) -> None:
    assert derive_health(connector, tasks) is health


def test_parse_status_keeps_tasks_traces_and_class() -> None:
    status = {
        "name": "sink",
        "type": "sink",
        "connector": {"state": "RUNNING", "worker_id": "w1:8083"},
        "tasks": [
            {"id": 0, "state": "RUNNING", "worker_id": "w1:8083"},
            {"id": 1, "state": "FAILED", "worker_id": "w2:8083", "trace": "boom\n\tat X"},
        ],
    }
    info = {"config": {"connector.class": "FileStreamSink"}, "type": "sink"}
    parsed = parse_status("main", "sink", status, info)
    assert parsed.health is H.DEGRADED
    assert parsed.connector_class == "FileStreamSink"
    assert parsed.type == "sink"
    assert [t.id for t in parsed.tasks] == [0, 1]
    assert parsed.tasks[1].trace == "boom\n\tat X"
    assert parsed.tasks[0].trace is None


def test_parse_status_without_status_document() -> None:
    parsed = parse_status("main", "new", None, {"type": "source", "config": {}})
    assert parsed.state == "UNASSIGNED"
    assert parsed.health is H.UNASSIGNED
    assert parsed.type == "source"


@pytest.mark.parametrize(
    "name", ["a/b", "..", "x..y", "a?b", "a#b", "a\\b", "tab\there", "nl\n", "", "   "]
)
def test_validate_name_rejects_path_characters(name: str) -> None:
    with pytest.raises(InvalidInput):
        validate_name(name)


@pytest.mark.parametrize(
    ("name", "quoted"),
    [("orders-sink", "orders-sink"), ("a b", "a%20b"), ("x%y", "x%25y"), ("é.v1", "%C3%A9.v1")],
)
def test_validate_name_quotes(name: str, quoted: str) -> None:
    assert validate_name(name) == quoted


def test_invalid_name_refused_before_any_request(tmp_path) -> None:
    # The endpoint is unroutable; InvalidInput (not ConnectionFailed) proves no request was made.
    guard = Guard(audit_path=tmp_path / "audit.jsonl")
    connect = Connect([HttpEndpoint(url="http://192.0.2.1:9", name="x", timeout_s=0.1)], guard)
    with pytest.raises(InvalidInput):
        connect.pause("x", "../admin")
    with pytest.raises(InvalidInput):
        connect.config("x", "a/b")


def test_unknown_cluster_lists_known(tmp_path) -> None:
    connect = Connect([HttpEndpoint(url="http://h:1", name="main")], Guard(audit_path=None))
    with pytest.raises(NotFound, match="known: main"):
        connect.list("other")


def test_every_changing_connect_method_is_guarded(tmp_path) -> None:
    guard = Guard(read_only=True, audit_path=None)
    connect = Connect([HttpEndpoint(url="http://192.0.2.1:9", name="x")], guard)
    calls = {
        "connector.create": lambda: connect.create("x", "n", {}),
        "connector.delete": lambda: connect.delete("x", "n"),
        "connector.pause": lambda: connect.pause("x", "n"),
        "connector.resume": lambda: connect.resume("x", "n"),
        "connector.stop": lambda: connect.stop("x", "n"),
        "connector.restart": lambda: connect.restart("x", "n", include_tasks=True),
        "connector.restart_task": lambda: connect.restart_task("x", "n", 0),
        "connector.reset_offsets": lambda: connect.reset_offsets("x", "n"),
        "connector.alter_offsets": lambda: connect.alter_offsets("x", "n", []),
    }
    assert set(calls) <= set(CHANGING_ACTIONS)
    from kafkatui.cluster.errors import ReadOnlyError

    for action, call in calls.items():
        with pytest.raises(ReadOnlyError, match=action):
            call()


def test_mask_config_hides_secret_values() -> None:
    masked = mask_config({"connection.password": "hunter2", "topic": "t", "tasks.max": 1})
    assert masked == {"connection.password": "******", "topic": "t", "tasks.max": "1"}


# ---- http.py -------------------------------------------------------------------------
ENDPOINT = HttpEndpoint(
    url="https://connect:8083", name="main", username="ops", password="s3cret-pw", timeout_s=4
)


def _response(status: int, body: object = None, text: str | None = None) -> httpx.Response:
    request = httpx.Request("GET", "https://connect:8083/connectors")
    if text is not None:
        return httpx.Response(status, text=text, request=request)
    return httpx.Response(status, json=body, request=request)


def test_display_url_strips_userinfo_and_query() -> None:
    assert display_url("https://ops:pw@sr:8081/apis/ccompat/v7?token=x") == (
        "https://sr:8081/apis/ccompat/v7"
    )
    assert "pw" not in display_url("http://u:pw@[::1]:80/")


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, AuthenticationFailed),
        (403, AuthenticationFailed),
        (404, NotFound),
        (409, RemoteError),
        (500, RemoteError),
        (400, RemoteError),
    ],
)
def test_status_translation(status: int, error: type) -> None:
    err = to_error(_response(status, {"error_code": status, "message": "nope"}), ENDPOINT, "x")
    assert type(err) is error
    assert "main" in str(err)


def test_remote_error_carries_server_message_without_secret() -> None:
    body = {"error_code": 400, "message": "Connector config has password s3cret-pw\nat line 2"}
    err = to_error(_response(400, body), ENDPOINT)
    assert isinstance(err, RemoteError) and err.status == 400
    assert "Connector config has password ******" in str(err)
    assert "s3cret-pw" not in str(err) and "at line 2" not in str(err)


def test_plain_text_error_body() -> None:
    err = to_error(_response(502, text="Bad gateway\n<html>"), ENDPOINT)
    assert str(err).endswith("HTTP 502: Bad gateway")


def test_transport_translation() -> None:
    request = httpx.Request("GET", "https://ops:s3cret-pw@connect:8083/")
    refused = httpx.ConnectError("[Errno 111] Connection refused", request=request)
    assert type(to_error(refused, ENDPOINT)) is ConnectionFailed
    assert "connection refused" in str(to_error(refused, ENDPOINT))
    assert type(to_error(httpx.ReadTimeout("t", request=request), ENDPOINT)) is TimedOut
    assert "4 s" in str(to_error(httpx.ConnectTimeout("t", request=request), ENDPOINT))
    tls = httpx.ConnectError("handshake", request=request)
    tls.__cause__ = ssl.SSLCertVerificationError(1, "certificate verify failed")
    assert isinstance(to_error(tls, ENDPOINT), TlsError)
    closed = httpx.RemoteProtocolError("Server disconnected", request=request)
    assert "TLS port" in str(to_error(closed, ENDPOINT))
    for problem in (refused, tls, closed):
        assert "s3cret-pw" not in str(to_error(problem, ENDPOINT))


def test_build_client_settings(tmp_path) -> None:
    client = build_client(
        HttpEndpoint(url="http://h:8083/", name="n", bearer_token="tok", timeout_s=3)
    )
    assert str(client.base_url) == "http://h:8083"
    assert client.headers["Authorization"] == "Bearer tok"
    assert client.timeout.connect == 3 and client.timeout.read == 3
    basic = build_client(ENDPOINT)
    assert isinstance(basic.auth, httpx.BasicAuth)


def test_plain_http_client_skips_the_ca_bundle_and_trusts_no_tls_peer() -> None:
    client = build_client(HttpEndpoint(url="http://h:8081", name="n"))
    context = client._transport._pool._ssl_context  # httpx keeps it there
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0  # fails closed if TLS ever came up


def test_build_client_unreadable_ca_is_a_tls_error(tmp_path) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(TlsError, match=r"nope\.pem"):
        build_client(HttpEndpoint(url="https://h:1", ca_file=str(missing)))


def test_repr_of_endpoint_hides_secrets() -> None:
    text = repr(ENDPOINT) + repr(HttpEndpoint(url="http://h", bearer_token="tok-123"))
    assert "s3cret-pw" not in text and "tok-123" not in text
