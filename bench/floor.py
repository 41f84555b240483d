"""What any Python tail could do on this machine: the floor kafkatui is measured against.

  python bench/floor.py consume BOOTSTRAP TOPIC          # consume only, touch nothing
  python bench/floor.py fastavro BOOTSTRAP TOPIC SCHEMA  # + fastavro decode, no output

Reads the whole topic (assign from the start, no group) in batches of 5,000 with the
same consumer tuning as kafkatui's tail, and prints the number of records read (the
caller times the process, as it times kafkatui and kcat).
`fastavro` decodes every value with `schemaless_reader` after its 5-byte header and
throws the result away: no JSON, no output. Nothing faster exists in pure Python.
"""

from __future__ import annotations

import argparse
import io
import json
import sys

from confluent_kafka import Consumer, TopicPartition


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("consume", "fastavro", "lines"))
    parser.add_argument("bootstrap")
    parser.add_argument("topic")
    parser.add_argument("schema", nargs="?", help="Avro schema JSON (for fastavro)")
    args = parser.parse_args()
    decode = None
    if args.what == "fastavro":
        from fastavro import parse_schema, schemaless_reader

        schema = parse_schema(json.loads(args.schema))

        def decode(value: bytes) -> None:
            stream = io.BytesIO(value)
            stream.seek(5)
            schemaless_reader(stream, schema)

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap, "group.id": "bench-floor",
        "enable.auto.commit": False, "enable.partition.eof": True,
        "fetch.wait.max.ms": 100, "queued.min.messages": 200_000,
        "fetch.queue.backoff.ms": 10, "log_level": 3,
    })  # fmt: skip
    meta = consumer.list_topics(args.topic, timeout=10).topics[args.topic]
    ends = {}
    for p in meta.partitions:
        low, high = consumer.get_watermark_offsets(TopicPartition(args.topic, p), timeout=10)
        if high > low:
            ends[p] = high
    consumer.assign([TopicPartition(args.topic, p, 0) for p in ends])
    records = 0
    pending = set(ends)
    out = sys.stdout.buffer
    while pending:
        batch = consumer.consume(5000, 0.2)
        if args.what == "lines":  # the least a JSONL line per record costs in Python
            out.write("".join([
                f'{{"partition":{m.partition()},"offset":{m.offset()},'
                f'"timestamp":{m.timestamp()[1]},"value":"{(m.value() or b"").hex()}"}}\n'
                for m in batch if m.error() is None
            ]).encode())  # fmt: skip
        for msg in batch:
            if msg.error() is not None:
                continue
            records += 1
            if decode is not None:
                decode(msg.value() or b"")
            partition, offset = msg.partition() or 0, msg.offset() or 0
            if offset + 1 >= ends[partition]:
                pending.discard(partition)
    consumer.close()
    print(records, file=sys.stderr)


if __name__ == "__main__":
    main()
