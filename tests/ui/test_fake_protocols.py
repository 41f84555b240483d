"""The fake client is checked against the same protocols the real client implements.

mypy checks this module (see pyproject's [tool.mypy] files): each assignment below fails
type checking if the fake's methods drift from kafkatui/cluster/api.py. The test itself
checks at run time what mypy cannot: the decoder is one shared object, as the real
client's is."""

from __future__ import annotations

from kafkatui.cluster.api import (
    AclsApi,
    BrokersApi,
    ConnectApi,
    GroupsApi,
    HealthApi,
    KafkaTuiClient,
    RecordDecoder,
    RegistryApi,
    TailSession,
    TailStart,
    TopicsApi,
    TransactionsApi,
    TransfersApi,
)
from kafkatui.cluster.client import ClusterClient
from kafkatui.decode.auto import AutoDecoder
from tests.ui.fake_client import FakeClient


def test_the_fake_implements_the_client_protocols() -> None:
    fake = FakeClient()
    client: KafkaTuiClient = fake
    brokers: BrokersApi = fake.brokers
    topics: TopicsApi = fake.topics
    groups: GroupsApi = fake.groups
    connect: ConnectApi = fake.connect
    registry: RegistryApi = fake.registry
    acls: AclsApi = fake.acls
    health: HealthApi = fake.health
    transactions: TransactionsApi = fake.transactions
    transfers: TransfersApi = fake.transfers
    session: TailSession = fake.open_tail("orders", TailStart("earliest"))
    decoder: RecordDecoder = client.decoder()
    parts = (brokers, topics, groups, connect, registry, acls, health, transactions,
             transfers, session, decoder)  # fmt: skip
    assert all(part is not None for part in parts)


def test_the_fake_decoder_is_the_real_one_and_shared() -> None:
    fake = FakeClient()
    first = fake.decoder()
    assert first is fake.decoder()  # one object, like ClusterClient.decoder()
    assert isinstance(first, AutoDecoder)


def _the_real_client_too(real: ClusterClient) -> KafkaTuiClient:
    return real  # mypy: the real client implements the same protocol
