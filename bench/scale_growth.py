"""How the scale figures grow with the cluster: one markdown table from the saved results.

  python bench/scale_growth.py [--sizes 1000,2000,5000,10000]
  python bench/scale_growth.py --sizes 5000,10000 --ui-suffix _keys200 --match keys,load

Reads, per size N (workload topics), bench/results/scale_side_by_side_N.json and
bench/results/scale_ui_work_N.json (written by those scripts) and prints one row per
figure, one column per size; a size or figure not measured shows "-".
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from common import load_result

Figure = Callable[[dict[str, Any], dict[str, Any]], str]  # (side by side, ui work) -> cell


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def seconds(*path: str) -> Figure:
    """A median from the side-by-side run (with its min-max when runs differ)."""

    def cell(side: dict[str, Any], _ui: dict[str, Any]) -> str:
        stats = _get(side, *path)
        if not stats or stats.get("median") is None:
            return "-"
        text = f"{stats['median']:.2f} s"
        if stats["runs"] > 1:
            text += f" ({stats['min']:.2f}-{stats['max']:.2f})"
        return text

    return cell


def megabytes(*path: str) -> Figure:
    def cell(side: dict[str, Any], _ui: dict[str, Any]) -> str:
        stats = _get(side, *path)
        return "-" if not stats else f"{stats['median']:.0f} MB"

    return cell


def ui_seconds(view: str, key: str) -> Figure:
    def cell(_side: dict[str, Any], ui: dict[str, Any]) -> str:
        value = _get(ui, view, key)
        return "-" if value is None else f"{value:.2f} s"

    return cell


def keys(view: str, phase: str) -> Figure:
    """p50 / p99 ms (keys timed; for keys at rest, the view's own polls that ended)."""

    def cell(_side: dict[str, Any], ui: dict[str, Any]) -> str:
        got = _get(ui, view, phase)
        if not got or not got["n"]:
            return "-" if not got else "no key before it filled"
        text = f"{got['p50_ms']:.0f} / {got['p99_ms']:.0f} ms (n {got['n']}"
        if "polls_ended" in got:
            text += f", {got['polls_ended']} poll{'s' if got['polls_ended'] != 1 else ''}"
        return text + ")"

    return cell


def poll_work(view: str, poll: str) -> Figure:
    """Rows built / cells written by a poll (the first unchanged one, or the changed one)."""

    def cell(_side: dict[str, Any], ui: dict[str, Any]) -> str:
        got = _get(ui, view, poll)
        if isinstance(got, list):
            got = got[0] if got else None
        if not got:
            return "-"
        text = f"{got['rows_built']:,} / {got['cells_written']:,}"
        if "items_changed" in got:
            text += f" ({got['items_changed']:,} changed)"
        return text

    return cell


def rss(_side: dict[str, Any], ui: dict[str, Any]) -> str:
    value = ui.get("rss_mb")
    return "-" if value is None else f"{value:.0f} MB"


def load(side: dict[str, Any], ui: dict[str, Any]) -> str:
    parts = []
    for name, data in (("side", side), ("ui", ui)):
        if data.get("load_start"):
            parts.append(f"{name} {data['load_start'][0]:.1f}->{data['load_end'][0]:.1f}")
    return ", ".join(parts) or "-"


KEYS_GOAL = "p99 < 50 ms"


def view_rows(view: str, changed: str) -> list[tuple[str, Figure, str]]:
    """The keys and the work per poll of one view (topics or groups)."""
    return [
        (f"... keys while the {view} load", keys(view, "keys_while_loading"), KEYS_GOAL),
        (f"... keys at rest while the {view} view polls", keys(view, "keys_at_rest"), KEYS_GOAL),
        (
            "... unchanged poll: rows built / cells written",
            poll_work(view, "polls_unchanged"),
            "~0",
        ),
        (f"... poll after {changed}", poll_work(view, "poll_after_changing"), "~changed"),
    ]


FIGURES: list[tuple[str, Figure, str]] = [  # (figure, cell, goal)
    (
        "first rows, real terminal (tmux), from spawn",
        seconds("kafkatui_tmux", "first_rows"),
        "<= 1 s",
    ),
    ("... kaskade", seconds("kaskade", "first_rows"), ""),
    ("first rows, the app (Pilot), from spawn", seconds("kafkatui_app", "first_rows"), "<= 1 s"),
    ("every column filled, from spawn", seconds("kafkatui_app", "all_filled"), "<= 10 s"),
    ("... kaskade (its first full refresh)", seconds("kaskade", "all_filled"), ""),
    (
        "lag of all groups (groups view, from spawn)",
        seconds("kafkatui_app", "groups_lag"),
        "<= 3 s",
    ),
    ("`groups --json`", seconds("groups_json", "seconds"), ""),
    ("... max RSS", megabytes("groups_json", "rss_mb"), ""),
    ("`check --json --lag-window 0`", seconds("check_json", "seconds"), "<= 5 s"),
    ("... max RSS", megabytes("check_json", "rss_mb"), ""),
    ("topics view in process: first rows", ui_seconds("topics", "first_rows_s"), ""),
    ("... every topic has its details", ui_seconds("topics", "all_filled_s"), ""),
    *view_rows("topics", "50 topics got a record"),
    ("groups view (key 2): every group has its lag", ui_seconds("groups", "all_filled_s"), ""),
    *view_rows("groups", "the topics of 50 groups got a record"),
    ("RSS of the app after both views", rss, "<= 300 MB"),
    ("load average (1 min) at start -> end", load, ""),
]


def table(sizes: list[int], ui_suffix: str = "", match: str = "") -> str:
    """`ui_suffix`: read scale_ui_work_N<suffix> (a run saved with --save); `match`: only
    the figures whose label holds one of its comma-separated words. Keys: p50 / p99."""
    runs = {
        n: (
            load_result(f"scale_side_by_side_{n}") or {},
            load_result(f"scale_ui_work_{n}{ui_suffix}") or {},
        )
        for n in sizes
    }
    head = "| figure | " + " | ".join(f"{n:,} topics" for n in sizes) + " | goal |"
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for label, figure, goal in FIGURES:
        if match and not any(word in label for word in match.split(",")):
            continue
        cells = " | ".join(figure(*runs[n]) for n in sizes)
        lines.append(f"| {label} | {cells} | {goal} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,2000,5000,10000")
    parser.add_argument("--ui-suffix", default="", help="e.g. _keys200: scale_ui_work_N_keys200")
    parser.add_argument(
        "--match",
        default="",
        help="only the figures whose label holds one of these (comma-separated)",
    )
    args = parser.parse_args()
    print(table([int(n) for n in args.sizes.split(",")], args.ui_suffix, args.match))


if __name__ == "__main__":
    main()
