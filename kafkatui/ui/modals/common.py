"""Small reusable dialogs: confirm (optionally by typing a name), choose, form, text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from kafkatui.ui.screens.base import KModal
from kafkatui.ui.widgets.inputs import KButton, KInput


class ConfirmModal(KModal[bool]):
    """Yes/no; with `type_to_confirm`, the button stays disabled until the name is typed."""

    def __init__(
        self,
        title: str,
        message: str,
        type_to_confirm: str | None = None,
        action_label: str = "Confirm",
    ) -> None:
        super().__init__()
        self._title = title
        self._message = message
        self._expected = type_to_confirm
        self._label = action_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="title")
            yield Static(self._message, classes="hint")
            if self._expected is not None:
                yield Label(f"Type {self._expected!r} to confirm:")
                yield KInput(id="confirm-name")
            with Horizontal(classes="buttons"):
                yield KButton("Cancel", id="cancel")
                yield KButton(
                    self._label, id="ok", variant="error", disabled=self._expected is not None
                )

    def on_mount(self) -> None:
        if self._expected is None:
            self.query_one("#ok", Button).focus()

    @on(Input.Changed, "#confirm-name")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#ok", Button).disabled = event.value != self._expected

    @on(Input.Submitted, "#confirm-name")
    def _typed_enter(self, event: Input.Submitted) -> None:
        if event.value == self._expected:
            self.dismiss(True)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)


class ChoiceModal(KModal[str | None]):
    """Pick one of (id, label) options."""

    def __init__(self, title: str, options: Sequence[tuple[str, str]], hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._options = options
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="title")
            if self._hint:
                yield Static(self._hint, classes="hint")
            options = (Option(label, id=key) for key, label in self._options)
            yield OptionList(*options, id="choices", compact=True)

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    default: str = ""
    placeholder: str = ""


Validator = Callable[[dict[str, str]], str | None]


class FormModal(KModal[dict[str, str] | None]):
    """Labelled inputs; `validate` returns an error line or None. Enter submits."""

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        validate: Validator | None = None,
        hint: str = "",
        submit_label: str = "OK",
    ) -> None:
        super().__init__()
        self._title = title
        self._fields = fields
        self._validate = validate
        self._hint = hint
        self._submit = submit_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="title")
            if self._hint:
                yield Static(self._hint, classes="hint")
            for field in self._fields:
                yield Label(field.label)
                yield KInput(
                    value=field.default, placeholder=field.placeholder, id=f"field-{field.name}"
                )
            yield Static("", id="form-error", classes="error")
            with Horizontal(classes="buttons"):
                yield KButton("Cancel", id="cancel")
                yield KButton(self._submit, id="ok", variant="primary")

    def values(self) -> dict[str, str]:
        return {
            f.name: self.query_one(f"#field-{f.name}", Input).value.strip() for f in self._fields
        }

    def _try_submit(self) -> None:
        values = self.values()
        problem = self._validate(values) if self._validate else None
        if problem:
            self.query_one("#form-error", Static).update(problem)
            return
        self.dismiss(values)

    @on(Input.Submitted)
    def _enter(self) -> None:
        self._try_submit()

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        self._try_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class TextModal(KModal[None]):
    """A scrollable read-only text (configs, traces, schemas, diffs)."""

    def __init__(self, title: str, body: str | Text, wide: bool = True) -> None:
        super().__init__()
        self._title = title
        self._body = body
        self._wide = wide

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide" if self._wide else "dialog"):
            yield Static(self._title + "   (esc closes)", classes="title")
            with VerticalScroll(id="text-scroll"):
                yield Static(self._body, id="text-body", markup=False)

    def on_mount(self) -> None:
        self.query_one("#text-scroll").focus()


def positive_int(value: str, what: str) -> str | None:
    """A validation message unless `value` is a positive integer."""
    if not value.isdigit() or int(value) <= 0:
        return f"{what} must be a positive whole number"
    return None
