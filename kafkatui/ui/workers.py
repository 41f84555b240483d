"""The one way the UI runs blocking calls: a thread worker whose failures reach the app.

`exclusive` cancels the previous run of the same group, so a stale answer never lands
after a fresh one; `exit_on_error=False` hands failures to the app's one error path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from textual import work
from textual.worker import Worker

P = ParamSpec("P")
R = TypeVar("R")


def io_work(group: str, description: str) -> Callable[[Callable[P, R]], Callable[P, Worker[R]]]:
    """Decorate a method that does IO: it runs in a thread; errors are reported by description."""
    return work(
        thread=True, exclusive=True, exit_on_error=False, group=group, description=description
    )
