"""The Textual app. `make_app` is the one way to build it (the CLI through `run`, and the
tests with a fake client); Textual is imported only when it is called, so the headless
commands start without it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kafkatui.cluster.api import KafkaTuiClient
    from kafkatui.ui.app import KafkaTuiApp


def make_app(client: KafkaTuiClient, config: Any = None, **options: Any) -> KafkaTuiApp:
    """The app for `client`, set up from the loaded configuration (every part optional);
    `options` (KafkaTuiApp's keyword arguments) win over what the configuration says."""
    from kafkatui.ui.app import KafkaTuiApp

    settings = getattr(config, "settings", None)
    keymap = getattr(config, "keymap", None)
    source = getattr(config, "source_path", None)

    def switch_profile(name: str) -> KafkaTuiClient:
        from kafkatui.cluster.client import ClusterClient
        from kafkatui.config.loader import load_settings
        from kafkatui.config.overrides import Overrides

        keep_read_only = True if getattr(settings, "read_only", False) else None
        loaded = load_settings(
            str(source) if source else None, name, Overrides(read_only=keep_read_only)
        )
        return ClusterClient(loaded.settings)

    from_config: dict[str, Any] = {
        "theme": getattr(settings, "theme", None),
        "keymap": keymap if isinstance(keymap, Mapping) else None,
        "warnings": [str(w) for w in getattr(config, "warnings", None) or ()],
        "profiles": tuple(getattr(config, "profiles", None) or ()),
        "switch_profile": switch_profile if config is not None else None,
        "themes_dir": getattr(config, "themes_dir", None),
        "ascii_borders": getattr(settings, "ascii_borders", None),
    }
    return KafkaTuiApp(client, **{**from_config, **options})


def run(client: KafkaTuiClient, config: Any = None) -> int:
    """Open the TUI on `client` until the user quits; returns the exit code."""
    result = make_app(client, config).run()
    return result if isinstance(result, int) else 0
