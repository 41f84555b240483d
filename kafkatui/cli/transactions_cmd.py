"""`kafkatui transactions`: open transactions, and how far each holds consumers back.

`--json` prints a list of {"transactional_id", "state", "producer_id", "producer_epoch",
"age_seconds", "timeout_ms", "partitions": [{"topic", "partition"}]} (SPEC §2.5). The
table also shows, per partition, the records above its last stable offset, which
read_committed consumers cannot read until the transaction ends.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

from kafkatui.cli.output import table, write_json
from kafkatui.cluster.deep_models import Transaction

if TYPE_CHECKING:
    from kafkatui.cli.main import CliContext


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "transactions",
        help="open transactions",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def transaction_document(t: Transaction, now_ms: int) -> dict[str, Any]:
    age = t.age_seconds(now_ms)
    return {
        "transactional_id": t.transactional_id,
        "state": t.state,
        "producer_id": t.producer_id,
        "producer_epoch": t.producer_epoch,
        "age_seconds": None if age is None else round(age, 1),
        "timeout_ms": t.timeout_ms,
        "partitions": [{"topic": tp.topic, "partition": tp.partition} for tp in t.partitions],
    }


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    api = ctx.connected_client().transactions
    found = api.list()
    now_ms = int(time.time() * 1000)
    docs = [transaction_document(t, now_ms) for t in found]
    if args.json:
        write_json(sys.stdout, docs)
    elif docs:
        held = api.gaps([tp for t in found for tp in t.partitions])
        gaps = {(g.topic, g.partition): g.gap for g in held}
        rows = [
            (d["transactional_id"], d["state"], d["producer_id"], d["producer_epoch"],
             d["age_seconds"], d["timeout_ms"],
             ", ".join(f"{p['topic']}-{p['partition']} (held back "
                       f"{gaps.get((p['topic'], p['partition']), '?')})" for p in d["partitions"]))
            for d in docs
        ]  # fmt: skip
        headers = ("TRANSACTIONAL_ID", "STATE", "PRODUCER", "EPOCH", "AGE_S", "TIMEOUT_MS",
                   "PARTITIONS")  # fmt: skip
        sys.stdout.write(table(headers, rows))
    else:
        print("no open transactions")
    return 0
