"""A transactional producer in a child process, so a test can freeze it mid-transaction.

The child begins a transaction, produces to the partitions it is given, flushes (the
records are on the broker, uncommitted), prints "open" and waits for a line on stdin:
"commit" commits, anything else (or a kill) leaves the transaction to the coordinator.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

CHILD = r"""
import sys
from confluent_kafka import Producer
bootstrap, topic, txn_id, timeout_ms, parts = sys.argv[1:6]
p = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id,
              "transaction.timeout.ms": int(timeout_ms)})
p.init_transactions(30)
p.begin_transaction()
for part in parts.split(","):
    for i in range(int(part) + 1):
        p.produce(topic, value=b"uncommitted %d" % i, partition=int(part))
p.flush(30)
print("open", flush=True)
if sys.stdin.readline().strip() == "commit":
    p.commit_transaction(30)
    print("committed", flush=True)
"""


@contextmanager
def open_transaction(
    bootstrap: str, topic: str, txn_id: str, partitions: tuple[int, ...], timeout_ms: int
) -> Iterator[subprocess.Popen[str]]:
    """A child holding a transaction open on `partitions` (partition p gets p+1 records)."""
    args = [bootstrap, topic, txn_id, str(timeout_ms), ",".join(map(str, partitions))]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        assert line == "open", f"the transactional producer did not start: {line!r}"
        yield child
    finally:
        child.kill()
        child.wait(10)
