"""Floods a topic with clickstream JSON records as fast as one producer process can.

  python bench/flood_producer.py BOOTSTRAP TOPIC --records N [--until-stopped]

With --until-stopped it goes on past N until it gets SIGTERM (P3 keeps the flood on
while every key is timed). Prints one JSON line at the end: records sent and the rate.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import signal
import time

from confluent_kafka import Producer
from workloads import PARTITIONS, click


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--records", type=int, default=1_100_000)
    parser.add_argument("--until-stopped", action="store_true")
    args = parser.parse_args()
    stopped: list[int] = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(1))
    rng = random.Random(11)
    values = [json.dumps(click(i, rng)).encode() for i in range(2000)]
    producer = Producer(
        {
            "bootstrap.servers": args.bootstrap,
            "linger.ms": 20,
            "batch.size": 1_000_000,
            "queue.buffering.max.messages": 500_000,
            "acks": 1,
            "log_level": 3,
        }
    )
    started = time.perf_counter()
    sent = 0
    for i in itertools.count() if args.until_stopped else range(args.records):
        if stopped and i >= args.records:
            break
        while True:
            try:
                producer.produce(
                    args.topic,
                    values[i % 2000],
                    b"user-%d" % (i % 50_000),
                    partition=i % PARTITIONS,
                )
                break
            except BufferError:
                producer.poll(0.02)
        sent = i + 1
        if i % 20_000 == 0:
            producer.poll(0)
    producer.flush(120)
    elapsed = time.perf_counter() - started
    print(json.dumps({"sent": sent, "seconds": elapsed, "rate": sent / elapsed}))


if __name__ == "__main__":
    main()
