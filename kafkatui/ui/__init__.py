"""The Textual app. `make_app` serves both the CLI and the tests (with a fake client)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kafkatui.cluster.api import KafkaTuiClient
    from kafkatui.ui.app import KafkaTuiApp


def make_app(
    client: KafkaTuiClient,
    *,
    theme: str | None = None,
    keymap: Mapping[str, str] | None = None,
    read_only: bool | None = None,
    warnings: tuple[str, ...] = (),
    profiles: tuple[str, ...] = (),
    switch_profile: Callable[[str], Any] | None = None,
    cursor_blink: bool = True,
    themes_dir: Path | None = None,
    ascii_borders: bool | None = None,
) -> KafkaTuiApp:
    from kafkatui.ui.app import KafkaTuiApp

    return KafkaTuiApp(
        client,
        theme=theme,
        keymap=keymap,
        read_only=read_only,
        warnings=warnings,
        profiles=profiles,
        switch_profile=switch_profile,
        cursor_blink=cursor_blink,
        themes_dir=themes_dir,
        ascii_borders=ascii_borders,
    )


def run(client: KafkaTuiClient, config: Any = None) -> int:
    from kafkatui.ui.app import run as run_app

    return run_app(client, config)
