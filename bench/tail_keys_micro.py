"""The tail's line loop over in-memory records: repeating keys against all-distinct ones,
with the key cache as shipped and with it disabled, and the cache's hit rate.

Run: python bench/tail_keys_micro.py [--records N] [--passes P]
CPU time per record (minimum over the passes) of `RecordFormatter.format` in batches of
1,000, `--value-format hex` (the raw tail's path), no Kafka: it isolates the key path.
Keys: 50,000 user keys over and over (the P1 workload), or a new UUID string per record.
"""

from __future__ import annotations

import argparse
import os
import random
import time
import uuid
from typing import Any

from kafkatui.cli.output import RecordFormatter
from kafkatui.decode.auto import AutoDecoder


class Message:
    """What the formatter reads of a consumed record (confluent_kafka.Message's methods)."""

    __slots__ = ("_key", "_offset", "_partition", "_timestamp", "_value")

    def __init__(self, key: bytes, value: bytes, offset: int) -> None:
        self._key, self._value, self._offset = key, value, offset
        self._partition, self._timestamp = offset % 12, 1_760_000_000_000 + offset

    def topic(self) -> str:
        return "bench"

    def partition(self) -> int:
        return self._partition

    def offset(self) -> int:
        return self._offset

    def timestamp(self) -> tuple[int, int]:
        return (1, self._timestamp)

    def key(self) -> bytes:
        return self._key

    def value(self) -> bytes:
        return self._value

    def headers(self) -> None:
        return None


class _Forgetful(dict[Any, Any]):
    """A cache that keeps nothing: the key cache disabled."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def formatter(cache: bool) -> tuple[RecordFormatter, list[int]]:
    """A raw-tail formatter and a one-element counter of the keys it had to build."""
    built = [0]
    fmt = RecordFormatter(AutoDecoder(None), value_format="hex")
    if not cache:
        fmt._key_cache = _Forgetful()
        fmt._key_parts_cache = _Forgetful()
    build = fmt._key_parts

    def counting(data: bytes | None) -> tuple[str, str, str]:
        built[0] += 1
        return build(data)

    fmt._key_parts = counting  # type: ignore[method-assign]
    return fmt, built


def measure(messages: list[Message], cache: bool, passes: int) -> tuple[float, float]:
    """(CPU us per record, best of the passes; key cache hit rate)."""
    best, hit_rate = float("inf"), 0.0
    for _ in range(passes):
        fmt, built = formatter(cache)
        started = time.process_time()
        for start in range(0, len(messages), 1000):
            fmt.format(messages[start : start + 1000])
        best = min(best, time.process_time() - started)
        hit_rate = 1 - built[0] / len(messages)
    return best / len(messages) * 1e6, hit_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(11)
    values = [os.urandom(200) for _ in range(4096)]
    workloads = {
        "50,000 user keys, repeating": [b"user-%d" % (i % 50_000) for i in range(args.records)],
        "every key a new UUID": [
            str(uuid.UUID(int=rng.getrandbits(128), version=4)).encode()
            for _ in range(args.records)
        ],
    }
    print(f"{args.records:,} records, best of {args.passes} passes, CPU time")
    for name, keys in workloads.items():
        messages = [Message(k, values[i % len(values)], i) for i, k in enumerate(keys)]
        for cache in (True, False):
            per_record, hit_rate = measure(messages, cache, args.passes)
            state = "as shipped" if cache else "disabled  "
            print(f"{name:28s} key cache {state}: {per_record:.2f} us/record, hits {hit_rate:.1%}")


if __name__ == "__main__":
    main()
