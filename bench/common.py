"""What every benchmark shares: where things live, timing statistics, results on disk.

The benches run kafkatui from the interpreter that runs them (the project's environment),
and keep everything they make under bench/: the sandbox state in bench/.sandbox/, the
competitors' virtualenvs in bench/.venv/ and the raw results in bench/results/.
"""

from __future__ import annotations

import compileall
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SANDBOX_DIR = Path(os.environ.get("KAFKATUI_BENCH_SANDBOX_DIR", BENCH_DIR / ".sandbox"))
VENVS_DIR = BENCH_DIR / ".venv"  # ".venv/" is ignored by git and by linters
RESULTS_DIR = BENCH_DIR / "results"
DOC = ROOT / "docs" / "benchmarks.md"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def kafkatui_command() -> list[str]:
    """The installed `kafkatui` entry point beside this interpreter, else `python -m`."""
    script = Path(sys.executable).with_name("kafkatui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kafkatui"]


def compile_project() -> None:
    """Byte-compile kafkatui's modules, as `pip install` does for an installed package.

    An editable install compiles a module on first import, unless the environment says
    not to write bytecode (PYTHONDONTWRITEBYTECODE, set in some CI and build shells).
    Then every start compiles ~80 modules from source again, which no user's install
    does; kaskade, installed by pip, is compiled already.
    """
    global _compiled
    if not _compiled:
        compileall.compile_dir(ROOT / "kafkatui", quiet=1)
        _compiled = True


_compiled = False


def isolated_env(home: Path) -> dict[str, str]:
    """Environment for a child: no user config or themes, state kept in `home`, and
    kafkatui's modules byte-compiled (see `compile_project`)."""
    compile_project()
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = str(home / "config")
    env["XDG_STATE_HOME"] = str(home / "state")
    env.pop("KAFKATUI_PROFILE", None)
    env.pop("KAFKATUI_CONFIG", None)
    return env


# ---- statistics -------------------------------------------------------------------------
def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 200 samples is the 198th smallest)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, Any]:
    return {
        "runs": len(values),
        "median": median(values),
        "min": min(values) if values else math.nan,
        "max": max(values) if values else math.nan,
        "samples": list(values),
    }


def repeat(runs: int, once: Callable[[], float], label: str) -> dict[str, Any]:
    """Run `once` `runs` times (it returns seconds) and summarise."""
    values = []
    for i in range(runs):
        value = once()
        values.append(value)
        say(f"{label}: run {i + 1}/{runs}: {value:.3f}s")
    return summary(values)


def wait_until(check: Callable[[], bool], timeout_s: float, every_s: float = 0.005) -> float:
    """Seconds until `check()` held (perf_counter based); raises TimeoutError after timeout."""
    start = time.perf_counter()
    deadline = start + timeout_s
    while True:
        if check():
            return time.perf_counter() - start
        if time.perf_counter() > deadline:
            raise TimeoutError(f"not reached within {timeout_s:.0f}s")
        time.sleep(every_s)


# ---- results on disk --------------------------------------------------------------------
def results_path(name: str) -> Path:
    return RESULTS_DIR / f"{name}.json"


def save_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = results_path(name)
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def load_result(name: str) -> dict[str, Any] | None:
    try:
        loaded: dict[str, Any] = json.loads(results_path(name).read_text())
    except (OSError, ValueError):
        return None
    return loaded
