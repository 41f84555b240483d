"""A tail shared among processes: whole batches on stdout, one voice for errors.

Each case runs `run_sharded` in a child Python, with its stdout a pipe (as `| jq` would
make it), so the forks never touch the test runner's own streams.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from kafkatui.cli.tail_workers import default_workers

PRELUDE = textwrap.dedent("""
    import os, sys, time
    from kafkatui.cli.tail_workers import run_sharded
    from kafkatui.cluster.errors import ConnectionFailed, KafkaTuiError

    def main(body, count=3):
        try:
            run_sharded(count, body)
        except KafkaTuiError as exc:
            print(f"error {exc.exit_code}: {exc}", file=sys.stderr)
            sys.exit(exc.exit_code)
""")


def run_child(code: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_every_batch_arrives_whole_from_every_share() -> None:
    # 40 batches of 64 KiB per share: far over a pipe's atomic write size (4 KiB)
    done = run_child("""
        def body(index, write):
            for batch in range(40):
                write("".join(f"{index} {batch} {n}\\n" for n in range(6000)).encode())
        main(body)
    """)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3 * 40 * 6000
    runs = [lines[i : i + 6000] for i in range(0, len(lines), 6000)]
    for run in runs:  # each batch is contiguous and complete
        share, batch = run[0].split()[:2]
        assert run == [f"{share} {batch} {n}" for n in range(6000)]
    by_share = {s: [int(r[0].split()[1]) for r in runs if r[0].startswith(s + " ")] for s in "012"}
    assert by_share == {s: list(range(40)) for s in "012"}  # each share in its own order


def test_a_failing_share_is_reported_once_with_its_exit_code() -> None:
    done = run_child("""
        def body(index, write):
            if index == 2:
                raise ConnectionFailed("cannot connect to Kafka at nowhere:9092")
            write(f"share {index}\\n".encode())
        main(body)
    """)
    assert done.returncode == 3
    assert done.stderr == "error 3: cannot connect to Kafka at nowhere:9092\n"
    assert sorted(done.stdout.splitlines()) == ["share 0", "share 1"]


def test_a_share_that_dies_is_a_failure_not_a_short_output() -> None:
    done = run_child("""
        def body(index, write):
            if index == 1:
                os._exit(9)
            write(b"ok\\n")
        main(body)
    """)
    assert done.returncode == 1
    assert done.stderr == "error 1: a tail process ended unexpectedly (exit code 9)\n"


def test_an_unexpected_exception_in_a_share_is_worded_as_an_internal_error() -> None:
    done = run_child("""
        def body(index, write):
            if index == 1:
                raise ValueError("odd")
        main(body, count=2)
    """)
    assert done.returncode == 1
    assert done.stderr == "error 1: internal error: ValueError: odd\n"


def test_when_the_first_share_fails_the_others_are_stopped() -> None:
    started = time.monotonic()
    done = run_child("""
        def body(index, write):
            if index == 0:
                time.sleep(0.5)
                raise ConnectionFailed("lost the cluster")
            time.sleep(60)  # would outlive the test if nobody stopped it
        main(body)
    """)
    assert done.returncode == 3
    assert done.stderr == "error 3: lost the cluster\n"
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("count", [1, 2])
def test_a_share_without_work_just_ends(count: int) -> None:
    done = run_child(f"""
        def body(index, write):
            if index == 0:
                write(b"only\\n")
        main(body, count={count})
    """)
    assert (done.returncode, done.stdout, done.stderr) == (0, "only\n", "")


def test_default_workers_is_between_one_and_four() -> None:
    assert 1 <= default_workers() <= 4
