"""`kafkatui topics`: every topic with partitions, replication factor, messages and size.

`--json` prints a list of {"topic", "partitions", "replication_factor", "messages",
"size_bytes", "under_replicated", "cleanup_policy", "retention_ms"} (SPEC §2.5).
"size_bytes" is one copy of the topic on disk (null when the cluster does not say).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kafkatui.cli.output import table, write_json
from kafkatui.cluster.models import TopicSummary

if TYPE_CHECKING:
    from kafkatui.cli.main import CliContext

#: topics per batch of summary requests, as the TUI fills its list
_CHUNK = 200


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "topics",
        help="topics with partitions, RF, messages and size",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def topic_document(t: TopicSummary) -> dict[str, Any]:
    return {
        "topic": t.name,
        "partitions": t.partitions,
        "replication_factor": t.replication_factor,
        "messages": t.messages,
        "size_bytes": t.size_bytes,
        "under_replicated": t.under_replicated,
        "cleanup_policy": t.cleanup_policy,
        "retention_ms": t.retention_ms,
    }


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    topics = ctx.connected_client().topics
    names = [t.name for t in topics.list_names()]
    found: list[TopicSummary] = []
    for start in range(0, len(names), _CHUNK):
        found += topics.fill_summaries(names[start : start + _CHUNK])
    if args.json:
        write_json(sys.stdout, [topic_document(t) for t in found])
    elif found:
        headers = ("TOPIC", "PARTITIONS", "RF", "MESSAGES", "SIZE_BYTES", "URP", "CLEANUP",
                   "RETENTION_MS")  # fmt: skip
        rows = [tuple(topic_document(t).values()) for t in found]
        sys.stdout.write(table(headers, rows))
    else:
        print("no topics")
    return 0
