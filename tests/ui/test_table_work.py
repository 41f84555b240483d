"""Work per poll follows what changed, not the table's size.

Counted, not timed: rows whose cells were made (`TableView.rows_built`), cells written
into the table (`KeyedTable.cells_written`) and rows added (`KeyedTable.rows_added`),
around one poll of the topics view on the fake client holding 400 topics.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from textual.app import App, ComposeResult

from kafkatui.cluster.models import LagSample, LagTrend
from kafkatui.ui.screens import table_view
from kafkatui.ui.screens.groups import GroupsView
from kafkatui.ui.screens.topics import TopicsView
from kafkatui.ui.widgets.keyed_table import APPEND_SLICE, WRITE_SLICE, Column, KeyedTable
from tests.ui.fake_client import FakeClient
from tests.ui.support import new_app, press, settle, wait_for

SIZE = (120, 40)
TOPICS = 400


def big_fake() -> FakeClient:
    client = FakeClient()
    for i in range(TOPICS):
        client.topics.create(f"load-{i:04d}", 3, 1)
    return client


def work(view: TopicsView | GroupsView) -> tuple[int, int, int]:
    table = view.query_one("#table", KeyedTable)
    return view.rows_built, table.cells_written, table.rows_added


def poll_work(before: tuple[int, int, int], view: TopicsView | GroupsView) -> tuple[int, int, int]:
    after = work(view)
    return (after[0] - before[0], after[1] - before[1], after[2] - before[2])


def change_messages(client: FakeClient, names: list[str]) -> None:
    """As if records were produced to these topics: their message count goes up."""
    topics: dict[str, Any] = client.topics._topics
    for name in names:
        topics[name] = replace(topics[name], messages=(topics[name].messages or 0) + 5)


class TestWorkPerPoll:
    async def test_an_unchanged_poll_touches_no_row(self) -> None:
        client = big_fake()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            view = app.screen
            assert isinstance(view, TopicsView)
            await wait_for(pilot, lambda: not view.table.filling)
            assert view.table.row_count == len(view.items) > TOPICS
            before = work(view)
            await press(pilot, "ctrl+r")
            assert poll_work(before, view) == (0, 0, 0)

    async def test_a_poll_after_k_topics_changed_touches_k_rows(self) -> None:
        client = big_fake()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            view = app.screen
            assert isinstance(view, TopicsView)
            await wait_for(pilot, lambda: not view.table.filling)
            changed = [f"load-{i:04d}" for i in (3, 150, 399)]
            change_messages(client, changed)
            before = work(view)
            await press(pilot, "ctrl+r")
            # k rows made again, one cell (Messages) written in each, no row added
            assert poll_work(before, view) == (3, 3, 0)
            assert view.items["load-0150"].messages == (client.topics._topics["load-0150"].messages)

    async def test_a_change_that_moves_a_row_redraws_in_the_new_order(self) -> None:
        client = big_fake()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            view = app.screen
            assert isinstance(view, TopicsView)
            await press(pilot, "greater_than_sign", "greater_than_sign", "greater_than_sign")
            assert view.sort_column == 3  # by messages
            change_messages(client, ["load-0000"])
            await press(pilot, "ctrl+r")
            keys = view.table.row_keys
            messages = [view.items[k].messages or 0 for k in keys]
            assert messages == sorted(messages)  # load-0000 moved to its new place


class TestSlices:
    async def test_a_long_table_fills_a_slice_per_frame(self, monkeypatch: Any) -> None:
        client = FakeClient()
        for i in range(APPEND_SLICE * 2 + 10):
            client.topics.create(f"many-{i:05d}", 1, 1)
        slices: list[int] = []
        append = KeyedTable._append

        def counted(table: KeyedTable, rows: Any) -> None:
            if table.id == "table":
                slices.append(len(rows))
            append(table, rows)

        monkeypatch.setattr(KeyedTable, "_append", counted)
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            view = app.screen
            assert isinstance(view, TopicsView)
            await wait_for(pilot, lambda: not view.table.filling)
            assert view.table.row_count == len(view.items) > APPEND_SLICE * 2
            assert max(slices) == APPEND_SLICE  # never more rows than a slice at once
            assert len([n for n in slices if n]) >= 3
            # details that came while rows were still waiting to be added are shown
            last = f"many-{APPEND_SLICE * 2 + 9:05d}"
            assert view.table.get_row(last)[1] == "1"  # partitions, not "-"
            for key in view.table.row_keys:  # and no row went back to what it showed before
                assert tuple(view.table.get_row(key)) == view.row(view.items[key])[0], key


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyedTable([Column("name", "Name"), Column("value", "Value")], id="t")


class TestUpdatesWhileFilling:
    async def test_rows_updated_before_and_after_being_added_keep_their_new_cells(self) -> None:
        app = TableApp()
        async with app.run_test(size=SIZE) as pilot:
            table = app.query_one("#t", KeyedTable)
            count = APPEND_SLICE * 2 + 5
            rows = [(f"r{i:04d}", (f"r{i:04d}", "-")) for i in range(count)]
            table.sync(rows)
            assert table.filling and table.row_count == APPEND_SLICE
            first, waiting = rows[0][0], rows[-1][0]
            table.update_rows([(first, (first, "new")), (waiting, (waiting, "new"))])
            await wait_for(pilot, lambda: not table.filling, timeout=10)
            assert table.row_count == count
            assert table.get_row(first) == [first, "new"]  # not put back to "-"
            assert table.get_row(waiting) == [waiting, "new"]


class TestSlicedWrites:
    async def test_the_rows_on_screen_are_written_first_and_the_rest_follow(self) -> None:
        app = TableApp()
        async with app.run_test(size=SIZE) as pilot:
            table = app.query_one("#t", KeyedTable)
            count = WRITE_SLICE * 3
            table.sync([(f"r{i:04d}", (f"r{i:04d}", "old")) for i in range(count)])
            await wait_for(pilot, lambda: not table.filling, timeout=10)
            table.move_cursor(row=count - 1, animate=False)  # the screen shows the last rows
            await pilot.pause()
            table.update_rows([(f"r{i:04d}", (f"r{i:04d}", "new")) for i in range(count)])
            last, middle = f"r{count - 1:04d}", f"r{WRITE_SLICE + 10:04d}"
            assert table.get_row(last) == [last, "new"]  # on screen: in the first slice
            assert table.get_row(middle) == [middle, "old"] and table.filling  # to come
            await wait_for(pilot, lambda: not table.filling, timeout=10)
            assert all(table.get_row(k)[1] == "new" for k in table.row_keys)


def shifting_trends(client: FakeClient) -> None:
    """Each poll's trends are new objects, later in time but with the same lags, as the
    real client's are while lag stays flat: unequal rows that show the same."""
    original = client.groups.trend
    polls = [0]

    def later(group_id: str, min_span_s: float = 30.0) -> LagTrend:
        polls[0] += 1
        trend = original(group_id, min_span_s)
        moved = tuple(LagSample(s.at + polls[0], s.lag) for s in trend.samples)
        return replace(trend, samples=moved)

    client.groups.trend = later  # type: ignore[method-assign]


