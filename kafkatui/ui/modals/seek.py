"""`s` in the tail: where to start reading again."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioSet, Static

from kafkatui.cluster.api import TailStart
from kafkatui.ui.screens.base import KModal
from kafkatui.ui.widgets.inputs import KButton, KInput, KRadioButton

MODES = (
    ("earliest", "Earliest"),
    ("latest", "Latest (new records only)"),
    ("offset", "Offset (in every partition)"),
    ("timestamp", "Time (ISO 8601, UTC if no zone)"),
    ("last", "Last N per partition"),
)


def parse_start(
    mode: str, value: str, partitions: str = "", known: Collection[int] | None = None
) -> TailStart:
    """Raises ValueError with a message fit to show. `known`: the topic's partitions,
    when the tail knows them; a partition outside them is refused here."""
    try:
        parts = tuple(int(p) for p in partitions.replace(" ", "").split(",") if p) or None
    except ValueError:
        raise ValueError("partitions are numbers separated by commas") from None
    if parts is not None:
        wrong = sorted({p for p in parts if p < 0 or (known is not None and p not in known)})
        if wrong:
            has = f" (it has {_ranges(sorted(known))})" if known else ""
            raise ValueError(f"the topic has no partition {', '.join(map(str, wrong))}{has}")
    if mode in ("earliest", "latest"):
        return TailStart(mode, None, parts)  # type: ignore[arg-type]
    if mode == "timestamp":
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("time must look like 2026-01-31T12:00:00") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return TailStart("timestamp", int(when.timestamp() * 1000), parts)
    if not value.isdigit():
        raise ValueError(f"{mode} needs a whole number")
    return TailStart(mode, int(value), parts)  # type: ignore[arg-type]


def _ranges(numbers: list[int]) -> str:
    """0-5, 7"""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


class SeekModal(KModal[TailStart | None]):
    def __init__(self, partitions: Collection[int] | None = None) -> None:
        """`partitions`: the topic's partitions when known, to check the input against."""
        super().__init__()
        self._partitions = partitions

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Seek", classes="title")
            with RadioSet(id="mode", compact=True):
                for index, (key, label) in enumerate(MODES):
                    yield KRadioButton(label, name=key, value=index == 0)
            yield Label("Offset, time or N")
            yield KInput(id="value", placeholder="e.g. 1200, 2026-01-31T12:00, 100")
            yield Label("Partitions (empty: all)")
            yield KInput(id="partitions", placeholder="0,3,5")
            yield Static("", id="seek-error", classes="error")
            with Horizontal(classes="buttons"):
                yield KButton("Cancel", id="cancel")
                yield KButton("Seek", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#mode").focus()
        self._ready = True

    @on(RadioSet.Changed, "#mode")
    def _mode_chosen(self) -> None:
        """Keyboard flow: earliest/latest seek at once; the others move to the value."""
        if not getattr(self, "_ready", False):
            return  # the initial selection while mounting
        if self._mode() in ("earliest", "latest"):
            self._submit()
        else:
            self.query_one("#value", Input).focus()

    def _mode(self) -> str:
        pressed = self.query_one("#mode", RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else "earliest"

    def _submit(self) -> None:
        try:
            start = parse_start(
                self._mode(),
                self.query_one("#value", Input).value.strip(),
                self.query_one("#partitions", Input).value,
                self._partitions,
            )
        except ValueError as exc:
            self.query_one("#seek-error", Static).update(str(exc))
            return
        self.dismiss(start)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        self._submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
