"""`ClusterClient`: the real `KafkaTuiClient`, wiring every sub-API to one connection.

Construction never touches the network, and each sub-API is built on first use: the
headless `tail` never pays for an admin client, and a TUI paints before anything
connects. All sub-APIs share one Guard (read-only flag and audit log) and one
KafkaAdmin, and the decoder is shared so its schema cache is too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from kafkatui.cluster.api import (
    AclsApi,
    BrokersApi,
    ConnectApi,
    GroupsApi,
    HealthApi,
    RecordDecoder,
    RegistryApi,
    TailStart,
    TopicsApi,
    TransactionsApi,
    TransfersApi,
)
from kafkatui.cluster.guard import Guard, default_audit_path
from kafkatui.cluster.settings import ConnectionSettings
from kafkatui.cluster.tail_session import KafkaTail

if TYPE_CHECKING:
    from kafkatui.cluster.broker_depth import BrokerDepth
    from kafkatui.cluster.deep_admin import DeepAdmin
    from kafkatui.cluster.kafka_admin import KafkaAdmin
    from kafkatui.cluster.schema_ids import SchemaIdLookup

T = TypeVar("T")


class _Lazy(Generic[T]):
    """A per-instance attribute built once on first access, safely across threads."""

    def __init__(self, build: Callable[[ClusterClient], T]) -> None:
        self._build = build
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = "_lazy_" + name

    @overload
    def __get__(self, obj: None, owner: type) -> _Lazy[T]: ...
    @overload
    def __get__(self, obj: ClusterClient, owner: type) -> T: ...
    def __get__(self, obj: ClusterClient | None, owner: type) -> T | _Lazy[T]:
        if obj is None:
            return self
        value = obj.__dict__.get(self._name)
        if value is None:
            with obj._build_lock:
                value = obj.__dict__.get(self._name)
                if value is None:
                    value = self._build(obj)
                    obj.__dict__[self._name] = value
        return value

    def __set__(self, obj: ClusterClient, value: T) -> None:
        obj.__dict__[self._name] = value  # lets tests swap in a part

    def built(self, obj: ClusterClient) -> T | None:
        return obj.__dict__.get(self._name)


def _admin(client: ClusterClient) -> KafkaAdmin:
    from kafkatui.cluster.kafka_admin import KafkaAdmin

    return KafkaAdmin(client.settings)


def _deep(client: ClusterClient) -> DeepAdmin:
    """kafka-python, for the admin APIs librdkafka lacks (see deep_admin)."""
    from kafkatui.cluster.deep_admin import DeepAdmin

    return DeepAdmin(client.settings)


def _depth(client: ClusterClient) -> BrokerDepth:
    from kafkatui.cluster.broker_depth import BrokerDepth

    return BrokerDepth(client.deep)


def _brokers(client: ClusterClient) -> BrokersApi:
    from kafkatui.cluster.brokers import Brokers

    return Brokers(client.admin, client.depth)


def _topics(client: ClusterClient) -> TopicsApi:
    from kafkatui.cluster.topics import Topics

    return Topics(client.admin, client.guard, client.depth)


def _groups(client: ClusterClient) -> GroupsApi:
    from kafkatui.cluster.groups import Groups

    return Groups(client.admin, client.guard, client.deep)


def _transactions(client: ClusterClient) -> TransactionsApi:
    from kafkatui.cluster.transactions import Transactions

    return Transactions(client.deep, client.admin, client.guard)


def _acls(client: ClusterClient) -> AclsApi:
    from kafkatui.cluster.acls import Acls

    return Acls(client.admin, client.guard)


def _health(client: ClusterClient) -> HealthApi:
    from kafkatui.cluster.health import Health

    return Health(client.admin, client.groups, client.connect, client.depth, client.transactions)


def _connect(client: ClusterClient) -> ConnectApi:
    from kafkatui.cluster.connect import Connect

    return Connect(client.settings.connect, client.guard)


def _registry(client: ClusterClient) -> RegistryApi:
    from kafkatui.cluster.registry import Registry

    return Registry(client.settings.schema_registry, client.guard)


def _schema_ids(client: ClusterClient) -> SchemaIdLookup | None:
    """What the decoder asks for schemas: plain GETs, not the registry client (see
    schema_ids), so a tail never pays for importing it."""
    endpoint = client.settings.schema_registry
    if endpoint is None:
        return None
    from kafkatui.cluster.schema_ids import SchemaIdLookup

    return SchemaIdLookup(endpoint)


def _transfers(client: ClusterClient) -> TransfersApi:
    from kafkatui.cluster.transfers import Transfers

    return Transfers(client.admin, client.guard)


def _decoder(client: ClusterClient) -> RecordDecoder:
    from kafkatui.decode.auto import AutoDecoder

    decoder: RecordDecoder = AutoDecoder(client.schema_ids)
    return decoder


class ClusterClient:
    """KafkaTuiClient over confluent-kafka (Kafka), httpx (Connect) and the registry client."""

    admin = _Lazy(_admin)
    deep = _Lazy(_deep)
    depth = _Lazy(_depth)
    brokers = _Lazy(_brokers)
    topics = _Lazy(_topics)
    groups = _Lazy(_groups)
    acls = _Lazy(_acls)
    health = _Lazy(_health)
    transactions = _Lazy(_transactions)
    connect = _Lazy(_connect)
    registry = _Lazy(_registry)
    schema_ids = _Lazy(_schema_ids)
    transfers = _Lazy(_transfers)
    _decoder = _Lazy(_decoder)

    def __init__(self, settings: ConnectionSettings, guard: Guard | None = None) -> None:
        self.settings = settings
        self.guard = guard or Guard(
            read_only=settings.read_only, profile=settings.profile, audit_path=default_audit_path()
        )
        self.profile = settings.profile
        self.read_only = self.guard.read_only
        self.bootstrap_servers = settings.bootstrap_servers
        self._build_lock = threading.RLock()  # a part may build the parts it needs
        self._tails: list[KafkaTail] = []

    def open_tail(self, topic: str, start: TailStart, capacity: int = 100_000) -> KafkaTail:
        """A tail session, not yet started: call `start()` (it connects)."""
        tail = KafkaTail(self.settings, topic, start, capacity)
        with self._build_lock:
            self._tails = [t for t in self._tails if not t.stopped] + [tail]
        return tail

    def decoder(self) -> RecordDecoder:
        """One decoder per client, so schemas fetched once serve every view."""
        return self._decoder

    def audit_log(self, limit: int = 500) -> list[dict[str, Any]]:
        return self.guard.read_audit(limit)

    def close(self) -> None:
        """Stop open tails and release clients. Safe to call more than once."""
        with self._build_lock:
            tails, self._tails = self._tails, []
        for tail in tails:
            tail.stop()
        closing = (
            ClusterClient.connect,
            ClusterClient.registry,
            ClusterClient.schema_ids,
            ClusterClient.deep,
        )
        for part in (*closing, ClusterClient.admin):
            built: Any = part.built(self)
            closer = getattr(built, "close", None)
            if closer is not None:
                closer()


if TYPE_CHECKING:  # mypy proves the real client and tail satisfy the seam's Protocols
    from kafkatui.cluster.api import KafkaTuiClient, TailSession

    _client: KafkaTuiClient = ClusterClient(ConnectionSettings())
    _tail: TailSession = KafkaTail(ConnectionSettings(), "topic", TailStart())
