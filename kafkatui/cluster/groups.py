"""Consumer groups: listing, lag (concurrent for many groups) with history, resets, deletes."""

from __future__ import annotations

import builtins
import concurrent.futures
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from confluent_kafka import ConsumerGroupTopicPartitions
from confluent_kafka import TopicPartition as KafkaTopicPartition
from confluent_kafka.admin import OffsetSpec

from kafkatui.cluster.deep_admin import DeepAdmin
from kafkatui.cluster.errors import NotAvailable, NotFound, Refused, RemoteError
from kafkatui.cluster.group_offsets import CommittedOffsets, Found, in_background
from kafkatui.cluster.guard import Guard, changes
from kafkatui.cluster.kafka_admin import KafkaAdmin
from kafkatui.cluster.lag import MIN_SPAN_S, LagHistory, trend_of
from kafkatui.cluster.lag_time import EndOffsetHistory, group_estimate, seconds_behind
from kafkatui.cluster.models import (
    GroupEvent,
    GroupLag,
    GroupMember,
    GroupSummary,
    LagSample,
    LagTrend,
    PartitionLag,
    ResetMode,
    ResetPlan,
    ResetResult,
    ResetSpec,
    TopicPartition,
)
from kafkatui.cluster.rebalances import WINDOW_S, RebalanceTracker
from kafkatui.cluster.record_times import read_timestamps
from kafkatui.cluster.resets import (
    PartitionOffsets,
    check_spec,
    parse_datetime,
    plan_rows,
    select_partitions,
)

#: Changing methods return {"before": ..., "after": ...} for the audit log (see guard.changes);
#: typed Any so they still match the Protocols, which promise callers nothing.
TP = tuple[str, int]
#: rounds of record reads for lag in seconds, all within one timeout (see Groups._stamps)
STAMP_ROUNDS = 20
Offsets = dict[TP, int | None]


def _name(enum_value: Any) -> str:
    return getattr(enum_value, "name", None) or "UNKNOWN"


def _partitions(assignment: Any) -> tuple[TopicPartition, ...]:
    found = assignment.topic_partitions if assignment is not None else []
    return tuple(TopicPartition(tp.topic, tp.partition) for tp in found)


def _member(raw: Any, consumer_protocol: bool) -> GroupMember:
    target = getattr(raw, "target_assignment", None)
    return GroupMember(
        member_id=raw.member_id,
        client_id=raw.client_id,
        host=raw.host,
        assignment=_partitions(raw.assignment),
        target_assignment=_partitions(target) if consumer_protocol else None,
    )


def _summary(desc: Any) -> GroupSummary:
    group_type = _name(getattr(desc, "type", None))
    members = tuple(_member(m, group_type == "CONSUMER") for m in desc.members)
    state = _name(desc.state)
    if state == "UNKNOWN" and any(m.reconciling for m in members):
        # librdkafka (2.16) names only the classic states: a KIP-848 group's RECONCILING
        # arrives as UNKNOWN, but its members' assignment against target says it
        state = "RECONCILING"
    return GroupSummary(group_id=desc.group_id, state=state, type=group_type, members=members)


def _reset_details(result: ResetResult) -> dict[str, Any]:
    """Offsets before and after a reset, per partition, for the audit log."""
    rows = result.plan.rows
    spec = result.plan.spec
    return {
        "before": {f"{r.topic}-{r.partition}": r.current for r in rows},
        "after": {f"{r.topic}-{r.partition}": r.new for r in rows},
        "parameters": {"to": str(spec.mode), "value": spec.value},
    }


