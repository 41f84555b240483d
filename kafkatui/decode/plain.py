"""Payloads without a schema: JSON, UTF-8 text, and hex for everything else.

Auto-detection takes JSON only when the text starts (after whitespace) with `{`, `[` or
`"`: keys such as `123` or `true` written by a string serializer stay text, which is what
an operator expects to see. A forced `json` accepts any JSON value. NaN and Infinity are
not JSON and are refused, and so is nesting deeper than MAX_JSON_DEPTH (json.dumps would
fail on it later), so decoded values always serialise to valid JSON.
"""

from __future__ import annotations

import json
from typing import Any

from kafkatui.decode.errors import DecodeFailure

MAX_JSON_DEPTH = 200
_JSON_OPENERS = frozenset('{["')
# C0 controls other than tab, newline and carriage return, and DEL: not "text".
CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r") + b"\x7f"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _nested_deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if type(item) is dict:
            stack.extend((v, depth + 1) for v in item.values())
        elif type(item) is list:
            stack.extend((v, depth + 1) for v in item)
    return False


def parse_json(text: str) -> Any:
    """The JSON value of `text`; refuses NaN/Infinity and nesting deeper than MAX_JSON_DEPTH."""
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise DecodeFailure("JSON nested too deeply") from None
    except ValueError as err:
        raise DecodeFailure(f"not JSON: {err}") from None
    # json.loads nests up to the interpreter's recursion limit; a value that deep would make
    # json.dumps fail later. Counting brackets (in C) keeps the walk off the common path.
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and _nested_deeper_than(
        value, MAX_JSON_DEPTH
    ):
        raise DecodeFailure("JSON nested too deeply")
    return value


def utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DecodeFailure(f"not valid UTF-8 (byte {err.start})") from None


def looks_like_json(text: str) -> bool:
    first = text[:1]
    if first.isspace():
        first = text.lstrip()[:1]
    return first in _JSON_OPENERS


def is_printable(data: bytes) -> bool:
    return len(data.translate(None, CONTROL_BYTES)) == len(data)


def detect(data: bytes) -> tuple[str, Any]:
    """(format, value) for a payload with no wire header: json, text or hex."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "hex", data.hex()
    if looks_like_json(text):
        try:
            return "json", parse_json(text)
        except DecodeFailure:
            pass  # a brace or quote at the start of ordinary text
    if is_printable(data):
        return "text", text
    return "hex", data.hex()
