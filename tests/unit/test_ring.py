"""The tail's ring buffer: sequence numbers, eviction, clearing, concurrent readers."""

from __future__ import annotations

import threading

import pytest

from kafkatui.cluster.ring import Ring


def test_sequence_numbers_start_at_zero_and_follow_appends() -> None:
    ring: Ring[str] = Ring(10)
    ring.extend(["a", "b", "c"])
    assert (ring.first_seq(), ring.next_seq(), len(ring)) == (0, 3, 3)
    assert [ring.get(i) for i in range(3)] == ["a", "b", "c"]
    assert ring.get(3) is None
    assert ring.get(-1) is None


def test_keeps_only_the_newest_capacity_items_and_counts_evictions() -> None:
    ring: Ring[int] = Ring(4)
    ring.extend([0, 1, 2])
    ring.extend([3, 4, 5])  # wraps around the end of the slots
    assert (ring.first_seq(), ring.next_seq(), len(ring), ring.dropped) == (2, 6, 4, 2)
    assert ring.get(1) is None
    assert [ring.get(i) for i in range(2, 6)] == [2, 3, 4, 5]


def test_a_batch_larger_than_the_capacity_keeps_its_tail() -> None:
    ring: Ring[int] = Ring(3)
    ring.extend([1])
    ring.extend(list(range(10, 20)))
    assert ring.next_seq() == 11
    assert [seq for seq, _ in ring.read(-1, 100)] == [8, 9, 10]
    assert [item for _, item in ring.read(-1, 100)] == [17, 18, 19]
    assert ring.dropped == 8


def test_read_returns_pairs_after_a_sequence_number_up_to_a_limit() -> None:
    ring: Ring[int] = Ring(100)
    ring.extend(list(range(50)))
    assert ring.read(9, 3) == [(10, 10), (11, 11), (12, 12)]
    assert ring.read(48, 10) == [(49, 49)]
    assert ring.read(49, 10) == []
    assert ring.read(10, 0) == []


def test_read_skips_what_was_evicted() -> None:
    ring: Ring[int] = Ring(5)
    ring.extend(list(range(20)))
    assert ring.read(0, 3) == [(15, 15), (16, 16), (17, 17)]


def test_clear_forgets_items_but_never_reuses_sequence_numbers() -> None:
    ring: Ring[str] = Ring(5)
    ring.extend(["a", "b", "c"])
    ring.clear()
    assert len(ring) == 0
    assert ring.first_seq() == ring.next_seq() == 3
    assert ring.get(1) is None
    ring.extend(["d"])
    assert ring.read(-1, 10) == [(3, "d")]
    assert ring.dropped == 0  # cleared items are not "dropped"


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Ring(0)


def test_readers_on_other_threads_always_see_consistent_records() -> None:
    """Each item is its own sequence number, so a reader can check every pair it gets."""
    ring: Ring[int] = Ring(1000)
    done = threading.Event()
    problems: list[str] = []

    def reader() -> None:
        while not done.is_set():
            first = ring.first_seq()
            for seq, item in ring.read(first - 1, 500):
                if seq != item:
                    problems.append(f"seq {seq} holds {item}")
            got = ring.get(ring.next_seq() - 1)
            if got is not None and got < first:
                problems.append(f"newest item {got} older than first {first}")

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    written = 0
    for size in [1, 7, 333, 1000, 2500, 64] * 40:
        ring.extend(list(range(written, written + size)))
        written += size
    done.set()
    for t in threads:
        t.join()
    assert problems == []
    assert ring.next_seq() == written
    assert ring.dropped == written - 1000
