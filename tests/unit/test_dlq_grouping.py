"""Grouping dead letters by Kafka Connect's context headers (pure logic)."""

from __future__ import annotations

from kafkatui.cluster.dlq import error_context, group_records
from kafkatui.cluster.models import RawRecord

CONVERTER = "VALUE_CONVERTER"
DATA = "org.apache.kafka.connect.errors.DataException"


def _dead(offset: int, stage: str, exception: str, message: str, task: str = "0") -> RawRecord:
    headers = (
        ("__connect.errors.topic", b"orders"),
        ("__connect.errors.partition", b"2"),
        ("__connect.errors.offset", str(100 + offset).encode()),
        ("__connect.errors.connector.name", b"sink-a"),
        ("__connect.errors.task.id", task.encode()),
        ("__connect.errors.stage", stage.encode()),
        ("__connect.errors.exception.class.name", exception.encode()),
        ("__connect.errors.exception.message", message.encode()),
        ("trace-id", b"abc"),
    )
    return RawRecord("orders.dlq", 0, offset, 0, b"k", b"v", headers)


def test_groups_by_connector_task_stage_and_class_with_counts_and_offsets() -> None:
    records = [
        _dead(3, CONVERTER, DATA, "bad json at 3"),
        _dead(5, "TRANSFORMATION", DATA, "not a map"),
        _dead(7, CONVERTER, DATA, "bad json at 7"),
        _dead(9, CONVERTER, DATA, "bad json at 9", task="1"),
        RawRecord("orders.dlq", 0, 11, 0, None, b"x", (("error.retries", b"1"),)),
        _dead(12, CONVERTER, DATA, "bad json at 12"),
    ]
    summary = group_records("orders.dlq", records)
    doc = summary.to_json()
    assert doc["topic"] == "orders.dlq"
    assert doc["records"] == 6
    assert doc["without_error_headers"] == 1
    assert doc["groups"] == [
        {"connector": "sink-a", "task": 0, "stage": CONVERTER, "exception_class": DATA,
         "message": "bad json at 3", "count": 3, "first_offset": 3, "last_offset": 12},
        {"connector": "sink-a", "task": 0, "stage": "TRANSFORMATION", "exception_class": DATA,
         "message": "not a map", "count": 1, "first_offset": 5, "last_offset": 5},
        {"connector": "sink-a", "task": 1, "stage": CONVERTER, "exception_class": DATA,
         "message": "bad json at 9", "count": 1, "first_offset": 9, "last_offset": 9},
    ]  # fmt: skip
    assert summary.groups[0].records == [(0, 3), (0, 7), (0, 12)]


def test_hand_made_dead_letters_group_by_what_they_carry() -> None:
    """The demo's hand-made records carry only a topic, a class and a message."""
    headers = (
        ("__connect.errors.topic", b"orders"),
        ("__connect.errors.exception.class.name", DATA.encode()),
        ("__connect.errors.exception.message", b"Unknown schema id 99999"),
    )
    summary = group_records("d", [RawRecord("d", 0, 0, 0, None, None, headers)])
    group = summary.groups[0]
    assert (group.connector, group.task, group.stage) == (None, None, None)
    assert group.exception_class == DATA and group.count == 1


def test_error_context_points_at_the_original_and_survives_bad_numbers() -> None:
    context = error_context(_dead(1, CONVERTER, DATA, "m"))
    assert (context.original_topic, context.original_partition, context.original_offset) == (
        "orders", 2, 101,
    )  # fmt: skip
    assert context.points_at_original
    odd = RawRecord("d", 0, 0, 0, None, None, (("__connect.errors.partition", b"two"),))
    assert error_context(odd).original_partition is None
    assert not error_context(odd).points_at_original
