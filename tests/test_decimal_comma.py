"""A decimal comma read as a thousands separator ("90,60" → 9,060): questioned beside the box, kept as typed."""

from __future__ import annotations

import pytest

from roi.decimal_comma import comma_warning
from tests.conftest import metric_value

PAGE = "pages/finance.py"


@pytest.mark.parametrize(
    ("value", "previous", "times"),
    [(9060.0, 90.6, "100"), (1950.0, 39.0, "50"), (45.0, 4.0, "11"), (400.0, 40.0, "10")],
)
def test_a_whole_number_ten_times_the_earlier_value_is_questioned(value, previous, times):
    warning = comma_warning(value, previous)
    assert warning is not None and warning.startswith(f"{value:,.2f} is {times} times the earlier {previous:,.2f}.")
    assert "type a decimal point (90.60)" in warning


@pytest.mark.parametrize(
    ("value", "previous"),
    [
        (90.6, 9.06),  # a decimal point kept its decimals: typed as meant
        (399.0, 40.0),  # under ten times
        (9060.0, 0.0),  # nothing to compare with
        (9060.0, None),
        (None, 90.6),  # an emptied box is another message
        (9.0, 90.6),  # smaller
    ],
)
def test_other_changes_are_not_questioned(value, previous):
    assert comma_warning(value, previous) is None


def test_a_loaded_cost_typed_with_a_decimal_comma_is_kept_and_questioned(open_app, worked_example):
    at = open_app(page=PAGE, scenario=worked_example)
    box = at.number_input(key="finance_loaded_cost_per_hour")
    assert box.value == pytest.approx(90.6)
    npv = metric_value(at, "Net present value")
    box.set_value(9060.0).run()  # what the browser's box sends for "90,60"
    assert at.session_state["scenario"].team.loaded_cost_per_hour == 9060.0  # kept: a big change can be meant
    (warning,) = [w.value for w in at.warning if "decimal comma" in w.value]
    assert warning.startswith("9,060.00 is 100 times the earlier 90.60.")
    assert metric_value(at, "Net present value") != npv
    at.number_input(key="finance_loaded_cost_per_hour").set_value(90.6).run()  # corrected: the question goes
    assert not [w for w in at.warning if "decimal comma" in w.value]
    at.number_input(key="finance_discount_rate").set_value(80.0).run()  # a percentage 8× is not a comma
    assert not [w for w in at.warning if "decimal comma" in w.value]
