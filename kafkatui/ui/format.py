"""Formatting of numbers, sizes, times and semantic colours for table cells.

Colours come from the active theme's semantic variables (see `themes.py`), so cells
follow `:theme` changes on their next refresh.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from rich.text import Text

#: ASCII ramp for sparklines: no block glyphs, readable with TERM=xterm.
SPARK_RAMP = " _.-=+*#"


def count(n: int | None) -> str:
    return "-" if n is None else f"{n:,}"


def shorten(text: str, width: int | None) -> str:
    """Cut the middle out of a long name: its end (.dlq, -value, -changelog) matters too."""
    if width is None or len(text) <= width:
        return text
    keep = max(width - 2, 2)
    return text[: (keep + 1) // 2] + ".." + text[len(text) - keep // 2 :]


def size(n: int | None) -> str:
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def duration_ms(ms: int | None) -> str:
    if ms is None:
        return "-"
    if ms < 0:
        return "forever"
    return duration_s(ms / 1000)


def duration_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = abs(seconds)
    for unit, span in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= span:
            return f"{seconds / span:.1f}{unit}"
    return f"{seconds:.0f}s"


def timestamp_ms(ms: int) -> str:
    """UTC, second precision plus milliseconds: stable in tests on any machine."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ms / 1000)) + f".{ms % 1000:03d}"


def sparkline(values: Sequence[int | float], width: int = 16) -> str:
    """The last `width` values scaled onto an ASCII ramp."""
    tail = list(values)[-width:]
    if not tail:
        return ""
    low, high = min(tail), max(tail)
    span = (high - low) or 1
    top = len(SPARK_RAMP) - 1
    return "".join(SPARK_RAMP[max(1, round((v - low) / span * top))] for v in tail)


def styled(text: str, colours: Mapping[str, str], variable: str, bold: bool = False) -> Text:
    colour = colours.get(variable)
    style = f"{'bold ' if bold else ''}{colour}" if colour else ("bold" if bold else "")
    return Text(text, style=style)


def lag_level(lag: int | None, growing: bool = False) -> str:
    if lag is None or lag == 0:
        return "lag-ok"
    if growing or lag >= 10_000:
        return "lag-critical"
    return "lag-warn"


HEALTH_LEVELS: dict[str, str] = {
    "HEALTHY": "health-ok",
    "RUNNING": "health-ok",
    "STABLE": "health-ok",
    "DEGRADED": "health-warn",
    "RESTARTING": "health-warn",
    "UNASSIGNED": "health-warn",
    "PREPARING_REBALANCE": "health-warn",
    "COMPLETING_REBALANCE": "health-warn",
    "RECONCILING": "health-warn",  # a KIP-848 group handing partitions over
    "FAILED": "health-critical",
    "DEAD": "health-critical",
    "PAUSED": "health-paused",
    "STOPPED": "health-paused",
    "EMPTY": "health-unknown",
    "critical": "health-critical",
    "warning": "health-warn",
    "info": "health-unknown",
}


def health_level(state: str) -> str:
    return HEALTH_LEVELS.get(state, "health-unknown")


def format_level(fmt: str, error: bool = False) -> str:
    if error:
        return "format-error"
    return {
        "avro": "format-avro",
        "protobuf": "format-protobuf",
        "json-schema": "format-json",
        "json": "format-json",
        "text": "format-text",
    }.get(fmt, "format-hex")
