"""Compact inputs and buttons, whose cursor blink follows the app (off in tests)."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.content import Content
from textual.widgets import Button, Input, RadioButton, TextArea


def _blink(widget: Input | TextArea) -> bool:
    return bool(getattr(widget.app, "cursor_blink_enabled", True))


class KInput(Input):
    """One line high: dialogs stay usable at 80x24.

    Keys that reach it after an enter belong to where enter moves the focus (see
    ui.typeahead): `/orders⏎t` typed in one burst tails a topic, it does not filter by
    "orderst". Those keys arrive here before the enter has been acted on, so they are
    kept, and handed back to the app once its Submitted has been handled (the app sees
    it last, as it bubbles up), when it loses the focus, or after AFTER_ENTER_MAX_S.
    An enter that moves no focus (a wrong name in a confirmation) gets them back here."""

    AFTER_ENTER_MAX_S = 0.5

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)
        self._after_enter: list[events.Key] | None = None

    def on_mount(self) -> None:
        self.cursor_blink = _blink(self)

    def on_focus(self) -> None:
        release = getattr(self.app, "release_keys", None)  # see ui.typeahead
        if release is not None:
            release()

    async def _on_key(self, event: events.Key) -> None:
        if self._after_enter is not None:
            self._after_enter.append(event)
            event.stop()
            event.prevent_default()
            return
        if event.key == "enter" and hasattr(self.app, "pass_on_keys"):
            self._after_enter = []
            self.set_timer(self.AFTER_ENTER_MAX_S, self.pass_on_after_enter)
        await super()._on_key(event)  # enter bubbles on to its binding: submit

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self.pass_on_after_enter()

    def pass_on_after_enter(self) -> None:
        kept, self._after_enter = self._after_enter, None
        if kept:
            self.app.pass_on_keys(kept)  # type: ignore[attr-defined]


class KTextArea(TextArea):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)

    def on_mount(self) -> None:
        self.cursor_blink = _blink(self)


class KButton(Button):
    """No press animation: it would swallow a second enter within 0.2 s (keyboard flows)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)
        self.active_effect_duration = 0.0


class KRadioButton(RadioButton):
    """`(*)` when chosen and `( )` when not: readable without colour or block glyphs."""

    @property
    def _button(self) -> Content:
        mark = "*" if self.value else " "
        return Content.assemble("(", (mark, self.get_visual_style("toggle--button")), ")")
