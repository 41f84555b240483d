"""Compact inputs and buttons, whose cursor blink follows the app (off in tests)."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import Button, Input, RadioButton, TextArea


def _blink(widget: Input | TextArea) -> bool:
    return bool(getattr(widget.app, "cursor_blink_enabled", True))


class KInput(Input):
    """One line high: dialogs stay usable at 80x24."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compact", True)
        super().__init__(*args, **kwargs)

    def on_mount(self) -> None:
        self.cursor_blink = _blink(self)

    def on_focus(self) -> None:
        release = getattr(self.app, "release_keys", None)  # see ui.typeahead
        if release is not None:
            release()


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
