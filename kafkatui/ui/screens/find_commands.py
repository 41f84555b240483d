"""`:find TOPIC TEXT` and `:dlq TOPIC` on the command line."""

from __future__ import annotations

from typing import Any


def run_find_or_dlq(app: Any, verb: str, arg: str) -> None:
    topic, _, text = arg.partition(" ")
    text = text.strip()
    if verb == "dlq":
        from kafkatui.ui.screens.dlq import DlqView

        app.push_screen(DlqView(topic))
    elif text:
        from kafkatui.ui.screens.find import FindView

        app.push_screen(FindView(topic, text))
    else:
        from kafkatui.ui.screens.find import ask_find

        ask_find(app.screen, topic)
