"""Where the config file and the user's themes live (XDG base directories)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def config_home(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "kafkatui"


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """`$XDG_CONFIG_HOME/kafkatui/config.toml`, falling back to `~/.config`."""
    return config_home(os.environ if env is None else env) / "config.toml"


def default_themes_dir(env: Mapping[str, str] | None = None) -> Path:
    return config_home(os.environ if env is None else env) / "themes"
