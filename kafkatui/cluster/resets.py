"""Offset reset planning (docs/cli.md). Pure: the caller gathers offsets, this decides.

Every mode ends in an offset inside [low, high]; anything clamped says so in the plan's
warnings, so a dry-run never hides a surprise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.models import ResetMode, ResetPlan, ResetRow, ResetSpec


@dataclass(frozen=True)
class PartitionOffsets:
    """What the planner needs about one partition."""

    topic: str
    partition: int
    current: int | None  # committed offset; None when the group never committed here
    low: int
    high: int


def parse_datetime(value: str) -> int:
    """ISO 8601 to epoch milliseconds; a value without a zone is taken as UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(
            f"not an ISO 8601 date-time: {value!r} (e.g. 2024-05-01T12:00:00Z)"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def check_spec(spec: ResetSpec) -> None:
    """Reject a spec whose value does not fit its mode, before any network call."""
    if spec.mode in (ResetMode.OFFSET, ResetMode.SHIFT):
        if not isinstance(spec.value, int) or isinstance(spec.value, bool):
            raise InvalidInput(f"--to-{spec.mode.value} needs a whole number, not {spec.value!r}")
        if spec.mode is ResetMode.OFFSET and spec.value < 0:
            raise InvalidInput(f"offset must not be negative, not {spec.value}")
    elif spec.mode is ResetMode.DATETIME:
        if not isinstance(spec.value, str):
            raise InvalidInput("--to-datetime needs an ISO 8601 date-time")
        parse_datetime(spec.value)


def _clamp(wanted: int, p: PartitionOffsets, why: str, warnings: list[str]) -> int:
    name = f"{p.topic}-{p.partition}"
    if wanted > p.high:
        warnings.append(f"{why} {wanted} is beyond the end {p.high} of {name}; clamped to end")
        return p.high
    if wanted < p.low:
        warnings.append(f"{why} {wanted} is before the start {p.low} of {name}; clamped to start")
        return p.low
    return wanted


def _new_offset(
    spec: ResetSpec,
    p: PartitionOffsets,
    by_time: Mapping[tuple[str, int], int | None],
    warnings: list[str],
    in_future: bool,
) -> int:
    name = f"{p.topic}-{p.partition}"
    if spec.mode is ResetMode.EARLIEST:
        return p.low
    if spec.mode is ResetMode.LATEST:
        return p.high
    if spec.mode is ResetMode.OFFSET:
        assert isinstance(spec.value, int)
        return _clamp(spec.value, p, "offset", warnings)
    if spec.mode is ResetMode.SHIFT:
        assert isinstance(spec.value, int)
        base = p.current
        if base is None:
            warnings.append(f"no committed offset on {name}; shifting from the end {p.high}")
            base = p.high
        return _clamp(base + spec.value, p, "shifted offset", warnings)
    found = by_time.get((p.topic, p.partition))
    if in_future or found is None or found < 0:
        if not in_future:  # one warning for the whole plan says so already
            warnings.append(f"no record at or after {spec.value} on {name}; using the end {p.high}")
        return p.high
    return _clamp(found, p, "offset for the time", warnings)


def plan_rows(
    group_id: str,
    spec: ResetSpec,
    partitions: Sequence[PartitionOffsets],
    by_time: Mapping[tuple[str, int], int | None] | None = None,
    now_ms: int | None = None,
) -> ResetPlan:
    """The plan for `partitions` under `spec`.

    `by_time` maps (topic, partition) to the first offset at or after the spec's time
    (ListOffsets with a timestamp; negative or None when there is none) and is only used
    for DATETIME. `now_ms` lets the planner warn about a time in the future.
    """
    check_spec(spec)
    if not partitions:
        raise InvalidInput(f"nothing to reset for group {group_id!r}: no partitions selected")
    warnings: list[str] = []
    in_future = (
        spec.mode is ResetMode.DATETIME
        and now_ms is not None
        and parse_datetime(str(spec.value)) > now_ms
    )
    if in_future:
        warnings.append(f"{spec.value} is in the future; every partition goes to its end")
    rows = tuple(
        ResetRow(
            topic=p.topic,
            partition=p.partition,
            current=p.current,
            new=_new_offset(spec, p, by_time or {}, warnings, in_future),
            low=p.low,
            high=p.high,
        )
        for p in sorted(partitions, key=lambda p: (p.topic, p.partition))
    )
    return ResetPlan(group_id=group_id, spec=spec, rows=rows, warnings=tuple(warnings))


def select_partitions(
    topic: str, existing: Sequence[int], chosen: Sequence[int] | None
) -> list[int]:
    """The partitions a reset applies to: all of the topic's, or the chosen existing ones."""
    if chosen is None:
        return sorted(existing)
    missing = sorted(set(chosen) - set(existing))
    if missing:
        have = f"0-{max(existing)}" if existing else "none"
        raise InvalidInput(
            f"topic {topic!r} has no partition {', '.join(map(str, missing))} (it has {have})"
        )
    return sorted(set(chosen))
