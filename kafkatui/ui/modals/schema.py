"""Schema dialogs: diff two versions (what changed in words with its compatibility verdicts,
then the pretty-printed line diff), view/set compatibility, check a candidate."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from kafkatui.cluster.models import CompatibilityCheck, SchemaVersion
from kafkatui.decode.schema_diff import SchemaDiff, diff_schemas
from kafkatui.ui.screens.base import KModal
from kafkatui.ui.widgets.inputs import KButton, KInput, KTextArea
from kafkatui.ui.workers import io_work

LEVELS = (
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
    "NONE",
)


def _verdict(text: Text, ok: bool, level: str, colours: dict[str, str]) -> None:
    colour = colours.get("health-ok" if ok else "health-critical", "")
    text.append(f"{level} ", style="bold")
    text.append("ok" if ok else "BREAKS", style=f"bold {colour}")
    text.append("  ")


def coloured_diff(
    old: SchemaVersion, new: SchemaVersion, diff: SchemaDiff, colours: dict[str, str]
) -> Text:
    """What changed in words, each with its verdicts, then the pretty-printed line diff:
    additions in the 'ok' colour, removals in the 'critical' colour."""
    muted = colours.get("text-muted", "")
    text = Text(f"{old.subject} v{old.version} (id {old.schema_id}) -> "
                f"v{new.version} (id {new.schema_id}), {new.schema_type}\n", style="bold")
    if diff.unjudged:
        text.append(f"no semantic summary: {diff.unjudged}\n", style=muted)
    elif not diff.changes:
        text.append("no change that affects compatibility\n", style=muted)
    else:
        text.append(f"{len(diff.changes)} change(s), overall: ")
        for level, ok in (("BACKWARD", diff.backward), ("FORWARD", diff.forward),
                          ("FULL", diff.full)):
            _verdict(text, ok, level, colours)
        text.append("\n")
    for change in diff.changes:
        text.append(f"* {change.path}: ", style="bold")
        text.append(change.what + (f" ({change.detail})" if change.detail else "") + "\n")
        text.append("    ")
        for level, ok in (("BACKWARD", change.backward), ("FORWARD", change.forward),
                          ("FULL", change.full)):
            _verdict(text, ok, level, colours)
        text.append("\n")
        if change.why:
            text.append(f"    {change.why}\n", style=muted)
    text.append("\n")
    if not diff.lines:
        text.append("the two versions read the same once pretty-printed\n", style=muted)
    styles = {
        "+": colours.get("health-ok", "green"),
        "-": colours.get("health-critical", "red"),
        "@": colours.get("health-paused", "cyan"),
    }
    for line in diff.lines:
        prefix = "" if line.kind == "@" else f"{line.kind} "
        text.append(prefix + line.text + "\n", style=styles.get(line.kind, ""))
    return text


class SchemaDiffModal(KModal[None]):
    class Fetched(Message):
        def __init__(self, old: SchemaVersion, new: SchemaVersion, diff: SchemaDiff) -> None:
            super().__init__()
            self.old, self.new, self.diff = old, new, diff

    def __init__(self, subject: str, versions: list[int]) -> None:
        super().__init__()
        self.subject = subject
        self.versions = sorted(versions)

    def compose(self) -> ComposeResult:
        old = self.versions[-2] if len(self.versions) > 1 else self.versions[-1]
        with Vertical(classes="dialog wide"):
            yield Static(
                f"Diff {self.subject}   (versions: {', '.join(map(str, self.versions))})",
                classes="title",
            )
            with Horizontal(classes="buttons"):
                yield Label("from ")
                yield KInput(str(old), id="old")
                yield Label(" to ")
                yield KInput(str(self.versions[-1]), id="new")
                yield KButton("Diff", id="go", variant="primary")
            with VerticalScroll():
                yield Static("", id="diff", markup=False)

    def on_mount(self) -> None:
        self._go()

    @on(Button.Pressed, "#go")
    @on(Input.Submitted)
    def _go(self) -> None:
        try:
            old = int(self.query_one("#old", Input).value)
            new = int(self.query_one("#new", Input).value)
        except ValueError:
            self.query_one("#diff", Static).update("versions are numbers")
            return
        self.fetch(old, new)

    @io_work("schema-diff", "reading schema versions")
    def fetch(self, old: int, new: int) -> None:
        registry = self.kapp.client.registry
        before = registry.get_version(self.subject, old)
        after = registry.get_version(self.subject, new)
        # judged here, off the event loop: a Protobuf schema is compiled by protoc first
        diff = diff_schemas(after.schema_type, before.schema, after.schema)
        self.post_message(self.Fetched(before, after, diff))

    def on_schema_diff_modal_fetched(self, message: Fetched) -> None:
        self.query_one("#diff", Static).update(
            coloured_diff(message.old, message.new, message.diff, self.app.theme_variables)
        )


class CompatibilityModal(KModal[str | None]):
    """Shows the level; choosing another sets it (refused in read-only mode)."""

    def __init__(self, subject: str, current: str | None) -> None:
        super().__init__()
        self.subject = subject
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Compatibility of {self.subject}", classes="title")
            yield Static(
                f"Current level: {self.current or 'unknown'}. Enter sets the chosen level.",
                classes="hint",
            )
            yield OptionList(
                *(Option(("* " if lvl == self.current else "  ") + lvl, id=lvl) for lvl in LEVELS),
                id="levels",
                compact=True,
            )

    @on(OptionList.OptionSelected, "#levels")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        level = event.option.id
        if level is None or level == self.current:
            self.dismiss(None)
            return
        if not self.kapp.allow_change("schema.compatibility"):
            return
        self.set_level(level)

    @io_work("schema-compat", "setting compatibility")
    def set_level(self, level: str) -> None:
        self.kapp.client.registry.set_compatibility(level, self.subject)
        self.app.call_from_thread(self._done, level)

    def _done(self, level: str) -> None:
        self.notify(f"{self.subject} compatibility is now {level}")
        self.dismiss(level)


class CheckModal(KModal[None]):
    """Paste a candidate schema and ask the registry whether the subject accepts it."""

    class Checked(Message):
        def __init__(self, result: CompatibilityCheck) -> None:
            super().__init__()
            self.result = result

    def __init__(self, subject: str, schema_type: str) -> None:
        super().__init__()
        self.subject = subject
        self.schema_type = schema_type

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(
                f"Check a candidate {self.schema_type} schema against {self.subject}",
                classes="title",
            )
            yield KTextArea(id="candidate", language=None)
            yield Static("", id="check-result")
            with Horizontal(classes="buttons"):
                yield KButton("Close", id="close")
                yield KButton("Check", id="check", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#candidate").focus()

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#check")
    def _check(self) -> None:
        text = self.query_one("#candidate", KTextArea).text
        if text.strip():
            self.check(text)

    @io_work("schema-check", "checking schema compatibility")
    def check(self, schema: str) -> None:
        result = self.kapp.client.registry.check(self.subject, schema, self.schema_type)
        self.post_message(self.Checked(result))

    def on_check_modal_checked(self, message: Checked) -> None:
        colours = self.app.theme_variables
        result = message.result
        if result.compatible:
            text = Text("compatible", style=f"bold {colours.get('health-ok', '')}")
        else:
            text = Text("NOT compatible", style=f"bold {colours.get('health-critical', '')}")
        for line in result.messages:
            text.append("\n" + line)
        self.query_one("#check-result", Static).update(text)
