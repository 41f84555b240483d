"""A bounded buffer of records addressed by sequence number.

One writer thread appends batches; any number of reader threads look records up by
sequence number. Slots live in a preallocated list indexed modulo the capacity, so a
lookup is O(1) (a deque is O(n) in the middle) and a batch append is at most two slice
assignments. A lock makes each append and each read see a consistent state.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class Ring(Generic[T]):
    """Keeps the newest `capacity` items; item number n has sequence number n (from 0)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._slots: list[T | None] = [None] * capacity
        self._next = 0  # sequence number the next item gets
        self._base = 0  # sequence number of the first item since the last clear()
        self._evicted = 0  # items pushed out because the buffer was full
        self._lock = threading.Lock()

    # ---- writer ------------------------------------------------------------------
    def extend(self, items: Sequence[T]) -> None:
        count = len(items)
        if count == 0:
            return
        cap = self.capacity
        with self._lock:
            held = self._next - self._first()
            self._evicted += max(0, held + count - cap)
            if count > cap:  # only the newest `cap` can survive
                self._next += count - cap
                items = items[count - cap :]
                count = cap
            start = self._next % cap
            first_part = min(count, cap - start)
            self._slots[start : start + first_part] = items[:first_part]
            if first_part < count:
                self._slots[0 : count - first_part] = items[first_part:]
            self._next += count

    def clear(self) -> None:
        """Forget every item; sequence numbers keep increasing (readers never see reuse)."""
        with self._lock:
            self._slots = [None] * self.capacity
            self._base = self._next

    # ---- readers -----------------------------------------------------------------
    def next_seq(self) -> int:
        return self._next

    def first_seq(self) -> int:
        with self._lock:
            return self._first()

    def __len__(self) -> int:
        with self._lock:
            return self._next - self._first()

    @property
    def dropped(self) -> int:
        """Items evicted because the buffer was full, ever (cleared items do not count)."""
        return self._evicted

    def get(self, seq: int) -> T | None:
        with self._lock:
            if self._first() <= seq < self._next:
                return self._slots[seq % self.capacity]
            return None

    def read(self, after_seq: int, limit: int) -> list[tuple[int, T]]:
        """Up to `limit` (seq, item) pairs with seq > after_seq, oldest first."""
        with self._lock:
            start = max(after_seq + 1, self._first())
            end = min(self._next, start + max(limit, 0))
            slots, cap = self._slots, self.capacity
            return [(seq, slots[seq % cap]) for seq in range(start, end)]  # type: ignore[misc]

    def _first(self) -> int:
        return max(self._base, self._next - self.capacity)
