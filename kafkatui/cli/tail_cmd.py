"""`kafkatui tail TOPIC`: stream a topic to stdout as JSONL or text (docs/cli.md, docs/jsonl.md).

No consumer group, no commits. Records are written as they arrive, one flush per
batch; memory stays bounded (one batch plus the Kafka client's read-ahead).
`--until-end` stops at the high watermarks seen at start; `--max N` after N printed
records; otherwise it follows until interrupted (Ctrl-C ends it with exit 0). A topic
that does not exist exits 1 with a message; an unreachable cluster exits 3.

`--until-end` without `--max` reads with one process per core (at most 4; `--workers N`),
each taking a share of the partitions: a partition's records stay in order, and the
partitions interleave batch by batch, as they do in one process.

`--filter TEXT` keeps the records that `records.RecordFilter` matches, the rule the TUI's
`/` uses too: smart case (case-insensitive unless TEXT has an upper-case letter) over the
decoded key, the whole decoded value and header names and values. The text searched is
what `--format text` shows: a string as is, structured values (JSON, Avro, Protobuf) as
compact JSON, and undecodable or hex payloads as hex; header values as text or base64.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.tail_start import TailStart
from kafkatui.decode.auto import FORMATS

if TYPE_CHECKING:
    from kafkatui.cli.main import CliContext
    from kafkatui.cli.output import RecordFormatter

_EARLIEST = ("earliest", "beginning")
_LATEST = ("latest", "end")
_YOUNG_GC_THRESHOLD = 200_000  # allocations between young collections (Python's: 700)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "tail",
        help="print records of a topic (no consumer group, no commits)",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("topic", metavar="TOPIC")
    parser.add_argument(
        "--partition",
        type=_non_negative,
        action="append",
        metavar="N",
        help="only this partition (repeatable; default: all)",
    )
    parser.add_argument(
        "--from",
        dest="start",
        default=None,
        metavar="WHERE",
        help="earliest | latest | OFFSET | -N (last N of each partition) | ISO 8601 time "
        "(UTC unless it has an offset); default: latest when following, else earliest",
    )
    stop = parser.add_argument_group("when to stop (default: --follow)")
    stop.add_argument("--max", type=_non_negative, metavar="N", help="stop after N records")
    stop.add_argument(
        "--until-end", action="store_true", help="stop at the end offsets seen at start"
    )
    stop.add_argument("--follow", action="store_true", help="keep waiting for new records")
    parser.add_argument(
        "--format",
        choices=("jsonl", "text"),
        default="jsonl",
        help="jsonl: one JSON object per record (default); text: timestamp, partition, "
        "offset, key and value, tab-separated",
    )
    parser.add_argument(
        "--filter",
        metavar="TEXT",
        help="only records whose key, value or a header name or value holds TEXT "
        "(case-insensitive unless TEXT has an upper-case letter)",
    )
    parser.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="with --until-end: processes sharing the partitions (default: one per core, "
        "at most 4). Each partition stays in order; partitions interleave by batch",
    )
    parser.add_argument(
        "--key-format", choices=FORMATS, default="auto", help="how to decode keys (default auto)"
    )
    parser.add_argument(
        "--value-format",
        choices=FORMATS,
        default="auto",
        help="how to decode values (default auto: registry wire format, JSON, text, else hex)",
    )
    return parser


def parse_from(text: str | None, partitions: list[int] | None, *, follow: bool) -> TailStart:
    """The TailStart for a `--from` value (None: latest when following, else earliest)."""
    chosen = tuple(sorted(set(partitions))) if partitions else None
    if text is None:
        return TailStart("latest" if follow else "earliest", None, chosen)
    word = text.strip().lower()
    if word in _EARLIEST:
        return TailStart("earliest", None, chosen)
    if word in _LATEST:
        return TailStart("latest", None, chosen)
    if word.isdigit():
        return TailStart("offset", int(word), chosen)
    if word.startswith("-") and word[1:].isdigit():
        return TailStart("last", int(word[1:]), chosen)
    return TailStart("timestamp", parse_time_ms(text), chosen)


def parse_time_ms(text: str) -> int:
    """ISO 8601 date or date-time to epoch milliseconds; no zone means UTC."""
    from kafkatui.cluster.resets import parse_datetime  # its models cost a tail's start-up

    try:
        return parse_datetime(text)
    except InvalidInput:
        raise InvalidInput(
            f"--from {text!r}: expected earliest, latest, an offset, -N or an ISO 8601 time"
        ) from None


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.follow and (args.until_end or args.max is not None):
        raise InvalidInput("--follow cannot be combined with --until-end or --max")
    if (args.workers or 1) > 1 and (args.max is not None or not args.until_end):
        raise InvalidInput("--workers shares a bounded read: it needs --until-end, not --max")
    if (args.workers or 1) > 1 and not hasattr(os, "fork"):
        raise InvalidInput("--workers needs a system that can fork processes")
    follow = not args.until_end and args.max is None
    start = parse_from(args.start, args.partition, follow=follow)
    if args.max == 0:
        return 0
    ctx.settings  # noqa: B018 - a bad configuration is reported once, before any fork
    # Every batch makes thousands of Message objects that the cyclic collector tracks and
    # refcounting frees with the batch: young-generation passes over them took ~10% of a
    # raw tail's time. Nothing in this loop makes cycles, so collect rarely.
    gc.set_threshold(_YOUNG_GC_THRESHOLD)
    bounded_range = args.until_end and args.max is None
    workers = args.workers or (_default_workers() if bounded_range else 1)

    def read_share(index: int, write: Callable[[bytes], None]) -> None:
        # Each process imports the Kafka and HTTP clients itself: after a fork they load
        # on both cores at once instead of one after the other before it.
        shard = (index, workers) if workers > 1 else None
        _stream(ctx, args, start, _formatter(ctx, args), shard, write)

    if workers == 1:
        read_share(0, _write_stdout)
    else:
        from kafkatui.cli.tail_workers import run_sharded

        run_sharded(workers, read_share)
    return 0


def _stream(
    ctx: CliContext,
    args: argparse.Namespace,
    start: TailStart,
    formatter: RecordFormatter,
    shard: tuple[int, int] | None,
    write: Callable[[bytes], None],
) -> None:
    """Read (a share of) the topic and write its lines, batch by batch."""
    from kafkatui.cli.main import silence_stdout
    from kafkatui.cluster.tail import PREFETCH_KBYTES, TailReader

    reader = TailReader(
        ctx.settings,
        args.topic,
        start,
        until_end=args.until_end,
        shard=shard,
        # the read-ahead of one reader, split among the processes of a shared tail
        prefetch_kbytes=PREFETCH_KBYTES // (shard[1] if shard else 1),
    )
    reader.open()
    remaining = args.max
    try:
        for batch in reader.batches():
            lines = formatter.format(batch)
            if remaining is not None:
                lines = lines[:remaining]
                remaining -= len(lines)
            write("".join(lines).encode("utf-8", "backslashreplace"))
            if remaining == 0:
                break
    except BrokenPipeError:  # `| head` closed the pipe: a normal way to stop
        silence_stdout()
    except KeyboardInterrupt:  # Ctrl-C ends a follow
        pass
    finally:
        reader.close()
    if reader.error and not args.until_end and args.max is None:
        # interrupted while the cluster was misbehaving
        print(f"warning: {ctx.scrub(reader.error)}", file=sys.stderr)


def _formatter(ctx: CliContext, args: argparse.Namespace) -> RecordFormatter:
    from kafkatui.cli.output import RecordFormatter

    return RecordFormatter(
        ctx.decoder(),
        output=args.format,
        key_format=args.key_format,
        value_format=args.value_format,
        filter_text=args.filter,
    )


def _write_stdout(data: bytes) -> None:
    out = sys.stdout.buffer
    out.write(data)
    out.flush()


def _default_workers() -> int:
    from kafkatui.cli.tail_workers import default_workers

    return default_workers()


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError("expected 1 or more")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value
