"""REST plumbing shared by the Connect client (and the registry's error translation).

`build_client` is the one place an `httpx.Client` is made from an `HttpEndpoint`: base URL,
timeouts, basic or bearer auth, CA, client certificate and the verify toggle.
`to_error` is the one place httpx failures and HTTP error statuses become kafkatui errors.
Messages name the endpoint by a display URL without userinfo or query, and any known
credential of the endpoint is scrubbed from server text before it is shown.
"""

from __future__ import annotations

import json
import ssl
from typing import Any

import httpx

from kafkatui.cluster.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    KafkaTuiError,
    NotFound,
    RemoteError,
    TimedOut,
    TlsError,
)
from kafkatui.cluster.settings import HttpEndpoint, display_url

_MESSAGE_LIMIT = 300  # server messages can be stack traces: keep the first line, bounded


def ssl_context(endpoint: HttpEndpoint) -> ssl.SSLContext:
    """The TLS context for an endpoint: CA file or system trust, optional client cert."""
    try:
        if not endpoint.verify:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        elif endpoint.ca_file:
            ctx = ssl.create_default_context(cafile=endpoint.ca_file)
        else:
            ctx = httpx.create_ssl_context()
        if endpoint.cert_file:
            ctx.load_cert_chain(certfile=endpoint.cert_file, keyfile=endpoint.key_file)
    except (OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or exc
        raise TlsError(
            f"{endpoint.name}: cannot load TLS files (ca={endpoint.ca_file}, "
            f"cert={endpoint.cert_file}, key={endpoint.key_file}): {reason}"
        ) from None
    return ctx


def build_client(endpoint: HttpEndpoint) -> httpx.Client:
    """An httpx client bound to the endpoint's base URL, auth, TLS and timeout."""
    headers = {"Accept": "application/json"}
    auth: httpx.BasicAuth | None = None
    if endpoint.username:
        auth = httpx.BasicAuth(endpoint.username, endpoint.password or "")
    elif endpoint.bearer_token:
        headers["Authorization"] = f"Bearer {endpoint.bearer_token}"
    if endpoint.url.lower().startswith("https:") or endpoint.cert_file or endpoint.ca_file:
        verify = ssl_context(endpoint)
    else:
        # Plain http never speaks TLS here (redirects are not followed), yet httpx would
        # load the system's CA bundle for it: ~40 ms before the first request. A context
        # with no trust anchors costs nothing and would refuse any TLS peer.
        verify = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return httpx.Client(
        base_url=endpoint.url.rstrip("/"),
        auth=auth,
        headers=headers,
        verify=verify,
        timeout=httpx.Timeout(endpoint.timeout_s),
        follow_redirects=False,  # a redirect would resend credentials to another URL
    )


def to_error(
    problem: httpx.HTTPError | httpx.Response, endpoint: HttpEndpoint, what: str = ""
) -> KafkaTuiError:
    """Translate an httpx exception or an error response into a kafkatui error.

    `what` names the object of the call ("connector orders-sink") for 404s.
    """
    where = f"{endpoint.name} ({display_url(endpoint.url)})"
    if isinstance(problem, httpx.Response):
        return _status_error(problem, endpoint, where, what)
    return transport_error(problem, where, endpoint.timeout_s)


def transport_error(exc: Exception, where: str, timeout_s: float) -> KafkaTuiError:
    """A failure before any HTTP status came back: refused, timed out, TLS, protocol."""
    error = _transport_error(exc, where, timeout_s)
    error.service = "http"
    return error


def _transport_error(exc: Exception, where: str, timeout_s: float) -> ConnectionFailed:
    """Matched by class name, so errors of httpx's successor package (which confluent-kafka's
    registry client prefers when installed) translate the same way."""
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    tls = _tls_cause(exc)
    if tls is not None:
        return TlsError(f"{where}: TLS handshake failed: {tls}{_tls_hint(tls)}")
    if "TimeoutException" in kinds:
        return TimedOut(f"{where}: no answer within {timeout_s:g} s")
    if "RemoteProtocolError" in kinds:
        return ConnectionFailed(
            f"{where}: the server closed the connection without an HTTP answer "
            "(is it a TLS port? use https://)"
        )
    if "ConnectError" in kinds:
        return ConnectionFailed(f"{where}: cannot connect: {_reason(exc)}")
    if kinds & {"ReadError", "WriteError"}:
        # a kept-alive connection whose server went away (crash, restart) breaks this way
        return ConnectionFailed(f"{where}: connection lost: is the server running?")
    if kinds & {"UnsupportedProtocol", "InvalidURL"}:
        return ConnectionFailed(f"{where}: invalid URL: {_reason(exc)}")
    return ConnectionFailed(f"{where}: request failed: {type(exc).__name__}")


def _status_error(
    response: httpx.Response, endpoint: HttpEndpoint, where: str, what: str
) -> KafkaTuiError:
    status = response.status_code
    message = scrub(server_message(response), endpoint)
    if status in (401, 403):
        verb = "rejected the credentials" if status == 401 else "denied access"
        return AuthenticationFailed(f"{where}: HTTP {status}: the server {verb}")
    if status == 404:
        return NotFound(f"{where}: {message or (what or 'resource') + ' not found'}")
    return RemoteError(f"{where}: HTTP {status}" + _tail(message), status=status)


def server_message(response: httpx.Response) -> str:
    """The server's own explanation: JSON `message`/`error`, else the body's first line."""
    try:
        body: Any = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        body = None
    if isinstance(body, dict):
        for key in ("message", "error_message", "error", "detail", "title"):
            if isinstance(body.get(key), str) and body[key].strip():
                return _first_line(body[key])
    try:
        return _first_line(response.text)
    except (UnicodeDecodeError, httpx.ResponseNotRead):
        return ""


def scrub(text: str, endpoint: HttpEndpoint) -> str:
    """Remove the endpoint's own credentials from text, should a server echo them."""
    for secret in (endpoint.password, endpoint.bearer_token):
        if secret:
            text = text.replace(secret, "******")
    return text


def _tail(message: str) -> str:
    return f": {message}" if message else ""


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:_MESSAGE_LIMIT] + ("…" if len(line) > _MESSAGE_LIMIT else "")


