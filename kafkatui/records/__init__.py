"""One record pipeline below the CLI and the UI.

A consumed record (`cluster.models.RawRecord`) becomes a `RecordView`: its key and value
decoded, the text shown, the JSONL line (docs/jsonl.md) and what the filter searches.
`RecordFilter` is the one filter rule (docs/cli.md, `--filter`). The CLI tail, the TUI
tail, export, the inspector and the find/DLQ/copy commands all build on this package.

Layering: it imports `cluster` and `decode` only, never `cli`, `ui`, textual or rich.
"""

from kafkatui.records.filter import RecordFilter
from kafkatui.records.view import RecordView, decode_record

__all__ = ["RecordFilter", "RecordView", "decode_record"]
