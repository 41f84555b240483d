"""`kafkatui brokers`: brokers, the KRaft quorum, and each broker's log dirs and disk.

`--json` prints {"controller", "quorum": {"leader", "voters": [...], "observers": [...]},
"brokers": [{"id", "host", "port", "rack", "log_dirs": [{"path", "total_bytes",
"usable_bytes", "used_percent", "size_bytes", "partitions", "cordoned"}]}]} (SPEC §2.5).
A voter or observer is {"id", "log_end_offset", "lag", "last_fetch_ms",
"last_caught_up_ms"} (epoch milliseconds). When the cluster cannot tell (no KRaft, or an
authentication the second admin client cannot use), "quorum" is null or "log_dirs" empty,
and the reason goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kafkatui.cli.output import table, write_json
from kafkatui.cluster.deep_models import DiskUsage, LogDir, Quorum, QuorumMember
from kafkatui.cluster.errors import KafkaTuiError

if TYPE_CHECKING:
    from kafkatui.cli.main import CliContext


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "brokers",
        help="brokers, KRaft quorum, log dirs and disk",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _member(m: QuorumMember) -> dict[str, Any]:
    return {
        "id": m.node_id,
        "log_end_offset": m.log_end_offset,
        "lag": m.lag,
        "last_fetch_ms": m.last_fetch_ms,
        "last_caught_up_ms": m.last_caught_up_ms,
    }


def quorum_document(q: Quorum | None) -> dict[str, Any] | None:
    if q is None:
        return None
    return {
        "leader": q.leader_id,
        "voters": [_member(m) for m in q.voters],
        "observers": [_member(m) for m in q.observers],
    }


def log_dir_document(d: LogDir) -> dict[str, Any]:
    return {
        "path": d.path,
        "total_bytes": d.total_bytes,
        "usable_bytes": d.usable_bytes,
        "used_percent": d.used_percent,
        "size_bytes": d.size_bytes,
        "partitions": d.partitions,
        "cordoned": d.cordoned,
    }


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    client = ctx.connected_client()
    info = client.brokers.cluster_info()
    unavailable: dict[str, str] = {}
    usage, quorum = DiskUsage(log_dirs=()), None
    try:
        usage = client.brokers.disk_usage()
    except KafkaTuiError as exc:
        unavailable["log_dirs"] = str(exc)
    try:
        quorum = client.brokers.quorum()
    except KafkaTuiError as exc:
        unavailable["quorum"] = str(exc)
    document: dict[str, Any] = {
        "controller": info.controller_id,
        "quorum": quorum_document(quorum),
        "brokers": [
            {
                "id": b.id,
                "host": b.host,
                "port": b.port,
                "rack": b.rack,
                "log_dirs": [log_dir_document(d) for d in usage.log_dirs if d.broker_id == b.id],
            }
            for b in info.brokers
        ],
    }
    if args.json:
        write_json(sys.stdout, document)
    else:
        sys.stdout.write(_text(document, usage))
    for what, reason in unavailable.items():
        print(f"{what} unavailable: {reason}", file=sys.stderr)
    return 0


def _text(doc: dict[str, Any], usage: DiskUsage) -> str:
    offline = {(d.broker_id, d.path): d.error for d in usage.log_dirs if d.offline}
    rows = [
        (b["id"], b["host"], b["port"], b["rack"], d["path"], d["used_percent"], d["total_bytes"],
         d["size_bytes"], d["partitions"], "yes" if d["cordoned"] else "",
         f"OFFLINE ({offline[(b['id'], d['path'])]})" if (b["id"], d["path"]) in offline else "")
        for b in doc["brokers"]
        for d in b["log_dirs"] or [dict.fromkeys(("path", "used_percent", "total_bytes",
                                                   "size_bytes", "partitions", "cordoned"))]
    ]  # fmt: skip
    out = f"controller {doc['controller']}\n"
    out += table(("ID", "HOST", "PORT", "RACK", "LOG_DIR", "USED_%", "TOTAL_BYTES",
                  "SIZE_BYTES", "PARTITIONS", "CORDONED", "STATE"), rows)  # fmt: skip
    quorum = doc["quorum"]
    if quorum is not None:
        members = [
            (m["id"], role, "leader" if m["id"] == quorum["leader"] else "", m["lag"],
             m["last_caught_up_ms"])
            for role in ("voter", "observer")
            for m in quorum[role + "s"]
        ]  # fmt: skip
        out += "\nKRaft quorum\n" + table(
            ("NODE", "ROLE", "LEADER", "LAG", "LAST_CAUGHT_UP_MS"), members
        )
    return out
