"""When Python's cyclic collector may pause the app.

A full collection walks every tracked object that is not frozen, holding the GIL: on a
10,000-topic cluster (rows, cells, Textual's row data) one took 100-300 ms, and loading
the topics view ran 52 of them in 10 s, because the heap grew by more than a quarter
between most middle-generation passes. Every key pressed during one waited.

- Full passes are rare (FULL_GC_EVERY middle-generation passes, Python's default is 10).
  Young generations are collected as usual, so short-lived cycles still go at once.
- What a view's first load built lives as long as the view: it is frozen (moved out of
  the full passes' reach) once that load is done, after the young generations are
  collected, so their garbage is not frozen with it.
"""

from __future__ import annotations

import gc

FULL_GC_EVERY = 1_000


def relax_full_collections() -> None:
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, max(old, FULL_GC_EVERY))


def freeze_what_lives() -> None:
    gc.collect(1)
    gc.freeze()
