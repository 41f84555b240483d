"""The shared filter as a predicate on raw records (for copy --filter)."""

from __future__ import annotations

from collections.abc import Callable

from kafkatui.cluster.api import RecordDecoder
from kafkatui.cluster.errors import InvalidInput
from kafkatui.cluster.models import RawRecord


def filter_predicate(text: str, decoder: RecordDecoder) -> Callable[[RawRecord], bool]:
    raise InvalidInput("--filter is not available in this build")
