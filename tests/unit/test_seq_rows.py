"""SeqRows behaves as the ascending array of sequence numbers it replaces."""

from __future__ import annotations

import bisect
import random
from array import array

import pytest

from kafkatui.ui.widgets.seq_rows import SeqRows


def test_contiguous_batches_stay_a_run() -> None:
    rows = SeqRows()
    rows.extend(range(10, 20))
    rows.extend(range(20, 20))  # an empty poll
    rows.extend(range(20, 1_000_000))
    assert rows._array is None  # nothing materialised for a flood
    assert len(rows) == 999_990 and rows[0] == 10 and rows[-1] == 999_999
    del rows[:500]
    assert rows[0] == 510 and rows._array is None
    gone = SeqRows()
    gone.extend(rows[:10])
    assert list(gone) == list(range(510, 520)) and gone._array is None


def test_a_gap_turns_the_rows_into_an_array_with_the_same_contents() -> None:
    rows = SeqRows(range(5, 8))
    rows.extend([9, 12])
    assert rows._array is not None
    assert list(rows) == [5, 6, 7, 9, 12]
    rows.extend(range(13, 15))
    assert list(rows) == [5, 6, 7, 9, 12, 13, 14]


@pytest.mark.parametrize("seed", range(5))
def test_random_operations_match_an_array(seed: int) -> None:
    rng = random.Random(seed)
    rows, model = SeqRows(), array("q")
    nxt = 0
    for _ in range(300):
        step = rng.random()
        if step < 0.5:  # a poll: contiguous, or with gaps as a filter's
            count = rng.randrange(0, 50)
            if rng.random() < 0.8:
                seqs: range | list[int] = range(nxt, nxt + count)
            else:
                seqs = sorted(rng.sample(range(nxt, nxt + 2 * count + 1), count))
            rows.extend(seqs)
            model.extend(seqs)
            nxt += 2 * count + 1
        elif step < 0.8 and model:  # the ring evicts from the top
            first = rng.randrange(model[0], model[-1] + 2)
            cut = rows.bisect_left(first)
            assert cut == bisect.bisect_left(model, first)
            assert list(rows[:cut]) == list(model[:cut])
            del rows[:cut]
            del model[:cut]
        elif model:
            index = rng.randrange(-len(model), len(model))
            assert rows[index] == model[index]
        assert len(rows) == len(model) and bool(rows) == bool(model)
        assert list(rows) == list(model)


def test_only_leading_or_trailing_slices_are_deleted() -> None:
    rows = SeqRows(range(10))
    with pytest.raises(TypeError):
        del rows[2:5]
    del rows[8:]
    assert list(rows) == list(range(8))
