"""Small text helpers shared by the results sections (report.py, report_p1.py)."""

from __future__ import annotations

import math
from typing import Any


def seconds(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def rate(value: float) -> str:
    return f"{value:,.0f}"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def runs(stats: dict[str, Any]) -> str:
    return f"{stats['runs']} runs, {seconds(stats['min'])}-{seconds(stats['max'])}"
