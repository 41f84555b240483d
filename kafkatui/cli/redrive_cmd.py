"""`kafkatui redrive TOPIC [--to TOPIC] [--error-class CLASS] [--execute]` (SPEC §2.6).

Re-produces the records of a dead-letter topic (all, or those of one exception class) to
the topic each names in `__connect.errors.topic` (and its partition there), or to --to
(partitioned by key). A copy keeps the key, the value and the other headers, drops the
`__connect.errors.*` headers and adds `kafkatui.copied-from: TOPIC/PARTITION/OFFSET`,
naming the dead letter it came from.

A dry run unless --execute: it prints the plan, records per target partition. Records a
target already holds (by that header) are skipped, so running it again, even after it
was killed halfway, writes each dead letter once (docs/copy.md). Writes use an
idempotent producer with acks=all, at most --rate records a second; an audit entry is
written; read-only refuses --execute (exit 4).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from kafkatui.cli.transfer_output import run_transfer
from kafkatui.cluster.transfers import RedriveRequest

if TYPE_CHECKING:
    from collections.abc import Callable

    from kafkatui.cli.main import CliContext
    from kafkatui.cluster.transfer import TransferProgress, TransferReport


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "redrive",
        help="re-produce dead letters to their original topic (dry run unless --execute)",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("topic", metavar="TOPIC", help="the dead-letter topic")
    parser.add_argument("--to", metavar="TOPIC", help="write here instead of the original topic")
    parser.add_argument(
        "--error-class", metavar="CLASS", help="only dead letters of this exception class"
    )
    parser.add_argument("--rate", type=positive_rate, metavar="N", help="at most N records/s")
    parser.add_argument("--execute", action="store_true", help="write (default: dry run)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    transfers = ctx.connected_client().transfers

    def start(tell: Callable[[TransferProgress], None]) -> TransferReport:
        request = RedriveRequest(
            args.topic, to=args.to, error_class=args.error_class, rate=args.rate, progress=tell
        )
        return transfers.redrive(request) if args.execute else transfers.plan_redrive(request)

    return run_transfer(start, args.json)


def positive_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected records per second, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("expected more than 0 records per second")
    return value