def _tls_cause(exc: BaseException) -> str | None:
    """The SSL reason if `exc` (or what caused it) is a TLS failure."""
    seen: BaseException | None = exc
    for _ in range(6):
        if seen is None:
            break
        if isinstance(seen, ssl.SSLError):
            detail = getattr(seen, "verify_message", None) or getattr(seen, "reason", None)
            return str(detail or _first_line(str(seen)) or type(seen).__name__)
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    if "SSL" in text or "CERTIFICATE" in text.upper():
        return _first_line(text)
    return None


def _tls_hint(reason: str) -> str:
    upper = reason.upper()
    if "WRONG_VERSION" in upper:
        return " (is it a plaintext port? use http://)"
    if "CERTIFICATE_REQUIRED" in upper or "HANDSHAKE_FAILURE" in upper:
        return " (does the server want a client certificate? set cert_file and key_file)"
    if "ISSUER" in upper or "SELF SIGNED" in upper or "SELF-SIGNED" in upper:
        return " (set ca_file to the CA that signed the server certificate)"
    if "HOSTNAME" in upper or "IP ADDRESS MISMATCH" in upper:
        return " (the certificate does not name this host)"
    return ""


def _reason(exc: BaseException) -> str:
    """A short cause without URLs (which could carry userinfo)."""
    text = str(exc) or type(exc).__name__
    for marker in (
        "Connection refused",
        "Name or service not known",
        "No route to host",
        "Temporary failure in name resolution",
        "Network is unreachable",
    ):
        if marker in text:
            return marker.lower()
    return _first_line(text.split(" for url ")[0])