class TestGroupsPoll:
    async def test_a_poll_that_changes_only_trend_samples_touches_no_row(self) -> None:
        client = FakeClient()
        shifting_trends(client)
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "2")
            view = app.screen
            assert isinstance(view, GroupsView)
            shown = dict(view.items)
            before = work(view)
            await press(pilot, "ctrl+r")
            assert poll_work(before, view) == (0, 0, 0)
            # the rows hold the new poll's data, with the cells made for the old
            assert all(view.items[k] is not shown[k] for k in shown)
            assert all(view.items[k].trend != shown[k].trend for k in shown)

    async def test_a_group_whose_lag_changed_is_the_only_row_made_again(self) -> None:
        client = FakeClient()
        shifting_trends(client)
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "2")
            view = app.screen
            assert isinstance(view, GroupsView)
            lags = client.groups._lags
            parts = tuple(
                replace(p, end=p.end + 5, lag=(p.lag or 0) + 5) for p in lags["billing"].partitions
            )
            lags["billing"] = replace(lags["billing"], partitions=parts)
            before = work(view)
            await press(pilot, "ctrl+r")
            built, written, added = poll_work(before, view)
            assert (built, added) == (1, 0)
            assert 1 <= written <= 3  # lag, and the trend's cells if they moved
            assert view.table.get_row("billing")[4].plain == "15"


