"""Figures the pages show beside the engine's results, computed in the engine: the before/after table of the
Productivity page, the Summary's "points vs output", the ROI & risk page's net by year, idle-seat total and
break-even shortfall. Expected values by hand from the worked example (METHODS §5)."""

from __future__ import annotations

import pytest

from roi.engine import compute
from roi.period_changes import period_changes
from roi.verdict import break_even_shortfall
from roi.whatif import with_value


@pytest.fixture(scope="module")
def results(worked_example):
    return compute(worked_example)


def test_before_and_after_adoption_of_the_worked_example(worked_example, results):
    found = {c.measure: (c.before, c.after, c.change) for c in period_changes(worked_example, results.review)}
    assert list(found) == ["tasks_per_dev_week", "prs_per_dev_week", "pr_size_loc", "review_effort_hours",
                           "bugs_per_dev_week", "bugs_per_task"]
    expected = {
        "tasks_per_dev_week": (4.0, 4.84, 0.21),  # 4.84 / 4 − 1
        "prs_per_dev_week": (3.0, 5.94, 0.98),
        "pr_size_loc": (150, 381, 1.54),
        "review_effort_hours": (0.625, 1.2025, 0.924),  # 0.25 h + 150 / 400; 0.25 + 381 / 400
        "bugs_per_dev_week": (0.5, 0.545, 0.09),
        # +9% bugs per developer is −9.9% per task (docs/methodology.md §1, "Denominators").
        "bugs_per_task": (0.125, 0.545 / 4.84, (0.545 / 4.84) / 0.125 - 1),
    }
    for measure, values in expected.items():
        assert found[measure] == pytest.approx(values, rel=1e-12), measure
    assert found["bugs_per_task"][2] == pytest.approx(-0.0992, abs=1e-4)


def test_no_relative_change_from_no_bugs(worked_example, results):
    scenario = with_value(worked_example, "baseline.bugs_per_dev_week", 0.0)
    changes = {c.measure: c for c in period_changes(scenario, compute(scenario).review)}
    assert changes["bugs_per_dev_week"].change is None and changes["bugs_per_task"].change is None
    assert changes["bugs_per_task"].after == pytest.approx(0.545 / 4.84)


def test_points_that_quality_takes_off_the_output_gain(results):
    # QAPI 1.028405 (N 0.85215 h of 30 delivery hours), g = +21%: 2.84% − 21% = −18.16 points.
    assert results.productivity.quality_adjustment == pytest.approx(0.028405 - 0.21, rel=1e-9)


def test_net_cash_flow_and_idle_seats_over_the_horizon(results):
    f = results.finance
    assert f.net_by_year == pytest.approx([b - c for b, c in zip(f.benefits_by_year, f.costs_by_year)], rel=1e-12)
    # Year 0 is the set-up cost alone; year 1 loses 1,366.21: 49,719.88 of benefits against 51,086.09 of costs.
    assert f.net_by_year[:2] == pytest.approx([-25_432.0, 49_719.88476 - 51_086.09], rel=1e-9)
    # 15 idle seats at $39 for 12 months in year 1 (70% of 50 adopt), 5 in years 2 and 3 (90%).
    assert f.idle_seat_cost == pytest.approx(7_020 + 2_340 + 2_340)


def test_break_even_shortfall(worked_example, results):
    # Break-even N* = 0.901736 h against N = 0.85215 h: 0.04959 h short.
    assert break_even_shortfall(results) == pytest.approx(0.9017356797 - 0.85215, rel=1e-8)
    cheaper = compute(with_value(worked_example, "finance.capture_factor", 1.0))
    assert break_even_shortfall(cheaper) < 0  # capturing all of N clears it
    free = compute(with_value(worked_example, "finance.capture_factor", 0.0))
    assert free.finance.break_even_net_hours is None and break_even_shortfall(free) is None
