"""`kafkatui check`: health findings (docs/cli.md). Exit 1 if any is critical or a warning."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kafkatui.cli.output import table, write_json

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
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    found = ctx.connected_client().health.check(lag_window_s=max(0.0, args.lag_window))
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