def more_lag(client: FakeClient, by: int) -> dict[str, int]:
    """Every group's partitions `by` records further behind; the new totals."""
    lags = client.groups._lags
    for gid, lag in lags.items():
        parts = tuple(replace(p, end=p.end + by, lag=(p.lag or 0) + by) for p in lag.partitions)
        lags[gid] = replace(lag, partitions=parts)
    return {gid: lag.total or 0 for gid, lag in lags.items()}


async def groups_view(pilot: Any) -> GroupsView:
    await press(pilot, "2")
    view = pilot.app.screen
    assert isinstance(view, GroupsView)
    return view


class TestSlicedPoll:
    async def test_a_poll_is_drawn_a_slice_per_frame_and_ends_current(
        self, monkeypatch: Any
    ) -> None:
        monkeypatch.setattr(GroupsView, "UPDATE_SLICE", 1)
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            view = await groups_view(pilot)
            slices: list[int] = []
            real = view.update_items

            def counted(items: Any, draw: bool = True) -> None:
                slices.append(len(items))
                real(items, draw)

            view.update_items = counted  # type: ignore[method-assign]
            totals = more_lag(client, 5)
            await press(pilot, "ctrl+r")
            await wait_for(pilot, lambda: not view._incoming)
            assert len(slices) >= len(totals) and max(slices) == 1  # one group per frame
            for gid, total in totals.items():
                assert view.table.get_row(gid)[4].plain == f"{total:,}", gid

    async def test_a_new_listing_keeps_updates_still_waiting(self, monkeypatch: Any) -> None:
        monkeypatch.setattr(GroupsView, "UPDATE_SLICE", 1)
        client = FakeClient()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            view = await groups_view(pilot)
            totals = more_lag(client, 9)
            lags = client.groups.lag(list(totals))
            rows = [replace(row, lag=lags[key]) for key, row in view.items.items()]
            view.update_items_sliced(rows)  # one applied now, the rest waiting
            assert view._incoming
            summaries = [row.summary for row in view.items.values()]
            view.on_groups_view_listed(GroupsView.Listed(summaries))  # before the rest
            assert not view._incoming
            await pilot.pause()
            for gid, total in totals.items():
                assert view.items[gid].total == total, gid
                assert view.table.get_row(gid)[4].plain == f"{total:,}", gid


class TestOrderOffTheLoop:
    async def test_filter_and_sort_of_a_big_table_run_in_a_thread(self, monkeypatch: Any) -> None:
        # 400 topics stand for a big table: the thread takes over from 100 rows here
        monkeypatch.setattr(TopicsView, "ORDER_IN_THREAD_FROM", 100)
        threads: list[bool] = []  # per filter-and-sort: was it on the event loop's thread?
        real = table_view.order_rows

        def recorded(*args: Any, **kwargs: Any) -> Any:
            threads.append(threading.current_thread() is threading.main_thread())
            return real(*args, **kwargs)

        monkeypatch.setattr(table_view, "order_rows", recorded)
        app = new_app(big_fake())
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            view = app.screen
            assert isinstance(view, TopicsView)
            await wait_for(pilot, lambda: not view.table.filling)
            threads.clear()
            before = work(view)
            applied = view.orders_applied
            await press(pilot, "slash", *"load-01")
            await wait_for(pilot, lambda: view.table.row_keys[:1] == ["load-0100"])
            assert view.table.row_keys == [f"load-{i:04d}" for i in range(100, 200)]
            await press(pilot, "enter", "exclamation_mark")  # reverse the sort
            await wait_for(pilot, lambda: view.table.row_keys[:1] == ["load-0199"])
            assert view.table.row_keys == [f"load-{i:04d}" for i in range(199, 99, -1)]
            assert threads and not any(threads)  # never on the event loop
            assert view.orders_applied > applied
            assert poll_work(before, view)[0] == 0  # every row kept its cells


