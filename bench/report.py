"""Machine and version facts, and the results section of docs/benchmarks.md.

Only the text between the two markers is rewritten; everything outside them (the
method notes and "where the time goes") is kept as written by hand.
"""

from __future__ import annotations

import os
import platform
import subprocess
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from common import DOC, VENVS_DIR, kafkatui_command
from report_format import runs as _runs
from report_format import seconds as _s
from report_format import table as _table
from report_format import verdict as _verdict
from report_p1 import p1_section
from tools import version_of

BEGIN = "<!-- bench:results:begin (written by bench/run_all.py; edit outside the markers) -->"
END = "<!-- bench:results:end -->"


# ---- facts ------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.rstrip()
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "free_h": free,
        "kernel": platform.release(),
        "load_average": os.getloadavg(),
    }


def versions() -> dict[str, str]:
    import confluent_kafka

    from kafkatui import __version__
    from kafkatui.sandbox.layout import APICURIO_VERSION, KAFKA_VERSION

    kcat_lines = subprocess.run(["kcat", "-V"], capture_output=True, text=True).stdout
    kcat = next((line for line in kcat_lines.splitlines() if line.startswith("Version")), "?")
    kaskade_exe = VENVS_DIR / "kaskade" / "bin" / "kaskade"
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    return {
        "kafkatui": f"{__version__} ({_commit()})",
        "python": platform.python_version(),
        "confluent-kafka": metadata.version("confluent-kafka"),
        "librdkafka (kafkatui)": confluent_kafka.libversion()[0],
        "textual": metadata.version("textual"),
        "fastavro": metadata.version("fastavro"),
        "kcat": kcat.split(" (")[0].replace("Version ", "")
        + (
            f" (librdkafka {kcat.split('librdkafka ')[1].split()[0]})"
            if "librdkafka" in kcat
            else ""
        ),
        "kaskade": version_of([str(kaskade_exe), "--version"]).replace("kaskade, version ", "")
        if kaskade_exe.exists()
        else "-",
        "Kafka (sandbox)": KAFKA_VERSION,
        "Apicurio Registry (sandbox)": APICURIO_VERSION,
        "Java (sandbox)": java.splitlines()[0] if java else "?",
        "kafkatui command": " ".join(Path(p).name for p in kafkatui_command()),
    }


def _commit() -> str:
    """The project's commit, and whether the work tree differs from it."""
    git = ["git", "-C", str(DOC.parent.parent)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        return "not a git checkout"
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "kafkatui"], capture_output=True, text=True
    ).stdout.strip()
    return f"commit {head.stdout.strip()}" + (" with uncommitted changes" if dirty else "")


# ---- formatting -------------------------------------------------------------------------
def _med(section: dict[str, Any], key: str) -> float | None:
    """Median of one measure, None where that tool failed in every run."""
    stats = section.get(key)
    return None if stats is None else stats["median"]


def _ratio(slow: float | None, fast: float | None) -> float | None:
    return None if slow is None or fast is None else slow / fast


