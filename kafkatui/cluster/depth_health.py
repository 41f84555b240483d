"""The `check` rules over disks, the KRaft quorum, open transactions and reassignments.

Pure rules over `DepthFacts` (testable on hand-built data), and `gather_depth`, which
reads the facts through BrokerDepth and Transactions. Any part that cannot be read is
reported as CHECK_INCOMPLETE: a warning, or info when the connection's authentication
rules these APIs out (not a cluster problem).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from kafkatui.cluster.api import TransactionsApi
from kafkatui.cluster.broker_depth import BrokerDepth
from kafkatui.cluster.deep_models import (
    DepthLimits,
    LogDir,
    Quorum,
    Reassignment,
    StableGap,
    Transaction,
)
from kafkatui.cluster.errors import KafkaTuiError, NotAvailable
from kafkatui.cluster.models import Finding

CRITICAL, WARNING, INFO = "critical", "warning", "info"


@dataclass(frozen=True)
class DepthFacts:
    now_ms: int
    log_dirs: tuple[LogDir, ...] = ()
    quorum: Quorum | None = None
    transactions: tuple[Transaction, ...] = ()
    gaps: tuple[StableGap, ...] = ()
    reassignments: tuple[Reassignment, ...] = ()
    incomplete: tuple[Finding, ...] = field(default_factory=tuple)


def _pct(value: float) -> str:
    return f"{value:g}%"


def disk_findings(dirs: Sequence[LogDir], limits: DepthLimits) -> list[Finding]:
    """LOG_DIR_OFFLINE (critical) and DISK_USAGE_HIGH (warning / critical)."""
    found = []
    for d in dirs:
        subject = f"broker {d.broker_id} {d.path}"
        if d.offline:
            detail = f"log dir offline ({d.error}); its {d.partitions} replica(s) are unavailable"
            found.append(Finding(CRITICAL, "LOG_DIR_OFFLINE", subject, detail))
            continue
        used = d.used_percent
        if used is None or used < limits.disk_warn_pct:
            continue
        critical = used >= limits.disk_critical_pct
        limit = limits.disk_critical_pct if critical else limits.disk_warn_pct
        detail = (
            f"disk {_pct(used)} full (limit {_pct(limit)}): {d.usable_bytes} of "
            f"{d.total_bytes} bytes free; Kafka data here {d.size_bytes} bytes"
        )
        found.append(Finding(CRITICAL if critical else WARNING, "DISK_USAGE_HIGH", subject, detail))
    return found


def quorum_findings(quorum: Quorum | None, now_ms: int, limits: DepthLimits) -> list[Finding]:
    """KRAFT_QUORUM: a voter set that tolerates no failure or is even (info); a voter
    behind the leader and not caught up for `quorum_stale_s` (warning)."""
    if quorum is None:
        return []
    found = []
    voters = len(quorum.voters)
    if voters == 1:
        detail = "a single controller voter: losing it stops metadata changes"
        found.append(Finding(INFO, "KRAFT_QUORUM", "quorum", detail))
    elif voters % 2 == 0:
        detail = f"{voters} voters: an even count tolerates no more failures than {voters - 1}"
        found.append(Finding(INFO, "KRAFT_QUORUM", "quorum", detail))
    for m in quorum.voters:
        if m.node_id == quorum.leader_id or m.lag == 0:
            continue
        behind_s = None if m.last_caught_up_ms is None else (now_ms - m.last_caught_up_ms) / 1000
        if behind_s is not None and behind_s < limits.quorum_stale_s:
            continue
        since = "never caught up" if behind_s is None else f"last caught up {behind_s:.0f} s ago"
        detail = f"voter {m.node_id} is {m.lag} record(s) behind leader {quorum.leader_id}; {since}"
        found.append(Finding(WARNING, "KRAFT_QUORUM", f"voter {m.node_id}", detail))
    return found


def transaction_findings(
    txns: Sequence[Transaction], gaps: Sequence[StableGap], now_ms: int, limits: DepthLimits
) -> list[Finding]:
    """OPEN_TRANSACTION: a transaction open longer than `txn_age_s`, naming the
    partitions whose read_committed consumers it holds back."""
    by_partition = {(g.topic, g.partition): g for g in gaps}
    found = []
    for t in txns:
        age = t.age_seconds(now_ms)
        if age is None or age < limits.txn_age_s:
            continue
        held = [by_partition.get((tp.topic, tp.partition)) for tp in t.partitions]
        blocked = [f"{g.topic}-{g.partition} ({g.gap} records)" for g in held if g and g.gap]
        blocks = "blocks " + ", ".join(blocked) if blocked else "holds no partition back now"
        detail = (
            f"{t.state} for {age:.0f} s (timeout {t.timeout_ms} ms), producer "
            f"{t.producer_id} epoch {t.producer_epoch}; {blocks}"
        )
        found.append(Finding(WARNING, "OPEN_TRANSACTION", t.transactional_id, detail))
    return found


def reassignment_findings(moves: Sequence[Reassignment]) -> list[Finding]:
    """REASSIGNMENT_IN_PROGRESS (info), one per topic."""
    by_topic: dict[str, list[Reassignment]] = {}
    for r in moves:
        by_topic.setdefault(r.topic, []).append(r)
    found = []
    for topic, rows in sorted(by_topic.items()):
        parts = ", ".join(
            f"{r.partition} (adding {list(r.adding)}, removing {list(r.removing)})" for r in rows
        )
        detail = f"{len(rows)} partition(s) being reassigned: {parts}"
        found.append(Finding(INFO, "REASSIGNMENT_IN_PROGRESS", topic, detail))
    return found


def evaluate_depth(facts: DepthFacts, limits: DepthLimits) -> list[Finding]:
    return [
        *disk_findings(facts.log_dirs, limits),
        *quorum_findings(facts.quorum, facts.now_ms, limits),
        *transaction_findings(facts.transactions, facts.gaps, facts.now_ms, limits),
        *reassignment_findings(facts.reassignments),
        *facts.incomplete,
    ]


def _incomplete(what: str, exc: KafkaTuiError) -> Finding:
    severity = INFO if isinstance(exc, NotAvailable) else WARNING
    return Finding(severity, "CHECK_INCOMPLETE", what, f"could not read {what}: {exc}")


def needs_sizes(dirs: Sequence[LogDir], limits: DepthLimits) -> bool:
    """Whether a disk finding is due, whose text gives the sizes a totals read leaves out."""
    return any(d.offline or (d.used_percent or 0.0) >= limits.disk_warn_pct for d in dirs)


def gather_depth(
    depth: BrokerDepth, transactions: TransactionsApi | None, limits: DepthLimits
) -> DepthFacts:
    """Read every fact; each part that fails becomes one CHECK_INCOMPLETE finding. The
    log dirs are sized only when a disk finding will show their sizes."""
    incomplete: list[Finding] = []
    dirs: tuple[LogDir, ...] = ()
    quorum = None
    moves: tuple[Reassignment, ...] = ()
    txns: tuple[Transaction, ...] = ()
    gaps: tuple[StableGap, ...] = ()
    try:
        dirs = depth.log_dir_totals().log_dirs
        if needs_sizes(dirs, limits):
            dirs = depth.disk_usage().log_dirs
    except KafkaTuiError as exc:
        incomplete.append(_incomplete("log dirs", exc))
        if isinstance(exc, NotAvailable):  # the same for every part: say it once
            return DepthFacts(now_ms=int(time.time() * 1000), incomplete=tuple(incomplete))
    try:
        quorum = depth.quorum()
    except KafkaTuiError as exc:
        incomplete.append(_incomplete("the KRaft quorum", exc))
    try:
        moves = tuple(depth.reassignments())
    except KafkaTuiError as exc:
        incomplete.append(_incomplete("partition reassignments", exc))
    if transactions is not None:
        try:
            txns = tuple(transactions.list())
            gaps = tuple(transactions.gaps([tp for t in txns for tp in t.partitions]))
        except KafkaTuiError as exc:
            incomplete.append(_incomplete("transactions", exc))
    return DepthFacts(
        now_ms=int(time.time() * 1000),
        log_dirs=dirs,
        quorum=quorum,
        transactions=txns,
        gaps=gaps,
        reassignments=moves,
        incomplete=tuple(incomplete),
    )
