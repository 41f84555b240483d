"""Metadata asked in growing slices: give up at once on a fatal error, after a few
seconds when every broker is down, and keep trying a cluster that is only slow."""

from __future__ import annotations

import time

import pytest
from confluent_kafka import KafkaError, KafkaException

from kafkatui.cluster import metadata_wait
from kafkatui.cluster.metadata_wait import DownSince, in_slices

TRANSPORT = KafkaException(KafkaError(KafkaError._TRANSPORT))


class Cluster:
    """Answers after `failures` slices; reports every broker down when `all_down`."""

    def __init__(self, failures: int, all_down: bool = False, fatal_after: int = 0) -> None:
        self.failures = failures
        self.all_down = all_down
        self.fatal_after = fatal_after
        self.slices: list[float] = []
        self.down = DownSince()

    def ask(self, slice_s: float) -> str:
        self.slices.append(slice_s)
        time.sleep(min(slice_s, 0.02))  # a real client waits out its slice
        if len(self.slices) <= self.failures:
            raise TRANSPORT
        return "metadata"

    def give_up(self) -> bool:  # serves the error callback, as the clients do
        if self.all_down:
            self.down.saw(KafkaError(KafkaError._ALL_BROKERS_DOWN))
        return bool(self.fatal_after) and len(self.slices) >= self.fatal_after


def test_a_slow_cluster_gets_growing_slices_and_answers() -> None:
    cluster = Cluster(failures=3)
    assert in_slices(cluster.ask, cluster.give_up, cluster.down, 30.0) == "metadata"
    assert cluster.slices == [1.0, 2.0, 4.0, 8.0]


def test_a_fatal_error_gives_up_after_its_slice() -> None:
    cluster = Cluster(failures=10, fatal_after=1)
    with pytest.raises(KafkaException):
        in_slices(cluster.ask, cluster.give_up, cluster.down, 30.0)
    assert cluster.slices == [1.0]


def test_every_broker_down_gives_up_after_the_down_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(metadata_wait, "ALL_DOWN_FAIL_S", 0.2)
    cluster = Cluster(failures=1000, all_down=True)
    with pytest.raises(KafkaException):
        in_slices(cluster.ask, cluster.give_up, cluster.down, 30.0)
    # the first slice, then slices no longer than what is left of the window
    assert cluster.slices[0] == 1.0 and all(s <= 0.2 for s in cluster.slices[1:])
    assert cluster.down.since is not None


def test_an_answer_clears_the_down_mark() -> None:
    cluster = Cluster(failures=1, all_down=True)
    assert in_slices(cluster.ask, cluster.give_up, cluster.down, 30.0) == "metadata"
    assert cluster.down.since is None
