"""DescribeConfigs for many resources: in chunks, a few in flight, each with its timeout.

One DescribeConfigs naming 10,000 topics goes to one broker, which answers it alone and
late: the request timed out and a health check lost every topic's configs. In chunks,
the work spreads over the brokers, each answer is small, and a chunk that fails or times
out loses only its own names, which the caller reports as unread.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from confluent_kafka.admin import ResourceType

from kafkatui.cluster.errors import KafkaTuiError, NotFound
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.models import ConfigEntry

#: resources per DescribeConfigs request: answered in well under a second by a broker
#: with thousands of partitions, small enough that losing one costs little
CHUNK_SIZE = 500
#: requests in flight per broker (librdkafka sends each to the least busy broker)
IN_FLIGHT_PER_BROKER = 1
#: never more than this many in flight, whatever the cluster's size
MAX_IN_FLIGHT = 4

Configs = dict[str, dict[str, ConfigEntry]]


@dataclass
class ChunkedConfigs:
    """What a chunked read found: configs by name, and the names it could not read."""

    configs: Configs = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)  # names of the chunks that failed
    reason: str = ""  # the first failure's error

    def describe_gap(self, total: int, noun: str) -> str:
        """'1,000 of 10,000 topics: <reason>', for a CHECK_INCOMPLETE finding."""
        return f"{len(self.unread):,} of {total:,} {noun}: {self.reason}"


def in_flight_for(brokers: int) -> int:
    return max(1, min(MAX_IN_FLIGHT, brokers * IN_FLIGHT_PER_BROKER))


def chunks_of(names: Sequence[str], size: int) -> list[list[str]]:
    size = max(1, size)
    return [list(names[i : i + size]) for i in range(0, len(names), size)]


def read_configs(
    admin: KafkaAdmin,
    kind: ResourceType,
    names: Sequence[str],
    what: str,
    chunk_size: int = CHUNK_SIZE,
    in_flight: int = 1,
    keep: Collection[str] | None = None,
    named: Callable[[list[str]], Configs] | None = None,
) -> ChunkedConfigs:
    """Configs of `names` in chunks of `chunk_size`, `in_flight` at once (`keep`: only
    these config names). Each chunk waits at most the admin's timeout (KafkaAdmin.configs);
    a chunk that raises puts its names in `unread` and the others still count, as does a
    name that failed on its own; a topic deleted meanwhile is just left out. `named`
    reads a chunk asking for the `keep` names only (see named_configs); what it did not
    answer is read the usual way, which says why."""
    found = ChunkedConfigs()

    def usual(chunk: list[str]) -> tuple[Configs, list[str], str]:
        try:
            configs, errors = admin.configs(kind, chunk, what, keep)
        except KafkaTuiError as exc:
            return {}, chunk, str(exc)
        failed = {n: e for n, e in errors.items() if not isinstance(e, NotFound)}
        return configs, list(failed), str(next(iter(failed.values()), ""))

    def one(chunk: list[str]) -> tuple[Configs, list[str], str]:
        if named is None:
            return usual(chunk)
        try:
            configs = named(chunk)
        except KafkaTuiError:
            configs = {}  # the usual read below says what is wrong
        missing = [n for n in chunk if n not in configs]
        if not missing:
            return configs, [], ""
        rest, failed, reason = usual(missing)
        return configs | rest, failed, reason

    with ThreadPoolExecutor(max(1, in_flight), thread_name_prefix="configs") as pool:
        for configs, failed, reason in pool.map(one, chunks_of(names, chunk_size)):
            found.configs.update(configs)
            found.unread += failed
            found.reason = found.reason or reason
    return found
