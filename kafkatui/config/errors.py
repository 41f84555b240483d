"""The one error the config layer raises."""

from __future__ import annotations

from kafkatui.cluster.errors import UsageError


class ConfigError(UsageError):
    """The config file, a profile, a reference or a CLI override cannot be used (exit 2).

    Messages name the file and, where it can be found, the line. They never contain a
    resolved value: only key names, reference names and paths.
    """
