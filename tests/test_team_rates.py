"""Deployments per week are the team's: measured on the developers the exports counted, used with another n.

Hand values, from the demo organisation's measured periods (sample_data/scenarios/demo_org.json, 120 developers):
D0·CFR0·M0 = 10.5790 × 0.041322 × 1.63806 = 0.71608 h/week, D1·CFR1·M1 = 11.3049 × 0.084942 × 2.13708 = 2.05215;
D0·RW0 = 0.131145, D1·RW1 = 0.218241 rework deployments/week. The team's extra incident and rework hours
(2.05215 − 0.71608) × 2 responders + (0.218241 − 0.131145) × 4 h = 3.02054 h/week, so ΔI = 3.02054 / n:
0.025171 h at 120 developers, 3.02054 h at 1. N = 4.19056 h at 120 (QAPI 1 + 4.19056/30 = 1.13969); at 1,
N = 4.19056 + 0.025171 − 3.02054 = 1.19519 h (QAPI 1.03984).
"""

from __future__ import annotations

import pytest

from roi.engine import compute
from roi.errors import ScenarioError
from roi.models import load_scenario, scenario_from_dict
from roi.team_rates import deployments_caveat, deployments_mismatch, with_deployments_scaled
from roi.whatif import with_value, with_values
from tests.conftest import SCENARIOS

# 242 deployments over the baseline's 25.948 weeks (2024-09-02 08:44 to the adoption instant), × (365.25 / 7) / 46.
D0, D1 = 10.579023063977655, 11.304860854881406


@pytest.fixture(scope="module")
def demo():
    return load_scenario(SCENARIOS / "demo_org.json")


def test_no_mismatch_at_the_count_the_exports_made_or_without_measured_deployments(demo, worked_example):
    assert deployments_mismatch(demo) is None  # 120 in scope, 120 counted
    assert deployments_mismatch(with_value(worked_example, "team.developers", 3)) is None  # not measured
    kept = demo.model_copy(update={"measurement": demo.measurement.model_copy(
        update={"kept_from_base": ["deployments_per_week"]})})
    assert deployments_mismatch(with_value(kept, "team.developers", 1)) is None  # the base scenario's value
    # No failure or rework term counts (no change failure or rework rate after adoption): D changes nothing.
    unused = with_values(demo, {"post.change_failure_rate": None, "post.rework_rate": None, "team.developers": 1})
    assert deployments_mismatch(unused) is None


def test_one_developer_carries_the_incidents_of_the_120_measured(demo):
    found = deployments_mismatch(with_value(demo, "team.developers", 1))
    assert found is not None
    assert (found.developers, found.measured_on, found.factor) == (1, 120, pytest.approx(1 / 120))
    assert (found.baseline, found.post) == (D0, D1)  # the numbers the user has are not changed
    assert found.incident_hours == pytest.approx(3.02054, abs=1e-5)
    assert found.scaled_incident_hours == pytest.approx(0.025171, abs=1e-6)
    assert found.qapi == pytest.approx(1.03984, abs=1e-5)
    assert found.scaled_qapi == pytest.approx(1.13969, abs=1e-5)
    three = deployments_mismatch(with_value(demo, "team.developers", 3))
    assert three.incident_hours == pytest.approx(3.02054 / 3, abs=1e-5)


def test_the_caveat_names_both_counts_the_hours_and_the_fixes(demo):
    one = with_value(demo, "team.developers", 1)
    # D × 1/120: 10.5790 / 120 = 0.0882, 11.3049 / 120 = 0.0942.
    assert deployments_caveat(one) == (
        "The deployments per week (10.6 before, 11.3 after adoption, a working week) are the team's, measured on "
        "the 120 developers the exports counted, but the scenario has 1 developer in scope. Incidents (ΔI) divide "
        "the team's extra incident and rework hours by the developers in scope, so the incidents of 120 developers "
        "fall on 1: 3.02 h per developer-week instead of 0.03 h, and the quality-adjusted gain is +4.0% instead of "
        "+14.0%. If this scenario covers 1 of the 120 developers, scale the deployments to 1 developer on the "
        "Productivity page (× 1/120: 0.0882 before, 0.0942 after adoption); otherwise set “Developers in scope (n)” "
        "(ROI & risk → Team) back to 120."
    )
    assert "with the button below (× 1/120" in deployments_caveat(one, here=True)
    # 240: 3.02054 / 240 = 0.0126 h; QAPI moves by 0.0126/30 = 0.04 point, not shown at 0.1 point.
    more = deployments_caveat(with_value(demo, "team.developers", 240))
    assert "the incidents of 120 developers are spread over 240: 0.01 h per developer-week instead of 0.03 h. " \
        "If the 240 developers deploy as often per developer as the 120 developers, scale" in more
    assert deployments_caveat(demo) is None


def test_scaling_is_explicit_and_keeps_the_measured_incident_hours_per_developer(demo):
    one = with_value(demo, "team.developers", 1)
    with_range = with_value(one, "uncertainty.ranges.post.deployments_per_week", [6.0, D1, 18.0])
    scaled = with_deployments_scaled(with_range)
    assert scaled.baseline.deployments_per_week == pytest.approx(D0 / 120)  # 0.088159
    assert scaled.post.deployments_per_week == pytest.approx(D1 / 120)  # 0.094207
    assert scaled.uncertainty.ranges["post.deployments_per_week"] == pytest.approx((0.05, D1 / 120, 0.15))
    assert scaled.measurement.deployments_developers == 1
    assert scaled.measurement.counted["team.developers"] == 120  # what the exports counted stays
    assert deployments_mismatch(scaled) is None and deployments_caveat(scaled) is None
    assert compute(scaled).productivity.incident_hours == pytest.approx(0.025171, abs=1e-6)
    assert compute(scaled).productivity.qapi == pytest.approx(1.13969, abs=1e-5)
    with pytest.raises(ScenarioError, match="need no scaling: they describe the developers in scope"):
        with_deployments_scaled(scaled)
    # Back to 120: the warning says the deployments were scaled to 1; scaling × 120 restores the measurement.
    back = with_value(scaled, "team.developers", 120)
    assert "are the team's, scaled to 1 developer, but the scenario has 120 developers" in deployments_caveat(back)
    restored = with_deployments_scaled(back)
    assert restored.baseline.deployments_per_week == pytest.approx(D0)
    assert restored.measurement.deployments_developers is None


def test_the_scaled_basis_is_saved_and_checked(demo):
    scaled = with_deployments_scaled(with_value(demo, "team.developers", 3))
    data = scaled.model_dump(mode="json")
    assert data["measurement"]["deployments_developers"] == 3
    assert scenario_from_dict(data) == scaled  # a saved file opens as it was
    data["measurement"]["deployments_developers"] = 0
    with pytest.raises(ScenarioError, match="deployments_developers"):
        scenario_from_dict(data)


def test_the_workbook_and_the_assumptions_say_the_deployments_were_scaled(demo):
    from roi.export.assumptions import all_assumptions, source_of

    scaled = with_deployments_scaled(with_value(demo, "team.developers", 3))
    (item,) = [a for a in all_assumptions(scaled) if a.path == "post.deployments_per_week"]
    assert source_of(scaled, item).endswith("(adoption 2025-03-03), scaled from the 120 developers counted to 3 "
                                            "(× 3/120)")
    (item,) = [a for a in all_assumptions(demo) if a.path == "post.deployments_per_week"]
    assert source_of(demo, item).endswith("(adoption 2025-03-03)")
