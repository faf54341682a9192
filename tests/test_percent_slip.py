"""The rule for a fraction typed into a percentage box (roi.percent_slip)."""

from __future__ import annotations

import pytest

from roi.percent_slip import slip_warning, slipped_in_row

HINT = "This box takes percentages: type"


@pytest.mark.parametrize(
    "path, value, previous, expected",
    [
        ("finance.discount_rate", 0.001, None, f"0.1% — did you mean 10%? {HINT} 10 for 10%."),
        ("review.review_share", 0.0025, 0.25, f"0.25% — did you mean 25%? {HINT} 25 for 25%."),
        ("costs.tools.0.seat_coverage", 0.009, 1.0, f"0.9% — did you mean 90%? {HINT} 90 for 90%."),
        ("baseline.change_failure_rate", 0.005, 0.02, None),  # 2% → 0.5%: an elite team, not a slip
        ("baseline.change_failure_rate", 0.005, None, None),
        ("finance.discount_rate", 0.0, 0.1, None),  # 0 is 0 either way: undiscounted
        ("finance.capture_factor", 0.01, 0.5, None),  # 1% is a percentage typed
        ("finance.capture_factor", None, 0.5, None),
    ],
)
def test_only_implausible_small_percentages_are_questioned(path, value, previous, expected):
    assert slip_warning(path, value, previous) == expected


@pytest.mark.parametrize(
    ("values", "slipped"),
    [
        ((0.041, 0.00085, None, None), [1]),  # 0.085 typed for 8.5% after adoption, beside 4.1% before
        ((0.0004, 0.05, 0.0003, 0.08), [0, 2]),  # several cells of the row
        ((0.004, 0.005, None, None), []),  # an elite team's 0.4% → 0.5%: nothing to compare with above 1%
        ((0.041, 0.00002, None, None), []),  # 100× is 0.2%, not near 4.1%
        ((None, 0.005, None, None), []),  # alone in its row
    ],
)
def test_a_fraction_in_a_row_of_percentages_is_found_beside_the_row_s_other_values(values, slipped):
    assert slipped_in_row(values) == slipped
