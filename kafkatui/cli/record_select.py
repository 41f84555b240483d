"""The shared filter as a predicate on raw records (copy --filter)."""

from __future__ import annotations

from collections.abc import Callable

from kafkatui.cluster.api import RecordDecoder
from kafkatui.cluster.models import RawRecord
from kafkatui.records.filter import RecordFilter
from kafkatui.records.view import decode_record


def filter_predicate(text: str, decoder: RecordDecoder) -> Callable[[RawRecord], bool]:
    """True for records the filter matches; the raw test first, decoding only if needed."""
    keep = RecordFilter(text)

    def select(record: RawRecord) -> bool:
        return keep.may_match_raw(record) and keep.matches(decode_record(record, decoder))

    return select
