"""What `copy` and `redrive` print: the plan per target partition, progress, the result."""

from __future__ import annotations

import sys
from collections.abc import Callable

from kafkatui.cli.output import table, write_json
from kafkatui.cli.progress import StderrProgress, progress_line
from kafkatui.cluster.transfer import TransferProgress, TransferReport


def report_text(report: TransferReport) -> str:
    verb = "wrote" if report.execute else "would write"
    lines = [
        f"{report.kind} from {report.source}: {report.scanned} records read, "
        f"{report.selected} chosen, {report.already_there} already in the target (skipped)"
        + (f", {report.unroutable} name no original topic (skipped)" if report.unroutable else "")
    ]
    if report.execute:
        lines.append(f"{verb} {report.written} of {report.to_write} records")
    else:
        lines.append(f"{verb} {report.to_write} records (dry run: add --execute to write)")
    text = "\n".join(lines) + "\n"
    if report.plan:
        rows = [(t, p, n) for (t, p), n in sorted(report.plan.items())]
        text += table(("TARGET", "PARTITION", "RECORDS"), rows)
    return text


def stderr_progress() -> tuple[Callable[[TransferProgress], None], StderrProgress]:
    shown = StderrProgress()

    def tell(p: TransferProgress) -> None:
        extra = f"written {p.written:,}, skipped {p.skipped:,}" if p.written or p.skipped else ""
        shown.show(progress_line(p.phase, p.scanned, p.total, p.elapsed_s, extra))

    return tell, shown


def run_transfer(
    start: Callable[[Callable[[TransferProgress], None]], TransferReport], as_json: bool
) -> int:
    """Run a copy or redrive (`start` gets the progress callback and returns the report),
    with progress on stderr, then print the report."""
    tell, shown = stderr_progress()
    try:
        report = start(tell)
    finally:
        shown.done()
    if as_json:
        write_json(sys.stdout, report.to_json())
    else:
        sys.stdout.write(report_text(report))
    return 0
