"""Topic configs by name, through kafka-python: DescribeConfigs naming the keys wanted.

confluent-kafka's describe_configs asks for every config of a topic, and turning the ~35
entries of each into Python objects took 3-3.5 s of CPU at 10,000 topics, where the
topic list shows two and the health rules read two. The protocol lets a request name
its keys, and kafka-python's client does (a third of the time in all here). It is used
where the deep admin can connect; the callers keep confluent-kafka's read otherwise.

kafka-python drops a resource's error and answers it with no entries. A topic always
has the keys asked for (at least their defaults), so a topic answered empty is one the
read failed for, or that was deleted: the callers read those again with confluent-kafka,
which says which.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from kafkatui.cluster.deep_admin import DeepAdmin
from kafkatui.cluster.guard import is_secret_name
from kafkatui.cluster.kafka_admin import source_name
from kafkatui.cluster.models import ConfigEntry

Configs = dict[str, dict[str, ConfigEntry]]


def named_topic_configs(
    deep: DeepAdmin, names: Sequence[str], keys: Collection[str], what: str
) -> Configs:
    """{topic: {key: entry}} for the topics answered with entries (see the module doc)."""
    from kafka.admin import ConfigResource, ConfigResourceType

    if not names:
        return {}
    wanted = dict.fromkeys(keys)
    resources = [ConfigResource(ConfigResourceType.TOPIC, name, configs=wanted) for name in names]
    raw = deep.call(what, lambda c: c.describe_configs(resources, config_filter="all"))
    return parse_named(raw.get("topic", {}))


def parse_named(answered: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> Configs:
    """Our entries from kafka-python's {topic: {key: {value, config_source, ...}}}, less
    the topics answered empty; sensitive values are dropped, never shown."""
    return {
        topic: {key: _entry(key, raw) for key, raw in entries.items()}
        for topic, entries in answered.items()
        if entries
    }


def _entry(key: str, raw: Mapping[str, Any]) -> ConfigEntry:
    sensitive = bool(raw.get("is_sensitive")) or is_secret_name(key)
    source = source_name(raw.get("config_source"))
    return ConfigEntry(
        name=key,
        value=None if sensitive else raw.get("value"),
        is_default=source == "DEFAULT_CONFIG",
        is_sensitive=sensitive,
        is_read_only=bool(raw.get("read_only")),
        source=source,
    )
