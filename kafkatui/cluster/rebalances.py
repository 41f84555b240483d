"""Group state changes and member joins/leaves, seen by comparing successive descriptions.

Pure, no IO: the groups poll (and `check`'s sampling) feeds each description in. A poll every
few seconds can miss a short PREPARING_REBALANCE entirely, but never the member set it
produced, so a look that finds the members changed, or the group in a rebalancing state,
counts as one rebalance. The first look at a group is the baseline and counts nothing.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable

from kafkatui.cluster.models import GroupEvent, GroupSummary

#: the window the groups view counts rebalances over
WINDOW_S = 600.0
#: events kept per group
EVENTS_PER_GROUP = 200
#: states in which a group is between assignments (classic and KIP-848 names)
REBALANCING_STATES = frozenset(
    {"PREPARING_REBALANCE", "COMPLETING_REBALANCE", "ASSIGNING", "RECONCILING"}
)


def _members(summary: GroupSummary) -> dict[str, str]:
    return {m.member_id: m.client_id or m.member_id for m in summary.members}


def changes_between(before: GroupSummary, after: GroupSummary, at: float) -> list[GroupEvent]:
    """The events that lead from one description of a group to the next."""
    gid = after.group_id
    events: list[GroupEvent] = []
    if before.state != after.state:
        events.append(GroupEvent(at, gid, "state", f"{before.state} -> {after.state}"))
    old, new = _members(before), _members(after)
    events += [GroupEvent(at, gid, "joined", new[m]) for m in sorted(new.keys() - old.keys())]
    events += [GroupEvent(at, gid, "left", old[m]) for m in sorted(old.keys() - new.keys())]
    rebalanced = old.keys() != new.keys() or (
        after.state in REBALANCING_STATES and before.state != after.state
    )
    if rebalanced and events:
        first = events[0]
        events[0] = GroupEvent(first.at, gid, first.kind, first.detail, rebalance=True)
    return events


class RebalanceTracker:
    """The last description and recent events of every group seen; thread-safe."""

    def __init__(self, keep: int = EVENTS_PER_GROUP) -> None:
        self._last: dict[str, GroupSummary] = {}
        self._events: dict[str, deque[GroupEvent]] = {}
        self._keep = keep
        self._lock = threading.Lock()

    def observe(self, summaries: Iterable[GroupSummary], at: float) -> None:
        with self._lock:
            for summary in summaries:
                before = self._last.get(summary.group_id)
                self._last[summary.group_id] = summary
                if before is None:
                    continue
                found = changes_between(before, summary, at)
                if found:
                    queue = self._events.setdefault(summary.group_id, deque(maxlen=self._keep))
                    queue.extend(found)

    def events(self, group_id: str) -> tuple[GroupEvent, ...]:
        """Oldest first."""
        with self._lock:
            return tuple(self._events.get(group_id, ()))

    def rebalances(self, now: float, window_s: float = WINDOW_S) -> dict[str, int]:
        """Rebalances per group within the last `window_s` (groups with none left out)."""
        with self._lock:
            counts = {
                gid: sum(1 for e in queue if e.rebalance and now - e.at <= window_s)
                for gid, queue in self._events.items()
            }
        return {gid: n for gid, n in counts.items() if n}

    def forget(self, group_id: str) -> None:
        with self._lock:
            self._last.pop(group_id, None)
            self._events.pop(group_id, None)
