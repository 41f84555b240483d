"""Demo scenarios that put the sandbox into a state an operator should notice.

`kafkatui sandbox scenario stuck-transaction` leaves a transaction open on purpose: a
transactional producer begins a transaction, writes to two partitions of
`payments.settled`, and exits without committing or aborting (as a crashed producer
would). The coordinator only aborts it after its timeout (15 minutes, the broker's
maximum by default), so meanwhile read_committed consumers of those partitions are held
back: `kafkatui transactions` lists it, `:transactions` shows the held-back records and
offers the abort, and `kafkatui check --txn-age 60` warns about it after a minute.

The producer runs in a child process that ends with os._exit, so that nothing (no
destructor, no flush on exit) can end the transaction behind our back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

SETTLED_TOPIC = "payments.settled"
SETTLED_PARTITIONS = 3
#: the broker's default transaction.max.timeout.ms: the longest a transaction may stay open
STUCK_TIMEOUT_MS = 900_000


def ensure_settled_topic(bootstrap: str) -> None:
    """The topic the demo's transactional producer writes to (made on first use)."""
    from confluent_kafka import KafkaError, KafkaException
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": bootstrap})
    future = admin.create_topics([NewTopic(SETTLED_TOPIC, SETTLED_PARTITIONS, 1)])[SETTLED_TOPIC]
    try:
        future.result(timeout=30)
    except KafkaException as exc:
        if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
            raise


def stuck_transaction(bootstrap: str, timeout_s: float = 60.0) -> dict[str, object]:
    """Leave a transaction open; return what was left (run by the CLI)."""
    ensure_settled_topic(bootstrap)
    txn_id = f"settlement-stuck-{uuid.uuid4().hex[:6]}"
    child = subprocess.run(
        [sys.executable, "-m", "kafkatui.sandbox.scenarios", "stuck-transaction", bootstrap,
         txn_id],
        capture_output=True, text=True, timeout=timeout_s,
    )  # fmt: skip
    if child.returncode != 0 or not child.stdout.strip():
        reason = (child.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the transactional producer failed: {reason}")
    left: dict[str, object] = json.loads(child.stdout)
    return left


def _leave_open(bootstrap: str, txn_id: str) -> None:
    from confluent_kafka import Producer

    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "transactional.id": txn_id,
            "transaction.timeout.ms": STUCK_TIMEOUT_MS,
        }
    )
    producer.init_transactions(30)
    producer.begin_transaction()
    for partition, count in ((0, 3), (1, 2)):
        for i in range(count):
            value = {"settlement": f"stuck-{i}", "amount_cents": 1000 + i, "at": time.time()}
            producer.produce(SETTLED_TOPIC, json.dumps(value).encode(), partition=partition)
    if producer.flush(30):
        raise RuntimeError("records not delivered")
    doc = {"transactional_id": txn_id, "topic": SETTLED_TOPIC, "partitions": [0, 1],
           "records": 5, "timeout_ms": STUCK_TIMEOUT_MS}  # fmt: skip
    sys.stdout.write(json.dumps(doc) + "\n")
    sys.stdout.flush()
    os._exit(0)  # no destructor may end the transaction


if __name__ == "__main__":
    if sys.argv[1:2] == ["stuck-transaction"] and len(sys.argv) == 4:
        _leave_open(sys.argv[2], sys.argv[3])
    raise SystemExit("usage: python -m kafkatui.sandbox.scenarios stuck-transaction BOOTSTRAP ID")
