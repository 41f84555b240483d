"""`kafkatui find TOPIC TEXT`: print the records that match TEXT, as tail's JSONL.

TEXT is the shared filter (as `tail --filter` and the TUI's `/`): plain text, smart case,
matched against the key, the whole decoded value and header names and values. Every
chosen partition is read at once, from --from (default: earliest) to the end offsets
seen at start; --until keeps records stamped at or before a time. Records are tried on
their raw bytes first and decoded only when they may match.

Progress (scanned/total, rate, ETA) goes to stderr when it is a terminal. Exit 0 when
something matched, 1 when nothing did.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kafkatui.cli.copy_cmd import add_range_options, range_of
from kafkatui.cli.progress import StderrProgress, progress_line

if TYPE_CHECKING:
    from kafkatui.cli.main import CliContext
    from kafkatui.records.view import RecordView


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "find",
        help="scan a topic for records matching TEXT (JSONL, progress on stderr)",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("topic", metavar="TOPIC")
    parser.add_argument("text", metavar="TEXT")
    add_range_options(parser)
    parser.add_argument("--max-matches", type=_positive, metavar="N", help="stop after N matches")
    parser.add_argument(
        "--json", action="store_true", help="JSONL output (the default and only format)"
    )
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from kafkatui.records.find import Finder, FindRequest

    start, until = range_of(args)
    request = FindRequest(args.topic, args.text, start, until, args.max_matches)
    finder = Finder(ctx.client.transfers.scan, ctx.decoder(), request)
    shown = StderrProgress()
    label = f"finding in {args.topic}"
    out = sys.stdout

    def write(views: list[RecordView]) -> None:
        out.write("".join(view.jsonl() + "\n" for view in views))
        out.flush()

    try:
        result = finder.run(
            write, lambda p: shown.show(progress_line(label, p.scanned, p.total, p.elapsed_s))
        )
    finally:
        shown.done()
    if shown.enabled:
        print(
            f"{result.matches} matches in {result.scanned:,} records ({result.elapsed_s:.1f} s)",
            file=sys.stderr,
        )
    return 0 if result.matches else 1


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value
