"""Live demo traffic: clickstream events, an `analytics` member that falls behind, and a
transactional producer that commits settlements to `payments.settled` every few seconds.

Run by `kafkatui demo` as a background process (`python -m kafkatui.sandbox.traffic
STATE_DIR MARKER`) and stopped by `sandbox down` or when the demo exits. Half of the
events are appended to the file that `clickstream-file-source` reads, half are produced
directly; the analytics member consumes more slowly than events arrive, so its lag grows.
The settlements producer commits normally, so `:transactions` shows at most a young
transaction; `kafkatui sandbox scenario stuck-transaction` leaves one open beside it.
`sessionizer` is a consumer-protocol (KIP-848) group of two members that keeps up.
"""

from __future__ import annotations

import random
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

from confluent_kafka import Consumer, Producer

from kafkatui.sandbox.layout import SandboxLayout

EVENTS_PER_S = 120
ANALYTICS_PER_S = 40
SETTLE_EVERY_S = 3.0


def main(state_dir: str) -> int:
    layout = SandboxLayout.load(Path(state_dir))
    if layout is None:
        print("traffic: no sandbox state", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(_sig: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    member = threading.Thread(target=_analytics_member, args=(layout, stop), daemon=True)
    member.start()
    settler = threading.Thread(target=_settlements, args=(layout, stop), daemon=True)
    settler.start()
    sessionizers = [
        threading.Thread(
            target=sessionizer_member, args=(layout.bootstrap_servers, stop, i), daemon=True
        )
        for i in (1, 2)
    ]
    for thread in sessionizers:
        thread.start()
    _produce_events(layout, stop)
    member.join(timeout=10)
    settler.join(timeout=10)
    for thread in sessionizers:
        thread.join(timeout=10)
    return 0


def _produce_events(layout: SandboxLayout, stop: threading.Event) -> None:
    from kafkatui.sandbox.seed import clickstream_event

    producer = Producer({"bootstrap.servers": layout.bootstrap_servers, "linger.ms": 50})
    source_file = layout.path("connect", "clickstream.log")
    source_file.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random()
    seq = 0
    tick = 0.25
    with open(source_file, "a", encoding="utf-8") as lines:
        while not stop.is_set():
            began = time.monotonic()
            for _ in range(int(EVENTS_PER_S * tick)):
                key, value, _ = clickstream_event(rng, seq)
                seq += 1
                if seq % 2 and value is not None:
                    lines.write(value.decode() + "\n")
                    continue
                try:
                    producer.produce("clickstream", key=key, value=value)
                except BufferError:
                    producer.poll(0.5)
            lines.flush()
            producer.poll(0)
            stop.wait(max(0.0, tick - (time.monotonic() - began)))
    producer.flush(5)


def _settlements(layout: SandboxLayout, stop: threading.Event) -> None:
    """A transactional producer: a few settlements per transaction, committed each time."""
    import json

    from confluent_kafka import KafkaException

    from kafkatui.sandbox.scenarios import SETTLED_PARTITIONS, SETTLED_TOPIC, ensure_settled_topic

    try:
        ensure_settled_topic(layout.bootstrap_servers)
        producer = Producer(
            {"bootstrap.servers": layout.bootstrap_servers, "transactional.id": "settlements"}
        )
        producer.init_transactions(30)
    except KafkaException as exc:  # the rest of the demo traffic goes on without it
        print(f"traffic: no settlements: {exc}", file=sys.stderr)
        return
    rng = random.Random()
    batch = 0
    while not stop.wait(SETTLE_EVERY_S):
        batch += 1
        try:
            producer.begin_transaction()
            for i in range(rng.randint(2, 6)):
                value = {"batch": batch, "settlement": i, "amount_cents": rng.randint(100, 99_999)}
                producer.produce(
                    SETTLED_TOPIC, json.dumps(value).encode(), key=f"merchant-{i % 5}".encode(),
                    partition=rng.randrange(SETTLED_PARTITIONS),
                )  # fmt: skip
            producer.commit_transaction(30)
        except KafkaException as exc:
            print(f"traffic: settlement batch {batch} failed: {exc}", file=sys.stderr)
            if exc.args[0].txn_requires_abort():
                producer.abort_transaction(30)


def _analytics_member(layout: SandboxLayout, stop: threading.Event) -> None:
    consumer = Consumer(
        {
            "bootstrap.servers": layout.bootstrap_servers,
            "group.id": "analytics",
            "client.id": "analytics-worker-1",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": True,
            "auto.commit.interval.ms": 1000,
        }
    )
    consumer.subscribe(["clickstream"])
    try:
        while not stop.is_set():
            consumer.consume(num_messages=ANALYTICS_PER_S // 4, timeout=0.25)
            stop.wait(0.25)
    finally:
        consumer.close()



def sessionizer_member(
    bootstrap: str,
    stop: threading.Event,
    number: int,
    topic: str = "clickstream",
    group: str = "sessionizer",
) -> None:
    """A member of `sessionizer`, a KIP-848 group: the broker assigns its partitions
    (group.protocol=consumer), so the groups view shows its type and target assignment."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "group.protocol": "consumer",
            "client.id": f"sessionizer-{number}",
            "auto.offset.reset": "latest",
            "enable.auto.commit": True,
            "auto.commit.interval.ms": 1000,
        }
    )
    consumer.subscribe([topic])
    try:
        while not stop.is_set():
            consumer.consume(num_messages=500, timeout=0.5)
    finally:
        consumer.close()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))  # argv[2] is the process marker, unused here
