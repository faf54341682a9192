"""The rule for a fraction typed into a percentage box (roi.percent_slip)."""

from __future__ import annotations

import pytest

from roi.percent_slip import slip_warning

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
