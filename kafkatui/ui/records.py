"""How the TUI shows a decoded key or value: one cut line in the list, pretty in the
inspector. The decoding, the full text, the JSONL line and the filter live in
`kafkatui.records`, shared with the CLI."""

from __future__ import annotations

import json

from kafkatui.decode.model import Decoded

VALUE_CUT = 2000  # characters drawn per value in the list; the inspector shows everything


def shown(decoded: Decoded, text: str) -> str:
    """The list's form of a key or value whose full text is `text`: null and undecodable
    payloads are labelled, and the text is cut at VALUE_CUT characters (drawing only: the
    filter searches the whole text)."""
    if decoded.error:
        text = f"<{decoded.format}: {decoded.error}> {text}"
    elif decoded.value is None:
        text = "null"
    return text if len(text) <= VALUE_CUT else text[:VALUE_CUT] + "..."


def pretty(decoded: Decoded) -> str:
    """Multi-line form for the inspector."""
    if decoded.error:
        return f"cannot decode ({decoded.format}): {decoded.error}\nhex: {decoded.hex or ''}"
    if isinstance(decoded.value, dict | list):
        return json.dumps(decoded.value, indent=2, ensure_ascii=False, default=str)
    return "null" if decoded.value is None else str(decoded.value)
