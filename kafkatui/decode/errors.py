"""The one exception codecs raise inside the decode layer; `AutoDecoder` turns it into data."""

from __future__ import annotations


class DecodeFailure(Exception):
    """`str(err)` is a short reason fit for `Decoded.error`."""
