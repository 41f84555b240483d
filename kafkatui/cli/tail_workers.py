"""Reading a topic with several processes: each takes a share of the partitions.

A tail in one Python process spends most of its time building output lines, holding
one core while librdkafka's threads wait. `run_sharded` forks the process before any
Kafka client exists (librdkafka's threads do not survive a fork), runs one share in each
process and puts every batch on stdout whole, under a lock the processes share, so lines
never interleave. Records of one partition stay in order: a partition belongs to one
process. Only the first process speaks: the others send their error (exit code and
message) back to it, and it raises the first one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator

from kafkatui.cluster.errors import KafkaTuiError

#: what one share runs: (share index, the function that writes one batch of output)
ShardBody = Callable[[int, Callable[[bytes], None]], None]


class WorkerFailed(KafkaTuiError):
    """Another process of the same tail failed; carries its message and exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def default_workers() -> int:
    """Processes for a bounded read: one per usable core, at most 4 (1 without fork)."""
    if not hasattr(os, "fork"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def run_sharded(count: int, body: ShardBody) -> None:
    """Run body(index, write) for index 0..count-1, index 0 in this process."""
    out = sys.stdout.buffer
    out.flush()  # nothing buffered may be written twice, once by each process
    with _lock_file() as lock:

        def write(data: bytes) -> None:
            with _locked(lock):
                out.write(data)
                out.flush()

        children = [_fork(index, body, write) for index in range(1, count)]
        try:
            body(0, write)
        except BaseException:
            _stop(children)
            raise
        failure = _wait(children)
    if failure is not None:
        raise failure


def _fork(index: int, body: ShardBody, write: Callable[[bytes], None]) -> tuple[int, int]:
    """Start share `index` in a child; returns (pid, read end of its report pipe)."""
    report_read, report_write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(report_write)
        return pid, report_read
    os.close(report_read)
    code = 0
    try:
        body(index, write)
    except KafkaTuiError as exc:
        code = exc.exit_code
        _report(report_write, code, str(exc))
    except KeyboardInterrupt:  # while connecting: the tail as a whole is cut short
        code = 130
        _report(report_write, code, "interrupted")
    except BaseException as exc:  # the first process words it, as main() would
        code = 1
        _report(report_write, code, f"internal error: {type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)  # not the parent's cleanup: it is still running it


def _report(pipe: int, code: int, message: str) -> None:
    with contextlib.suppress(OSError):
        os.write(pipe, f"{code}\n{message}".encode("utf-8", "backslashreplace"))


def _wait(children: list[tuple[int, int]]) -> KafkaTuiError | None:
    """Wait for every child; the first failure among them, if any."""
    failure: KafkaTuiError | None = None
    for pid, report in children:
        with os.fdopen(report, "rb") as stream:
            text = stream.read().decode("utf-8", "replace")
        _, status = os.waitpid(pid, 0)
        if failure is not None:
            continue
        if text:
            code, _, message = text.partition("\n")
            failure = WorkerFailed(message, int(code) if code.isdigit() else 1)
        elif os.waitstatus_to_exitcode(status) != 0:
            reason = os.waitstatus_to_exitcode(status)
            how = f"signal {-reason}" if reason < 0 else f"exit code {reason}"
            failure = WorkerFailed(f"a tail process ended unexpectedly ({how})", 1)
    return failure


def _stop(children: list[tuple[int, int]]) -> None:
    """This process failed or was interrupted: the others stop too."""
    for pid, _ in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid, report in children:
        os.close(report)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


@contextlib.contextmanager
def _lock_file() -> Iterator[int]:
    """A file to lock, in memory where the system has that (no temporary directory needed)."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("kafkatui-tail-lock")
        try:
            yield fd
        finally:
            os.close(fd)
    else:
        with tempfile.TemporaryFile() as file:
            yield file.fileno()


@contextlib.contextmanager
def _locked(fd: int) -> Iterator[None]:
    """An exclusive POSIX lock: held per process, and released if its holder dies."""
    fcntl.lockf(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.lockf(fd, fcntl.LOCK_UN)
