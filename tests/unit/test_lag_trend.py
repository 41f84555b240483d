"""Lag trend math and the bounded sample history. No network."""

from __future__ import annotations

import pytest

from kafkatui.cluster.lag import LagHistory, least_squares_rate, trend_of
from kafkatui.cluster.models import LagSample


def samples(*points: tuple[float, int]) -> list[LagSample]:
    return [LagSample(at=t, lag=lag) for t, lag in points]


def test_rate_of_a_straight_line_is_its_slope() -> None:
    line = samples(*((t, 100 + 4 * t) for t in range(0, 60, 5)))
    assert least_squares_rate(line) == pytest.approx(4.0)


def test_rate_needs_two_distinct_times() -> None:
    assert least_squares_rate([]) is None
    assert least_squares_rate(samples((1.0, 5))) is None
    assert least_squares_rate(samples((1.0, 5), (1.0, 9))) is None


def test_rate_ignores_noise_around_a_trend() -> None:
    noisy = samples((0, 10), (10, 35), (20, 40), (30, 75), (40, 80))
    assert least_squares_rate(noisy) == pytest.approx(1.8)


def test_growing_needs_enough_span_samples_and_increase() -> None:
    growing = trend_of(samples((0, 100), (20, 200), (40, 300)))
    assert growing.growing and growing.rate_per_s == pytest.approx(5.0)
    assert growing.seconds_to_catch_up is None

    too_short = trend_of(samples((0, 100), (5, 200), (10, 300)))
    assert not too_short.growing  # shorter than a commit interval could explain

    too_few = trend_of(samples((0, 100), (60, 300)))
    assert not too_few.growing


def test_sawtooth_of_a_healthy_consumer_is_not_growing() -> None:
    # lag rises between commits and drops at each commit, around a flat level
    saw = samples(*((t, 50 + (t % 10) * 10 if t % 10 else 50) for t in range(0, 120, 2)))
    trend = trend_of(saw)
    assert trend.rate_per_s is not None and abs(trend.rate_per_s) < 1.0
    assert not trend.growing


def test_shrinking_lag_estimates_time_to_catch_up() -> None:
    trend = trend_of(samples((0, 1000), (10, 800), (20, 600)))
    assert trend.rate_per_s == pytest.approx(-20.0)
    assert not trend.growing
    assert trend.seconds_to_catch_up == pytest.approx(30.0)


def test_no_lag_means_caught_up() -> None:
    trend = trend_of(samples((0, 0), (10, 0), (20, 0)))
    assert trend.seconds_to_catch_up == 0.0 and not trend.growing


def test_samples_are_ordered_by_time() -> None:
    trend = trend_of(samples((20, 300), (0, 100), (40, 500)))
    assert [s.at for s in trend.samples] == [0, 20, 40]
    assert trend.growing


def test_single_sample_has_no_rate() -> None:
    trend = trend_of(samples((0, 10)))
    assert trend.rate_per_s is None and not trend.growing and trend.seconds_to_catch_up is None


def test_history_is_bounded_and_per_group() -> None:
    history = LagHistory(size=3)
    for t in range(5):
        history.record("a", LagSample(at=float(t), lag=t))
    history.record("b", LagSample(at=0.0, lag=7))
    assert [s.lag for s in history.samples("a")] == [2, 3, 4]
    assert [s.lag for s in history.samples("b")] == [7]
    assert history.samples("unknown") == ()
    history.forget("a")
    assert history.samples("a") == ()


def test_noisy_but_clear_growth_is_growing() -> None:
    trend = trend_of(samples((0, 10), (10, 35), (20, 40), (30, 75), (40, 80)))
    assert trend.growing


def test_flat_lag_with_one_spike_is_not_growing() -> None:
    trend = trend_of(samples((0, 100), (10, 100), (20, 100), (30, 100), (40, 400), (50, 100)))
    assert not trend.growing
