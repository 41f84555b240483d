"""The shell: views, global keys, the command line, themes, and the one error path.

Views are Textual modes (each keeps its own screen stack, so `2` then `1` returns to
where you were). Everything that talks to the cluster lives in the views' workers;
this module only routes keys and reports worker failures.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from kafkatui.cluster.api import KafkaTuiClient
from kafkatui.cluster.errors import ConnectionFailed, KafkaTuiError, Refused
from kafkatui.config.paths import default_themes_dir
from kafkatui.ui.gc_policy import relax_full_collections
from kafkatui.ui.themes import DEFAULT_THEME, load_themes, shipped_theme_dirs
from kafkatui.ui.typeahead import TypeAhead
from kafkatui.ui.widgets.glyphs import ascii_borders_wanted, ascii_key, use_ascii_scrollbars
from kafkatui.ui.workers import io_work

if TYPE_CHECKING:
    from kafkatui.ui.modals.connection import ConnectionScreen

ERROR_LOG_SIZE = 200
CLUSTER_POLL_S = 5.0  # how often the status line re-checks that the cluster answers
CLUSTER_POLL_MAX_S = 30.0
CLUSTER_GROUP = "cluster"  # the worker group of the cluster probe, matched when it ends


@dataclass(frozen=True)
class ErrorEntry:
    at: float
    source: str
    message: str


def _view(module: str, name: str) -> Callable[[], Screen[Any]]:
    """Import a view on first use: start-up only pays for the first one."""

    def build() -> Screen[Any]:
        import importlib

        screen: Screen[Any] = getattr(
            importlib.import_module(f"kafkatui.ui.screens.{module}"), name
        )()
        return screen

    return build


class KafkaTuiApp(TypeAhead, App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "kafkatui"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "topics": _view("topics", "TopicsView"),
        "groups": _view("groups", "GroupsView"),
        "connectors": _view("connectors", "ConnectorsView"),
        "schemas": _view("schemas", "SchemasView"),
        "brokers": _view("brokers", "BrokersView"),
        "health": _view("health", "HealthView"),
        "acls": _view("acls", "AclsView"),
        "transactions": _view("transactions", "TransactionsView"),
        "log": _view("logs", "ErrorLogView"),
        "audit": _view("logs", "AuditView"),
    }
    DEFAULT_MODE = "topics"
    VIEW_KEYS: ClassVar[tuple[str, ...]] = (
        "topics",
        "groups",
        "connectors",
        "schemas",
        "brokers",
        "health",
    )
    BINDINGS = [
        *(
            Binding(str(n), f"view('{name}')", name.title(), show=False, id=f"app.{name}")
            for n, name in enumerate(VIEW_KEYS, start=1)
        ),
        Binding("colon", "command_line", "Command", id="app.command"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+r", "refresh", "Refresh", id="app.refresh"),
        Binding("q", "quit_or_back", "Quit", id="app.quit"),
    ]

    profile: reactive[str] = reactive("default")
    cluster_id: reactive[str | None] = reactive(None)
    connection_state: reactive[str] = reactive("connecting")
    read_only: reactive[bool] = reactive(False)

    def __init__(
        self,
        client: KafkaTuiClient,
        *,
        theme: str | None = None,
        keymap: Mapping[str, str] | None = None,
        read_only: bool | None = None,
        warnings: Iterable[str] = (),
        profiles: Iterable[str] = (),
        switch_profile: Callable[[str], KafkaTuiClient] | None = None,
        cursor_blink: bool = True,
        themes_dir: Path | None = None,
        ascii_borders: bool | None = None,
    ) -> None:
        super().__init__()
        use_ascii_scrollbars()
        if ascii_borders_wanted(ascii_borders):
            self.add_class("-ascii")  # app.tcss swaps box-drawing borders for +-|
        self.client = client
        self._cluster_poll_s = CLUSTER_POLL_S
        self._probe_timer: Timer | None = None
        self.next_probe_at: float | None = None  # monotonic time of the next probe
        self.probe_error: str | None = None  # why the last probe failed
        self.ever_connected = False  # on this client: until then a failure shows a screen
        self.connection_screen: ConnectionScreen | None = None
        self.errors: deque[ErrorEntry] = deque(maxlen=ERROR_LOG_SIZE)
        self.known_topics: list[str] = []
        self.profiles = list(profiles)
        self.cursor_blink_enabled = cursor_blink
        self._switch_profile = switch_profile
        self._startup_notes = list(warnings)
        self._keymap_spec = dict(keymap or {})
        loaded = load_themes([*shipped_theme_dirs(), themes_dir or default_themes_dir()])
        for item in loaded.themes.values():
            self.register_theme(item)
        self._startup_notes += loaded.problems
        self._requested_theme = theme or DEFAULT_THEME
        self.set_reactive(KafkaTuiApp.profile, str(getattr(client, "profile", "default")))
        ro = bool(getattr(client, "read_only", False)) if read_only is None else read_only
        self.set_reactive(KafkaTuiApp.read_only, ro)
        self.apply_theme(self._requested_theme, quiet=True)

    # ---- start-up ---------------------------------------------------------------------
    def on_mount(self) -> None:
        if self._keymap_spec:
            self.set_keymap(self._keymap_spec)
        for note in self._startup_notes:
            self.notify(note, severity="warning", timeout=8)
        if self.theme != self._requested_theme:
            self.notify(
                f"theme {self._requested_theme!r} not found; using {DEFAULT_THEME!r}",
                severity="warning",
            )
        self.probe_now()
        # What exists after the first paint (modules, classes, Textual's caches) lives as
        # long as the app: keeping it out of the collector's full passes shortens the
        # pauses they cause (a tail's flood of records triggers many).
        self.call_after_refresh(gc.freeze)
        relax_full_collections()

    @io_work(CLUSTER_GROUP, "reading cluster metadata")
    def load_cluster_id(self) -> None:
        """Also the connection probe: the status line's state comes from this poll."""
        info = self.client.brokers.cluster_info()
        self.call_from_thread(setattr, self, "cluster_id", info.cluster_id)

    def probe_now(self) -> None:
        """Probe the cluster at once; the pending scheduled probe is dropped."""
        if self._probe_timer is not None:
            self._probe_timer.stop()
            self._probe_timer = None
        self.next_probe_at = None
        self.load_cluster_id()

    def _after_cluster_poll(self, ok: bool, error: BaseException | None = None) -> None:
        """Reschedule the probe after its result (never overlapping), backing off while down.

        Until the cluster has answered once, a failure shows the connection screen; later
        outages only show in the status line.
        """
        if ok:
            self.connection_state = "connected"
            self.ever_connected = True
            self.probe_error = None
            self._cluster_poll_s = CLUSTER_POLL_S
        else:
            self._cluster_poll_s = min(self._cluster_poll_s * 2, CLUSTER_POLL_MAX_S)
            self.probe_error = error_text(error)
        if self._probe_timer is not None:
            self._probe_timer.stop()
        self.next_probe_at = time.monotonic() + self._cluster_poll_s
        self._probe_timer = self.set_timer(self._cluster_poll_s, self.probe_now)
        if ok:
            self._close_connection_screen()
        elif not self.ever_connected:
            self._show_connection_screen()

    def _show_connection_screen(self) -> None:
        from kafkatui.ui.modals.connection import ConnectionScreen

        if self.connection_screen is None:
            self.connection_screen = ConnectionScreen()
            self.push_screen(self.connection_screen)
        elif self.connection_screen.is_active:
            self.connection_screen.paint()

    def _close_connection_screen(self) -> None:
        """Dismiss it now if showing; if covered, it dismisses itself when uncovered."""
        screen, self.connection_screen = self.connection_screen, None
        if screen is not None and screen.is_active:
            screen.dismiss(None)

    # ---- themes -----------------------------------------------------------------------
    def apply_theme(self, name: str, quiet: bool = False) -> bool:
        if name in self.available_themes:
            self.theme = name
            return True
        if self.theme != DEFAULT_THEME and DEFAULT_THEME in self.available_themes:
            self.theme = DEFAULT_THEME
        if not quiet:
            self.notify(f"unknown theme {name!r}", severity="warning")
        return False

    def get_key_display(self, binding: Binding) -> str:
        """Footer and help show keys in ASCII ("enter", not a return-arrow symbol)."""
        return ascii_key(super().get_key_display(binding))

    # ---- the one error path -----------------------------------------------------------
    def worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        finished = event.state in (WorkerState.SUCCESS, WorkerState.ERROR)
        if finished and worker.group == CLUSTER_GROUP:
            self._after_cluster_poll(event.state is WorkerState.SUCCESS, worker.error)
        if event.state is WorkerState.ERROR:
            self.report_error(worker.description or worker.name, worker.error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.worker_state_changed(event)

    def report_error(self, source: str, error: BaseException | None) -> None:
        """Notify, keep for `:log`, and never let a traceback reach the screen."""
        message = error_text(error)
        self.errors.append(ErrorEntry(time.time(), source, message))
        if isinstance(error, ConnectionFailed) and error.service == "kafka":
            self.connection_state = "disconnected"  # Connect or registry down: not the cluster
            from kafkatui.ui.modals.connection import ConnectionScreen

            if isinstance(self.screen, ConnectionScreen):
                return  # that screen says why already; on a small terminal a toast covers it
        severity: SeverityLevel = "warning" if isinstance(error, Refused) else "error"
        self.notify(message, title=source, severity=severity, timeout=6)

    def allow_change(self, action: str) -> bool:
        if self.read_only:
            self.notify(f"read-only: {action} is disabled", severity="warning")
            return False
        return True

    # ---- navigation -------------------------------------------------------------------
    def action_view(self, name: str) -> None:
        if name in self.MODES:
            self.switch_mode(name)

    def action_quit_or_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()
        else:
            self.exit(0)

    def action_refresh(self) -> None:
        refresh = getattr(self.screen, "refresh_data", None)
        if refresh is not None:
            refresh()

    def action_help(self) -> None:
        from kafkatui.ui.modals.help import HelpModal

        screen = self.screen
        shown = [
            active
            for active in screen.active_bindings.values()
            if active.enabled and active.binding.id and active.binding.description
        ]
        shown.sort(
            key=lambda active: 0 if active.node is screen else 1 if active.node is self else 2
        )
        bindings = [(self.get_key_display(a.binding), a.binding.description) for a in shown]
        self.push_screen(
            HelpModal(getattr(screen, "TITLE_TEXT", ""), bindings, getattr(screen, "HELP", ""))
        )

    def action_command_line(self) -> None:
        from kafkatui.ui.modals.command_line import CommandLine

        self.hold_keys()  # what is typed next belongs to the command line

        self.push_screen(CommandLine(self.command_words()), self.run_command)

    def open_tail(self, topic: str) -> None:
        from kafkatui.ui.screens.tail import TailView

        self.push_screen(TailView(topic))

    # ---- the command line -------------------------------------------------------------
    def command_words(self) -> list[str]:
        words = [*self.VIEW_KEYS, "acls", "transactions", "log", "audit", "quit", "help"]
        words += [f"{verb} {t}" for verb in ("tail", "find", "dlq") for t in self.known_topics]
        words += [f"theme {t}" for t in sorted(self.available_themes)]
        words += [f"profile {p}" for p in self.profiles]
        return words

    def run_command(self, line: str | None) -> None:
        if not line:
            return
        verb, _, arg = line.strip().partition(" ")
        arg = arg.strip()
        if verb in self.MODES:
            self.switch_mode(verb)
        elif verb in ("q", "quit"):
            self.exit(0)
        elif verb == "help":
            self.action_help()
        elif verb == "tail" and arg:
            self.open_tail(arg)
        elif verb in ("find", "dlq") and arg:
            from kafkatui.ui.screens.find_commands import run_find_or_dlq

            run_find_or_dlq(self, verb, arg)
        elif verb == "theme" and arg:
            if self.apply_theme(arg):
                self.notify(f"theme {arg}")
        elif verb == "profile" and arg:
            self.change_profile(arg)
        else:
            self.notify(f"unknown command {line!r}", severity="warning")

    def change_profile(self, name: str) -> None:
        if self._switch_profile is None:
            self.notify(f"restart with --profile {name} to switch", severity="warning")
            return
        self.connect_profile(name)

    @io_work("profile", "switching profile")
    def connect_profile(self, name: str) -> None:
        assert self._switch_profile is not None
        client = self._switch_profile(name)
        self.call_from_thread(self._use_client, client)

    def _use_client(self, client: KafkaTuiClient) -> None:
        old, self.client = self.client, client
        self.run_worker(old.close, thread=True, exit_on_error=False, description="closing")
        self.profile = str(getattr(client, "profile", "default"))
        self.read_only = bool(getattr(client, "read_only", False))
        self.cluster_id = None
        self.connection_state = "connecting"
        self.ever_connected = False  # a new cluster: unreachable again means the screen again
        for mode, factory in self.MODES.items():
            if mode != self.current_mode:  # rebuilt on the new client when next visited
                self.remove_mode(mode)
                self.add_mode(mode, factory)
        self.probe_now()
        refresh = getattr(self.screen, "refresh_data", None)
        if refresh is not None:
            refresh()
        self.notify(f"profile {self.profile}")

    # ---- palette ----------------------------------------------------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for name in (*self.VIEW_KEYS, "acls", "transactions", "log", "audit"):
            yield SystemCommand(
                f"View: {name}", f"Switch to the {name} view", lambda n=name: self.switch_mode(n)
            )
        for topic in self.known_topics:
            yield SystemCommand(
                f"Tail: {topic}",
                f"Live tail of {topic}",
                lambda t=topic: self.open_tail(t),
                discover=False,
            )
        for theme in sorted(self.available_themes):
            yield SystemCommand(
                f"Theme: {theme}",
                "Switch the colour theme",
                lambda t=theme: self.apply_theme(t),
                discover=False,
            )


def error_text(error: BaseException | None) -> str:
    """The one line a person sees for `error` (a bug keeps its type to report it by)."""
    if isinstance(error, KafkaTuiError):
        return str(error)
    return f"unexpected {type(error).__name__}: {error}"
