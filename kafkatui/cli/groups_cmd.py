"""`kafkatui groups [GROUP]`: consumer groups with state, members and lag.

Without GROUP: one row per group. With GROUP: its lag per partition. `--json` prints, in
both cases, a list of {"group", "state", "members", "lag", "partitions": [{"topic",
"partition", "committed", "end", "lag"}]}, where "members" is the number of members.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kafkatui.cli.output import table, write_json
from kafkatui.cluster.errors import NotFound
from kafkatui.cluster.models import GroupLag

if TYPE_CHECKING:
    from kafkatui.cli.main import CliContext

#: states a group that does not exist is reported in
_ABSENT_STATES = ("DEAD", "UNKNOWN")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "groups",
        help="consumer groups with state, members and lag",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("group", nargs="?", metavar="GROUP", help="show this group per partition")
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def group_document(lag: GroupLag) -> dict[str, Any]:
    return {
        "group": lag.group_id,
        "state": lag.state,
        "members": lag.members,
        "lag": lag.total,
        "partitions": [
            {
                "topic": p.topic,
                "partition": p.partition,
                "committed": p.committed,
                "end": p.end,
                "lag": p.lag,
            }
            for p in lag.partitions
        ],
    }


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    groups = ctx.connected_client().groups
    if args.group:
        lags = groups.lag([args.group])
        one = lags.get(args.group)
        if one is None or (one.state.upper() in _ABSENT_STATES and not one.partitions):
            raise NotFound(f"consumer group {args.group!r} does not exist")
        found = [one]
    else:
        ids = [g.group_id for g in groups.list()]
        lags = groups.lag(ids)
        found = [lags[i] for i in ids if i in lags]
    if args.json:
        write_json(sys.stdout, [group_document(g) for g in found])
    elif args.group:
        sys.stdout.write(_partition_table(found[0]))
    elif found:
        rows = [(g.group_id, g.state, g.members, g.total) for g in found]
        sys.stdout.write(table(("GROUP", "STATE", "MEMBERS", "LAG"), rows))
    else:
        print("no consumer groups")
    return 0


def _partition_table(lag: GroupLag) -> str:
    head = f"group {lag.group_id}: {lag.state}, {lag.members} member(s), lag {lag.total}\n"
    rows = [
        (p.topic, p.partition, p.committed, None if p.end < 0 else p.end, p.lag, p.member)
        for p in lag.partitions
    ]
    return head + table(("TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "MEMBER"), rows)
