"""Type-ahead: keys typed while an input is opening land in that input, in order.

k9s users type `/orders` or `:groups⏎` in one quick burst (or paste it). Textual hands
each key to the focused widget as it comes, and moving focus to an input that is being
shown (or mounted on a new screen) takes a few turns of the event loop, so the keys after
`/` or `:` used to reach the list behind: `d` in "orders" opened a describe view.

An action that opens an input calls `hold_keys()`; from then on the app keeps every key
(those still on their way up from the old focus too) until an input takes focus and
calls `release_keys()`. The kept keys are then handled again, oldest first, as if just
typed: they reach the input before any key typed later. If no input takes focus within
HOLD_MAX_S, the keys go to whatever has focus then. Keys typed after an input's enter
are passed on the same way, once the focus has moved (see widgets.inputs.KInput).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.message import Message
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App

    _Base = App[int]
else:
    _Base = object

HOLD_MAX_S = 1.0
#: the longest a view may keep the keys typed after an enter while it catches up
VIEW_WAIT_MAX_S = 5.0


class ReleaseKeys(Message):
    """Queued behind every key that arrived before the input took focus."""


class TypeAhead(_Base):
    """Mixed into the App."""

    _held_keys: list[events.Key] | None = None
    _view_waits = 0  # views still catching up with what was typed (see wait_for_view)

    def hold_keys(self) -> None:
        """An input is opening: keep the keys that follow until it has focus."""
        if self._held_keys is None:
            self._held_keys = []
            self.set_timer(HOLD_MAX_S, self.release_keys)

    def release_keys(self) -> None:
        """An input has focus: hand it the kept keys (after those already queued)."""
        if self._held_keys is not None:
            self.post_message(ReleaseKeys())

    def wait_for_view(self) -> None:
        """A view is still applying what was typed (a big list filtering in a thread):
        keep the keys that follow until it calls `view_ready` (or VIEW_WAIT_MAX_S), so
        that `/orders⏎t` tails the filtered list's first row, not the unfiltered one."""
        if self._held_keys is None:
            self._held_keys = []
        self._view_waits += 1
        self.set_timer(VIEW_WAIT_MAX_S, self._stop_waiting)

    def view_ready(self) -> None:
        self._view_waits = max(0, self._view_waits - 1)
        if self._view_waits == 0 and self._held_keys is not None:
            self.post_message(ReleaseKeys())

    def _stop_waiting(self) -> None:
        if self._view_waits:
            self._view_waits = 1
            self.view_ready()

    def pass_on_keys(self, keys: list[events.Key]) -> None:
        """Keys an input got after its enter (see KInput): handle them again, before any
        typed later, now that the focus has moved on."""
        if self._held_keys is None:
            self._held_keys = []
        self._held_keys.extend(keys)
        self.post_message(ReleaseKeys())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Every handler of an input's enter has run (the app is the last it bubbles
        to): the keys the input kept after it go where the focus is now."""
        pass_on = getattr(event.input, "pass_on_after_enter", None)
        if pass_on is not None:
            pass_on()

    async def on_event(self, event: events.Event) -> None:
        # Keys come here twice: first from the terminal, then bubbling up from the
        # focused widget to have bindings checked. While holding, both are kept.
        if self._held_keys is not None and isinstance(event, events.Key):
            self._held_keys.append(event)
            return
        await super().on_event(event)

    async def _on_release_keys(self, _message: ReleaseKeys) -> None:
        if self._view_waits:
            return  # view_ready releases them
        held, self._held_keys = self._held_keys or [], None
        for old in sorted(held, key=lambda key: key.time):  # a key's time is its arrival
            key = events.Key(old.key, old.character)
            key.set_sender(self)
            await self.on_event(key)  # as if just typed: to the input that has focus now
