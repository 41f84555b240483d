"""`kafkatui copy SRC DST [options] [--execute]`: copy records between topics (SPEC §2.6).

Copies keys, values, headers and CreateTime timestamps, in order within each partition.
With --keep-partitions each record keeps its partition (DST needs at least as many);
otherwise a keyed record goes where Kafka's default partitioner puts its key, and
keyless records are spread evenly. Each copy gets one more header,
`kafkatui.copied-from: SRC/PARTITION/OFFSET`.

A dry run unless --execute: it prints the plan, records per target partition. Records
DST already holds (by that header) are skipped, so running it again, even after it was
killed halfway, writes each record once (docs/copy.md). Writes use an idempotent producer
with acks=all, at most --rate records a second; an audit entry is written; read-only
refuses --execute (exit 4).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from kafkatui.cli.redrive_cmd import positive_rate
from kafkatui.cli.tail_cmd import parse_from, parse_time_ms
from kafkatui.cli.transfer_output import run_transfer
from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.transfers import CopyRequest

if TYPE_CHECKING:
    from collections.abc import Callable

    from kafkatui.cli.main import CliContext
    from kafkatui.cluster.transfer import TransferProgress, TransferReport


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "copy",
        help="copy records from one topic to another (dry run unless --execute)",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="SRC")
    parser.add_argument("destination", metavar="DST")
    add_range_options(parser)
    parser.add_argument("--filter", metavar="TEXT", help="only records matching TEXT (as tail)")
    parser.add_argument("--rate", type=positive_rate, metavar="N", help="at most N records/s")
    parser.add_argument(
        "--keep-partitions", action="store_true", help="write each record to its own partition"
    )
    parser.add_argument("--execute", action="store_true", help="write (default: dry run)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def add_range_options(parser: argparse.ArgumentParser) -> None:
    """--from, --until and --partition, as `find` and `copy` take them."""
    parser.add_argument(
        "--from",
        dest="start",
        metavar="WHERE",
        help="earliest (default) | OFFSET | -N (last N of each partition) | ISO 8601 time",
    )
    parser.add_argument(
        "--until", metavar="ISO8601", help="only records with a timestamp at or before this"
    )
    parser.add_argument(
        "--partition",
        type=_partition,
        action="append",
        metavar="N",
        help="only this partition (repeatable; default: all)",
    )


def range_of(args: argparse.Namespace) -> tuple[Any, int | None]:
    """(TailStart, until in epoch ms or None) from the range options."""
    if args.start is not None and args.start.strip().lower() in ("latest", "end"):
        raise InvalidInput("--from latest leaves nothing to read: give a start in the past")
    start = parse_from(args.start, args.partition, follow=False)
    until = parse_time_ms(args.until) if args.until else None
    return start, until


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    start_at, until = range_of(args)
    client = ctx.connected_client()
    select = None
    if args.filter:
        from kafkatui.cli.record_select import filter_predicate

        select = filter_predicate(args.filter, client.decoder())
    transfers = client.transfers

    def start(tell: Callable[[TransferProgress], None]) -> TransferReport:
        request = CopyRequest(
            args.source,
            args.destination,
            start=start_at,
            until_ms=until,
            keep_partitions=args.keep_partitions,
            rate=args.rate,
            select=select,
            progress=tell,
        )
        return transfers.copy(request) if args.execute else transfers.plan_copy(request)

    return run_transfer(start, args.json)


def _partition(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a partition number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value
