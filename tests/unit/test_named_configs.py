"""kafka-python's answer to a DescribeConfigs naming its keys, turned into our entries."""

from __future__ import annotations

from typing import Any

from kafkatui.cluster.models import ConfigEntry
from kafkatui.cluster.named_configs import parse_named


def test_entries_sources_and_empty_answers() -> None:
    answered = {
        "orders": {
            "retention.ms": {"value": "3600000", "config_source": "DYNAMIC_TOPIC_CONFIG",
                             "read_only": False, "is_sensitive": False},
            "cleanup.policy": {"value": "delete", "config_source": 5, "read_only": False},
        },
        "failed-or-deleted": {},  # kafka-python drops the error: read again elsewhere
    }  # fmt: skip
    assert parse_named(answered) == {
        "orders": {
            "retention.ms": ConfigEntry("retention.ms", "3600000", False, False, False,
                                        "DYNAMIC_TOPIC_CONFIG"),
            "cleanup.policy": ConfigEntry("cleanup.policy", "delete", True, False, False,
                                          "DEFAULT_CONFIG"),
        }
    }  # fmt: skip


def test_sensitive_values_are_never_kept() -> None:
    answered: dict[str, dict[str, dict[str, Any]]] = {
        "t": {
            "ssl.key.password": {"value": "s3cret", "config_source": "DYNAMIC_TOPIC_CONFIG"},
            "flagged": {"value": "x", "is_sensitive": True, "config_source": "DEFAULT_CONFIG"},
        }
    }
    entries = parse_named(answered)["t"]
    assert entries["ssl.key.password"].value is None and entries["ssl.key.password"].is_sensitive
    assert entries["flagged"].value is None and entries["flagged"].is_sensitive
