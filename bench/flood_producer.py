"""Floods a topic with clickstream JSON records as fast as one producer process can.

  python bench/flood_producer.py BOOTSTRAP TOPIC --records N

Prints one JSON line at the end: records sent and the rate achieved.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from confluent_kafka import Producer
from workloads import PARTITIONS, click


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("--records", type=int, default=1_100_000)
    args = parser.parse_args()
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
    for i in range(args.records):
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
        if i % 20_000 == 0:
            producer.poll(0)
    producer.flush(120)
    elapsed = time.perf_counter() - started
    print(json.dumps({"sent": args.records, "seconds": elapsed, "rate": args.records / elapsed}))


if __name__ == "__main__":
    main()
