"""`kafkatui check`: health findings (docs/cli.md). Exit 1 if any is critical or a warning."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kafkatui.cli.output import table, write_json
from kafkatui.cluster.deep_models import DepthLimits
from kafkatui.cluster.errors import UsageError

if TYPE_CHECKING:
    from kafkatui.cli.main import CliContext

_ORDER = {"critical": 0, "warning": 1, "info": 2}


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check",
        help="health findings; exit 1 if any is critical or a warning",
        description="Check the cluster (partitions, replication, configs, consumer lag, "
        "connectors). Exit 0 when there is nothing but info, 1 otherwise.",
    )
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument(
        "--lag-window",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="sample consumer lag over this many seconds to spot lag that keeps growing "
        "(CONSUMER_LAG_GROWING); 0 skips the sampling (default 10)",
    )
    parser.add_argument("--disk-warn", type=float, default=80.0, metavar="PCT",
                        help="DISK_USAGE_HIGH warning at this %% of a log dir's disk (80)")
    parser.add_argument("--disk-critical", type=float, default=90.0, metavar="PCT",
                        help="DISK_USAGE_HIGH critical at this %% (90)")
    parser.add_argument("--txn-age", type=float, default=300.0, metavar="SECONDS",
                        help="OPEN_TRANSACTION for a transaction open this long (300)")
    parser.add_argument("--lag-seconds", type=float, default=300.0, metavar="N",
                        help="warn when a group's oldest unread record is older than N seconds "
                        "(CONSUMER_LAG_SECONDS, default 300)")
    parser.add_argument("--rebalances", type=int, default=3, metavar="N",
                        help="warn when a group rebalances N times within the lag window "
                        "(REBALANCE_STORM, default 3)")
    return parser  # fmt: skip


def _limits(args: argparse.Namespace) -> DepthLimits:
    for name in ("disk_warn", "disk_critical"):
        if not 0 <= getattr(args, name) <= 100:
            raise UsageError(f"--{name.replace('_', '-')} must be a percentage from 0 to 100")
    if args.disk_warn > args.disk_critical:
        raise UsageError("--disk-warn must not be above --disk-critical")
    if args.txn_age < 0:
        raise UsageError("--txn-age must not be negative")
    return DepthLimits(
        disk_warn_pct=args.disk_warn, disk_critical_pct=args.disk_critical, txn_age_s=args.txn_age
    )


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    limits = _limits(args)
    found = ctx.connected_client().health.check(
        lag_window_s=max(0.0, args.lag_window),
        limits=limits,
        lag_seconds=max(0.0, args.lag_seconds),
        storm_rebalances=max(1, args.rebalances),
    )
    findings = sorted(found, key=lambda f: (_ORDER.get(f.severity, 3), f.code, f.subject))
    if args.json:
        write_json(
            sys.stdout,
            [
                {"severity": f.severity, "code": f.code, "subject": f.subject, "detail": f.detail}
                for f in findings
            ],
        )
    elif findings:
        rows = [(f.severity, f.code, f.subject, f.detail) for f in findings]
        sys.stdout.write(table(("SEVERITY", "CODE", "SUBJECT", "DETAIL"), rows))
    else:
        print("no findings")
    return 1 if any(f.severity in ("critical", "warning") for f in findings) else 0
