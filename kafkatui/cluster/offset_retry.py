"""The one retry policy for offset lookups (ListOffsets, OffsetsForTimes) while a
partition's leader is moving: a broker restart, a new topic, a reassignment.

Both the admin client's offset reads and the tail's seeks follow it, so a tail and the
topic view ride out the same leader election the same way.
"""

from __future__ import annotations

import time

from confluent_kafka import KafkaError

#: answers while a partition's leader is being elected or moved: worth asking again
LEADER_MOVING_CODES = frozenset(
    {
        KafkaError.NOT_LEADER_FOR_PARTITION,
        KafkaError.LEADER_NOT_AVAILABLE,
        KafkaError._UNKNOWN_PARTITION,  # metadata not yet updated (a new topic)
        KafkaError._TRANSPORT,  # the old leader's connection went away mid-request
    }
)
OFFSET_ATTEMPTS = 3
_STEP_S = 0.25


def pause_before(attempt: int) -> None:
    """Wait before attempt number `attempt` (0 is the first: no wait); 0.25 s, 0.5 s."""
    if attempt:
        time.sleep(_STEP_S * attempt)
