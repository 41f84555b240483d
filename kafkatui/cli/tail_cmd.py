"""`kafkatui tail TOPIC`: stream a topic to stdout as JSONL or text (SPEC §2.2).

No consumer group, no commits. Records are written as they arrive, one flush per
batch; memory stays bounded (one batch plus the Kafka client's read-ahead).
`--until-end` stops at the high watermarks seen at start; `--max N` after N printed
records; otherwise it follows until interrupted (Ctrl-C ends it with exit 0). A topic
that does not exist exits 1 with a message; an unreachable cluster exits 3.

`--filter TEXT` keeps records whose decoded key or value contains TEXT (case-sensitive).
The text searched is what `--format text` shows: a string as is, structured values
(JSON, Avro, Protobuf) as compact JSON, and undecodable or hex payloads as hex.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kafkatui.cluster.api import TailStart
from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.resets import parse_datetime
from kafkatui.decode.auto import FORMATS

if TYPE_CHECKING:
    from kafkatui.cli.main import CliContext

_EARLIEST = ("earliest", "beginning")
_LATEST = ("latest", "end")


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
    parser.add_argument("--filter", metavar="TEXT", help="only records whose key or value has TEXT")
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
    try:
        return parse_datetime(text)
    except InvalidInput:
        raise InvalidInput(
            f"--from {text!r}: expected earliest, latest, an offset, -N or an ISO 8601 time"
        ) from None


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from kafkatui.cli.main import silence_stdout
    from kafkatui.cli.output import RecordFormatter
    from kafkatui.cluster.tail import TailReader

    if args.follow and (args.until_end or args.max is not None):
        raise InvalidInput("--follow cannot be combined with --until-end or --max")
    follow = not args.until_end and args.max is None
    start = parse_from(args.start, args.partition, follow=follow)
    if args.max == 0:
        return 0
    formatter = RecordFormatter(
        ctx.decoder(),
        output=args.format,
        key_format=args.key_format,
        value_format=args.value_format,
        filter_text=args.filter,
    )
    reader = TailReader(ctx.settings, args.topic, start, until_end=args.until_end)
    reader.open()
    out = sys.stdout.buffer
    remaining = args.max
    try:
        for batch in reader.batches():
            lines = formatter.format(batch)
            if remaining is not None:
                lines = lines[:remaining]
                remaining -= len(lines)
            out.write("".join(lines).encode("utf-8", "backslashreplace"))
            out.flush()
            if remaining == 0:
                break
    except BrokenPipeError:  # `| head` closed the pipe: a normal way to stop
        silence_stdout()
    except KeyboardInterrupt:  # Ctrl-C ends a follow
        pass
    finally:
        reader.close()
    if reader.error and follow:  # interrupted while the cluster was misbehaving
        print(f"warning: {ctx.scrub(reader.error)}", file=sys.stderr)
    return 0


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value
