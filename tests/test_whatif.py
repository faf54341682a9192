"""roi.whatif: scenario edits, the PR size cap, the review curve and pooled vs per-team review."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from roi.engine import compute, compute_productivity, compute_review
from roi.errors import ScenarioError
from roi.models import MAX_TOOLS, Scenario, Tool, field_limits
from roi.whatif import (
    adoption_set_aside,
    apply_finding,
    review_curve,
    team_pools,
    with_horizon,
    with_assumption,
    with_pr_size_limit,
    with_tool_added,
    with_tool_removed,
    with_tool_renamed,
    with_value,
    with_values,
)
from tests.strategies import scenarios


CURSOR = Tool(name="Cursor Business", price_per_seat_month=20.0)


class TestTools:
    def test_a_second_tool_costs_its_seats_and_nothing_else(self, worked_example):
        both = with_tool_added(worked_example, CURSOR)
        assert [t.name for t in both.costs.tools] == ["GitHub Copilot Enterprise", "Cursor Business"]
        assert (both.costs.tools[1].usage_per_dev_month, both.costs.tools[1].seat_coverage) == (0.0, 1.0)
        assert both.uncertainty == worked_example.uncertainty  # the ranges are keyed by position: untouched
        # By hand: 50 seats × $20 × 12 months × (1 + 10% cost risk) = $13,200 a year in years 1..3, discounted
        # at 10%: 13,200 × (1/1.1 + 1/1.1² + 1/1.1³) = $32,826.45 less NPV than METHODS §5's −$8,499.02.
        extra = 13_200 * (1 / 1.1 + 1 / 1.1**2 + 1 / 1.1**3)
        assert extra == pytest.approx(32_826.45, abs=0.01)
        before, after = compute(worked_example).finance, compute(both).finance
        assert before.npv == pytest.approx(-8_499.02, abs=0.01)
        assert after.npv == pytest.approx(before.npv - extra, abs=1e-6)
        assert after.benefits_by_year == before.benefits_by_year

    def test_fields_are_validated_and_named(self, worked_example):
        added = with_tool_added(worked_example, {"name": "  Cursor Business ", "price_per_seat_month": 20})
        assert added == with_tool_added(worked_example, CURSOR)  # the name is stripped
        with pytest.raises(ScenarioError) as caught:
            with_tool_added(worked_example, {"name": "Cursor", "price_per_seat_month": -1})
        assert caught.value.field == "costs.tools.1.price_per_seat_month"
        with pytest.raises(ScenarioError) as caught:
            with_tool_added(worked_example, {"name": " ", "price_per_seat_month": 20})
        assert (caught.value.field, caught.value.message) == (
            "costs.tools.1.name", "give the tool a name (e.g. 'Cursor Business')"
        )
        with pytest.raises(ScenarioError) as caught:  # a double-clicked "Add" must not price the seats twice
            with_tool_added(worked_example, {"name": "github copilot enterprise", "price_per_seat_month": 39})
        assert "already prices a tool named 'GitHub Copilot Enterprise' (tool 1)" in caught.value.message

    def test_at_most_max_tools(self, worked_example):
        many = worked_example
        for k in range(MAX_TOOLS - 1):
            many = with_tool_added(many, {"name": f"Tool {k}", "price_per_seat_month": 1})
        with pytest.raises(ScenarioError, match=f"at most {MAX_TOOLS} tools"):
            with_tool_added(many, CURSOR)

    def test_removal_restores_the_original_exactly(self, worked_example):
        both = with_tool_added(worked_example, CURSOR)
        assert with_tool_removed(both, 1) == worked_example
        assert with_tool_removed(both, 1).model_dump_json() == worked_example.model_dump_json()
        assert compute(with_tool_removed(both, 1)).finance.npv == compute(worked_example).finance.npv

    def test_removal_drops_the_tools_ranges_and_renumbers_the_later_ones(self, worked_example):
        three = with_tool_added(with_tool_added(worked_example, CURSOR), {"name": "Claude Code", "price_per_seat_month": 100})
        ranged = with_values(
            three,
            {
                "uncertainty.ranges.costs.tools.0.seat_coverage": [0.8, 1.0, 1.0],
                "uncertainty.ranges.costs.tools.1.price_per_seat_month": [16, 20, 40],
                "uncertainty.ranges.costs.tools.2.usage_per_dev_month": [0, 0, 50],
            },
        )
        removed = with_tool_removed(ranged, 1)
        assert [t.name for t in removed.costs.tools] == ["GitHub Copilot Enterprise", "Claude Code"]
        tool_ranges = {k: v for k, v in removed.uncertainty.ranges.items() if k.startswith("costs.tools.")}
        assert tool_ranges == {
            "costs.tools.0.seat_coverage": (0.8, 1.0, 1.0),
            "costs.tools.1.usage_per_dev_month": (0.0, 0.0, 50.0),  # Claude Code's, now tool 2
        }
        expected = with_values(
            with_tool_added(worked_example, {"name": "Claude Code", "price_per_seat_month": 100}),
            {
                "uncertainty.ranges.costs.tools.0.seat_coverage": [0.8, 1.0, 1.0],
                "uncertainty.ranges.costs.tools.1.usage_per_dev_month": [0, 0, 50],
            },
        )
        assert removed == expected

    def test_the_last_tool_can_go_and_then_no_licence_is_priced(self, worked_example):
        ranged = with_value(worked_example, "uncertainty.ranges.costs.tools.0.price_per_seat_month", [19, 39, 60])
        none = with_tool_removed(ranged, 0)
        assert none.costs.tools == []
        assert "costs.tools.0.price_per_seat_month" not in none.uncertainty.ranges
        # Costs are then governance only (0.1 FTE × $188,419 × 1.1 = $20,726.09 a year), set-up unchanged.
        costs = compute(none).finance.costs_by_year
        assert costs[0] == compute(worked_example).finance.costs_by_year[0]
        assert costs[1:] == pytest.approx([20_726.09] * 3, abs=0.01)
        with pytest.raises(ScenarioError, match="there is no tool 1"):
            with_tool_removed(none, 0)

    def test_rename(self, worked_example):
        both = with_tool_added(worked_example, CURSOR)
        assert with_tool_renamed(both, 1, " Cursor Pro ").costs.tools[1].name == "Cursor Pro"
        assert with_tool_renamed(both, 1, "cursor business").costs.tools[1].name == "cursor business"  # itself
        with pytest.raises(ScenarioError, match="already prices a tool named 'Cursor Business' \\(tool 2\\)"):
            with_tool_renamed(both, 0, "Cursor Business")
        with pytest.raises(ScenarioError) as caught:
            with_tool_renamed(both, 0, "")
        assert caught.value.field == "costs.tools.0.name"


class TestWithValues:
    def test_sets_nested_fields_and_list_items(self, worked_example):
        edited = with_values(
            worked_example,
            {
                "review.reviewers": 30,
                "costs.tools.0.price_per_seat_month": 19,
                "finance.adoption_by_year.0": 0.5,
            },
        )
        assert edited.review.reviewers == 30
        assert edited.costs.tools[0].price_per_seat_month == 19
        assert edited.finance.adoption_by_year == [0.5, 0.9, 0.9]
        assert worked_example.review.reviewers == 17  # the original is untouched (frozen)

    def test_breaking_a_rule_names_the_field(self, worked_example):
        with pytest.raises(ScenarioError) as caught:
            with_value(worked_example, "team.delivery_hours_per_week", 50)
        assert caught.value.describe() == (
            "field 'team': delivery_hours_per_week cannot exceed hours_per_week (50 > 40); lower "
            "delivery_hours_per_week to at most 40 or raise hours_per_week to at least 50"
        )

    def test_out_of_range_names_the_field(self, worked_example):
        with pytest.raises(ScenarioError) as caught:
            with_value(worked_example, "review.reviewers", 0)
        assert caught.value.field == "review.reviewers"
        assert caught.value.describe().startswith("field 'review.reviewers': ")

    def test_unknown_path(self, worked_example):
        with pytest.raises(ScenarioError) as caught:
            with_value(worked_example, "review.speed", 3)
        assert caught.value.field == "review.speed"

    def test_horizon_resizes_adoption(self, worked_example):
        assert with_horizon(worked_example, 5).finance.adoption_by_year == [0.7, 0.9, 0.9, 0.9, 0.9]
        assert with_horizon(worked_example, 2).finance.adoption_by_year == [0.7, 0.9]
        assert compute(with_horizon(worked_example, 5)).finance.costs_by_year[5] == pytest.approx(52406.09)

    def test_a_longer_horizon_takes_the_remembered_shares_first(self, worked_example):
        one_year = with_horizon(worked_example, 1)
        assert one_year.finance.adoption_by_year == [0.7]
        # The years a shorter horizon cut off come back, then the last of them repeats.
        assert with_horizon(one_year, 3, (0.9, 0.9)) == worked_example
        assert with_horizon(one_year, 5, (0.8, 0.95)).finance.adoption_by_year == [0.7, 0.8, 0.95, 0.95, 0.95]
        assert with_horizon(one_year, 2, (0.8, 0.95)).finance.adoption_by_year == [0.7, 0.8]  # as many as needed
        assert with_horizon(one_year, 3).finance.adoption_by_year == [0.7, 0.7, 0.7]  # nothing remembered
        # Shorter, they are not used: the horizon cuts the scenario's own shares.
        assert with_horizon(worked_example, 2, (0.5,)).finance.adoption_by_year == [0.7, 0.9]
        # What a horizon leaves aside: the scenario's later years, then the remembered ones.
        assert adoption_set_aside(worked_example, 1) == (0.9, 0.9)
        assert adoption_set_aside(one_year, 1, (0.8, 0.95)) == (0.8, 0.95)
        assert adoption_set_aside(worked_example, 5) == ()

    def test_a_range_over_a_year_cut_off_is_dropped(self, worked_example):
        ranged = with_value(worked_example, "uncertainty.ranges.finance.adoption_by_year.2", [0.8, 0.9, 1.0])
        shorter = with_horizon(ranged, 2)  # refused before: the range named a year the scenario no longer had
        assert "finance.adoption_by_year.2" not in shorter.uncertainty.ranges
        assert shorter.uncertainty.ranges == worked_example.uncertainty.ranges
        assert with_horizon(ranged, 3) == ranged  # kept while its year is


class TestPrSizeLimit:
    def test_methods_vector(self, worked_example):
        # METHODS §5: PR size held to +25% (L1 = 187.5) → N = 3.726 h, QAPI 1.124.
        result = compute_productivity(with_pr_size_limit(worked_example, 187.5))
        assert result.net_hours == pytest.approx(6.3 - (5.94 * 0.71875 - 3 * 0.625) - 0.18)  # 3.725625
        assert result.qapi == pytest.approx(1 + 3.725625 / 30)

    def test_limit_above_size_changes_nothing(self, worked_example):
        assert with_pr_size_limit(worked_example, 1000) == worked_example

    def test_limit_must_be_positive(self, worked_example):
        with pytest.raises(ScenarioError):
            with_pr_size_limit(worked_example, 0)


class TestReviewCurve:
    def test_matches_reviewers_needed(self, worked_example):
        curve = review_curve(worked_example)
        # a = 35.71 (METHODS §5: post ρ = 2.101 with 17 reviewers): stable from 36 reviewers.
        assert curve.loc[curve["stable"], "reviewers"].min() == 36
        assert curve.loc[~curve["stable"], "wait_hours"].isna().all()
        wait = dict(zip(curve["reviewers"], curve["wait_hours"], strict=True))
        assert wait[37] <= 4.0 < wait[36]  # reviewers needed for Wq ≤ 4 h is 37
        assert curve["reviewers"].max() >= 37
        assert curve.loc[curve["reviewers"] == 17, "utilization"].item() == pytest.approx(2.1008382, rel=1e-6)


def _pool_scenario(reviewers: int) -> Scenario:
    """λ = 40·5/40 = 5 PRs/h; E = 0.25 + 300/400 = 1 h; f = 1 → μ = 1/h, a = 5; ca² = cs² = 1 (M/M/c)."""
    return Scenario.model_validate(
        {
            "team": {"developers": 40},
            "baseline": {"tasks_per_dev_week": 4, "prs_per_dev_week": 4, "pr_size_loc": 300},
            "post": {"tasks_per_dev_week": 4, "prs_per_dev_week": 5, "pr_size_loc": 300},
            "review": {
                "reviewers": reviewers,
                "review_share": 1.0,
                "loc_per_hour": 400,
                "arrival_cv2": 1.0,
                "service_cv2": 1.0,
                "target_wait_hours": 1.0,
            },
        }
    )


class TestTeamPools:
    def test_hand_computed_split(self):
        # Two teams of 3 reviewers, λ = 2.5/h each, a = 2.5: C(3, 2.5) = 0.702247 (METHODS §2),
        # Wq = C / (μ(c − a)) = 0.702247 / 0.5 = 1.404494 h.
        split = team_pools(_pool_scenario(6), 2)
        assert split.reviewers_per_team == (3, 3)
        assert split.mean_wait_hours == pytest.approx(1.404494, abs=1e-6)
        pooled = team_pools(_pool_scenario(6), 1)
        assert pooled.mean_wait_hours < split.mean_wait_hours

    def test_one_team_is_the_pooled_queue(self, worked_example):
        assert team_pools(worked_example, 1).pools[0] == compute_review(worked_example).post
        assert team_pools(worked_example, 1).reviewers_needed == 37

    def test_uneven_split_and_unstable(self, worked_example):
        split = team_pools(worked_example, 3)
        assert split.reviewers_per_team == (6, 6, 5)
        assert not split.stable and split.mean_wait_hours is None

    def test_too_many_teams(self, worked_example):
        with pytest.raises(ScenarioError) as caught:
            team_pools(worked_example, 18)
        assert "17 reviewers cannot staff 18 separate teams" in caught.value.message

    @pytest.mark.parametrize(("reviewers", "message"), [
        (1, "1 reviewer cannot staff 2 separate teams; use at most 1 team or add reviewers"),
        (2, "2 reviewers cannot staff 3 separate teams; use at most 2 teams or add reviewers"),
    ])
    def test_too_many_teams_for_a_pool_of_one(self, worked_example, reviewers, message):
        with pytest.raises(ScenarioError) as caught:
            team_pools(with_value(worked_example, "review.reviewers", reviewers), reviewers + 1)
        assert caught.value.message == message

    @given(reviewers=st.integers(6, 60), teams=st.integers(2, 6))
    def test_pooling_never_waits_longer(self, reviewers, teams):
        assume(teams <= reviewers)
        scenario = _pool_scenario(reviewers)
        split, pooled = team_pools(scenario, teams), team_pools(scenario, 1)
        assert pooled.reviewers_needed <= split.reviewers_needed
        if split.stable:
            assert pooled.stable
            assert pooled.mean_wait_hours <= split.mean_wait_hours + 1e-12


def test_curve_waits_fall_with_more_reviewers(worked_example):
    waits = review_curve(worked_example)["wait_hours"].dropna().to_numpy()
    assert np.all(np.diff(waits) < 0)
    assert math.isfinite(waits[-1])


@pytest.fixture(scope="module")
def presets():
    from roi.models import load_scenario
    from tests.conftest import SCENARIOS

    return {
        name: load_scenario(SCENARIOS / f"{name}.json")
        for name in ("faros_paradox_2025", "cui_field_rcts", "dora_2024", "metr_2025")
    }


class TestApplyFinding:
    """A preset's post / baseline ratios applied to this scenario's own baseline."""

    def test_faros_on_the_worked_example_changes_no_result(self, worked_example, presets):
        # The worked example is the Faros ratios on 50 developers (METHODS §5).
        applied = apply_finding(worked_example, presets["faros_paradox_2025"])
        assert applied.post.tasks_per_dev_week == pytest.approx(4.84)
        assert applied.post.prs_per_dev_week == pytest.approx(5.94)
        assert applied.post.pr_size_loc == pytest.approx(381)
        assert applied.post.bugs_per_dev_week == pytest.approx(0.545)
        assert applied.team == worked_example.team and applied.costs == worked_example.costs
        assert compute(applied).finance.npv == pytest.approx(-8499.02, abs=0.01)
        assert "Faros AI Productivity Paradox" in applied.notes
        # Its own name, then the study's (the Compare page listed both under one name).
        assert applied.name == "Faros-style shock, 50 developers · with the finding of Faros AI Productivity Paradox (2025)"
        again = apply_finding(applied, presets["metr_2025"])  # another finding replaces it
        assert again.name == "Faros-style shock, 50 developers · with the finding of METR 2025 RCT"
        long = apply_finding(worked_example.model_copy(update={"name": "x" * 200}), presets["dora_2024"])
        assert len(long.name) == 200 and long.name.endswith("x · with the finding of DORA 2024")

    def test_a_finding_on_a_measured_baseline_is_no_longer_called_measured(self, presets):
        from tests.conftest import SCENARIOS
        from roi.models import load_scenario

        demo = load_scenario(SCENARIOS / "demo_org.json")
        applied = apply_finding(demo, presets["faros_paradox_2025"])
        assert applied.measurement is None  # CONTRACT: present only when the periods were measured
        assert applied.baseline == demo.baseline  # the measured baseline itself stays
        assert demo.post.review_hours is not None and applied.post.review_hours is None  # no longer observed
        # Faros reports no delivery change: the demo's measured lead time (29.6 h → 66.9 h) is not the finding's.
        assert applied.post.lead_time_hours == demo.baseline.lead_time_hours
        assert applied.post.deployments_per_week == demo.baseline.deployments_per_week
        assert applied.notes.endswith(
            f"Baseline measured from {len(demo.measurement.sources)} export(s) (AI adopted 2025-03-03); "
            f"post-adoption change from the preset '{presets['faros_paradox_2025'].name}'.")

    def test_relative_ranges_follow_the_preset(self, worked_example, presets):
        applied = apply_finding(worked_example, presets["cui_field_rcts"])
        assert applied.post.tasks_per_dev_week == pytest.approx(4.0 * 1.261)
        assert applied.post.pr_size_loc == pytest.approx(150)  # Cui reports no size change
        ranges = applied.uncertainty.ranges
        assert ranges["productivity_uplift"] == (0.111, 0.261, 0.411)
        assert "pr_size_growth" not in ranges  # the worked example's +154% range would contradict it
        assert ranges["review.loc_per_hour"] == (250, 400, 800)  # the user's own assumption stays
        assert applied.uncertainty.draws == worked_example.uncertainty.draws

    def test_delivery_metrics_only_where_the_baseline_has_them(self, worked_example, presets):
        # The worked example has no deployment data: DORA's stability change cannot apply to it.
        applied = apply_finding(worked_example, presets["dora_2024"])
        assert applied.post.change_failure_rate is None
        assert applied.post.tasks_per_dev_week == pytest.approx(4.0 * 0.985)
        with_deploys = with_values(
            worked_example,
            {
                "baseline.deployments_per_week": 5,
                "baseline.change_failure_rate": 0.2,
                "baseline.recovery_hours": 6,
                "post.deployments_per_week": 5,
                "post.change_failure_rate": 0.2,
                "post.recovery_hours": 6,
            },
        )
        applied = apply_finding(with_deploys, presets["dora_2024"])
        assert applied.post.change_failure_rate == pytest.approx(0.2 * 1.072)


def test_npv_at_likely(worked_example):
    from roi.whatif import npv_at_likely

    # The worked example's likely values are its own inputs: NPV −8,499.02 (METHODS §5).
    assert npv_at_likely(worked_example) == pytest.approx(-8499.02, abs=0.01)
    shifted = with_value(worked_example, "uncertainty.ranges.finance.capture_factor", [0.3, 0.6, 0.8])
    assert npv_at_likely(shifted) > npv_at_likely(worked_example)  # more captured value at the likely point
    assert npv_at_likely(with_value(worked_example, "uncertainty", None)) == pytest.approx(-8499.02, abs=0.01)


class TestRanges:
    def test_set_drop_and_create(self, worked_example):
        edited = with_value(worked_example, "uncertainty.ranges.review.loc_per_hour", [300, 400, 600])
        assert edited.uncertainty.ranges["review.loc_per_hour"] == (300, 400, 600)
        dropped = with_value(edited, "uncertainty.ranges.review.loc_per_hour", None)
        assert "review.loc_per_hour" not in dropped.uncertainty.ranges
        bare = with_value(worked_example, "uncertainty", None)
        created = with_value(bare, "uncertainty.ranges.productivity_uplift", [0.0, 0.1, 0.3])
        assert created.uncertainty.ranges == {"productivity_uplift": (0.0, 0.1, 0.3)}
        assert created.uncertainty.draws == 20000  # defaults for the rest

    def test_bad_range_names_the_key(self, worked_example):
        with pytest.raises(ScenarioError) as caught:
            with_value(worked_example, "uncertainty.ranges.productivity_uplift", [0.3, 0.1, 0.5])
        assert "range 'productivity_uplift' must satisfy low <= likely <= high" in caught.value.describe()


class TestEstimates:
    def test_template_example_rows(self, worked_example):
        # The template's pre-filled rows (roi.ingest.template.EXAMPLE): tasks 4.0 → 4.84 (4.4 to 5.2).
        from roi.whatif import with_estimates

        estimated = with_estimates(
            worked_example,
            {
                "tasks_per_dev_week": (4.0, 4.84, 4.4, 5.2),
                "pr_size_loc": (150, 381, 190, 450),
                "bugs_per_dev_week": (0.5, 0.545, 0.5, 0.6),
                "deployments_per_week": (None, None, None, None),
            },
        )
        ranges = estimated.uncertainty.ranges
        assert ranges["productivity_uplift"] == pytest.approx((0.1, 0.21, 0.3))
        assert ranges["pr_size_growth"] == pytest.approx((190 / 150 - 1, 381 / 150 - 1, 2.0))
        assert ranges["post.bugs_per_dev_week"] == (0.5, 0.545, 0.6)
        assert estimated.post.deployments_per_week is None
        assert compute(estimated).productivity.net_hours == pytest.approx(0.85215, abs=1e-5)

    def test_estimates_on_a_measured_scenario_are_no_longer_called_measured(self):
        from tests.conftest import SCENARIOS
        from roi.models import load_scenario
        from roi.estimates_note import estimated_over_measurement
        from roi.whatif import with_estimates

        demo = load_scenario(SCENARIOS / "demo_org.json")
        assert with_estimates(demo, {"tasks_per_dev_week": (None, None, None, None)}) == demo  # nothing given
        estimated = with_estimates(demo, {"tasks_per_dev_week": (1.0, 1.2, None, None)})
        assert estimated.measurement is None and estimated.post.tasks_per_dev_week == 1.2
        # The notes still describe the exports (saved file, workbook): the last line says what changed.
        assert estimated.notes == demo.notes + (
            "\nEstimates entered for tasks_per_dev_week; the notes above describe the measurement that the other "
            "values are still from.")
        again = with_estimates(estimated, {"bugs_per_dev_week": (0.2, 0.25, None, None)})
        # It replaces the earlier line (one a click of "Use these estimates" piled up), naming its fields too:
        # tasks are still an estimate.
        assert again.notes == demo.notes + (
            "\nEstimates entered for tasks_per_dev_week, bugs_per_dev_week; the notes above describe the "
            "measurement that the other values are still from.")
        # Named apart from the measured scenario on Compare (both were "Demo organisation (120 developers)"), once.
        assert estimated.name == again.name == "Demo organisation (120 developers) · with estimates"
        assert estimated_over_measurement(again) == ["tasks_per_dev_week", "bugs_per_dev_week"]
        assert estimated_over_measurement(demo) == []

    def test_only_what_differs_counts_and_ranges_alone_keep_the_measurement(self):
        """The page gives every row of its table: low and high typed for two measured rows dropped the
        measurement (adoption date, sources, mappings) and called every row an estimate."""
        from tests.conftest import SCENARIOS
        from roi.models import load_scenario
        from roi.estimates_note import estimated_over_measurement
        from roi.whatif import estimates_of, with_estimates

        demo = load_scenario(SCENARIOS / "demo_org.json")
        rows = estimates_of(demo, ("tasks_per_dev_week", "prs_per_dev_week", "bugs_per_dev_week"))
        assert with_estimates(demo, rows) == demo  # the table as shown: nothing entered
        baseline, post, _, _ = rows["bugs_per_dev_week"]
        ranged = with_estimates(demo, {**rows, "bugs_per_dev_week": (baseline, post, post * 0.9, post * 1.5)})
        assert ranged.measurement == demo.measurement and ranged.name == demo.name
        assert estimated_over_measurement(ranged) == []  # its values are all measured
        assert ranged.uncertainty.ranges["post.bugs_per_dev_week"] == pytest.approx((post * 0.9, post, post * 1.5))
        assert ranged.notes.endswith("\nEstimates entered for bugs_per_dev_week (range only); the notes above "
                                     "describe the measurement that the other values are still from.")
        rows = estimates_of(ranged, tuple(rows))
        valued = with_estimates(ranged, {**rows, "tasks_per_dev_week": (4.0, 5.0, None, None)})
        assert valued.measurement is None
        assert valued.notes.endswith("Estimates entered for bugs_per_dev_week (range only), tasks_per_dev_week; "
                                     "the notes above describe the measurement that the other values are still from.")

    def test_half_a_row_is_refused(self, worked_example):
        from roi.whatif import with_estimates

        with pytest.raises(ScenarioError) as caught:
            with_estimates(worked_example, {"prs_per_dev_week": (3.0, None, None, None)})
        assert caught.value.field == "prs_per_dev_week"

    def test_half_a_range_is_refused(self, worked_example):
        from roi.whatif import with_estimates

        with pytest.raises(ScenarioError) as caught:
            with_estimates(worked_example, {"tasks_per_dev_week": (4.0, 4.84, 4.4, None)})
        assert caught.value.field == "tasks_per_dev_week"
        assert "both the low and the high" in caught.value.message

    def test_out_of_order_range_is_refused(self, worked_example):
        from roi.whatif import with_estimates

        with pytest.raises(ScenarioError) as caught:
            with_estimates(worked_example, {"tasks_per_dev_week": (4.0, 4.84, 5.0, 5.2)})
        assert caught.value.field == "tasks_per_dev_week"  # in the values typed, not the growth range built
        assert caught.value.message == (
            "after adoption, low 5 ≤ likely 4.84 ≤ high 5.2 does not hold; put the three values in that order")


@given(scenario=scenarios(with_uncertainty=True))
def test_estimates_round_trip(scenario):
    """with_estimates(estimates_of(s)) gives s back: the form opens on the scenario and changes nothing."""
    from roi.whatif import estimates_of, with_estimates

    fields = ("tasks_per_dev_week", "prs_per_dev_week", "pr_size_loc", "bugs_per_dev_week")
    again = with_estimates(scenario, estimates_of(scenario, fields))
    assert again.baseline == scenario.baseline and again.post == scenario.post
    assert again.uncertainty.ranges.keys() == scenario.uncertainty.ranges.keys()
    for key, values in scenario.uncertainty.ranges.items():
        assert again.uncertainty.ranges[key] == pytest.approx(values, rel=1e-9, abs=1e-12)


class TestAnAssumptionsRangeMovesWithIt:
    """Editing a value whose Monte Carlo has a range: the range follows, or the NPV leaves its own P10–P90."""

    def test_scaled_by_the_new_value(self, worked_example):
        edited = with_assumption(worked_example, "quality.fix_hours_per_bug", 8.0)  # range 2 / 4 / 12 h
        assert edited.quality.fix_hours_per_bug == 8.0
        assert edited.uncertainty.ranges["quality.fix_hours_per_bug"] == (4.0, 8.0, 24.0)  # × 8/4
        assert {k: v for k, v in edited.uncertainty.ranges.items() if k != "quality.fix_hours_per_bug"} == {
            k: v for k, v in worked_example.uncertainty.ranges.items() if k != "quality.fix_hours_per_bug"
        }

    def test_a_share_stays_within_one(self, worked_example):
        edited = with_assumption(worked_example, "finance.capture_factor", 0.8)  # range 0.3 / 0.5 / 0.8
        assert edited.uncertainty.ranges["finance.capture_factor"] == pytest.approx((0.48, 0.8, 1.0))  # × 1.6

    def test_a_range_around_zero_is_shifted(self, worked_example):
        start = with_values(worked_example, {"costs.one_off_cost": 0.0,
                                             "uncertainty.ranges.costs.one_off_cost": [0.0, 0.0, 2000.0]})
        edited = with_assumption(start, "costs.one_off_cost", 5000.0)
        assert edited.uncertainty.ranges["costs.one_off_cost"] == (5000.0, 5000.0, 7000.0)

    def test_no_range_is_a_plain_edit(self, worked_example):
        assert with_assumption(worked_example, "review.reviewers", 30) == with_value(
            worked_example, "review.reviewers", 30
        )

    def test_the_npv_sits_inside_its_own_range_again(self, worked_example):
        before = compute(with_value(worked_example, "finance.capture_factor", 0.8)).uncertainty  # range left behind
        result = compute(with_assumption(worked_example, "finance.capture_factor", 0.8))
        u = result.uncertainty
        assert u.npv_p50 > before.npv_p50  # the whole distribution moved up
        assert u.npv_p10 < result.finance.npv < u.npv_p90

    @given(scenarios(with_uncertainty=True), st.floats(0.01, 100))
    def test_likely_is_the_value_and_the_range_stays_valid(self, scenario, factor):
        path = "review.loc_per_hour"
        low_limit, high_limit = field_limits(scenario, path)
        value = min(max(scenario.review.loc_per_hour * factor, low_limit), 1e6)
        low, likely, high = with_assumption(scenario, path, value).uncertainty.ranges[path]
        assert likely == value and low_limit <= low <= likely <= high <= high_limit
        old_low, old_likely, old_high = scenario.uncertainty.ranges[path]
        assert low == pytest.approx(old_low * value / old_likely) and high == pytest.approx(old_high * value / old_likely)


def test_a_pr_size_limit_caps_the_monte_carlo_too(worked_example):
    """METHODS §5 "PR size held to +25%" (L1 = 187.5): the pr_size_growth range 0.25 / 1.54 / 2.0 is capped at +25%."""
    held = with_pr_size_limit(worked_example, 187.5)
    assert held.uncertainty.ranges["pr_size_growth"] == pytest.approx((0.25, 0.25, 0.25))
    u = compute(held).uncertainty
    assert u.npv_p50 > compute(worked_example).uncertainty.npv_p50  # smaller PRs in every draw


def test_an_edit_that_keeps_its_range_leaves_the_npv_outside_it_as_docs_say():
    """docs/methodology.md §4's example: the demo's capture factor edited to 100% with its range kept puts the
    NPV above its own P90; moving the range with the value (what the app does) keeps it inside."""
    from roi.models import load_scenario
    from tests.conftest import ROOT, SCENARIOS

    demo = load_scenario(SCENARIOS / "demo_org.json")
    kept = compute(with_value(demo, "finance.capture_factor", 1.0))
    moved = compute(with_assumption(demo, "finance.capture_factor", 1.0))
    assert kept.uncertainty is not None and moved.uncertainty is not None
    assert kept.finance.npv > kept.uncertainty.npv_p90
    assert moved.uncertainty.npv_p10 < moved.finance.npv < moved.uncertainty.npv_p90
    quoted = (f"gives an NPV of ${kept.finance.npv / 1e6:.2f}M against a P50 of ${kept.uncertainty.npv_p50 / 1e6:.2f}M "
              f"and a P90 of ${kept.uncertainty.npv_p90 / 1e6:.2f}M; with the range moved, P50 "
              f"${moved.uncertainty.npv_p50 / 1e6:.2f}M and P90 ${moved.uncertainty.npv_p90 / 1e6:.2f}M")
    assert quoted in " ".join((ROOT / "docs" / "methodology.md").read_text().split())


def test_a_huge_pool_draws_a_bounded_curve_through_the_sizes_that_matter():
    """A million developers and reviewers built 1.4 million curve points (a 112 MB page that took 10 s)."""
    from roi.whatif import CURVE_POINTS

    huge = with_values(_demo_org(), {"team.developers": 1_000_000,
                                                             "review.reviewers": 1_000_000})
    curve = review_curve(huge)
    review = compute_review(huge)
    assert CURVE_POINTS <= len(curve) <= CURVE_POINTS + 15
    sizes = set(curve["reviewers"])
    assert {1, 1_000_000, review.reviewers_needed, math.floor(review.post.offered_load) + 1} <= sizes
    assert curve["reviewers"].is_monotonic_increasing
    full = review_curve(_demo_org())  # a team's pool: every size, as before
    assert list(full["reviewers"]) == list(range(1, len(full) + 1))


def test_a_load_no_pool_carries_draws_a_bounded_unstable_curve():
    """A 10⁹-line PR made the curve compute every pool up to 1.4 × its load (12 s; a MemoryError at 10⁻⁴ LOC/h):
    it ends at 1.4 × the largest pool a scenario holds, unstable throughout (queue audit 4)."""
    from roi.whatif import CURVE_POINTS

    absurd = with_value(_demo_org(), "post.pr_size_loc", 1e9)
    curve = review_curve(absurd)
    assert compute_review(absurd).post.offered_load > 8e7  # 83 million reviewers busy
    assert len(curve) <= CURVE_POINTS + 15 and curve["reviewers"].max() == 1_400_002
    assert not curve["stable"].any() and curve["wait_hours"].isna().all()


def test_team_pools_are_bounded_and_their_sizes_read_short():
    from roi.whatif import MAX_TEAM_POOLS, pool_sizes

    assert pool_sizes((34, 33, 33)) == "34 + 33 + 33" and pool_sizes((2,) * 5 + (1,) * 2) == "5 × 2 + 2 × 1"
    huge = with_value(_demo_org(), "review.reviewers", 10_000)
    assert team_pools(huge, MAX_TEAM_POOLS).teams == MAX_TEAM_POOLS
    with pytest.raises(ScenarioError, match="compare at most 100 team pools, not 101"):
        team_pools(huge, MAX_TEAM_POOLS + 1)


def _demo_org() -> Scenario:
    from roi.models import load_scenario
    from tests.conftest import SCENARIOS

    return load_scenario(SCENARIOS / "demo_org.json")


def test_an_estimates_range_moves_with_its_likely_value_within_the_fields_limits(worked_example):
    from roi.whatif import estimate_range_moved

    # A rate: 0.5 likely in 0.4 to 0.9, typed 0.95: scaled by 1.9 to 0.76 and 1.71, a share's ceiling 1.
    assert estimate_range_moved(worked_example, "change_failure_rate", (0.1, 0.95, 0.4, 0.9), 0.5) == \
        pytest.approx((0.1, 0.95, 0.76, 1.0))
    # A likely value of 0 before: shifted, not scaled (0.2 to 0.5 around 0, typed 3 h → 3.2 to 3.5, then
    # widened to hold 3).
    assert estimate_range_moved(worked_example, "recovery_hours", (1.0, 3.0, 0.2, 0.5), 0.0) == \
        pytest.approx((1.0, 3.0, 3.0, 3.5))
    # Still inside, no range, or nothing to move from: unchanged (None).
    assert estimate_range_moved(worked_example, "tasks_per_dev_week", (4.0, 5.0, 3.6, 5.8), 4.84) is None
    assert estimate_range_moved(worked_example, "tasks_per_dev_week", (4.0, 5.0, None, None), 4.84) is None
    assert estimate_range_moved(worked_example, "tasks_per_dev_week", (4.0, 9.0, 3.6, 5.8), None) is None