class Groups:
    def __init__(self, admin: KafkaAdmin, guard: Guard, deep: DeepAdmin | None = None) -> None:
        self.admin = admin
        self.guard = guard
        self.deep = deep  # for OffsetDelete
        self.offsets = CommittedOffsets(admin, deep)  # see group_offsets.py for why
        self.history = LagHistory()
        self.ends = EndOffsetHistory()
        self.seconds_history = LagHistory()  # max lag_seconds per with_lag_seconds call
        self.tracker = RebalanceTracker()
        # the groups `list` started reading offsets for, and that read, for `lag` to use
        self._prefetched: tuple[set[str], concurrent.futures.Future[Found]] | None = None

    # ---- reading -----------------------------------------------------------------------
    def list(self, with_offsets: bool = False) -> list[GroupSummary]:
        """Every group, described in one batched request (lag is filled by `lag`). With
        `with_offsets`, each group's committed offsets are asked for at the same time, for
        the `lag` that follows to use (at 2,000 groups that overlaps 0.6 s of waiting)."""
        future = self.admin.call(
            "listing consumer groups",
            lambda: self.admin.client.list_consumer_groups(
                request_timeout=self.admin.request_timeout
            ),
        )
        listing = self.admin.wait(future, "listing consumer groups")
        if not listing.valid and listing.errors:
            # librdkafka reports an unreachable cluster here, not by failing the future; but
            # one dead broker of several errs the same way, so ask whether the cluster answers
            self.admin.metadata()
        by_id = {g.group_id: g for g in listing.valid}
        self._prefetched = None
        if with_offsets:
            ids = sorted(by_id)
            self._prefetched = (set(ids), in_background(lambda: self.offsets.read(ids)))
        described = self._describe(sorted(by_id))
        self.tracker.observe(described.values(), time.time())
        return [
            described.get(gid) or GroupSummary(gid, _name(g.state), _name(getattr(g, "type", None)))
            for gid, g in sorted(by_id.items())
        ]

    def _describe_futures(self, group_ids: Sequence[str]) -> dict[str, Any]:
        if not group_ids:
            return {}
        return self.admin.call(
            "describing consumer groups",
            lambda: self.admin.client.describe_consumer_groups(
                list(group_ids), request_timeout=self.admin.coordinator_timeout
            ),
        )

    def _describe(self, group_ids: Sequence[str]) -> dict[str, GroupSummary]:
        futures = self._describe_futures(group_ids)
        results, _ = self.admin.wait_all(futures, "describing consumer groups")
        return {gid: _summary(desc) for gid, desc in results.items()}

    def _describe_one(self, group_id: str) -> GroupSummary:
        futures = self._describe_futures([group_id])
        results, errors = self.admin.wait_all(futures, f"describing group {group_id!r}")
        if group_id in errors:
            raise errors[group_id]
        return _summary(results[group_id])

    def committed(self, group_id: str, partitions: Iterable[TP] | None = None) -> Offsets:
        """Committed offsets of one group (all its partitions, or just `partitions`)."""
        found, errors = self.offsets.read([group_id], partitions)
        if group_id in errors:
            raise errors[group_id]
        return found[group_id]

    def lag(
        self, group_ids: Sequence[str], described: Sequence[GroupSummary] | None = None
    ) -> dict[str, GroupLag]:
        """Lag of many groups: descriptions and one offset request per group all in flight
        at once, then one ListOffsets for every partition involved. Records a sample each.
        `described`: the groups as `list` just described them, so they are not asked again
        (at 2,000 groups that is a second of a poll)."""
        ids = list(dict.fromkeys(group_ids))
        if not ids:
            return {}
        describe = {} if described is not None else self._describe_futures(ids)
        prefetched, self._prefetched = self._prefetched, None
        if prefetched is not None and set(ids) <= prefetched[0]:
            committed, errors = prefetched[1].result()  # its own call has a timeout
        else:
            committed, errors = self.offsets.read(ids)  # the descriptions are in flight
        if errors and not committed:
            raise next(iter(errors.values()))  # nothing to show: say why
        now = time.time()
        if described is None:
            answers, _ = self.admin.wait_all(describe, "describing consumer groups")
            summaries = {gid: _summary(d) for gid, d in answers.items()}
            self.tracker.observe(summaries.values(), now)
        else:
            summaries = {g.group_id: g for g in described if g.group_id in ids}
        owners = {gid: self._owners(s) for gid, s in summaries.items()}
        targets = {gid: self._targets(s) for gid, s in summaries.items()}
        partitions = {
            gid: set(committed.get(gid, {})) | set(owners.get(gid, {})) | set(targets.get(gid, {}))
            for gid in ids
            if gid not in errors
        }
        ends = self.admin.offsets(
            {tp: OffsetSpec.latest() for tps in partitions.values() for tp in tps},
            "reading end offsets",
        )
        self.ends.record({tp: info.offset for tp, info in ends.items()}, now)
        result: dict[str, GroupLag] = {}
        for gid, tps in partitions.items():
            offsets, owned, target = (
                committed.get(gid, {}),
                owners.get(gid, {}),
                targets.get(gid, {}),
            )
            rows = tuple(
                self._row(tp, offsets.get(tp), ends, owned, target.get(tp)) for tp in sorted(tps)
            )
            summary = summaries.get(gid)
            group_lag = GroupLag(
                group_id=gid,
                state=summary.state if summary else "UNKNOWN",
                members=len(summary.members) if summary else 0,
                partitions=rows,
                type=summary.type if summary else "UNKNOWN",
                estimate=group_estimate(
                    [
                        (r, self.ends.estimate((r.topic, r.partition), r.committed, now))
                        for r in rows
                    ]
                ),
            )
            self.history.record(gid, LagSample(at=now, lag=group_lag.total))
            result[gid] = group_lag
        return result

    @staticmethod
    def _owners(summary: GroupSummary) -> dict[TP, str]:
        return {
            (tp.topic, tp.partition): m.client_id for m in summary.members for tp in m.assignment
        }

    @staticmethod
    def _targets(summary: GroupSummary) -> dict[TP, str]:
        return {
            (tp.topic, tp.partition): m.client_id
            for m in summary.members
            for tp in m.target_assignment or ()
        }

    @staticmethod
    def _row(
        tp: TP,
        committed: int | None,
        ends: dict[TP, Any],
        owners: dict[TP, str],
        target_member: str | None = None,
    ) -> PartitionLag:
        """end is -1 when the end offset could not be read (for example a deleted topic)."""
        end = ends[tp].offset if tp in ends else -1
        lag = max(0, end - committed) if committed is not None and end >= 0 else None
        return PartitionLag(
            topic=tp[0],
            partition=tp[1],
            committed=committed,
            end=end,
            lag=lag,
            member=owners.get(tp),
            target_member=target_member,
        )

    def trend(self, group_id: str, min_span_s: float = MIN_SPAN_S) -> LagTrend:
        return trend_of(self.history.samples(group_id), min_span_s=min_span_s)

    def with_lag_seconds(self, lags: Mapping[str, GroupLag]) -> dict[str, GroupLag]:
        """The same lags with seconds behind per partition: one record read at each lagging
        committed offset (shared by groups on the same position), all in parallel."""
        positions = {
            (p.topic, p.partition, p.committed)
            for lag in lags.values()
            for p in lag.partitions
            if p.committed is not None and p.lag
        }
        # the furthest behind first, in case there are more than the reader takes (then in
        # partition order, so the same ones are read each time)
        behind = {
            (p.topic, p.partition, p.committed): p.lag or 0
            for g in lags.values()
            for p in g.partitions
        }
        ordered = sorted(positions, key=lambda pos: (-behind[pos], pos))
        stamps = self._stamps(ordered)
        now = time.time()
        result = {}
        for gid, lag in lags.items():
            rows = []
            for p in lag.partitions:
                stamp = stamps.get((p.topic, p.partition, p.committed))
                seconds, note = seconds_behind(p, stamp, now)
                rows.append(replace(p, lag_seconds=seconds, lag_seconds_note=note))
            result[gid] = timed = replace(lag, partitions=tuple(rows))
            if timed.max_lag_seconds is not None:
                self.seconds_history.record(gid, LagSample(now, round(timed.max_lag_seconds)))
        return result

    def lag_seconds_samples(self, group_id: str) -> tuple[LagSample, ...]:
        """The group's max lag in seconds at each `with_lag_seconds`, oldest first."""
        return self.seconds_history.samples(group_id)

    def _stamps(self, positions: Sequence[tuple[str, int, int]]) -> dict[Any, int]:
        """Record timestamps by (topic, partition, offset). A reader takes one offset per
        partition, so groups at different offsets of one partition need more rounds: at
        most STAMP_ROUNDS, all within one timeout; beyond that their lag in seconds stays
        unknown. A round on a local broker takes milliseconds."""
        stamps: dict[Any, int] = {}
        todo = list(positions)
        deadline = time.monotonic() + self.admin.timeout_s
        for _ in range(STAMP_ROUNDS):
            left = deadline - time.monotonic()
            if not todo or left <= 0:
                break
            batch: dict[TP, int] = {}
            for t, p, o in todo:
                batch.setdefault((t, p), o)
            found = read_timestamps(self.admin.settings, batch, left)
            stamps.update({(*tp, batch[tp]): ms for tp, ms in found.items()})
            todo = [(t, p, o) for t, p, o in todo if batch[(t, p)] != o]
        return stamps

    def events(self, group_id: str) -> builtins.list[GroupEvent]:
        """State changes and member joins/leaves seen while this client ran, oldest first."""
        return list(self.tracker.events(group_id))

    def rebalances(self, window_s: float = WINDOW_S) -> dict[str, int]:
        """Rebalances seen per group within the last `window_s` (groups with none left out)."""
        return self.tracker.rebalances(time.time(), window_s)

    # ---- offset resets -----------------------------------------------------------------
    def plan_reset(
        self, group_id: str, topic: str, partitions: Sequence[int] | None, spec: ResetSpec
    ) -> ResetPlan:
        """A dry-run: current, new and lag change per partition. Changes nothing."""
        check_spec(spec)
        meta = self.admin.metadata()
        if topic not in meta.topics:
            raise NotFound(f"topic {topic!r} does not exist")
        chosen = select_partitions(topic, list(meta.topics[topic].partitions), partitions)
        tps = [(topic, p) for p in chosen]
        current = self.committed(group_id, tps)
        marks = self.admin.watermarks(tps)
        missing = [f"{t}-{p}" for t, p in tps if (t, p) not in marks]
        if missing:
            raise RemoteError(f"could not read the offsets of {', '.join(missing)}")
        by_time: dict[TP, int | None] = {}
        if spec.mode is ResetMode.DATETIME:
            at_ms = parse_datetime(str(spec.value))
            found = self.admin.offsets(
                {tp: OffsetSpec.for_timestamp(at_ms) for tp in tps}, "finding offsets for a time"
            )
            by_time = {tp: info.offset for tp, info in found.items()}
        rows = [
            PartitionOffsets(t, p, current.get((t, p)), marks[(t, p)][0], marks[(t, p)][1])
            for t, p in tps
        ]
        return plan_rows(group_id, spec, rows, by_time, now_ms=int(time.time() * 1000))

    def _refuse_if_active(self, group_id: str, action: str) -> GroupSummary:
        summary = self._describe_one(group_id)
        if summary.members:
            clients = ", ".join(sorted({m.client_id for m in summary.members}))
            raise Refused(
                f"group {group_id!r} has {len(summary.members)} active member(s) ({clients}); "
                f"stop its consumers before {action}"
            )
        return summary

    def _commit(self, group_id: str, offsets: dict[TP, int], what: str) -> None:
        request = [
            ConsumerGroupTopicPartitions(
                group_id, [KafkaTopicPartition(t, p, o) for (t, p), o in sorted(offsets.items())]
            )
        ]
        futures = self.admin.call(
            what,
            lambda: self.admin.client.alter_consumer_group_offsets(
                request, request_timeout=self.admin.request_timeout
            ),
        )
        results, errors = self.admin.wait_all(futures, what)
        if group_id in errors:
            raise errors[group_id]
        failed = [tp for tp in results[group_id].topic_partitions or [] if tp.error is not None]
        if failed:
            raise self.admin.error(
                failed[0].error, f"{what} ({failed[0].topic}-{failed[0].partition})"
            )

    @changes("group.reset_offsets", target=lambda plan: plan.group_id, details=_reset_details)
    def execute_reset(self, plan: ResetPlan) -> ResetResult:
        """Apply a plan, then read the offsets back and report any that differ."""
        self._refuse_if_active(plan.group_id, "resetting offsets")
        wanted = {(r.topic, r.partition): r.new for r in plan.rows}
        self._commit(plan.group_id, wanted, f"resetting offsets of group {plan.group_id!r}")
        read_back = self.committed(plan.group_id, wanted)
        mismatches = tuple(
            (TopicPartition(t, p), read_back.get((t, p)), new)
            for (t, p), new in sorted(wanted.items())
            if read_back.get((t, p)) != new
        )
        return ResetResult(plan=plan, applied=True, mismatches=mismatches)

    # ---- deleting ----------------------------------------------------------------------
    @changes("group.delete")
    def delete(self, group_id: str) -> Any:
        """Delete a group. Its committed offsets go to the audit log as `before`."""
        before = self.committed(group_id)
        self._delete_group(group_id)
        self.history.forget(group_id)
        self.tracker.forget(group_id)
        self.seconds_history.forget(group_id)
        return {"before": {f"{t}-{p}": o for (t, p), o in sorted(before.items())}, "after": None}

    def _delete_group(self, group_id: str) -> None:
        what = f"deleting group {group_id!r}"
        futures = self.admin.call(
            what,
            lambda: self.admin.client.delete_consumer_groups(
                [group_id], request_timeout=self.admin.request_timeout
            ),
        )
        _, errors = self.admin.wait_all(futures, what)
        if group_id in errors:
            raise errors[group_id]

    @changes("group.delete_offsets")
    def delete_offsets(self, group_id: str, partitions: Sequence[TopicPartition]) -> Any:
        """Remove the committed offsets of some partitions, and only those, with one
        OffsetDelete request (through deep_admin: confluent-kafka binds none). The broker
        applies it atomically; it refuses while the group consumes the topic. Members
        are checked first for a clear message. The full `before` is in the audit log."""
        self._refuse_if_active(group_id, "deleting offsets")
        before = self.committed(group_id)
        drop = {(tp.topic, tp.partition) for tp in partitions}
        unknown = sorted(drop - set(before))
        if unknown:
            names = ", ".join(f"{t}-{p}" for t, p in unknown)
            raise NotFound(f"group {group_id!r} has no committed offset on {names}")
        what = f"deleting offsets of group {group_id!r}"
        if self.deep is None:
            raise NotAvailable(f"{what}: no OffsetDelete client")

        def delete(client: Any) -> dict[tuple[str, int], str]:
            from kafka.structs import TopicPartition as PyTopicPartition

            wanted = [PyTopicPartition(t, p) for t, p in sorted(drop)]
            answer = client.delete_group_offsets(group_id, wanted)
            return {(tp.topic, tp.partition): err.__name__ for tp, err in answer.items()}

        failed = {tp: e for tp, e in self.deep.call(what, delete).items() if e != "NoError"}
        if failed:
            (t, p), name = sorted(failed.items())[0]
            raise self.deep.named_error(name, f"{what} ({t}-{p})")
        after = self.committed(group_id)
        return {
            "before": {f"{t}-{p}": o for (t, p), o in sorted(before.items())},
            "after": {f"{t}-{p}": o for (t, p), o in sorted(after.items())},
        }
