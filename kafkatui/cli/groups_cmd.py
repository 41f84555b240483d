"""`kafkatui groups [GROUP]`: consumer groups with state, members and lag.

Without GROUP: one row per group. With GROUP: its lag per partition. `--json` prints, in
both cases, a list of {"group", "state", "type", "members", "lag", "max_lag_seconds",
"partitions": [{"topic", "partition", "committed", "end", "lag", "lag_seconds",
"lag_seconds_note"}]}, where "members" is the number of members.

lag_seconds is now minus the timestamp of the record at the committed offset (the oldest
record the group has not processed): 0 when caught up, null with no committed offset or
when no record could be read there in time; lag_seconds_note says which.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kafkatui.cli.output import table, write_json
from kafkatui.cluster.errors import NotFound
from kafkatui.cluster.lag_time import age_text
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
        "type": lag.type.lower(),
        "members": lag.members,
        "lag": lag.total,
        "max_lag_seconds": _seconds(lag.max_lag_seconds),
        "partitions": [
            {
                "topic": p.topic,
                "partition": p.partition,
                "committed": p.committed,
                "end": p.end,
                "lag": p.lag,
                "lag_seconds": _seconds(p.lag_seconds),
                "lag_seconds_note": p.lag_seconds_note,
            }
            for p in lag.partitions
        ],
    }


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    groups = ctx.connected_client().groups
    if args.group:
        lags = groups.lag([args.group])
        one = lags.get(args.group)
        if one is None or (one.state.upper() in _ABSENT_STATES and not one.partitions):
            raise NotFound(f"consumer group {args.group!r} does not exist")
        found = [one]
    else:
        listed = groups.list(with_offsets=True)
        ids = [g.group_id for g in listed]
        lags = groups.lag(ids, described=listed)
        found = [lags[i] for i in ids if i in lags]
    timed = groups.with_lag_seconds({g.group_id: g for g in found})
    found = [timed[g.group_id] for g in found]
    if args.json:
        write_json(sys.stdout, [group_document(g) for g in found])
    elif args.group:
        sys.stdout.write(_partition_table(found[0]))
    elif found:
        rows = [
            (g.group_id, g.state, g.type, g.members, g.known_total, _age(g.max_lag_seconds))
            for g in found
        ]
        sys.stdout.write(table(("GROUP", "STATE", "TYPE", "MEMBERS", "LAG", "LAG TIME"), rows))
    else:
        print("no consumer groups")
    return 0


def _partition_table(lag: GroupLag) -> str:
    known = lag.known_total
    head = (
        f"group {lag.group_id}: {lag.state}, {lag.type.lower()}, {lag.members} member(s), "
        f"lag {'unknown' if known is None else known}, "
        f"oldest unread {_age(lag.max_lag_seconds) or 'unknown'}\n"
    )
    rows = [
        (
            p.topic,
            p.partition,
            p.committed,
            None if p.end < 0 else p.end,
            p.lag,
            _age(p.lag_seconds),
            p.member,
        )
        for p in lag.partitions
    ]
    header = ("TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "LAG TIME", "MEMBER")
    notes = sorted({p.lag_seconds_note for p in lag.partitions if p.lag_seconds_note})
    return head + table(header, rows) + "".join(f"lag time unknown: {n}\n" for n in notes)


def _age(seconds: float | None) -> str | None:
    return None if seconds is None else age_text(seconds)
