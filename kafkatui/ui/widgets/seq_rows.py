"""The sequence numbers of a tail list's rows, ascending.

Unfiltered, a tail's rows are every buffered record: a contiguous run of sequence
numbers, which a flood grows by hundreds of thousands a second. Held as a `range`, a
poll's new rows and the ring's evictions are a constant-time change; an `array` of them
cost the UI thread a Python int per record (about a tenth of its time during a flood).
A filter's rows have gaps; the first one that does not continue the run turns the rows
into an array, which they stay until the list is reset.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator
from typing import overload


class SeqRows:
    __slots__ = ("_array", "_run")

    def __init__(self, seqs: Iterable[int] = range(0)) -> None:
        self._run = range(0)
        self._array: array[int] | None = None
        self.extend(seqs)

    def __len__(self) -> int:
        return len(self._run) if self._array is None else len(self._array)

    def __iter__(self) -> Iterator[int]:
        return iter(self._run if self._array is None else self._array)

    def __repr__(self) -> str:
        return f"SeqRows({self._run if self._array is None else list(self._array)})"

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> SeqRows: ...
    def __getitem__(self, index: int | slice) -> int | SeqRows:
        held = self._run if self._array is None else self._array
        if isinstance(index, slice):
            if index.step not in (None, 1):
                raise ValueError("SeqRows slices are contiguous")
            return SeqRows(held[index])
        return held[index]

    def __delitem__(self, index: slice) -> None:
        """Only `del rows[:n]` (rows leaving the top) and `del rows[n:]` are needed."""
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("SeqRows deletes a leading or trailing slice")
        start, stop, _ = index.indices(len(self))
        if start != 0 and stop != len(self):
            raise TypeError("SeqRows deletes a leading or trailing slice")
        if self._array is None:
            self._run = self._run[:start] if start else self._run[stop:]
        else:
            del self._array[index]

    def extend(self, seqs: Iterable[int]) -> None:
        """Append ascending sequence numbers, all above the last one held."""
        if self._array is None:
            if isinstance(seqs, SeqRows) and seqs._array is None:
                seqs = seqs._run
            if isinstance(seqs, range) and seqs.step == 1:
                if not seqs:
                    return
                if not self._run:
                    self._run = seqs
                    return
                if seqs.start == self._run.stop:
                    self._run = range(self._run.start, seqs.stop)
                    return
            self._array = array("q", self._run)
        self._array.extend(seqs)

    def bisect_left(self, seq: int) -> int:
        """The index of the first row whose sequence number is `seq` or more."""
        if self._array is not None:
            return bisect.bisect_left(self._array, seq)
        return min(max(seq - self._run.start, 0), len(self._run))
