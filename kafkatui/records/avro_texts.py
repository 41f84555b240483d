"""What the filter's batch test needs to know of registry-Avro values (find, `tail
--filter`): a value's JSON text made in one pass from its bytes, and whether a schema's
values may be judged on their body's bytes (RecordFilter.may_match_batch)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the CLI tail imports no more than it needs
    from kafkatui.cluster.api import RecordDecoder
    from kafkatui.records.filter import RecordFilter

_UNKNOWN = object()


class AvroTexts:
    """For one filter and one decoder; schemas are looked up once per wire header."""

    def __init__(self, decoder: RecordDecoder, record_filter: RecordFilter) -> None:
        self.filter = record_filter
        self._find_transcoder = getattr(decoder, "json_transcoder", None)
        self._avro_printed = getattr(decoder, "avro_printed", None)
        self._transcoders: dict[bytes, Any] = {}
        self._judged: dict[bytes, bool] = {}

    def value_text(self, value: bytes) -> str | None:
        """The value's JSON text, the decoded value's text; None where there is none (not
        Avro, no schema, a bad body: the full decode says what is wrong) and for a
        top-level string, whose text is the string itself, not its JSON."""
        if self._find_transcoder is None or len(value) < 5 or value[0] != 0:
            return None
        header = value[:5]
        transcode = self._transcoders.get(header, _UNKNOWN)
        if transcode is _UNKNOWN:
            transcode = self._find_transcoder(int.from_bytes(header[1:5], "big"))
            self._transcoders[header] = transcode
        if transcode is None:
            return None
        try:
            text: str = transcode(value, 5)
        except Exception:
            return None
        return None if text.startswith('"') else text

    def judged_on_body(self, header: bytes) -> bool:
        """Whether the values framed with this wire header may be judged on their body's
        bytes: the text cannot be in what their schema prints beyond the body (see
        decode.avro_words and RecordFilter.body_piece)."""
        judged = self._judged.get(header)
        if judged is None:
            printed = None
            if self._avro_printed is not None and len(header) == 5 and header[0] == 0:
                printed = self._avro_printed(int.from_bytes(header[1:5], "big"))
            judged = printed is not None and self.filter.beyond(printed.words, printed.derived)
            self._judged[header] = judged
        return judged
