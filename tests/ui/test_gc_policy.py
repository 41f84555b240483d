"""The app keeps the cyclic collector's full passes away from keys (see gc_policy)."""

from __future__ import annotations

import gc

from kafkatui.ui.gc_policy import FULL_GC_EVERY
from kafkatui.ui.screens.topics import TopicsView
from tests.ui.support import new_app, settle


async def test_full_passes_are_rare_and_a_first_load_is_frozen() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # Python's defaults
        app = new_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            view = app.screen
            assert isinstance(view, TopicsView) and view.items
            assert gc.get_threshold()[2] == FULL_GC_EVERY
            rows = list(view.items.values())
            frozen = gc.get_freeze_count()
            gc.unfreeze()
            assert gc.get_freeze_count() == 0
            view._loaded_once = False
            view.poll_done(ok=True)  # the first load's end, again
            assert gc.get_freeze_count() >= frozen > 0
            # the loaded rows are out of the full passes' reach: gc.get_objects(2) lists
            # the oldest generation, which no longer holds them
            assert any(gc.is_tracked(row) for row in rows)
            oldest = {id(o) for o in gc.get_objects(2)}
            assert not any(id(row) in oldest for row in rows if gc.is_tracked(row))
    finally:
        gc.set_threshold(*before)
