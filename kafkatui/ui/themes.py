"""Themes are TOML data files turned into Textual `Theme` objects.

Shipped themes live in the `themes/` directory (packaged as `kafkatui/themes` when
installed); users add their own as `<config dir>/themes/*.toml`. A file that cannot be
read or lacks a required colour is reported, never fatal: the caller falls back to the
default theme and tells the user why.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.theme import Theme

from kafkatui.config.paths import default_themes_dir

DEFAULT_THEME = "dark"

#: Semantic variables every theme provides; the app's TCSS and cell styling use them.
SEMANTIC_DEFAULTS: dict[str, str] = {
    "lag-ok": "#7fd962",
    "lag-warn": "#e6b450",
    "lag-critical": "#f07178",
    "health-ok": "#7fd962",
    "health-warn": "#e6b450",
    "health-critical": "#f07178",
    "health-paused": "#59c2ff",
    "health-unknown": "#8a9199",
    "format-avro": "#d2a6ff",
    "format-protobuf": "#95e6cb",
    "format-json": "#59c2ff",
    "format-text": "#d9d9d9",
    "format-hex": "#e6b450",
    "format-error": "#f07178",
    "badge-read-only": "#f07178",
}

_COLOUR_FIELDS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)


@dataclass
class ThemeLoad:
    themes: dict[str, Theme] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # one line per file that failed


def shipped_theme_dirs() -> list[Path]:
    """The packaged theme directory, and the source tree's `themes/` for checkouts."""
    package = Path(__file__).resolve().parent.parent
    found: list[Path] = []
    for candidate in (package / "themes", package.parent / "themes"):
        if candidate.is_dir() and candidate.resolve() not in found:
            found.append(candidate.resolve())
    return found


def theme_from_data(data: dict[str, Any], fallback_name: str) -> Theme:
    """Build a Theme; raises ValueError with a readable reason on bad data."""
    if "primary" not in data:
        raise ValueError("missing required colour 'primary'")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ValueError("[variables] must be a table")
    kwargs: dict[str, Any] = {k: str(data[k]) for k in _COLOUR_FIELDS if k in data}
    for number in ("luminosity_spread", "text_alpha"):
        if number in data:
            kwargs[number] = float(data[number])
    theme = Theme(
        name=str(data.get("name", fallback_name)),
        dark=bool(data.get("dark", True)),
        variables={**SEMANTIC_DEFAULTS, **{str(k): str(v) for k, v in variables.items()}},
        **kwargs,
    )
    _validate_colours(theme)
    return theme


def _validate_colours(theme: Theme) -> None:
    from textual.color import Color, ColorParseError

    values = [getattr(theme, k) for k in _COLOUR_FIELDS] + list(theme.variables.values())
    for value in values:
        if value is None:
            continue
        try:
            Color.parse(value)
        except ColorParseError as exc:
            raise ValueError(f"bad colour {value!r}") from exc


def load_themes(dirs: list[Path] | None = None) -> ThemeLoad:
    """Every `*.toml` theme in the shipped and user directories (user files win)."""
    result = ThemeLoad()
    search = dirs if dirs is not None else [*shipped_theme_dirs(), default_themes_dir()]
    for directory in search:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
                theme = theme_from_data(data, path.stem)
            except (OSError, tomllib.TOMLDecodeError, ValueError, TypeError) as exc:
                result.problems.append(f"theme {path.name}: {exc}")
                continue
            result.themes[theme.name] = theme
    return result
