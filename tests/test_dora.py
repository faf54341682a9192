"""The DORA 2024 reference tiers (METHODS §7): where a team's delivery metrics sit among them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roi import dora
from roi.formatting import NBSP
from roi.models import load_scenario
from roi.whatif import with_values
from tests.conftest import SCENARIOS

LEAD, DEPLOYS, CFR, RECOVERY = dora.REFERENCES


@pytest.mark.parametrize(
    ("reference", "value", "tier"),
    [
        # lead time [h]: Elite under a day, High 1 day to 1 week, Medium 1 week to 1 month, Low 1 to 6 months
        (LEAD, 23.9, "Elite"),
        (LEAD, 24.0, "High"),  # a range includes its faster end
        (LEAD, 167.9, "High"),
        (LEAD, 168.0, "Medium"),
        (LEAD, 730.4, "Medium"),  # a month = 365.25 / 12 days = 730.5 h
        (LEAD, 730.5, "Low"),
        (LEAD, 4382.9, "Low"),
        (LEAD, 4383.0, "slower than Low"),  # 6 months
        # deployments per week: several a day is Elite, daily to weekly High, weekly to monthly Medium …
        (DEPLOYS, 7.1, "Elite"),
        (DEPLOYS, 7.0, "High"),  # daily: High's faster end
        (DEPLOYS, 1.01, "High"),
        (DEPLOYS, 1.0, "Medium"),  # weekly: Medium's faster end
        (DEPLOYS, 0.23, "Medium"),  # a month is 4.348 weeks: monthly = 0.22998 a week
        (DEPLOYS, 0.2299, "Low"),
        (DEPLOYS, 0.0384, "Low"),  # every 6 months = 0.03833 a week
        (DEPLOYS, 0.0383, "rarer than Low"),
        (DEPLOYS, 0.0, "rarer than Low"),
        # change failure rate: published as single rates, Elite 5%, Medium 10%, High 20%, Low 40%
        (CFR, 0.0, "nearest Elite (5%)"),
        (CFR, 0.074, "nearest Elite (5%)"),
        (CFR, 0.076, "nearest Medium (10%)"),
        (CFR, 0.16, "nearest High (20%)"),
        (CFR, 0.31, "nearest Low (40%)"),
        (CFR, 1.0, "nearest Low (40%)"),
        # recovery [h]: Elite under an hour, High and Medium both under a day, Low 1 week to 1 month
        (RECOVERY, 0.5, "Elite"),
        (RECOVERY, 1.0, "High or Medium"),
        (RECOVERY, 23.9, "High or Medium"),
        (RECOVERY, 24.0, "between Medium and Low"),  # the report leaves 1 day to 1 week to no tier
        (RECOVERY, 168.0, "Low"),
        (RECOVERY, 731.0, "slower than Low"),
    ],
)
def test_a_value_is_placed_among_the_2024_tiers(reference, value, tier):
    assert dora.place(reference, value) == tier


def test_no_value_no_place():
    assert dora.place(LEAD, None) is None


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_a_slower_team_is_never_placed_in_a_faster_tier(faster, slower):
    """For every ranged metric, a shorter latency (more deployments) never sits in a slower tier."""
    faster, slower = sorted((faster, slower))
    for reference in (LEAD, RECOVERY):
        order = [tier for tier, _ in reference.bands]
        assert order.index(dora.place(reference, faster)) <= order.index(dora.place(reference, slower))
    order = [tier for tier, _ in DEPLOYS.bands]
    assert order.index(dora.place(DEPLOYS, slower)) <= order.index(dora.place(DEPLOYS, faster))


def test_the_demo_before_and_after_adoption():
    # The demo's measured values: lead time 29.6 h → 66.9 h (both 1 day to 1 week), 242 deployments over the
    # baseline's 25.948 weeks = 9.3 and 259 over the post period's 25.988 = 10.0 a week, change failure rate
    # 4.1% → 8.5%, recovery 1.6 h → 2.1 h.
    demo = load_scenario(SCENARIOS / "demo_org.json")
    table = dora.table(dora.placements(demo))
    assert list(table.index) == [
        "Change lead time", "Deployment frequency", "Change failure rate", "Failed deployment recovery time"
    ]
    assert table.to_dict("index")["Change lead time"] == {
        "Before": f"1.2{NBSP}days", "Tier before": "High", "After": f"2.8{NBSP}days", "Tier after": "High"
    }
    assert table.loc["Deployment frequency", "Before"] == f"9.3{NBSP}a{NBSP}week"
    assert table.loc["Change failure rate", "Tier before"] == "nearest Elite (5%)"
    assert table.loc["Change failure rate", "Tier after"] == "nearest Medium (10%)"
    assert table.loc["Failed deployment recovery time", "After"] == f"2.1{NBSP}h"


def test_only_the_metrics_given_are_placed(worked_example):
    assert dora.placements(worked_example) == []  # the worked example has no delivery metrics
    one = with_values(worked_example, {"baseline.lead_time_hours": 30.0})
    (placed,) = dora.placements(one)
    assert (placed.before_tier, placed.after_tier) == ("High", None)
    assert dora.table([placed]).loc["Change lead time", "After"] == dora.NOT_GIVEN.replace(" ", NBSP)


def test_the_published_tiers_are_labelled_2024_reference():
    assert dora.REFERENCE_LABEL == "2024 reference"
    published = dora.reference_table()
    assert list(published.columns) == ["Elite", "High", "Medium", "Low"]
    assert published.loc["Change failure rate"].tolist() == ["5%", "20%", "10%", "40%"]
    assert published.loc["Change lead time", "Low"] == "1 to 6 months"


def test_the_verdicts_delivery_point_names_only_the_metrics_given_for_both_periods(worked_example):
    both = with_values(worked_example, {
        "baseline.lead_time_hours": 30.0, "post.lead_time_hours": 60.0,  # 30.0 h → 2.5 days: one unit, days
        "baseline.change_failure_rate": 0.1,  # before adoption only: not a change
    })
    assert dora.delivery_point(dora.placements(both)) == (
        "Delivery (DORA) got worse. Worse: lead time 1.2 days → 2.5 days.")
    only_before = with_values(worked_example, {"baseline.change_failure_rate": 0.1})
    assert dora.delivery_point(dora.placements(only_before)) is None


def test_deployment_frequency_is_placed_per_calendar_week():
    """The scenario's rates are per working week (× 52.18 / W of the measured calendar rate); DORA's tiers count
    calendar time.  A team deploying every weekday (5 a calendar week) has 5.67 per working week at W = 46, and
    7.5 per working week is 6.61 a calendar week: High ("daily to weekly"), not Elite (over 7 a week)."""
    assert dora.calendar_rate(5 * (365.25 / 7) / 46, 46) == pytest.approx(5.0)
    assert dora.calendar_rate(None, 46) is None
    demo = load_scenario(SCENARIOS / "demo_org.json")
    fast = demo.model_copy(update={"baseline": demo.baseline.model_copy(update={"deployments_per_week": 7.5})})
    frequency = next(p for p in dora.placements(fast) if p.reference.metric == "deployments_per_week")
    assert frequency.before == pytest.approx(7.5 * 46 / (365.25 / 7)) and frequency.before_tier == "High"


def test_the_verdicts_delivery_point_sorts_the_metrics_by_where_they_moved(worked_example):
    def point(values):
        return dora.delivery_point(dora.placements(with_values(worked_example, values)))

    assert point({}) is None  # no DORA metric for both periods
    assert point({"baseline.lead_time_hours": 48.0, "post.lead_time_hours": 24.0,
                  "baseline.change_failure_rate": 0.1, "post.change_failure_rate": 0.08}) == (
        "Delivery (DORA) improved. Better: lead time 2.0 days → 1.0 days and change failure rate 10.0% → "
        "8.0%.")
    # 48 → 50 h is 4%: within 5%, unchanged; a recovery time given after adoption only is left out.
    assert point({"baseline.lead_time_hours": 48.0, "post.lead_time_hours": 50.0,
                  "post.recovery_hours": 3.0}) == (
        "Delivery (DORA) did not change. Unchanged: lead time 2.0 days → 2.1 days.")
    assert point({"baseline.lead_time_hours": 24.0, "post.lead_time_hours": 48.0}) == (
        "Delivery (DORA) got worse. Worse: lead time 1.0 days → 2.0 days.")
