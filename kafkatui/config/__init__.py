"""Configuration: TOML profiles, ${env:}/${file:} references, CLI overrides.

The entry point is `load_settings(config_path, profile, overrides)`; see `loader`.
"""

from kafkatui.config.errors import ConfigError
from kafkatui.config.loader import LoadedConfig, load_settings
from kafkatui.config.overrides import Overrides
from kafkatui.config.paths import default_config_path, default_themes_dir

__all__ = [
    "ConfigError",
    "LoadedConfig",
    "Overrides",
    "default_config_path",
    "default_themes_dir",
    "load_settings",
]
