"""Where the time goes: py-spy profiles of the benchmarked paths, summarised as text.

  python bench/spy_profile.py tail-avro|tail-raw|overview|flood|imports [--records N]
  python bench/spy_profile.py tail-raw --distinct-keys   # the P1 topic whose keys never repeat

py-spy is installed into bench/.venv/tools on first use (never into the project's
environment). It samples the real process from outside at 500 Hz; the summary lists
functions by inclusive share of samples, so "AvroCodec.decode 40%" means 40% of the
sampled stacks were inside it. `imports` uses `python -X importtime` instead and lists
the slowest imports on the way to the first frame. Output: bench/results/profile-*.txt.
"""

from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from cluster import BenchCluster
from common import BENCH_DIR, RESULTS_DIR, VENVS_DIR, isolated_env, kafkatui_command, say


def py_spy() -> Path:
    venv = VENVS_DIR / "tools"
    exe = venv / "bin" / "py-spy"
    if not exe.exists():
        say(f"installing py-spy into {venv}")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "py-spy"], check=True)
    return exe


def summarise(raw: Path, top: int = 45, skip_imports: bool = False) -> str:
    """Inclusive and own sample shares per function from py-spy's collapsed stacks."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if skip_imports and "_find_and_load" in stack:
            continue
        samples = int(count)
        total += samples
        frames = [re.sub(r":\d+\)", ")", f) for f in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
    lines = [f"{total} samples" + (" (imports left out)" if skip_imports else ""), "", "inclusive:"]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in inclusive.most_common(top)]
    lines += ["", "own:"]
    lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in own.most_common(20)]
    return "\n".join(lines)


def spy_prefix(name: str) -> tuple[list[str], Path]:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    raw = RESULTS_DIR / f"profile-{name}.raw"
    spy = [str(py_spy()), "record", "--rate", "500", "--format", "raw", "--output", str(raw)]
    return [*spy, "--threads", "--"], raw


def record(command: list[str], env: dict[str, str], name: str) -> Path:
    prefix, raw = spy_prefix(name)
    subprocess.run(
        [*prefix, *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=True
    )
    return raw


def import_times(env: dict[str, str]) -> str:
    code = (
        "from kafkatui.cli.main import build_parser; build_parser(); "
        "import kafkatui.ui.app, kafkatui.ui.screens.topics; "
        "from kafkatui.cluster.client import ClusterClient"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
        if match:
            depth = len(match.group(3)) // 2
            rows.append((int(match.group(2)), depth, match.group(4)))
    total = sum(c for c, depth, _ in rows if depth == 0)
    lines = [
        f"all imports on the way to the first frame: {total / 1000:.0f} ms",
        "",
        "slowest, cumulative (depth <= 2):",
    ]
    for cumulative, depth, name in sorted(rows, reverse=True)[:40]:
        if depth <= 2:
            lines.append(f"{cumulative / 1000:7.1f} ms  {'  ' * depth}{name}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=("tail-avro", "tail-raw", "overview", "flood", "imports"))
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument(
        "--distinct-keys", action="store_true", help="tail-*: the all-distinct-key topic"
    )
    parser.add_argument("--topics", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--workaround", action="store_true", help="flood: 1 ms timer workaround")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kafkatui-bench-") as home:
        env = isolated_env(Path(home))
        if args.what == "imports":
            text = import_times(env)
        else:
            cluster = BenchCluster.start()
            if args.what.startswith("tail"):
                avro = args.what == "tail-avro"
                command = [*kafkatui_command(), "-b", cluster.bootstrap]
                if avro:
                    command += ["--schema-registry", cluster.registry]
                ids = "-ids" if args.distinct_keys else ""
                topic = f"bench-{'avro' if avro else 'raw'}{ids}-{args.records}"
                command += [
                    "tail",
                    topic,
                    "--from",
                    "earliest",
                    "--until-end",
                    "--value-format",
                    "auto" if avro else "hex",
                ]
            elif args.what == "flood":
                from p3_flood import one_run

                prefix, raw = spy_prefix("flood")
                spies: list[subprocess.Popen[bytes]] = []

                def attach(pid: int) -> None:
                    spy = [*prefix[:-1], "--pid", str(pid)]  # from the flood on, until exit
                    spies.append(subprocess.Popen(spy, stdout=subprocess.DEVNULL))

                one_run(cluster, args.records, 200, env, args.workaround, on_ready=attach)
                for spy in spies:
                    spy.wait(timeout=60)
            else:
                from p2_overview import _all_names

                topics, _groups = _all_names(cluster)
                command = [
                    sys.executable,
                    str(BENCH_DIR / "probe_app.py"),
                    "topics",
                    cluster.bootstrap,
                    "--topics",
                    str(topics),
                    "--fill-timeout",
                    "60",
                ]
            if args.what != "flood":
                raw = record(command, env, args.what)
            text = summarise(raw) + "\n\n" + summarise(raw, skip_imports=True)
    out = RESULTS_DIR / f"profile-{args.what}{'-ids' if args.distinct_keys else ''}.txt"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    print(text)
    say(f"wrote {out}")


if __name__ == "__main__":
    main()