def _x(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    return f"{ratio:.1f}x" if ratio >= 1 else f"{ratio:.2f}x"


def _of_runs(section: dict[str, Any], key: str) -> str:
    """' (2 of 5 runs)' when some runs of this measure failed."""
    stats = section.get(key)
    failed = len(section.get("errors") or [])
    if stats is None or not failed:
        return ""
    return f" ({stats['runs']} of {stats['runs'] + failed} runs)"


def _check(value: float | None, ok: bool) -> str:
    return "not measured" if value is None else _verdict(ok)


def p2_section(p2: dict[str, Any]) -> str:
    app, core, tmux = p2["kafkatui_app"], p2["kafkatui_core"], p2["kafkatui_tmux"]
    kask, cgc = p2["kaskade"], p2["consumer_group_command"]
    first, filled, lag = (
        _med(app, "first_rows_painted") or _med(app, "first_rows"),
        _med(app, "all_filled"),
        _med(app, "groups_lag"),
    )
    in_data = _med(app, "first_rows")
    tmux_first = _med(tmux, "first_rows")
    ratio_first = _ratio(_med(kask, "first_rows"), tmux_first)
    ratio_filled = _ratio(_med(kask, "all_filled"), filled)
    if app.get("fill_timeout"):  # kafkatui did not finish: only a bound is known
        ratio_filled = _ratio(_med(kask, "all_filled"), app["fill_timeout"]["seconds"])
    timeout = app.get("fill_timeout")
    filled_text = _s(filled)
    if timeout:
        filled_text = (
            f"not within {timeout['seconds']:.0f} s (by then the view held summaries for "
            f"{timeout['filled_topics']:,} of {p2['cluster_topics']:,} topics; the table "
            "had not caught up)"
            + (f"; {_s(filled)} in the runs that finished" if filled is not None else "")
        )
    rows = [
        [
            "kafkatui app (Pilot, from process spawn)",
            _s(_med(app, "first_paint")),
            _s(first) + (f" painted ({_s(in_data)} in the table's data)" if in_data else ""),
            filled_text,
            _s(lag) + " (app opened on the groups view)",
        ],
        [
            "kafkatui core calls (fresh client)",
            "-",
            _s(_med(core, "topic_names")) + " (names)",
            _s(_med(core, "topics_filled")),
            _s(_med(core, "groups_lag")),
        ],
        [
            "`kafkatui` in tmux (from process spawn)",
            "-",
            _s(tmux_first) + _of_runs(tmux, "first_rows"),
            "-",
            "-",
        ],
        [
            "kaskade admin in tmux (from process spawn)",
            "-",
            _s(_med(kask, "first_rows")),
            _s(_med(kask, "all_filled")) + " (refresh completed)",
            "(in the same refresh)",
        ],
        [
            "Kafka ConsumerGroupCommand --describe --all-groups",
            "-",
            "-",
            "-",
            _s(_med(cgc, "describe_all_groups")),
        ],
    ]
    table = _table(
        ["what", "first paint", "first rows", "all columns filled", "lag of all groups"], rows
    )
    targets = _table(
        ["target", "measured", "verdict"],
        [
            [
                "first rows <= 1 s: `kafkatui` in tmux, from process spawn",
                _s(tmux_first),
                _check(tmux_first, (tmux_first or 0) <= 1.0),
            ],
            [
                "first rows <= 1 s: the app alone, painted (Pilot, no CLI start-up)",
                _s(first),
                _check(first, (first or 0) <= 1.0),
            ],
            [
                "lag of all groups <= 3 s (groups view, from process spawn)",
                _s(lag),
                _check(lag, (lag or 0) <= 3.0),
            ],
            [
                ">= 10x faster than kaskade: first rows, both in tmux",
                _x(ratio_first),
                _check(ratio_first, (ratio_first or 0) >= 10),
            ],
            [
                ">= 10x faster than kaskade: its full refresh vs kafkatui all filled"
                + (" (at most, kafkatui timed out)" if app.get("fill_timeout") else ""),
                _x(ratio_filled),
                _check(ratio_filled, (ratio_filled or 0) >= 10),
            ],
        ],
    )
    failures = [
        f"- {name}: {'; '.join(section.get('errors') or [section['error']])}"
        for name, section in (("kafkatui app", app), ("kafkatui core", core),
                              ("kafkatui in tmux", tmux), ("kaskade", kask),
                              ("ConsumerGroupCommand", cgc))
        if section.get("errors") or section.get("error")
    ]  # fmt: skip
    runs = max((v["runs"] for v in app.values() if isinstance(v, dict) and "runs" in v), default=0)
    head = (
        f"### P2 cluster overview ({p2['topics']:,} topics x 3 partitions, {p2['groups']} "
        f"groups; the cluster lists {p2['cluster_topics']:,} topics and "
        f"{p2['cluster_groups']} groups in all)\n\nMedians of {runs} runs.\n\n"
    )
    failed = ("\nFailed runs:\n\n" + "\n".join(failures) + "\n") if failures else ""
    stages = [
        f"{key.removeprefix('logged_')} {_s(stats['median'])}"
        for key, stats in kask.items()
        if key.startswith("logged_")
    ]
    logged = f"kaskade's own log (medians): {', '.join(stages)}.\n\n" if stages else ""
    return f"{head}{table}\n\n{logged}{targets}\n{failed}"


def _ui_thread(run: dict[str, Any]) -> str:
    if "ui_thread_cpu_ms_during_keys" not in run:
        return "-"
    return (
        f"{run['ui_thread_cpu_ms_during_keys'] / 1000:.2f} s / "
        f"{run['ui_thread_waiting_for_a_core_ms'] / 1000:.2f} s"
    )


def p3_section(p3: dict[str, Any]) -> str:
    rows = []
    for i, run in enumerate(p3["runs"], start=1):
        lat = run["latency_ms"]
        rows.append(
            [
                str(i),
                f"{lat['p50']:.1f} ms",
                f"{lat['p99']:.1f} ms",
                f"{lat['max']:.1f} ms",
                str(run.get("keys_without_repaint", 0)),
                _at_rest(run),
                f"{run['received']:,}",
                f"{run['received_after_keys']:,}",
                f"{run.get('received_per_s_during_keys', 0):,}",
                _ui_thread(run),
                f"{run['rss_max_mb']:.0f} MB ({run.get('rss_start_mb', 0):.0f} at start)",
                f"{run['flood_rate']:,.0f}",
                "yes" if run.get("workaround") else "no",
            ]
        )
    table = _table(
        [
            "run",
            "p50",
            "p99",
            "max",
            "keys with no repaint",
            "at rest p50 / p99",
            "records received",
            "received when the last key was handled",
            "tail intake during the keys, rec/s",
            "UI thread during the keys: on a core / waiting for one",
            "RSS max",
            "flood rec/s",
            "timer workaround",
        ],
        rows,
    )
    p99, rss = p3["p99_ms_median"], p3["rss_max_mb_median"]
    targets = _table(
        ["target", "measured (median of runs)", "verdict"],
        [
            ["keypress -> repaint p99 < 50 ms", f"{p99:.1f} ms", _verdict(p99 < 50)],
            ["RSS <= 250 MB", f"{rss:.0f} MB", _verdict(rss <= 250)],
        ],
    )
    crash = ""
    if p3.get("failed_runs"):
        crash += (
            "\nFailed runs (not counted): " + "; ".join(f"`{e}`" for e in p3["failed_runs"]) + "\n"
        )
    if p3.get("crashes_without_workaround"):
        crash += (
            "\n**Without the workaround the app crashed during the flood**: "
            f"`{p3['crashes_without_workaround'][0]}` (see below).\n"
        )
    return (
        f"### P3 keys during a flood ({p3['records']:,} records, {p3['presses']} keys)"
        f"\n\n{table}\n\n{targets}\n{crash}\n{rss_over_time(p3['runs'][-1])}\n"
    )


def _at_rest(run: dict[str, Any]) -> str:
    rest = run.get("at_rest_latency_ms")
    if not rest or rest.get("p50") is None:
        return "-"
    return f"{rest['p50']:.1f} / {rest['p99']:.1f} ms"


def rss_over_time(run: dict[str, Any], points: int = 12) -> str:
    samples = run.get("rss_samples") or []
    if not samples:
        return ""
    step = max(1, len(samples) // points)
    chosen = samples[::step]
    if chosen[-1] != samples[-1]:
        chosen.append(samples[-1])
    rows = [[f"{t:.1f} s", f"{n:,}", f"{mb:.0f} MB"] for t, n, mb in chosen]
    return (
        "RSS over time of the app process (last run; issue 6 item 8):\n\n"
        + _table(["time since the tail opened", "records received", "RSS"], rows)
        + "\n"
    )


def p4_section(p4: dict[str, Any]) -> str:
    frame = p4["first_frame"]
    rows = [
        [
            "process start -> first painted frame (tmux)",
            _s(frame["median"]),
            _runs(frame),
            f"<= 0.8 s: {_verdict(frame['median'] <= 0.8)}",
        ],
        ["`kafkatui --version`", _s(p4["version"]["median"]), _runs(p4["version"]), "-"],
        [
            "`python -c pass` (interpreter floor)",
            _s(p4["python_floor"]["median"]),
            _runs(p4["python_floor"]),
            "-",
        ],
    ]
    return "### P4 cold start\n\n" + _table(["what", "median", "spread", "target"], rows) + "\n"


def results_markdown(results: dict[str, Any], earlier: dict[str, str] | None = None) -> str:
    """The results block; `earlier` sections stand in for benchmarks not in `results`."""
    earlier = earlier or {}
    meta = results["meta"]
    mach, vers = meta["machine"], meta["versions"]
    parts = [
        f"## Latest results ({meta['finished']})\n",
        f"Command: `{meta['command']}`. {meta['note']}\n",
        "### Machine\n",
        f"- CPU: {mach['cpu_model']}, `nproc` = {mach['nproc']}, kernel {mach['kernel']}",
        f"- load average at start {_load(meta['load_start'])}, at end {_load(mach['load_average'])}"
        " (the machine is shared: other work ran during the benches)",
        "- `free -h`:\n\n```\n" + mach["free_h"] + "\n```\n",
        "### Versions\n",
        _table(["component", "version"], [[k, f"`{v}`"] for k, v in vers.items()]) + "\n",
    ]
    carried = []
    for key, render in (
        ("p1", p1_section),
        ("p2", p2_section),
        ("p3", p3_section),
        ("p4", p4_section),
    ):
        section = results.get(key)
        if section is None and key in earlier:
            parts.append(earlier[key])
            carried.append(key.upper())
        elif section is None:
            parts.append(f"### {key.upper()}\n\nNot run.\n")
        elif "error" in section:
            parts.append(f"### {key.upper()}\n\nFailed: `{section['error']}`\n")
        else:
            parts.append(render(section))
    if carried:
        parts.insert(
            2,
            f"{', '.join(carried)} did not run this time: their sections below are kept "
            "from the earlier results, with that run's machine load and versions.\n",
        )
    return "\n".join(parts)


def earlier_sections(doc: Path = DOC) -> dict[str, str]:
    """The results sections now in the doc, by benchmark ("p1"...): kept for those that
    a partial run (`--only`) did not run and has no raw results for."""
    text = doc.read_text() if doc.exists() else ""
    if BEGIN not in text or END not in text:
        return {}
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    found: dict[str, str] = {}
    for chunk in block.split("\n### ")[1:]:
        name = chunk.split(None, 1)[0].lower()
        if name in ("p1", "p2", "p3", "p4"):
            found[name] = "### " + chunk.rstrip() + "\n"
    return found


def _load(values: Any) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def write_doc(results: dict[str, Any], doc: Path = DOC) -> None:
    block = f"{BEGIN}\n{results_markdown(results, earlier_sections(doc))}\n{END}"
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        text = text.rstrip() + f"\n\n{BEGIN}\n{END}\n"
    before, rest = text.split(BEGIN, 1)
    _old, after = rest.split(END, 1)
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(before + block + after)


def now_utc() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
