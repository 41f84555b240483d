"""Redrive and copy in the TUI: the plan first, then a confirmation, then the writes.

One dialog does all three steps. It plans in a worker (a dry run: reads only), shows the
records per target partition and what is skipped, and writes only after `enter` on
"Write". Writing shows progress; `esc` stops a plan or a write after the record in hand
(what was written stays written, and a rerun skips it: docs/copy.md).
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, ProgressBar, Static
from textual.worker import Worker, WorkerState

from kafkatui.cluster.transfer import TransferProgress, TransferReport
from kafkatui.cluster.transfers import CopyRequest, RedriveRequest
from kafkatui.ui.app import error_text
from kafkatui.ui.format import count
from kafkatui.ui.screens.base import KModal
from kafkatui.ui.widgets.inputs import KButton
from kafkatui.ui.workers import io_work

PLAN_ROWS = 12  # target partitions listed before "... and N more"


def plan_text(report: TransferReport) -> Text:
    """What the plan says, in words and one line per target partition."""
    text = Text()
    text.append(f"{count(report.scanned)} read from {report.source}, ")
    text.append(f"{count(report.selected)} chosen, ")
    text.append(f"{count(report.already_there)} already in the target (skipped)")
    if report.unroutable:
        text.append(f", {count(report.unroutable)} name no original topic (skipped)")
    text.append("\n")
    verb = "Written" if report.execute else "To write"
    text.append(f"{verb}: {count(report.written if report.execute else report.to_write)}\n",
                style="bold")  # fmt: skip
    rows = sorted(report.plan.items())
    for (topic, partition), records in rows[:PLAN_ROWS]:
        text.append(f"  {topic} [{partition}]  {count(records)}\n")
    if len(rows) > PLAN_ROWS:
        text.append(f"  ... and {len(rows) - PLAN_ROWS} more partitions\n")
    return text


class TransferModal(KModal[TransferReport | None]):
    """Plan, confirm and run one redrive or copy (the request says which)."""

    BINDINGS = [Binding("escape", "stop", "Stop/close", id="transfer.stop")]

    class Planned(Message):
        def __init__(self, report: TransferReport) -> None:
            super().__init__()
            self.report = report

    class Moved(Message):
        def __init__(self, progress: TransferProgress) -> None:
            super().__init__()
            self.progress = progress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TransferModal.Moved)

    class Finished(Message):
        def __init__(self, report: TransferReport) -> None:
            super().__init__()
            self.report = report

    def __init__(self, request: CopyRequest | RedriveRequest, title: str) -> None:
        super().__init__()
        self.request = request
        self._title = title
        self.state = "planning"  # planning -> planned -> writing -> done
        self.plan: TransferReport | None = None
        self.result: TransferReport | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="title")
            yield Static("planning: reading the source and the targets...", id="transfer-text")
            yield ProgressBar(total=None, show_eta=True, id="transfer-progress")
            with Horizontal(classes="buttons"):
                yield KButton("Cancel", id="cancel")
                yield KButton("Write", id="ok", variant="error", disabled=True)

    def on_mount(self) -> None:
        self.run_plan()

    # ---- workers --------------------------------------------------------------------
    @io_work("transfer", "planning")
    def run_plan(self) -> None:
        transfers, request = self.kapp.client.transfers, self._told()
        if isinstance(request, RedriveRequest):
            report = transfers.plan_redrive(request)
        else:
            report = transfers.plan_copy(request)
        self.post_message(self.Planned(report))

    @io_work("transfer", "writing")
    def run_write(self) -> None:
        transfers, request = self.kapp.client.transfers, self._told()
        if isinstance(request, RedriveRequest):
            report = transfers.redrive(request)
        else:
            report = transfers.copy(request)
        self.post_message(self.Finished(report))

    def _told(self) -> CopyRequest | RedriveRequest:
        """The request, telling this dialog how far it got (by message: thread-safe)."""

        def tell(progress: TransferProgress) -> None:
            self.post_message(self.Moved(progress))

        return replace(self.request, progress=tell)

    # ---- messages -------------------------------------------------------------------
    def on_transfer_modal_moved(self, message: Moved) -> None:
        p = message.progress
        bar = self.query_one("#transfer-progress", ProgressBar)
        bar.update(total=max(p.total, 1), progress=p.scanned)
        if self.state == "writing":
            line = f"{p.phase}: written {count(p.written)}, skipped {count(p.skipped)}"
        else:
            line = f"planning: {p.phase}"
        self.query_one("#transfer-text", Static).update(line)

    def on_transfer_modal_planned(self, message: Planned) -> None:
        self.plan = message.report
        self.state = "planned"
        self.query_one("#transfer-progress", ProgressBar).display = False  # until writing
        text = plan_text(message.report)
        ok = self.query_one("#ok", Button)
        if message.report.to_write == 0:
            text.append("\nNothing to write.", style="bold")
            ok.display = False
            self.query_one("#cancel", Button).label = "Close"
        else:
            text.append(f"\nWrite {count(message.report.to_write)} records? (a new delivery "
                        "with acks=all; a rerun skips what is written)")  # fmt: skip
            ok.disabled = False
            ok.focus()
        self.query_one("#transfer-text", Static).update(text)

    def on_transfer_modal_finished(self, message: Finished) -> None:
        self.result = message.report
        self.state = "done"
        self.query_one("#transfer-progress", ProgressBar).display = False
        text = plan_text(message.report)
        self.query_one("#transfer-text", Static).update(text)
        self.query_one("#cancel", Button).label = "Close"
        self.query_one("#cancel", Button).focus()
        self.notify(f"{message.report.kind}: wrote {count(message.report.written)} records")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed plan or write: say so here too (the app's error path notifies)."""
        if event.worker.group != "transfer" or event.state is not WorkerState.ERROR:
            return
        failed = self.state
        self.state = "done"
        self.query_one("#ok", Button).display = False
        self.query_one("#cancel", Button).label = "Close"
        self.query_one("#transfer-text", Static).update(
            Text.assemble((f"{failed} failed: ", "bold"), error_text(event.worker.error))
        )

    # ---- keys -----------------------------------------------------------------------
    @on(Button.Pressed, "#ok")
    def _write(self) -> None:
        redrive = isinstance(self.request, RedriveRequest)
        if self.state != "planned" or not self.kapp.allow_change(
            "dlq.redrive" if redrive else "topic.copy"
        ):
            return
        self.state = "writing"
        bar = self.query_one("#transfer-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one("#ok", Button).disabled = True
        self.query_one("#cancel", Button).label = "Stop"
        self.run_write()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_stop()

    def action_stop(self) -> None:
        if self.state in ("planning", "writing"):
            self.kapp.client.transfers.cancel()
        self.dismiss(self.result)