class TestFirstScreen:
    async def test_a_big_lists_first_rows_show_before_the_thread_orders_it(
        self, monkeypatch: Any
    ) -> None:
        monkeypatch.setattr(TopicsView, "ORDER_IN_THREAD_FROM", 100)
        monkeypatch.setattr(TopicsView, "FIRST_SCREEN", 30)
        release = threading.Event()
        real = table_view.order_rows

        def held(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is not threading.main_thread():
                release.wait(10)  # the thread's ordering, not a small list's on the loop
            return real(*args, **kwargs)

        monkeypatch.setattr(table_view, "order_rows", held)
        client = big_fake()
        app = new_app(client)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, TopicsView) and app.screen.items)
            view = app.screen
            assert isinstance(view, TopicsView)
            names = sorted(view.items)
            await wait_for(pilot, lambda: view.table.row_count > 0)
            assert view.table.row_keys == names[:30]  # while the thread is held
            release.set()
            await wait_for(pilot, lambda: view.table.row_count == len(names))
            await wait_for(pilot, lambda: not view.table.filling)
            assert view.table.row_keys == names
            assert view.table.rows_added == len(names)  # the first 30 were not added again


class TestReorder:
    async def test_a_new_order_of_the_same_rows_moves_them_in_place(self) -> None:
        app = TableApp()
        async with app.run_test(size=SIZE) as pilot:
            table = app.query_one("#t", KeyedTable)
            rows = [(f"r{i:03d}", (f"r{i:03d}", str(i))) for i in range(300)]
            table.sync(rows)
            await wait_for(pilot, lambda: not table.filling, timeout=10)
            table.move_cursor(row=10, animate=False)
            added = table.rows_added
            backwards = list(reversed(rows))
            backwards[0] = ("r299", ("r299", "new"))  # a changed cell comes along
            table.sync(backwards)
            await pilot.pause()
            assert table.rows_added == added  # no row removed and added again
            assert not table.filling
            assert table.row_keys == [key for key, _ in backwards]
            shown = [row.key.value for row in table.ordered_rows]
            assert shown == table.row_keys  # what Textual draws, in the new order
            assert table.get_row_at(0) == ["r299", "new"]
            assert table.current_key == "r010"  # the cursor followed its row

    async def test_a_filter_drops_and_adds_rows_in_place(self) -> None:
        """Typing a filter drops rows (and clearing a letter brings a few back) without
        adding the kept rows again; the cursor stays on its row."""
        app = TableApp()
        async with app.run_test(size=SIZE) as pilot:
            table = app.query_one("#t", KeyedTable)
            rows = [(f"r{i:03d}", (f"r{i:03d}", "x" * (40 if i == 5 else 3))) for i in range(300)]
            table.sync(rows)
            await wait_for(pilot, lambda: not table.filling, timeout=10)
            table.move_cursor(row=12, animate=False)  # r012
            added = table.rows_added
            narrowed = [row for row in rows if "1" in row[0]]
            table.sync(narrowed)
            await pilot.pause()
            assert table.rows_added == added  # none added again
            assert table.row_keys == [key for key, _ in narrowed] == [
                row.key.value for row in table.ordered_rows
            ]
            assert table.row_count == len(narrowed)
            assert table.current_key == "r012"
            assert table.ordered_columns[1].content_width == 40  # widths hold while filtering
            widened = [row for row in rows if "1" in row[0] or row[0] < "r010"]
            table.sync(widened)
            await pilot.pause()
            assert table.rows_added == added + sum(1 for key, _ in widened if "1" not in key)
            assert [row.key.value for row in table.ordered_rows] == [key for key, _ in widened]
            assert table.get_row_at(5) == ["r005", "x" * 40]
            assert table.ordered_columns[1].content_width == 40
            assert table.current_key == "r012"
            table.sync([])
            await pilot.pause()
            assert table.row_count == 0 and table.row_keys == []
            table.sync(rows[:3])
            await pilot.pause()
            assert [row.key.value for row in table.ordered_rows] == ["r000", "r001", "r002"]
