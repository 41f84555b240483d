"""One record pipeline below the CLI and the UI.

A consumed record (`cluster.models.RawRecord`) becomes a `RecordView`: its key and value
decoded, the text shown, the JSONL line (docs/jsonl.md) and what the filter searches.
`RecordFilter` is the one filter rule (docs/cli.md, `--filter`). The CLI tail, the TUI
tail, export, the inspector and the find/DLQ/copy commands all build on this package.

Layering: it imports `cluster` and `decode` only, never `cli`, `ui`, textual or rich.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kafkatui.records.filter import RecordFilter
    from kafkatui.records.view import RecordView, decode_record

__all__ = ["RecordFilter", "RecordView", "decode_record"]
#: loaded on first use: the CLI tail needs `text` and `filter` only, and `view` imports
#: the cluster's models (tens of dataclasses, a tenth of a tail's start-up)
_HOMES = {"RecordFilter": "filter", "RecordView": "view", "decode_record": "view"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
