"""Health rules about consumer groups in time: CONSUMER_LAG_SECONDS and REBALANCE_STORM.

Pure functions over what `Health.gather` read, so each can be tested on hand-built data.
"""

from __future__ import annotations

from collections.abc import Mapping

from kafkatui.cluster.lag_time import age_text
from kafkatui.cluster.models import Finding, GroupLag

#: `check --lag-seconds`: the oldest unread record may be this old before it is a warning
LAG_SECONDS_LIMIT = 300.0
#: `check --rebalances`: this many rebalances within the window is a storm
STORM_REBALANCES = 3
#: partitions named in a finding's detail
_NAMED = 5


def lag_seconds_findings(lags: Mapping[str, GroupLag], limit_s: float) -> list[Finding]:
    """CONSUMER_LAG_SECONDS: a group whose oldest unread record is older than `limit_s`."""
    findings = []
    for group_id, lag in sorted(lags.items()):
        worst = lag.max_lag_seconds
        if worst is None or worst <= limit_s:
            continue
        late = sorted(
            (p for p in lag.partitions if p.lag_seconds is not None and p.lag_seconds > limit_s),
            key=lambda p: -(p.lag_seconds or 0.0),
        )
        named = ", ".join(
            f"{p.topic}-{p.partition} {age_text(p.lag_seconds or 0.0)}" for p in late[:_NAMED]
        )
        more = f" (+{len(late) - _NAMED} more)" if len(late) > _NAMED else ""
        findings.append(
            Finding(
                "warning",
                "CONSUMER_LAG_SECONDS",
                group_id,
                f"oldest unread record is {age_text(worst)} old (limit {age_text(limit_s)}): "
                f"{named}{more}",
            )
        )
    return findings


def storm_findings(rebalances: Mapping[str, int], threshold: int, window_s: float) -> list[Finding]:
    """REBALANCE_STORM: `threshold` or more rebalances seen within the sampling window."""
    return [
        Finding(
            "warning",
            "REBALANCE_STORM",
            group_id,
            f"{count} rebalances (members joining/leaving or state changes) within "
            f"{age_text(window_s)}; consumers may be crashing or exceeding max.poll.interval.ms",
        )
        for group_id, count in sorted(rebalances.items())
        if count >= threshold
    ]
