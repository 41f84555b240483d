"""The P1 (tail ingest) part of the results section in docs/benchmarks.md."""

from __future__ import annotations

from typing import Any

from report_format import rate, runs, seconds, table, verdict

TARGETS = (("raw", 0.5), ("avro", 0.25))  # against kcat's raw mode, with repeating keys
#: goals on all-distinct keys (issue 18): against kcat's raw mode and against `kcat -J`
DISTINCT_GOAL_RAW = 0.5
DISTINCT_GOAL_JSON = 1.5


def _timing(stats: dict[str, Any]) -> str:
    """records/s (median wall; cpu)"""
    wall, cpu = seconds(stats["median"]), seconds(stats["cpu_median"])
    return f"{rate(stats['records_per_s'])} ({wall}; cpu {cpu})"


def p1_section(p1: dict[str, Any]) -> str:
    rows = []
    for kind, target in TARGETS:
        r = p1[kind]
        k, c, f, lines = r["kafkatui"], r["kcat"], r.get("python_floor"), r.get("python_lines")
        rows.append(
            [
                f"{kind} ({r['records']:,} records, `--value-format {r['value_format']}`)",
                _timing(k),
                _timing(c),
                f"{r['ratio']:.2f}x",
                f"{r['cpu_ratio']:.2f}x" if "cpu_ratio" in r else "-",
                _timing(f) if f else "-",
                f"{rate(lines['records_per_s'])} ({seconds(lines['median'])}; "
                f"{lines['records_per_s'] / c['records_per_s']:.2f}x kcat)"
                if lines
                else "-",
                f">= {target}x: {verdict(r['ratio'] >= target)}",
            ]
        )
    main = table(
        [
            "workload",
            "kafkatui rec/s (median wall; cpu)",
            "kcat rec/s",
            "ratio (wall)",
            "ratio (cpu)",
            "Python floor, one process, rec/s",
            "Python line floor, one process, rec/s",
            "target (wall)",
        ],
        rows,
    )
    spread = "; ".join(
        f"{kind} kafkatui {runs(p1[kind]['kafkatui'])}, kcat {runs(p1[kind]['kcat'])}"
        for kind, _target in TARGETS
    )
    return (
        f"### P1 tail ingest\n\n{main}\n\nSpread (min-max wall): {spread}.\n\n"
        "kafkatui runs as a user types it. With `--until-end` it reads with one process per "
        "core (at most 4; `--workers N` chooses), each taking a share of the partitions, so "
        "here two processes; its CPU time is the sum over both. Ratio (cpu) compares CPU "
        "seconds (user+sys) per run instead of wall time. The Python floors are one process "
        "each, `bench/floor.py`: the same consumer settings, consume only (raw) or consume "
        "plus fastavro decoding with nothing printed (Avro). The line floor (raw) also builds "
        "and prints the smallest JSON line per record (partition, offset, timestamp as a "
        "number and the value in hex: fewer fields than kafkatui's JSONL), which is the least "
        "one Python process can do for a JSONL tail.\n" + distinct_keys_section(p1)
    )


def distinct_keys_section(p1: dict[str, Any]) -> str:
    """The realistic rows: every key a new UUID string, against kcat raw and `kcat -J`."""
    measured = p1.get("distinct_keys") or []
    if not measured:
        return ""
    rows = []
    for r in measured:
        k, c, j = r["kafkatui"], r["kcat"], r["kcat_json"]
        kind = "raw" if r["value_format"] == "hex" else "avro"
        rows.append(
            [
                f"{kind}, {r['records']:,} records (`--value-format {r['value_format']}`)",
                _timing(k),
                _timing(c),
                f"{r['ratio']:.2f}x",
                f">= {DISTINCT_GOAL_RAW}x: {verdict(r['ratio'] >= DISTINCT_GOAL_RAW)}",
                _timing(j),
                f"{r['ratio_json']:.2f}x",
                f">= {DISTINCT_GOAL_JSON}x: {verdict(r['ratio_json'] >= DISTINCT_GOAL_JSON)}",
            ]
        )
    spread = "; ".join(
        f"{r['topic']}: kafkatui {runs(r['kafkatui'])}, kcat {runs(r['kcat'])}, "
        f"kcat -J {runs(r['kcat_json'])}"
        for r in measured
    )
    header = [
        "workload (every key distinct)",
        "kafkatui rec/s (median wall; cpu)",
        "kcat rec/s",
        "vs kcat",
        "goal",
        "`kcat -J` rec/s",
        "vs `kcat -J`",
        "goal",
    ]
    return (
        "\n#### P1 with all-distinct keys\n\n"
        "The same values, but every key is a new UUID string (36 characters), as on a topic "
        "keyed by ids: no key cache can help. Start-up is part of every time (from spawn to "
        "exit). `kcat -J` prints kcat's JSON envelope per record (topic, partition, offset, "
        "timestamp, key, payload as a string), the fair comparison for a JSON line per "
        "record; kafkatui's Avro lines are decoded JSON, kcat's payloads are not.\n\n"
        f"{table(header, rows)}\n\nSpread (min-max wall): {spread}.\n"
    )
