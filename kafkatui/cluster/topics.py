"""Topics: the list (names first, details in batched calls), detail view and changes."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from confluent_kafka import KafkaError
from confluent_kafka.admin import (
    AlterConfigOpType,
    ConfigResource,
    NewPartitions,
    NewTopic,
    ResourceType,
)
from confluent_kafka.admin import ConfigEntry as KafkaConfigEntry
from confluent_kafka.admin import TopicMetadata as KafkaTopicMetadata

from kafkatui.cluster.broker_depth import BrokerDepth
from kafkatui.cluster.deep_models import DiskUsage, Reassignment
from kafkatui.cluster.errors import (
    ConnectionFailed,
    InvalidInput,
    KafkaTuiError,
    NotFound,
    TimedOut,
)
from kafkatui.cluster.group_offsets import in_background
from kafkatui.cluster.guard import Guard, changes
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.models import ConfigEntry, PartitionInfo, TopicDetail, TopicSummary
from kafkatui.cluster.named_configs import named_topic_configs

#: Changing methods return {"before": ..., "after": ...} for the audit log (see guard.changes);
#: typed Any so they still match the Protocols, which promise callers nothing.
#: how long a change waits for brokers' metadata to show it
SETTLE_S = 5.0
#: how old a metadata answer fill_summaries may reuse (the chunks of one refresh)
METADATA_REUSE_S = 5.0
#: the configs the topic list shows (none of them secret)
SUMMARY_CONFIGS = ("cleanup.policy", "retention.ms")
SUMMARY_CONFIGS_WHAT = "reading topic configs"
_LEGAL_NAME = re.compile(r"^[a-zA-Z0-9._-]{1,249}$")


def validate_topic_name(name: str) -> None:
    """Kafka's own rules: 1-249 of [a-zA-Z0-9._-], and not '.' or '..'."""
    if not _LEGAL_NAME.match(name) or name in {".", ".."}:
        raise InvalidInput(
            f"invalid topic name {name!r}: use 1-249 characters from a-z A-Z 0-9 . _ -"
        )


def is_internal(name: str) -> bool:
    """Kafka's internal topics (__consumer_offsets, __transaction_state, ...).

    Topic metadata carries no internal flag, and asking DescribeTopics for it would cost
    the list its one-call start; Kafka reserves the double underscore for these.
    """
    return name.startswith("__")


