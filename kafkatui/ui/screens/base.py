"""What every view shares: the frame, the error path, self-rescheduling polls, filtering.

`View` is a Screen with a status bar on top and the footer at the bottom. Its workers'
state changes go to the app's one error handler. A view whose load is one call names it
in `LOADING` and implements `fetch` (worker thread) and `paint` (event loop). A poll's
result (or failure) calls `poll_done()`; the next poll is scheduled from there, so polls
never overlap, pause while the view is hidden or covered by a modal, and back off after
errors.

Until its poll worker first succeeds, a view says that it is loading (and how far along,
where the view reports progress); after a failed poll it says its data is stale and how
old it is. Both come from the poll workers' state changes, so every view gets them.

`TableView` (table_view.py) adds a keyed table with filter-as-you-type and sort by any
column.
`DetailView` is one item's page: a summary line above its tables, escape goes back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from kafkatui.cluster.api import KafkaTuiClient
from kafkatui.ui.gc_policy import freeze_what_lives
from kafkatui.ui.widgets.inputs import KInput
from kafkatui.ui.widgets.load_state import LoadLine
from kafkatui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from kafkatui.ui.app import KafkaTuiApp
    from kafkatui.ui.screens.table_view import TableView  # noqa: F401  (see __getattr__)

T = TypeVar("T")
MAX_BACKOFF = 8  # polls slow down to at most 8x their interval after repeated errors


class ChangeDone(Message):
    """A changing call finished: tell the user and reload the view."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ForwardsWorkerErrors:
    """Worker state messages do not bubble: hand them to the app's single handler."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.worker_state_changed(event)  # type: ignore[attr-defined]


class KModal(ForwardsWorkerErrors, ModalScreen[T], Generic[T]):
    """Base of every dialog: escape closes it."""

    BINDINGS = [Binding("escape", "dismiss_none", "Close", id="modal.close")]

    @property
    def kapp(self) -> KafkaTuiApp:
        return self.app  # type: ignore[return-value]

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class View(ForwardsWorkerErrors, Screen[None]):
    TITLE_TEXT: str = ""  # instances of detail views set their own
    POLL_S: ClassVar[float | None] = None  # seconds between polls; None: load on demand only
    POLL_GROUP: ClassVar[str] = "poll"
    LOADING: ClassVar[str] = ""  # what the one-call load does ("listing ACLs"); "": no fetch
    SHOWS_LOAD_STATE: ClassVar[bool] = False  # lists and detail pages: a line says "loading"
    HELP: ClassVar[str] = ""

    class Fetched(Message):
        """The result of `fetch`, on its way from the worker thread to `paint`."""

        def __init__(self, result: Any) -> None:
            super().__init__()
            self.result = result

    def __init__(self) -> None:
        super().__init__()
        self._poll_timer: Timer | None = None
        self._failures = 0
        self._loaded_once = False
        self._stale = False
        self.load_line = LoadLine()
        self.load_line.state.retries = self.POLL_S is not None

    @property
    def kapp(self) -> KafkaTuiApp:
        return self.app  # type: ignore[return-value]

    @property
    def client(self) -> KafkaTuiClient:
        return self.kapp.client

    def compose(self) -> ComposeResult:
        yield StatusBar(self.TITLE_TEXT)
        if self.SHOWS_LOAD_STATE:
            yield self.load_line
        with Vertical(id="body"):
            yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.reload()

    # ---- loading and polling ----------------------------------------------------------
    def reload(self) -> None:
        """Start (or restart) this view's load; views with more than one call override it."""
        if self.LOADING:
            self.run_worker(
                self._fetch_and_post,
                thread=True,
                exclusive=True,
                exit_on_error=False,
                group=self.POLL_GROUP,
                description=self.LOADING,
            )

    def _fetch_and_post(self) -> None:
        self.post_message(self.Fetched(self.fetch()))

    def fetch(self) -> Any:
        """Worker thread: the one blocking call of this view's load."""
        raise NotImplementedError

    def on_view_fetched(self, message: Fetched) -> None:
        self.paint(message.result)

    def paint(self, result: Any) -> None:
        """Event loop: show what `fetch` returned."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != self.POLL_GROUP:
            return  # Textual also calls ForwardsWorkerErrors' handler (along the MRO)
        if self.SHOWS_LOAD_STATE:
            self._track_load(event)
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self.poll_done(ok=event.state is WorkerState.SUCCESS)

    def _track_load(self, event: Worker.StateChanged) -> None:
        worker, state = event.worker, self.load_line.state
        if event.state is WorkerState.RUNNING:
            state.started(worker.description or "loading")
        elif event.state is WorkerState.SUCCESS:
            state.succeeded(time.time())
        elif event.state is WorkerState.ERROR:
            from kafkatui.ui.app import error_text  # the app imports the views

            state.failed(error_text(worker.error))
        else:
            return
        self.load_line.show()

    def load_step(self, step: str) -> None:
        """Event loop: name what a load with several calls is doing now."""
        self.load_line.state.started(step)
        if self.SHOWS_LOAD_STATE:
            self.load_line.show()

    def load_progress(self, step: str, done: int, total: int, noun: str) -> None:
        """Event loop: how far a load is ("filling 3,200/10,000 topics")."""
        self.load_line.state.progress(step, done, total, noun)
        if self.SHOWS_LOAD_STATE:
            self.load_line.show()

    def poll_done(self, ok: bool) -> None:
        if ok and not self._loaded_once:
            self._loaded_once = True
            freeze_what_lives()  # its rows live as long as the view (see gc_policy)
        self._failures = 0 if ok else min(self._failures + 1, 3)
        if self.POLL_S is None:
            return
        if self._poll_timer is not None:
            self._poll_timer.stop()
        delay = self.POLL_S * min(MAX_BACKOFF, 2**self._failures)
        self._poll_timer = self.set_timer(delay, self._poll_tick)

    def _poll_tick(self) -> None:
        if not self.is_current:
            self._stale = True  # reload once the view is shown again
            return
        self.reload()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.reload()

    def refresh_data(self) -> None:
        """ctrl+r"""
        self.reload()

    # ---- changes ----------------------------------------------------------------------
    def allowed(self, action: str) -> bool:
        """False (and a notification) when a changing action is pressed in read-only mode."""
        return self.kapp.allow_change(action)

    def run_change(self, description: str, call: Callable[[], Any], done: str) -> None:
        """Run one changing call in a thread; on success notify `done` and reload.

        Failures (including the client's own read-only refusal) take the app's error path.
        """

        def body() -> None:
            call()
            self.post_message(ChangeDone(done))

        self.run_worker(
            body, thread=True, exit_on_error=False, group="change", description=description
        )

    def on_change_done(self, message: ChangeDone) -> None:
        self.notify(message.text)
        self.reload()

    def confirm(self, dialog: ModalScreen[bool], then: Callable[[], Any]) -> None:
        """Show a confirmation dialog; run `then` only when the user confirms."""
        self.app.push_screen(dialog, lambda ok: then() if ok else None)


def back_binding(area: str) -> Binding:
    """escape on a detail page, with an id per page so a keymap can rebind each."""
    return Binding("escape", "back", "Back", id=f"{area}.back")


class DetailView(View):
    """One item's page: a summary above its tables; escape goes back to the list."""

    SHOWS_LOAD_STATE = True

    def compose_summary(self, text: str = "loading...") -> ComposeResult:
        yield Static(text, id="summary", classes="summary")

    @property
    def summary(self) -> Static:
        return self.query_one("#summary", Static)

    def action_back(self) -> None:
        self.app.pop_screen()


class FilterBox(View):
    """A view with a `/` filter input, hidden until opened, under its list.

    The input is mounted with the view (hidden), so the keys typed right after `/` have
    a place to go (see ui.typeahead). Subclasses say what the list is (`focus_list`) and
    what a new filter text does (`filter_changed`)."""

    FILTER_PLACEHOLDER: ClassVar[str] = "filter (enter: back to list, esc: clear)"

    def __init__(self) -> None:
        super().__init__()
        self.filter_text = ""

    def compose_filter(self) -> ComposeResult:
        box = KInput(placeholder=self.FILTER_PLACEHOLDER, id="filter")
        box.display = False
        yield box

    @property
    def filter_box(self) -> Input:
        return self.query_one("#filter", Input)

    # ---- what subclasses say ----------------------------------------------------------
    def focus_list(self) -> None:
        raise NotImplementedError

    def filter_changed(self) -> None:
        """`filter_text` has changed: show what it selects."""
        raise NotImplementedError

    def filter_kept(self) -> None:
        """enter in the filter: focus is back on the list."""

    # ---- shared behaviour -------------------------------------------------------------
    def action_open_filter(self) -> None:
        self.kapp.hold_keys()  # what is typed next belongs to the filter
        box = self.filter_box
        box.display = True
        box.focus()

    def apply_filter(self, text: str) -> None:
        """Filter by `text`, shown in the input (also used by other views to jump here
        with a filter); an empty text hides the input and gives the list the focus."""
        self.filter_box.value = text  # its Changed event then finds the filter in place
        self._use_filter(text)

    def _use_filter(self, text: str) -> None:
        box = self.filter_box
        if text:
            box.display = True
        else:
            box.display = False
            self.focus_list()
        if text != self.filter_text:
            self.filter_text = text
            self.filter_changed()

    def escape_filter(self) -> bool:
        """esc: clear the filter; False when there was none to clear."""
        if self.filter_text or self.filter_box.display:
            self.apply_filter("")
            return True
        return False

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        # never written back to the input: the Changed events of fast typing arrive
        # after the input has moved on, and would set it back to older text
        self._use_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.filter_box.display = bool(self.filter_text)
        self.focus_list()
        self.filter_kept()

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.focused is self.filter_box:
            event.stop()
            self.apply_filter("")


def __getattr__(name: str) -> Any:
    """`TableView` lives in table_view.py (this module outgrew 500 lines); importing it
    from here still works, without an import cycle."""
    if name == "TableView":
        from kafkatui.ui.screens.table_view import TableView

        return TableView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
