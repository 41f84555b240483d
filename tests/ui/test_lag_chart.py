"""The group page's ASCII lag chart and text cells (pure rendering, no app)."""

from __future__ import annotations

from kafkatui.cluster.models import LagEstimate
from kafkatui.ui.screens.groups import estimate_text
from kafkatui.ui.widgets.lag_chart import column_rows


def test_columns_scale_from_smallest_to_largest_newest_at_right() -> None:
    # 10 is one half cell (the minimum), 40 full height; the rest in between
    assert column_rows([10, 20, 30, 40], width=6, rows=2) == ["  .#  ", ".###  "]


def test_zero_is_a_baseline_and_equal_values_sit_at_half_height() -> None:
    assert column_rows([0, 0], width=2, rows=2) == ["  ", "__"]
    assert column_rows([5, 5], width=2, rows=2) == ["  ", "##"]


def test_only_the_last_width_samples_are_drawn() -> None:
    assert column_rows(list(range(1, 101)), width=10, rows=1)[0].endswith("#")
    assert len(column_rows(list(range(1, 101)), width=10, rows=1)[0]) == 10


def test_estimate_text_says_it_is_an_estimate() -> None:
    assert estimate_text(None) == "-"
    assert estimate_text(LagEstimate(0.0)) == "0s"
    assert estimate_text(LagEstimate(41.0)) == "~41s"
    assert estimate_text(LagEstimate(7200.0, at_least=True)) == ">=2h00m"