def partition_infos(topic: KafkaTopicMetadata) -> tuple[PartitionInfo, ...]:
    """PartitionInfo rows (without watermarks) from metadata; leader -1 means offline."""
    return tuple(
        PartitionInfo(
            partition=p.id,
            leader=p.leader if p.leader >= 0 else None,
            replicas=tuple(p.replicas),
            isr=tuple(p.isrs),
        )
        for p in sorted(topic.partitions.values(), key=lambda p: p.id)
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class Topics:
    def __init__(self, admin: KafkaAdmin, guard: Guard, depth: BrokerDepth | None = None) -> None:
        self.admin = admin
        self.guard = guard
        self.depth = depth

    def _sizes(self, parts: Mapping[str, Sequence[PartitionInfo]]) -> tuple[DiskUsage, str | None]:
        """Partition sizes (DescribeLogDirs), or none and why: sizes are optional, a view
        must not fail for want of them."""
        if self.depth is None:
            return DiskUsage(log_dirs=()), "sizes not available"
        try:
            wanted = {name: [p.partition for p in infos] for name, infos in parts.items()}
            return self.depth.disk_usage(wanted), None
        except KafkaTuiError as exc:
            return DiskUsage(log_dirs=()), str(exc)

    def _reassignments(self, name: str) -> dict[int, Reassignment]:
        if self.depth is None:
            return {}
        try:
            return {r.partition: r for r in self.depth.reassignments(name)}
        except KafkaTuiError:
            return {}  # optional, like sizes; the note from _sizes says why

    # ---- reading -----------------------------------------------------------------------
    def list_names(self) -> list[TopicSummary]:
        meta = self.admin.metadata()
        return [TopicSummary(name=n, internal=is_internal(n)) for n in sorted(meta.topics)]

    def fill_summaries(self, names: Sequence[str]) -> list[TopicSummary]:
        """Summaries for `names` from four batched requests, whatever the partition count:
        metadata, low and high watermarks (one ListOffsets each), DescribeConfigs.
        Names that no longer exist are left out. Consecutive calls (the chunks of one big
        list) share a metadata answer a few seconds old."""
        meta = self.admin.metadata(max_age_s=METADATA_REUSE_S)
        present = [n for n in names if n in meta.topics]
        parts = {n: partition_infos(meta.topics[n]) for n in present}
        configs_of = self._ask_summary_configs(present)  # answered while watermarks are read
        marks = self.admin.watermarks((n, p.partition) for n in present for p in parts[n])
        configs = configs_of()
        usage, _ = self._sizes(parts)
        summaries = []
        for name in present:
            infos = parts[name]
            topic_marks = [marks.get((name, p.partition)) for p in infos]
            known = [m for m in topic_marks if m is not None]
            conf = configs.get(name, {})
            summaries.append(
                TopicSummary(
                    name=name,
                    internal=is_internal(name),
                    partitions=len(infos),
                    replication_factor=max((len(p.replicas) for p in infos), default=0),
                    under_replicated=sum(1 for p in infos if len(p.isr) < len(p.replicas)),
                    offline=sum(1 for p in infos if p.leader is None),
                    messages=sum(high - low for low, high in known) if known else None,
                    cleanup_policy=conf.get("cleanup.policy"),
                    retention_ms=_int_or_none(conf.get("retention.ms")),
                    size_bytes=usage.topic_size(name),
                )
            )
        return summaries

    def _ask_summary_configs(
        self, names: Sequence[str]
    ) -> Callable[[], dict[str, dict[str, str | None]]]:
        """Asks for the list's configs now; the function returned waits for them. Where
        the deep admin can connect, only SUMMARY_CONFIGS are asked for (named_configs);
        the names it did not answer are asked again of confluent-kafka."""
        deep = self.depth.deep if self.depth is not None else None
        if deep is None or deep.unavailable or not names:
            asked = self._ask_all_configs(names)
            return lambda: self._summary_configs(names, asked)
        named = in_background(
            lambda: named_topic_configs(deep, names, SUMMARY_CONFIGS, SUMMARY_CONFIGS_WHAT),
            "kafkatui-topic-configs",
        )

        def configs_of() -> dict[str, dict[str, str | None]]:
            try:
                found = {n: {k: e.value for k, e in c.items()} for n, c in named.result().items()}
            except KafkaTuiError:
                found = {}
            missing = [n for n in names if n not in found]
            if missing:
                found |= self._summary_configs(missing, self._ask_all_configs(missing))
            return found

        return configs_of

    def _ask_all_configs(self, names: Sequence[str]) -> dict[Any, Any]:
        if not names:
            return {}
        resources = [ConfigResource(ResourceType.TOPIC, name) for name in names]
        return self.admin.call(
            SUMMARY_CONFIGS_WHAT,
            lambda: self.admin.client.describe_configs(
                resources, request_timeout=self.admin.request_timeout
            ),
        )

    def _summary_configs(
        self, names: Sequence[str], futures: dict[Any, Any]
    ) -> dict[str, dict[str, str | None]]:
        """The list's configs from one DescribeConfigs. Only SUMMARY_CONFIGS are read out of
        the answer: converting all ~30 entries of every topic cost more than the request."""
        try:
            results, _ = self.admin.wait_all(futures, SUMMARY_CONFIGS_WHAT)
        except ConnectionFailed:
            # sent to a broker that just died: librdkafka picks a live one next time
            time.sleep(0.5)
            results, _ = self.admin.wait_all(self._ask_all_configs(names), SUMMARY_CONFIGS_WHAT)
        out: dict[str, dict[str, str | None]] = {}
        for resource, entries in results.items():
            picked = (entries.get(key) for key in SUMMARY_CONFIGS)
            out[resource.name] = {e.name: e.value for e in picked if e is not None}
        return out

    def describe(self, name: str) -> TopicDetail:
        """Leader, replicas, ISR and watermarks per partition, plus every config."""
        infos = self._partitions(name)
        marks = self.admin.watermarks((name, p.partition) for p in infos)
        usage, note = self._sizes({name: infos})
        moving = self._reassignments(name) if note is None else {}
        with_marks = tuple(
            PartitionInfo(
                partition=p.partition,
                leader=p.leader,
                replicas=p.replicas,
                isr=p.isr,
                low=marks[(name, p.partition)][0] if (name, p.partition) in marks else None,
                high=marks[(name, p.partition)][1] if (name, p.partition) in marks else None,
                size_bytes=usage.partition_sizes.get((name, p.partition)),
                adding=moving[p.partition].adding if p.partition in moving else (),
                removing=moving[p.partition].removing if p.partition in moving else (),
            )
            for p in infos
        )
        return TopicDetail(
            name=name,
            partitions=with_marks,
            configs=tuple(self._configs(name)),
            depth_note=note,
        )

    def _partitions(self, name: str) -> tuple[PartitionInfo, ...]:
        """Partitions from full metadata: asking for one topic by name could auto-create it."""
        meta = self.admin.metadata()
        if name not in meta.topics:
            raise NotFound(f"topic {name!r} does not exist")
        topic = meta.topics[name]
        if topic.error is not None and topic.error.code() != KafkaError.NO_ERROR:
            raise self.admin.error(topic.error, f"reading topic {name!r}")
        return partition_infos(topic)

    def _configs(self, name: str) -> list[ConfigEntry]:
        configs, errors = self.admin.configs(
            ResourceType.TOPIC, [name], f"reading configs of topic {name!r}"
        )
        if name in errors:
            raise errors[name]
        return sorted(configs.get(name, {}).values(), key=lambda e: e.name)

    # ---- changing ----------------------------------------------------------------------
    def _wait_one(self, futures: Mapping[Any, Any], what: str) -> None:
        _, errors = self.admin.wait_all(futures, what)
        if errors:
            raise next(iter(errors.values()))

    def _settle(self, name: str, partitions: int | None) -> None:
        """Give brokers a moment to learn a change the controller accepted, so a refresh
        right after it shows the change: until `name` has `partitions` partitions with
        leaders (None: until it is gone). Best effort, at most SETTLE_S."""
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline:
            topic = self.admin.metadata().topics.get(name)
            if partitions is None and topic is None:
                return
            if topic is not None and partitions is not None:
                infos = partition_infos(topic)
                if len(infos) == partitions and all(p.leader is not None for p in infos):
                    return
            time.sleep(0.1)

    @changes("topic.create")
    def create(
        self,
        name: str,
        partitions: int,
        replication_factor: int,
        configs: Mapping[str, str] | None = None,
    ) -> Any:
        validate_topic_name(name)
        if partitions < 1:
            raise InvalidInput(f"partitions must be at least 1, not {partitions}")
        if replication_factor < 1:
            raise InvalidInput(f"replication factor must be at least 1, not {replication_factor}")
        topic = NewTopic(
            name,
            num_partitions=partitions,
            replication_factor=replication_factor,
            config=dict(configs or {}),
        )
        what = f"creating topic {name!r}"
        futures = self.admin.call(
            what,
            lambda: self.admin.client.create_topics(
                [topic],
                request_timeout=self.admin.request_timeout,
                operation_timeout=self.admin.request_timeout,
            ),
        )
        self._wait_one(futures, what)
        self._settle(name, partitions)
        after = {"partitions": partitions, "replication_factor": replication_factor}
        return {"before": None, "after": after | {"configs": dict(configs or {})}}

    @changes("topic.delete")
    def delete(self, name: str) -> Any:
        before = {"partitions": len(self._partitions(name))}
        what = f"deleting topic {name!r}"
        futures = self.admin.call(
            what,
            lambda: self.admin.client.delete_topics(
                [name],
                request_timeout=self.admin.request_timeout,
                operation_timeout=self.admin.request_timeout,
            ),
        )
        self._wait_one(futures, what)
        self._settle(name, None)
        return {"before": before, "after": None}

    @changes("topic.add_partitions")
    def add_partitions(self, name: str, total: int) -> Any:
        current = len(self._partitions(name))
        if total <= current:
            raise InvalidInput(
                f"topic {name!r} has {current} partitions; the new total must be more than that"
            )
        what = f"adding partitions to {name!r}"
        futures = self.admin.call(
            what,
            lambda: self.admin.client.create_partitions(
                [NewPartitions(name, total)],
                request_timeout=self.admin.request_timeout,
                operation_timeout=self.admin.request_timeout,
            ),
        )
        self._wait_one(futures, what)
        self._settle(name, total)
        return {"before": {"partitions": current}, "after": {"partitions": total}}

    @changes("topic.alter_config")
    def alter_config(self, name: str, updates: Mapping[str, str | None]) -> Any:
        """Set configs (value) or revert them to the default (None), incrementally."""
        if not updates:
            raise InvalidInput("no config changes given")
        before = {e.name: e.value for e in self._configs(name) if e.name in updates}
        unknown = sorted(set(updates) - set(before))
        if unknown:
            raise InvalidInput(f"unknown topic config(s): {', '.join(unknown)}")
        entries = [
            KafkaConfigEntry(
                key,
                value,
                incremental_operation=AlterConfigOpType.DELETE
                if value is None
                else AlterConfigOpType.SET,
            )
            for key, value in updates.items()
        ]
        resource = ConfigResource(ResourceType.TOPIC, name, incremental_configs=entries)
        what = f"altering configs of topic {name!r}"
        futures = self.admin.call(
            what,
            lambda: self.admin.client.incremental_alter_configs(
                [resource], request_timeout=self.admin.request_timeout
            ),
        )
        self._wait_one(futures, what)
        after = {e.name: e.value for e in self._configs(name) if e.name in updates}
        return {"before": before, "after": after}

    @changes("topic.produce")
    def produce(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | None = None,
        headers: Sequence[tuple[str, bytes]] = (),
        partition: int | None = None,
    ) -> tuple[int, int]:
        """Produce one record and wait for the broker's (partition, offset)."""
        infos = self._partitions(topic)
        if partition is not None and partition not in {p.partition for p in infos}:
            raise InvalidInput(f"topic {topic!r} has no partition {partition}")
        delivered: list[tuple[KafkaError | None, Any]] = []
        kwargs: dict[str, Any] = {
            "value": value,
            "key": key,
            "headers": list(headers),
            "on_delivery": lambda err, msg: delivered.append((err, msg)),
        }
        if partition is not None:
            kwargs["partition"] = partition
        what = f"producing to {topic!r}"
        producer = self.admin.producer
        self.admin.call(what, lambda: producer.produce(topic, **kwargs))
        producer.flush(self.admin.timeout_s + 1.0)
        if not delivered:
            raise TimedOut(f"{what}: no delivery report within {self.admin.timeout_s:.0f} s")
        err, msg = delivered[0]
        if err is not None:
            raise self.admin.error(err, what)
        return msg.partition(), msg.offset()
