"""`kafkatui find TOPIC TEXT`: print the records that match TEXT, as tail's JSONL.

TEXT is the shared filter (as `tail --filter` and the TUI's `/`): plain text, smart case,
matched against the key, the whole decoded value and header names and values. Every
chosen partition is read at once, from --from (default: earliest) to the end offsets
seen at start; --until keeps records stamped at or before a time. Records are tried on
their raw bytes first and decoded only when they may match. Like `tail --until-end`, it
reads with one process per core (at most 4), each taking a share of the partitions
(one process with --max-matches).

Progress (scanned/total, rate, ETA) goes to stderr when it is a terminal. Exit 0 when
something matched, 1 when nothing did.
"""

from __future__ import annotations

import argparse
import mmap
import struct
import sys
import time
from typing import TYPE_CHECKING, Any

from kafkatui.cli.copy_cmd import add_range_options, range_of
from kafkatui.cli.progress import StderrProgress, progress_line
from kafkatui.cli.tail_workers import default_workers, run_sharded

if TYPE_CHECKING:
    from collections.abc import Callable

    from kafkatui.cli.main import CliContext
    from kafkatui.cluster.api import TailStart
    from kafkatui.cluster.scan import Scan, ScanProgress
    from kafkatui.records.find import FindRequest
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
    from kafkatui.records.find import FindRequest, check_request

    start, until = range_of(args)
    request = FindRequest(args.topic, args.text, start, until, args.max_matches)
    check_request(request)  # before any process starts: one clear message
    # several processes, as `tail --until-end`, each with a share of the partitions; one
    # with --max-matches, which counts matches across the whole topic
    workers = 1 if args.max_matches is not None else default_workers()
    tally = Tally(workers)
    shown = StderrProgress()
    label = f"finding in {args.topic}"
    began = time.monotonic()

    def share(index: int, write: Callable[[bytes], None]) -> None:
        _find_share(ctx, request, (index, workers) if workers > 1 else None, tally, write,
                    (lambda line: shown.show(line)) if index == 0 else None, label)  # fmt: skip

    try:
        if workers == 1:
            share(0, _write_stdout)
        else:
            run_sharded(workers, share)
    finally:
        # the first process drew while the others still read: end on every share's count
        scanned, total, matches = tally.sums()
        elapsed = time.monotonic() - began
        shown.show(progress_line(label, scanned, total, elapsed), force=True)
        shown.done()
    if shown.enabled:
        print(f"{matches} matches in {scanned:,} records ({elapsed:.1f} s)", file=sys.stderr)
    return 0 if matches else 1


def _find_share(
    ctx: CliContext,
    request: FindRequest,
    shard: tuple[int, int] | None,
    tally: Tally,
    write: Callable[[bytes], None],
    show: Callable[[str], None] | None,
    label: str,
) -> None:
    """Find in this process's share of the partitions; `show` draws the progress of all
    shares (the first process only). Clients are made here, after the fork."""
    from kafkatui.cluster.scan import Scan
    from kafkatui.records.find import Finder

    index = shard[0] if shard else 0
    matches = 0

    def open_scan(topic: str, start: TailStart, until_ms: int | None) -> Scan:
        return Scan(ctx.settings, topic, start, until_ms=until_ms, shard=shard)

    def matched(views: list[RecordView]) -> None:
        nonlocal matches
        matches += len(views)
        write("".join(view.jsonl() + "\n" for view in views).encode("utf-8", "backslashreplace"))

    def progress(p: ScanProgress) -> None:
        tally.put(index, p.scanned, p.total, matches)
        if show is not None and tally.all_opened():  # a total missing a share would lie
            scanned, total, _ = tally.sums()
            show(progress_line(label, scanned, total, p.elapsed_s))

    result = Finder(open_scan, ctx.decoder(), request).run(matched, progress)
    tally.put(index, result.scanned, result.total, result.matches)


class Tally:
    """Records scanned, records to scan and matches of each process of one find, in
    memory the forked processes share (mapped before the fork)."""

    _SLOT = struct.Struct("qqqq")  # scanned, total, matches, opened (1 once put)

    def __init__(self, processes: int) -> None:
        self._count = processes
        self._memory = mmap.mmap(-1, self._SLOT.size * processes)

    def put(self, index: int, scanned: int, total: int, matches: int) -> None:
        self._SLOT.pack_into(self._memory, index * self._SLOT.size, scanned, total, matches, 1)

    def _rows(self) -> list[tuple[int, ...]]:
        return [self._SLOT.unpack_from(self._memory, i * self._SLOT.size)
                for i in range(self._count)]  # fmt: skip

    def all_opened(self) -> bool:
        """Every process knows its share's total (its scan is open)."""
        return all(row[3] for row in self._rows())

    def sums(self) -> tuple[int, int, int]:
        scanned, total, matches, _ = (sum(column) for column in zip(*self._rows(), strict=True))
        return scanned, total, matches


def _write_stdout(data: bytes) -> None:
    out = sys.stdout.buffer
    out.write(data)
    out.flush()


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value
