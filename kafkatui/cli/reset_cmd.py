"""`kafkatui reset-offsets GROUP --topic T[:P[,P...]] MODE [--execute]` (docs/cli.md).

A dry-run unless --execute, as in kafka-consumer-groups: the plan shows, per partition,
the committed offset, the new one and the change in lag. A group with active members is
refused (exit 4), dry-run included, since the plan could not be applied. After
--execute the offsets are read back; any partition that differs is reported (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kafkatui.cli.output import table, write_json
from kafkatui.cluster.errors import InvalidInput, Refused
from kafkatui.cluster.models import ResetMode, ResetPlan, ResetResult, ResetSpec
from kafkatui.cluster.resets import check_spec

if TYPE_CHECKING:
    from kafkatui.cli.main import CliContext


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "reset-offsets",
        help="plan (and with --execute apply) a consumer group offset reset",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("group", metavar="GROUP")
    parser.add_argument(
        "--topic",
        required=True,
        metavar="T[:P[,P...]]",
        help="the topic, optionally with the partitions to reset",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--to-earliest", action="store_true")
    mode.add_argument("--to-latest", action="store_true")
    mode.add_argument("--to-datetime", metavar="ISO8601")
    mode.add_argument("--to-offset", type=int, metavar="N")
    mode.add_argument("--shift-by", type=int, metavar="N", help="move by N (negative: back)")
    parser.add_argument("--execute", action="store_true", help="apply the plan (default: dry-run)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def parse_topic(text: str) -> tuple[str, list[int] | None]:
    """'orders' -> ('orders', None); 'orders:0,2' -> ('orders', [0, 2])."""
    topic, sep, parts = text.partition(":")
    if not topic:
        raise InvalidInput(f"--topic {text!r}: the topic name is missing")
    if not sep:
        return topic, None
    try:
        partitions = sorted({int(p) for p in parts.split(",") if p.strip()})
    except ValueError:
        raise InvalidInput(f"--topic {text!r}: partitions must be numbers, as in T:0,1,2") from None
    if not partitions or min(partitions) < 0:
        raise InvalidInput(f"--topic {text!r}: give partitions as T:0,1,2")
    return topic, partitions


def spec_of(args: argparse.Namespace) -> ResetSpec:
    if args.to_earliest:
        return ResetSpec(ResetMode.EARLIEST)
    if args.to_latest:
        return ResetSpec(ResetMode.LATEST)
    if args.to_datetime is not None:
        return ResetSpec(ResetMode.DATETIME, args.to_datetime)
    if args.to_offset is not None:
        return ResetSpec(ResetMode.OFFSET, args.to_offset)
    return ResetSpec(ResetMode.SHIFT, args.shift_by)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    topic, partitions = parse_topic(args.topic)
    spec = spec_of(args)
    check_spec(spec)  # a bad value is a usage error (2) even when the cluster is unreachable
    groups = ctx.connected_client().groups
    plan = groups.plan_reset(args.group, topic, partitions, spec)
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not args.execute:
        _show(args, plan, None)
        active = groups.lag([args.group]).get(args.group)
        if active is not None and active.members:
            raise Refused(
                f"group {args.group!r} has {active.members} active member(s); "
                "stop its consumers before resetting offsets"
            )
        print("dry run: nothing changed; add --execute to apply", file=sys.stderr)
        return 0
    result = groups.execute_reset(plan)
    _show(args, plan, result)
    for tp, read_back, wanted in result.mismatches:
        print(
            f"error: {tp.topic}-{tp.partition} reads back {read_back}, expected {wanted}",
            file=sys.stderr,
        )
    return 1 if result.mismatches else 0


def plan_document(plan: ResetPlan, result: ResetResult | None) -> dict[str, Any]:
    return {
        "group": plan.group_id,
        "mode": plan.spec.mode.value,
        "value": plan.spec.value,
        "executed": result is not None and result.applied,
        "partitions": [
            {
                "topic": r.topic,
                "partition": r.partition,
                "current": r.current,
                "new": r.new,
                "lag_before": r.lag_before,
                "lag_after": r.lag_after,
                "lag_change": r.lag_change,
            }
            for r in plan.rows
        ],
        "warnings": list(plan.warnings),
        "mismatches": [
            {"topic": tp.topic, "partition": tp.partition, "read_back": got, "wanted": want}
            for tp, got, want in (result.mismatches if result else ())
        ],
    }


def _show(args: argparse.Namespace, plan: ResetPlan, result: ResetResult | None) -> None:
    if args.json:
        write_json(sys.stdout, plan_document(plan, result))
        return
    rows = [
        (r.topic, r.partition, r.current, r.new, r.lag_before, r.lag_after, _signed(r.lag_change))
        for r in plan.rows
    ]
    headers = ("TOPIC", "PARTITION", "CURRENT", "NEW", "LAG BEFORE", "LAG AFTER", "CHANGE")
    sys.stdout.write(table(headers, rows))
    if result is not None and result.applied and not result.mismatches:
        print(f"applied to group {plan.group_id}; offsets read back match", file=sys.stderr)


def _signed(change: int | None) -> str | None:
    return None if change is None else f"{change:+d}"
