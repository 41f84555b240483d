"""`kafkatui sandbox up | status | seed | down`."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sandbox",
        help="a local Kafka + Connect + schema registry for demos and tests",
        description="Run a real Apache Kafka 4 (KRaft), Kafka Connect and Apicurio Registry "
        "locally. Needs Java 17+ and Maven.",
    )
    actions = parser.add_subparsers(dest="sandbox_action", required=True, metavar="ACTION")
    up = actions.add_parser(
        "up", help="start it (a no-op when running); return once every part answers"
    )
    up.add_argument("--brokers", type=int, default=1, metavar="N", help="KRaft brokers (default 1)")
    up.add_argument("--secure", action="store_true", help="add SASL_SSL (SCRAM) and mTLS listeners")
    status = actions.add_parser("status", help="exit 0 if running, 1 if not")
    status.add_argument("--json", action="store_true", help="print the endpoints as JSON")
    actions.add_parser("seed", help="load the demo data into a running sandbox (idempotent)")
    scenario = actions.add_parser("scenario", help="put the running sandbox into a demo state")
    scenario.add_argument(
        "name", choices=["stuck-transaction"], help="stuck-transaction: leave one open on purpose"
    )
    down = actions.add_parser("down", help="stop every process it started")
    down.add_argument("--purge", action="store_true", help="also delete its data and logs")
    return parser


def run(args: argparse.Namespace) -> int:
    from kafkatui.sandbox.jars import SandboxError
    from kafkatui.sandbox.runtime import Sandbox

    box = Sandbox(say=lambda msg: print(f"sandbox: {msg}", file=sys.stderr))
    try:
        if args.sandbox_action == "up":
            if args.brokers < 1:
                print("error: --brokers must be at least 1", file=sys.stderr)
                return 2
            began = time.monotonic()
            status = box.up(brokers=args.brokers, secure=args.secure)
            print(f"sandbox: up in {time.monotonic() - began:.1f}s", file=sys.stderr)
            _print_status(status.to_json(), as_json=False)
            return 0
        if args.sandbox_action == "status":
            current = box.status()
            doc = current.to_json() if current else {"running": False}
            _print_status(doc, as_json=args.json)
            return 0 if doc["running"] else 1
        if args.sandbox_action == "seed":
            from kafkatui.sandbox.seed import seed

            current = box.status()
            if current is None or not current.running:
                print("error: the sandbox is not running: kafkatui sandbox up", file=sys.stderr)
                return 3
            seed(current.to_json(), say=lambda msg: print(f"seed: {msg}", file=sys.stderr))
            return 0
        if args.sandbox_action == "scenario":
            return _scenario(box, args.name)
        if args.sandbox_action == "down":
            stopped = box.down(purge=args.purge)
            print(f"sandbox: stopped {', '.join(stopped) if stopped else 'nothing (not running)'}")
            return 0
    except SandboxError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    return 2


def _scenario(box: Any, name: str) -> int:
    from kafkatui.sandbox.scenarios import stuck_transaction

    current = box.status()
    if current is None or not current.running:
        print("error: the sandbox is not running: kafkatui sandbox up", file=sys.stderr)
        return 3
    try:
        left = stuck_transaction(current.to_json()["bootstrap_servers"])
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"error: {name}: {exc}", file=sys.stderr)
        return 3
    print(
        f"left transaction {left['transactional_id']} open on {left['topic']} partitions "
        f"{left['partitions']} ({left['records']} records); the coordinator aborts it after "
        f"{int(str(left['timeout_ms'])) // 60000} minutes.\n"
        "see it: kafkatui transactions, or :transactions in the TUI; "
        "kafkatui check --txn-age 60 warns after a minute"
    )
    return 0


def _print_status(doc: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(doc, indent=2))
        return
    if not doc.get("running"):
        parts = doc.get("parts") or {}
        down = [p for p, ok in parts.items() if not ok]
        print("sandbox: not running" + (f" ({', '.join(down)} down)" if down else ""))
        return
    print(f"bootstrap servers: {doc['bootstrap_servers']}")
    print(f"schema registry:   {doc['schema_registry']}")
    print(f"connect:           {doc['connect']}")
    print(f"brokers:           {doc['brokers']}")
    if "secure" in doc:
        for key, value in doc["secure"].items():
            print(f"secure {key + ':':<13} {value}")
