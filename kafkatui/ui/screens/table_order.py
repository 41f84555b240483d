"""Which rows a table view shows, and in what order: its items filtered and sorted.

Pure work on a snapshot of the items, so a big table does it in a thread worker (see
TableView.redraw) and the event loop only applies the answer. Cells come from the view's
row cache, so rows already made are not made again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kafkatui.ui.widgets.keyed_table import Cell

T = TypeVar("T")
SortKey = tuple[bool, Any]


@dataclass(frozen=True)
class OrderRequest:
    """What to order by: taken on the event loop, read in the worker."""

    needle: str  # the filter, lower case
    column: int
    reverse: bool
    generation: int  # the view's count of orderings asked for, to tell the latest


@dataclass(frozen=True)
class Ordered(Generic[T]):
    """The rows to show: (key, item, cells) in order, and each shown key's sort key."""

    rows: list[tuple[str, T, tuple[Cell, ...]]]
    order: dict[str, SortKey]
    generation: int


def order_rows(
    items: Iterable[T],
    request: OrderRequest,
    key_of: Callable[[T], str],
    row: Callable[[T], tuple[tuple[Cell, ...], str]],
    sort_key: Callable[[T, int], SortKey],
) -> Ordered[T]:
    """The items whose haystack holds the filter, sorted by the column. Rows whose value
    is unknown (None) stay at the bottom in either direction."""
    needle = request.needle
    keyed = [(sort_key(i, request.column), i) for i in items if needle in row(i)[1]]
    keyed.sort(key=lambda pair: pair[0], reverse=request.reverse)
    if request.reverse:
        keyed.sort(key=lambda pair: pair[0][0])  # stable: only moves the unknowns down
    rows = [(key_of(i), i, row(i)[0]) for _, i in keyed]
    order = {key: k for (key, _, _), (k, _) in zip(rows, keyed, strict=True)}
    return Ordered(rows, order, request.generation)

