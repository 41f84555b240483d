"""The text pieces of a record: compact JSON, timestamps, headers, decoded keys/values.

Shared by the JSONL line (docs/jsonl.md), the CLI's text lines, the TUI's rows and the
filter, so that all of them read a record the same way.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterable
from typing import Any

from kafkatui.decode.model import Decoded

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)
_encode = _ENCODER.encode
encode_str = json.encoder.encode_basestring  # what the encoder uses with ensure_ascii=False
# JSONEncoder.encode builds a C encoder on every call; decoded values are trees (never
# cyclic), so one C encoder without the cycle check serves every record, twice as fast.
_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
_encode_tree = (
    None
    if _make_encoder is None
    else _make_encoder(None, str, encode_str, None, ":", ",", False, False, True)
)


def dumps(value: Any) -> str:
    """Compact JSON, non-ASCII kept as is."""
    if type(value) is str:
        return encode_str(value)  # the common case, without the encoder's overhead
    if _encode_tree is not None:
        try:
            return "".join(_encode_tree(value, 0))
        except (RecursionError, ValueError, TypeError):
            pass  # too deep or odd: the standard encoder says what is wrong
    return _encode(value)


def rfc3339_ms(timestamp_ms: int) -> str:
    """2026-11-28T07:05:35.123Z"""
    seconds, millis = divmod(timestamp_ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def header_text(raw: bytes) -> str:
    """A header value as text: UTF-8 when it is valid UTF-8, else base64."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(raw).decode("ascii")


def header_map(headers: Iterable[tuple[str, bytes | None]] | None) -> dict[str, str | None]:
    """{name: text if valid UTF-8, else base64}; a null header value stays null."""
    return {name: None if raw is None else header_text(raw) for name, raw in headers or ()}


def decoded_text(decoded: Decoded) -> str:
    """The full text of one key or value, never cut: what the filter searches and
    `--format text` prints. A string is itself, other values compact JSON, null is empty,
    and an undecodable payload is its hex."""
    if decoded.error is not None:
        return decoded.hex or ""
    value = decoded.value
    if value is None:
        return ""
    return value if isinstance(value, str) else dumps(value)


def escape_line(text: str) -> str:
    """Text on one line: backslash, newline, carriage return and tab escaped."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
