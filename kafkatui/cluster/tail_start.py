"""Where a tail starts: its own module, so that the CLI tail reads it without `api` (whose
models are a tenth of a short tail's start-up). `api` re-exports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class TailStart:
    """Where a tail starts. mode: earliest | latest | offset | last | timestamp."""

    mode: Literal["earliest", "latest", "offset", "last", "timestamp"] = "latest"
    value: int | None = None  # offset, N for `last`, epoch ms for `timestamp`
    partitions: tuple[int, ...] | None = None  # None: all partitions
