"""`kafkatui dlq TOPIC`: a dead-letter topic grouped by error (SPEC §2.6).

Reads the whole topic once (no consumer group, no commits) and groups its records by
the Kafka Connect context headers (`__connect.errors.*`): connector, task, stage and
exception class, with a count, the first and last offset and a sample message. Records
without those headers are counted as `without_error_headers`. `--json` prints
{"topic", "records", "groups": [{"connector", "task", "stage", "exception_class",
"message", "count", "first_offset", "last_offset"}], "without_error_headers"}.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kafkatui.cli.output import table, write_json
from kafkatui.cli.progress import StderrProgress, progress_line

if TYPE_CHECKING:
    from kafkatui.cli.main import CliContext
    from kafkatui.cluster.dlq import DlqSummary


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "dlq",
        help="a dead-letter topic grouped by error (Kafka Connect context headers)",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("topic", metavar="TOPIC")
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    shown = StderrProgress()
    label = f"reading {args.topic}"
    summary = ctx.connected_client().transfers.dlq(
        args.topic, lambda p: shown.show(progress_line(label, p.scanned, p.total, p.elapsed_s))
    )
    shown.done()
    if args.json:
        write_json(sys.stdout, summary.to_json())
    else:
        sys.stdout.write(summary_text(summary))
    return 0


def summary_text(summary: DlqSummary) -> str:
    head = (
        f"{summary.topic}: {summary.records} records, {len(summary.groups)} error groups, "
        f"{summary.without_error_headers} without error headers\n"
    )
    if not summary.groups:
        return head
    rows = [
        (
            g.count,
            g.connector,
            g.task,
            g.stage,
            _short_class(g.exception_class),
            g.first_offset,
            g.last_offset,
            _one_line(g.message, 60),
        )
        for g in summary.groups
    ]
    headers = ("COUNT", "CONNECTOR", "TASK", "STAGE", "EXCEPTION", "FIRST", "LAST", "MESSAGE")
    return head + table(headers, rows)


def _short_class(name: str | None) -> str | None:
    return name.rsplit(".", 1)[-1] if name else name


def _one_line(text: str | None, width: int) -> str | None:
    if text is None:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
