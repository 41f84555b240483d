"""The offset reset wizard: mode -> scope -> preview (current -> new) -> confirm -> result.

Planning and executing run in workers; the result step shows what was read back
after the change, including every partition that differs from the plan.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, ContentSwitcher, Input, Label, RadioSet, Static
from textual.worker import Worker, WorkerState

from kafkatui.cluster.models import ResetMode, ResetPlan, ResetResult, ResetRow, ResetSpec
from kafkatui.ui.format import count
from kafkatui.ui.screens.base import KModal
from kafkatui.ui.widgets.inputs import KButton, KInput, KRadioButton
from kafkatui.ui.widgets.keyed_table import Column, KeyedTable
from kafkatui.ui.workers import io_work

MODES = (
    (ResetMode.EARLIEST, "to earliest"),
    (ResetMode.LATEST, "to latest"),
    (ResetMode.DATETIME, "to a time (ISO 8601)"),
    (ResetMode.OFFSET, "to an offset"),
    (ResetMode.SHIFT, "shift by N (negative goes back)"),
)
PREVIEW_COLUMNS = (
    Column("tp", "Partition"),
    Column("current", "Current"),
    Column("new", "New"),
    Column("lag", "Lag before -> after"),
    Column("change", "Change"),
)


def parse_spec(mode: ResetMode, value: str) -> ResetSpec:
    """Raises ValueError with a message fit to show."""
    if mode in (ResetMode.EARLIEST, ResetMode.LATEST):
        return ResetSpec(mode)
    if mode is ResetMode.DATETIME:
        if not value:
            raise ValueError("enter a time such as 2026-01-31T12:00:00Z")
        return ResetSpec(mode, value)
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{mode.value} needs a whole number") from None
    if mode is ResetMode.OFFSET and number < 0:
        raise ValueError("an offset cannot be negative")
    return ResetSpec(mode, number)


def parse_partitions(text: str) -> list[int] | None:
    text = text.replace(" ", "")
    if not text:
        return None
    try:
        return sorted({int(p) for p in text.split(",") if p})
    except ValueError:
        raise ValueError("partitions are numbers separated by commas") from None


def preview_cells(row: ResetRow) -> tuple[str, str, str, str, str]:
    before = "-" if row.lag_before is None else count(row.lag_before)
    change = "-" if row.lag_change is None else f"{row.lag_change:+,}"
    current = "none" if row.current is None else count(row.current)
    return (
        f"{row.topic}:{row.partition}",
        current,
        count(row.new),
        f"{before} -> {count(row.lag_after)}",
        change,
    )


class ResetWizard(KModal[ResetResult | None]):
    class Planned(Message):
        def __init__(self, plan: ResetPlan) -> None:
            super().__init__()
            self.plan = plan

    class Executed(Message):
        def __init__(self, result: ResetResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, group_id: str, topics: list[str]) -> None:
        super().__init__()
        self.group_id = group_id
        self.topics = topics
        self._ready = False  # ignore the RadioSet.Changed of the initial selection
        self.plan: ResetPlan | None = None
        self.result: ResetResult | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Reset offsets of {self.group_id}", classes="title", id="wizard-title")
            with ContentSwitcher(initial="step-mode", id="steps"):
                with Vertical(id="step-mode"):
                    yield Label("1/4 Mode")
                    with RadioSet(id="mode", compact=True):
                        for index, (mode, label) in enumerate(MODES):
                            yield KRadioButton(label, name=mode.value, value=index == 0)
                    yield KInput(id="value", placeholder="offset, shift, or time")
                with Vertical(id="step-scope"):
                    yield Label("2/4 Scope: topic")
                    yield KInput(
                        value=self.topics[0] if self.topics else "", id="topic", placeholder="topic"
                    )
                    yield Static(
                        "topics with offsets: " + (", ".join(self.topics) or "none"), classes="hint"
                    )
                    yield Label("Partitions (empty: all)")
                    yield KInput(id="partitions", placeholder="0,1,2")
                with Vertical(id="step-preview"):
                    yield Label("3/4 Preview: nothing has changed yet")
                    yield KeyedTable(PREVIEW_COLUMNS, id="preview")
                    yield Static("", id="warnings", classes="error")
                with Vertical(id="step-confirm"):
                    yield Label("4/4 Confirm")
                    yield Static("", id="confirm-text")
                with Vertical(id="step-result"):
                    yield Static("", id="result-text")
                    yield KeyedTable(PREVIEW_COLUMNS, id="result")
            yield Static("", id="wizard-error", classes="error")
            with Horizontal(classes="buttons"):
                yield KButton("Back", id="back")
                yield KButton("Next", id="next", variant="primary")

    def on_mount(self) -> None:
        self._show("step-mode")
        self._ready = True

    @on(RadioSet.Changed, "#mode")
    def _mode_chosen(self) -> None:
        """Keyboard flow: a mode that needs a value moves to the value, others go on."""
        pressed = self.query_one("#mode", RadioSet).pressed_button
        if pressed is not None and pressed.name in ("earliest", "latest"):
            if self.is_mounted and self.step == "step-mode" and self._ready:
                self.next_step()
        else:
            self.query_one("#value", Input).focus()

    @property
    def step(self) -> str:
        return self.query_one("#steps", ContentSwitcher).current or "step-mode"

    def _show(self, step: str) -> None:
        self.query_one("#steps", ContentSwitcher).current = step
        self.query_one("#wizard-error", Static).update("")
        labels = {"step-preview": "Apply...", "step-confirm": "Apply now", "step-result": "Close"}
        nxt = self.query_one("#next", Button)
        nxt.label = labels.get(step, "Next")
        nxt.variant = "error" if step == "step-confirm" else "primary"
        self.query_one("#back", Button).disabled = step in ("step-mode", "step-result")
        focus = {"step-mode": "#mode", "step-scope": "#topic"}.get(step, "#next")
        self.query_one(focus).focus()

    def _error(self, text: str) -> None:
        self.query_one("#wizard-error", Static).update(text)

    def _spec(self) -> ResetSpec:
        pressed = self.query_one("#mode", RadioSet).pressed_button
        mode = ResetMode(pressed.name if pressed is not None and pressed.name else "earliest")
        return parse_spec(mode, self.query_one("#value", Input).value.strip())

    @on(Input.Submitted)
    @on(Button.Pressed, "#next")
    def next_step(self) -> None:
        step = self.step
        try:
            if step == "step-mode":
                self._spec()
                self._show("step-scope")
            elif step == "step-scope":
                topic = self.query_one("#topic", Input).value.strip()
                if not topic:
                    raise ValueError("enter a topic")
                self.make_plan(
                    self.group_id,
                    topic,
                    parse_partitions(self.query_one("#partitions", Input).value),
                    self._spec(),
                )
            elif step == "step-preview" and self.plan is not None:
                rows = len(self.plan.rows)
                self.query_one("#confirm-text", Static).update(
                    f"Commit new offsets for {rows} partition(s) of group {self.group_id}?\n"
                    "The group must have no active members."
                )
                self._show("step-confirm")
            elif step == "step-confirm" and self.plan is not None:
                self.query_one("#next", Button).disabled = True
                self.execute(self.plan)
            elif step == "step-result":
                self.dismiss(self.result)
        except ValueError as exc:
            self._error(str(exc))

    @on(Button.Pressed, "#back")
    def previous_step(self) -> None:
        order = ["step-mode", "step-scope", "step-preview", "step-confirm"]
        if self.step in order[1:]:
            self._show(order[order.index(self.step) - 1])

    @io_work("reset-plan", "planning offset reset")
    def make_plan(
        self, group: str, topic: str, partitions: list[int] | None, spec: ResetSpec
    ) -> None:
        plan = self.kapp.client.groups.plan_reset(group, topic, partitions, spec)
        self.post_message(self.Planned(plan))

    def on_reset_wizard_planned(self, message: Planned) -> None:
        self.plan = message.plan
        self.query_one("#preview", KeyedTable).sync(
            [(f"{r.topic}:{r.partition}", preview_cells(r)) for r in message.plan.rows]
        )
        warnings = list(message.plan.warnings)
        if not message.plan.rows:
            warnings.append("no committed partitions match this scope")
        self.query_one("#warnings", Static).update("\n".join(warnings))
        self._show("step-preview")
        self.query_one("#next", Button).disabled = not message.plan.rows

    @io_work("reset-execute", "resetting offsets")
    def execute(self, plan: ResetPlan) -> None:
        self.post_message(self.Executed(self.kapp.client.groups.execute_reset(plan)))

    def on_reset_wizard_executed(self, message: Executed) -> None:
        self.result = result = message.result
        self.query_one("#next", Button).disabled = False
        if result.mismatches:
            text = Text(
                f"Applied, but {len(result.mismatches)} partition(s) read back differently:",
                style="bold",
            )
            rows = [
                (
                    f"{tp.topic}:{tp.partition}",
                    (f"{tp.topic}:{tp.partition}", "read " + count(got), count(want), "", ""),
                )
                for tp, got, want in result.mismatches
            ]
        else:
            text = Text(
                f"Done: {len(result.plan.rows)} partition(s) read back as planned.", style="bold"
            )
            rows = [(f"{r.topic}:{r.partition}", preview_cells(r)) for r in result.plan.rows]
        self.query_one("#result-text", Static).update(text)
        self.query_one("#result", KeyedTable).sync(rows)
        self._show("step-result")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # a refused or failed execute leaves the wizard usable: the user may retry
        if event.state is WorkerState.ERROR and event.worker.group == "reset-execute":
            self._error(str(event.worker.error))
            button = self.query_one("#next", Button)
            button.disabled = False
            button.focus()
