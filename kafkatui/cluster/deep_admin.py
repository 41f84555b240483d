"""The admin APIs librdkafka lacks, through kafka-python's KafkaAdminClient.

confluent-kafka stays the client for everything else. kafka-python is used only for
DescribeLogDirs, DescribeQuorum, ListTransactions/DescribeTransactions/DescribeProducers,
WriteTxnMarkers (abort), ListPartitionReassignments and OffsetDelete, for OffsetFetch,
which librdkafka's admin client crashes on (see group_offsets), and for DescribeConfigs
naming its keys, which confluent-kafka cannot ask (see named_configs). This module owns
that one client: it is built on first use from the same settings (see connection), every
call runs on a thread of its own and is awaited with a timeout (kafka-python blocks
without one), and its errors become kafkatui errors with secrets scrubbed.

kafka-python logs its whole configuration, password included, at DEBUG when a client
starts; its loggers are therefore cut off from the application's handlers here.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from kafkatui.cluster.connection import NotTranslatable, kafka_python_config
from kafkatui.cluster.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    CoordinatorMoved,
    InvalidInput,
    KafkaTuiError,
    NotAvailable,
    NotFound,
    Refused,
    RemoteError,
    TimedOut,
    TlsError,
)
from kafkatui.cluster.guard import is_secret_name
from kafkatui.cluster.settings import ConnectionSettings

if TYPE_CHECKING:
    from kafka.admin import KafkaAdminClient

T = TypeVar("T")
#: after a connection failure, calls fail at once for this long instead of each waiting
#: out its timeout (the topic list asks for sizes once per chunk)
DOWN_FOR_S = 15.0

_KAFKA_PYTHON_LOG = logging.getLogger("kafka")
_KAFKA_PYTHON_LOG.propagate = False  # it logs the password at DEBUG: never let it through
_KAFKA_PYTHON_LOG.addHandler(logging.NullHandler())

_NOT_FOUND = {
    "UnknownTopicOrPartitionError",
    "GroupIdNotFoundError",
    "TransactionalIdNotFoundError",
}
_REFUSED = {"NonEmptyGroupError", "GroupSubscribedToTopicError", "RebalanceInProgressError"}
_INVALID = {"InvalidTopicError", "InvalidGroupIdError", "InvalidProducerEpochError"}
#: a request to one broker failed (its connection closed under it: `Cancelled`), or a
#: group's coordinator moved: that broker, not the cluster, is unreachable
_COORDINATOR_MOVED = {
    "Cancelled",
    "NotCoordinatorError",
    "CoordinatorNotAvailableError",
    "CoordinatorLoadInProgressError",
}
_UNREACHABLE = {
    "KafkaTimeoutError",
    "NoBrokersAvailable",
    "KafkaConnectionError",
    "NodeNotReadyError",
}


class DeepAdmin:
    """One kafka-python KafkaAdminClient for one set of connection settings, built lazily."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self.timeout_s = settings.timeout_s
        self._lock = threading.Lock()
        self._client: KafkaAdminClient | None = None
        self._closed = False
        self._secrets = [v for k, v in settings.kafka.items() if is_secret_name(k) and v]
        self._conf: dict[str, Any] | None = None
        self._down: tuple[float, ConnectionFailed] | None = None
        self.unavailable: str | None = None  # why these APIs cannot be used, if so
        try:
            self._conf = kafka_python_config(settings)
        except NotTranslatable as exc:
            self.unavailable = str(exc)
        except KafkaTuiError as exc:
            self.unavailable = f"not available: {exc}"

    # ---- calling -----------------------------------------------------------------------
    def call(self, what: str, fn: Callable[[KafkaAdminClient], T]) -> T:
        """Run `fn(client)` on a thread of its own and wait at most the call's timeout.

        A call that does not come back in time leaves its thread behind (kafka-python has
        no way to cancel it) and drops the client, so the next call starts afresh.
        """
        if self.unavailable is not None:
            raise NotAvailable(f"{what}: {self.unavailable}")
        down = self._down
        if down is not None and time.monotonic() < down[0]:
            raise down[1]
        box: dict[str, Any] = {}
        done = threading.Event()

        def run() -> None:
            try:
                box["value"] = fn(self._connected())
            except BaseException as exc:  # handed to the caller's thread below
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=run, name="kafkatui-deep-admin", daemon=True).start()
        # bootstrap and the request each get the timeout; a little slack on top
        if not done.wait(2 * self.timeout_s + 2.0):
            self._drop_client()
            raise self._went_down(TimedOut(f"{what}: Kafka at {self._where} did not answer"))
        if "error" in box:
            failure = self.error(box["error"], what)
            if isinstance(failure, ConnectionFailed) and not isinstance(failure, CoordinatorMoved):
                self._went_down(failure)  # one broker's trouble does not stop the others
            raise failure from box["error"]
        self._down = None
        return box["value"]

    def _went_down(self, failure: ConnectionFailed) -> ConnectionFailed:
        self._down = (time.monotonic() + DOWN_FOR_S, failure)
        return failure

    def _connected(self) -> KafkaAdminClient:
        """The client, built (it bootstraps: blocking) outside the lock, so that a call
        timing out can always drop it at once."""
        with self._lock:
            if self._closed:
                raise ConnectionFailed(f"the connection to Kafka at {self._where} was closed")
            if self._client is not None:
                return self._client
        from kafka.admin import KafkaAdminClient

        made = KafkaAdminClient(**(self._conf or {}))
        with self._lock:
            if self._client is None and not self._closed:
                self._client = made
                return made
        made.close()  # another call built one first, or the connection closed meanwhile
        return self._connected()

    def _drop_client(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            threading.Thread(target=client.close, daemon=True).start()

    # ---- errors ------------------------------------------------------------------------
    @property
    def _where(self) -> str:
        return self.settings.bootstrap_servers

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "******")
        return text

    def error(self, exc: BaseException, what: str) -> KafkaTuiError:
        """The kafkatui error for a failure of kafka-python (or of our own code in `fn`)."""
        if isinstance(exc, KafkaTuiError):
            return exc
        name = type(exc).__name__
        reason = self._scrub(str(exc)) or name
        if isinstance(exc, ssl.SSLError):
            self._drop_client()
            return TlsError(f"{what}: TLS handshake with {self._where} failed: {reason}")
        return self.named_error(name, what, reason)

    def named_error(self, name: str, what: str, reason: str = "") -> KafkaTuiError:
        """The kafkatui error for a kafka-python error class name (per-partition answers
        carry the class, not an exception)."""
        reason = reason or name
        if name in _COORDINATOR_MOVED:
            self._drop_client()  # a fresh client looks the coordinators up again
            return CoordinatorMoved(f"{what}: the group's coordinator did not answer ({name})")
        if name in _UNREACHABLE:
            self._drop_client()
            return ConnectionFailed(
                f"{what}: cannot reach Kafka at {self._where} through the second admin "
                "client (unreachable, or its TLS or SASL settings are rejected)"
            )
        if name == "SaslAuthenticationFailedError":
            self._drop_client()
            return AuthenticationFailed(f"authentication failed at {self._where}: {reason}")
        if name.endswith("AuthorizationFailedError"):
            return RemoteError(f"{what}: not authorized ({name})")
        if name in _NOT_FOUND:
            return NotFound(f"{what}: {name}")
        if name in _REFUSED:
            return Refused(f"{what}: {name}")
        if name in _INVALID:
            return InvalidInput(f"{what}: {name}")
        if name == "UnsupportedVersionError":
            return NotAvailable(f"{what}: this Kafka version does not support it")
        if name == "RequestTimedOutError":
            return TimedOut(f"{what}: Kafka at {self._where} did not answer in time")
        return RemoteError(f"{what}: {reason}")

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._drop_client()
