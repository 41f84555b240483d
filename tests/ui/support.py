"""Helpers shared by the UI tests: build the app on the fake, wait without sleeping."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from textual.notifications import Notify
from textual.pilot import Pilot

from kafkatui.ui import make_app
from kafkatui.ui.app import KafkaTuiApp
from tests.ui.fake_client import FakeClient

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]


def new_app(client: Any | None = None, **kwargs: Any) -> KafkaTuiApp:
    return make_app(client or FakeClient(), cursor_blink=False, **kwargs)


async def settle(pilot: Pilot[Any]) -> None:
    """Let posted messages land and running workers finish (twice: results start workers)."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press `keys`, then settle."""
    await pilot.press(*keys)
    await settle(pilot)


async def wait_for(pilot: Pilot[Any], check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll `check` between short pauses (never a sleep as the assertion) until the deadline."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await pilot.pause(0.2)


class Notes(list[str]):
    """A message hook that keeps the text of every notification (toasts expire)."""

    def __call__(self, message: Any) -> None:
        if isinstance(message, Notify):
            self.append(message.notification.message)


def keys(*presses: str | Sequence[str]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A run_before that presses each group of keys and settles after each group."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for group in presses:
            if isinstance(group, str):
                group = [group]
            await pilot.press(*group)
            await settle(pilot)

    return run


def typed(text: str) -> list[str]:
    names = {" ": "space", "/": "slash", ":": "colon", "-": "minus", ".": "full_stop"}
    return [names.get(ch, ch) for ch in text]


async def open_tail(pilot: Pilot[Any], topic: str) -> Any:
    """`:tail TOPIC` typed as a user does; returns the TailView once it is composed."""
    from kafkatui.ui.screens.tail import TailView

    await pilot.press("colon", *typed(f"tail {topic}"), "enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, TailView))
    tail = pilot.app.screen
    await wait_for(pilot, lambda: bool(tail.query("#tail-log")))
    return tail
