"""Rollout planner (roi.rollout): wave arithmetic, monthly costs, gates, tracked checklist, expectations.

Expected values are computed by hand from the worked example (METHODS §5: 50 developers,
P 3 → 5.94 PRs/dev-week, L 150 → 381 LOC, 17 reviewers at f = 0.25, 4 h target, Copilot
Enterprise $39 + $10 usage, 4 h training at $90.6/h, $5,000 one-off, 0.1 FTE at $188,419);
each test's comment shows the arithmetic.
"""

from __future__ import annotations

import math
import typing
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from roi import finance
from roi.engine import compute
from roi.errors import DataError, ScenarioError
from roi.inputs import resolve_inputs
from roi.models import parse_scenario, scenario_from_dict, scenario_to_json
from roi.whatif import with_value
from roi.rollout import (
    GUARDRAIL_OPENINGS,
    guardrails_now,
    refreshed_guardrails,
    stale_guardrails,
    METRICS,
    baseline_metrics,
    default_plan,
    developers_with_seats,
    evaluate_gate,
    evaluate_gates,
    expectations,
    gate_inputs_from_metrics,
    measure_wave,
    wave_window,
    monthly_cost_schedule,
    net_hours_percentile,
    plan_waves,
    record_measurements,
    rollout_report,
    track_checklist,
    wave_decision,
    wave_tie,
    week_to_month,
    with_derived_metrics,
)
from roi.rollout_models import (
    ChecklistTracking,
    Expectations,
    Gate,
    GateMetric,
    RolloutPlan,
    TimeAllocation,
    Wave,
)
from tests.strategies import scenarios

REL = 1e-9
E0 = 0.25 + 150 / 400  # review effort of a baseline PR: 0.625 h
E1 = 0.25 + 381 / 400  # and of a post-adoption PR: 1.2025 h
GOVERNANCE_MONTH = 0.1 * 188_419 / 12  # 1,570.1583 per month


def _erlang_c_factorial(servers: int, load: float) -> float:
    """Erlang C by the textbook factorial formula: an independent check for small pools."""
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    return top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)


def _wait(servers: int, prs_per_week: float, work_hours: float) -> float:
    """Allen–Cunneen wait [working h] of a pool of ``servers`` at f = 0.25, H = 40, ca² = 1, cs² = 1.5."""
    arrivals = prs_per_week / 40
    service = 0.25 / (work_hours / prs_per_week)
    return _erlang_c_factorial(servers, arrivals / service) / (servers * service - arrivals) * (1.0 + 1.5) / 2


@pytest.fixture(scope="module")
def results(worked_example):
    return compute(worked_example)


@pytest.fixture(scope="module")
def plan():
    return RolloutPlan(
        waves=[
            Wave(name="Pilot", start_week=0, seat_share=0.10, training_hours_per_dev=4),
            Wave(name="Expansion", start_week=6, seat_share=0.30, training_hours_per_dev=4),
            Wave(name="Full rollout", start_week=12, seat_share=1.0, training_hours_per_dev=4),
        ]
    )


@pytest.fixture(scope="module")
def waves(worked_example, plan):
    return plan_waves(worked_example, plan)


class TestWaveArithmetic:
    def test_seats_and_licence_cost(self, waves):
        # 10%, 30%, 100% of 50 developers; seats × $39 and × $10 usage per month.
        assert [w.developers for w in waves] == [5, 15, 50]
        assert [w.developers_added for w in waves] == [5, 10, 35]
        assert [w.seat_cost_per_month for w in waves] == pytest.approx([195, 585, 1950], rel=REL)
        assert [w.usage_cost_per_month for w in waves] == pytest.approx([50, 150, 500], rel=REL)
        assert [w.licence_cost_per_month for w in waves] == pytest.approx([245, 735, 2450], rel=REL)

    def test_training_cost_is_for_the_developers_added(self, waves):
        # 5 × 4 h × 90.6 = 1,812; 10 × 4 × 90.6 = 3,624; 35 × 4 × 90.6 = 12,684.
        assert [w.training_cost for w in waves] == pytest.approx([1812, 3624, 12684], rel=REL)

    def test_a_wave_without_training_hours_trains_for_the_scenario_s(self, worked_example):
        """docs/rollout.md's example leaves training out of Expansion and Full rollout, and its table costs them
        3,624 and 12,684 (the worked example's 4 h); the model's default of 0 h costed them nothing."""
        plan = RolloutPlan.model_validate({"waves": [
            {"name": "Pilot", "start_week": 0, "seat_share": 0.1, "training_hours_per_dev": 4},
            {"name": "Expansion", "start_week": 6, "seat_share": 0.3},
            {"name": "Full rollout", "start_week": 12, "seat_share": 1.0, "training_hours_per_dev": None}]})
        assert worked_example.costs.training_hours_per_dev == 4
        found = plan_waves(worked_example, plan)
        assert [w.training_hours_per_dev for w in found] == [4, 4, 4]
        assert [w.training_cost for w in found] == pytest.approx([1812, 3624, 12684], rel=REL)
        # A wave's own hours still win, 0 included (a cohort trained already).
        own = plan.model_copy(update={"waves": [plan.waves[0], plan.waves[1].model_copy(
            update={"training_hours_per_dev": 0.0}), plan.waves[2]]})
        assert [w.training_cost for w in plan_waves(worked_example, own)] == pytest.approx([1812, 0, 12684], rel=REL)

    def test_a_wave_shorter_than_the_ramp_up_is_measured_from_its_last_week(self, worked_example):
        # The next wave starts a week later, the ramp-up is 2 weeks: the pilot ends in week 1, so its measuring
        # starts in week 1 too, never in week 2 (after its end) in the Rollout plan table and the workbook.
        plan = RolloutPlan.model_validate({"waves": [{"name": "Pilot", "start_week": 0, "seat_share": 0.1},
                                                     {"name": "Full", "start_week": 1, "seat_share": 1.0}]})
        pilot = plan_waves(worked_example, plan)[0]
        assert (pilot.end_week, pilot.measure_from_week) == (1, 1)

    def test_prs_and_review_load(self, waves):
        # Pilot: 45 × 3 + 5 × 5.94 = 164.7 PRs/week, 14.7 extra;
        # review work 45 × 3 × 0.625 + 5 × 5.94 × 1.2025 = 84.375 + 35.71425 = 120.08925 h/week;
        # extra 5 × (7.14285 − 1.875) = 26.33925 h/week; capacity 17 × 0.25 × 40 = 170 h/week.
        pilot, expansion, full = waves
        assert pilot.prs_per_week == pytest.approx(164.7, rel=REL)
        assert pilot.extra_prs_per_week == pytest.approx(14.7, rel=REL)
        assert pilot.review_hours_per_week == pytest.approx(120.08925, rel=REL)
        assert pilot.extra_review_hours_per_week == pytest.approx(26.33925, rel=REL)
        assert pilot.review_capacity_hours_per_week == pytest.approx(170, rel=REL)
        assert pilot.utilization == pytest.approx(120.08925 / 170, rel=REL)
        # Expansion: 35 × 3 + 15 × 5.94 = 194.1 PRs; 35 × 1.875 + 15 × 7.14285 = 172.76775 h > 170: unstable.
        assert expansion.prs_per_week == pytest.approx(194.1, rel=REL)
        assert expansion.review_hours_per_week == pytest.approx(172.76775, rel=REL)
        assert expansion.stable is False and expansion.wait_hours is None
        assert expansion.backlog_growth_hours_per_week == pytest.approx(2.76775, rel=1e-6)
        # Full rollout is the engine's post period: 297 PRs, 357.1425 h, backlog 187.1425 (METHODS §5).
        assert full.review_hours_per_week == pytest.approx(50 * 5.94 * E1, rel=REL)
        assert full.backlog_growth_hours_per_week == pytest.approx(187.1425, rel=1e-6)

    def test_reviewers_needed_per_wave(self, waves):
        # Pilot: a = 120.08925 / 10 = 12.01 reviewers busy → 12 cannot keep up; with 13 the wait is
        # under the 4 h target. Expansion: a = 17.28 → 18 waits over 4 h, 19 under. Full: 37 (METHODS §5).
        pilot, expansion, full = waves
        assert _wait(13, 164.7, 120.08925) <= 4.0
        assert pilot.reviewers_needed == 13 and pilot.reviewers_to_add == 0
        assert _wait(18, 194.1, 172.76775) > 4.0 >= _wait(19, 194.1, 172.76775)
        assert expansion.reviewers_needed == 19 and expansion.reviewers_to_add == 2
        assert full.reviewers_needed == 37 and full.reviewers_to_add == 20

    def test_pilot_wait_matches_an_independent_erlang_c(self, waves):
        assert waves[0].wait_hours == pytest.approx(_wait(17, 164.7, 120.08925), rel=1e-9)

    def test_planned_pool_changes_utilisation_and_wait(self, worked_example, plan):
        grown = plan.model_copy(
            update={
                "waves": [plan.waves[0], plan.waves[1].model_copy(update={"reviewers": 19}), plan.waves[2]]
            }
        )
        expansion = plan_waves(worked_example, grown)[1]
        assert expansion.reviewers == 19 and expansion.reviewers_to_add == 0
        assert expansion.utilization == pytest.approx(172.76775 / (19 * 10), rel=REL)
        assert expansion.wait_hours == pytest.approx(_wait(19, 194.1, 172.76775), rel=1e-9)

    def test_freed_hours_and_bugs_scale_with_developers(self, waves, results):
        assert [w.net_hours_per_week for w in waves] == pytest.approx(
            [d * results.productivity.net_hours for d in (5, 15, 50)], rel=REL
        )
        assert waves[0].extra_bugs_per_week == pytest.approx(5 * 0.045, rel=1e-6)

    def test_weeks_and_months(self, waves):
        # Month m holds weeks [(m−1)·52/12, m·52/12): week 6 is in month 2, week 12 in month 3.
        assert [w.start_month for w in waves] == [1, 2, 3]
        assert [w.end_week for w in waves] == [6, 12, 18]  # last: 12 + 2 ramp + 4 measured weeks
        assert [w.measure_from_week for w in waves] == [2, 8, 14]

    @pytest.mark.parametrize(
        ("week", "month"), [(0, 1), (4, 1), (5, 2), (8, 2), (9, 3), (13, 4), (51, 12), (52, 13)]
    )
    def test_week_to_month(self, week, month):
        assert week_to_month(week) == month

    @pytest.mark.parametrize(
        ("n", "share", "people"), [(50, 0.1, 5), (50, 0.3, 15), (5, 0.3, 2), (3, 0.5, 2), (7, 1.0, 7)]
    )
    def test_developers_round_half_up(self, n, share, people):
        assert developers_with_seats(n, share) == people

    def test_partial_seat_coverage(self, worked_example, plan):
        # Two tools, one for half the developers: pilot seats 5 + 2.5, usage billed on seated users.
        tools = [
            {"name": "A", "price_per_seat_month": 39, "usage_per_dev_month": 10, "seat_coverage": 1.0},
            {"name": "B", "price_per_seat_month": 20, "usage_per_dev_month": 100, "seat_coverage": 0.5},
        ]
        data = worked_example.model_dump()
        data["costs"]["tools"] = tools
        pilot = plan_waves(scenario_from_dict(data), plan)[0]
        assert pilot.seats == pytest.approx(7.5)
        assert pilot.seat_cost_per_month == pytest.approx(5 * 39 + 2.5 * 20)
        assert pilot.usage_cost_per_month == pytest.approx(5 * 10 + 2.5 * 100)

    @given(scenarios())
    def test_full_rollout_is_the_engines_post_period(self, scenario):
        # With every developer seated the wave's queue is the engine's post-adoption queue.
        full = plan_waves(scenario, RolloutPlan(waves=[Wave(name="All", start_week=0, seat_share=1.0)]))[0]
        review = compute(scenario).review
        assert full.utilization == pytest.approx(review.post.utilization, rel=1e-9)
        assert full.reviewers_needed == review.reviewers_needed
        assert full.backlog_growth_hours_per_week == pytest.approx(
            review.backlog_growth_hours_per_week, rel=1e-9, abs=1e-9
        )

    @given(scenarios())
    def test_review_work_moves_monotonically_with_adoption(self, scenario):
        # Each adopter changes the review work by P1·E(L1) − P0·E(L0): the same sign every wave.
        plan = RolloutPlan(
            waves=[
                Wave(name=f"W{i}", start_week=4 * i, seat_share=s) for i, s in enumerate((0.1, 0.3, 0.6, 1.0))
            ]
        )
        work = [w.review_hours_per_week for w in plan_waves(scenario, plan)]
        steps = [after - before for before, after in zip(work, work[1:], strict=False)]
        tolerance = 1e-9 * max(work)
        assert all(step >= -tolerance for step in steps) or all(step <= tolerance for step in steps)

    def test_wave_after_the_horizon_is_refused(self, worked_example):
        late = RolloutPlan(waves=[Wave(name="Late", start_week=160, seat_share=1.0)])
        with pytest.raises(ScenarioError, match="after the 3-year horizon") as error:
            plan_waves(worked_example, late)
        assert error.value.field == "rollout.waves.0.start_week"


class TestMonthlySchedule:
    def test_first_months_by_hand(self, worked_example, plan, waves):
        schedule = monthly_cost_schedule(worked_example, plan, waves)
        assert len(schedule) == 36
        one, two, three, four = schedule[:4]
        # Month 1: seats 195 + usage 50 + training 1,812 + governance 1,570.16 + one-off 5,000.
        assert one.total_cost == pytest.approx(195 + 50 + 1812 + GOVERNANCE_MONTH + 5000, rel=REL)
        assert (one.wave, one.developers, one.one_off_cost) == ("Pilot", 5, 5000)
        # Month 2: Expansion (week 6): 585 + 150 + 3,624 + governance.
        assert two.total_cost == pytest.approx(585 + 150 + 3624 + GOVERNANCE_MONTH, rel=REL)
        # Month 3: Full rollout (week 12): 1,950 + 500 + 12,684 + governance;
        # month 4 runs at 2,450 + governance.
        assert three.total_cost == pytest.approx(1950 + 500 + 12684 + GOVERNANCE_MONTH, rel=REL)
        assert four.total_cost == pytest.approx(2450 + GOVERNANCE_MONTH, rel=REL)
        assert (four.training_cost, four.one_off_cost, four.year) == (0, 0, 1)

    def test_cumulative_over_the_horizon(self, worked_example, plan, waves):
        # 8,627.16 + 5,929.16 + 16,704.16 + 33 × 4,020.16 = 163,925.70
        schedule = monthly_cost_schedule(worked_example, plan, waves)
        assert schedule[-1].cumulative_cost == pytest.approx(163_925.70, abs=0.01)
        assert schedule[-1].year == 3

    def test_months_before_the_first_wave_carry_only_fixed_costs(self, worked_example):
        later = RolloutPlan(waves=[Wave(name="All", start_week=9, seat_share=1.0)])
        schedule = monthly_cost_schedule(worked_example, later)
        assert schedule[0].wave is None and schedule[0].developers == 0
        assert schedule[0].total_cost == pytest.approx(GOVERNANCE_MONTH + 5000, rel=REL)
        assert schedule[2].wave == "All"

    def test_waves_starting_in_the_same_month_are_all_named(self, worked_example):
        # Weeks 0 and 4 both fall in month 1 (weeks 0–4.33); seats are billed at the later wave's count.
        quick = RolloutPlan(waves=[Wave(name="Pilot", start_week=0, seat_share=0.1),
                                   Wave(name="Expansion", start_week=4, seat_share=0.3),
                                   Wave(name="Full rollout", start_week=8, seat_share=1.0)])
        one, two, three = monthly_cost_schedule(worked_example, quick)[:3]
        assert (one.wave, one.developers) == ("Pilot + Expansion", 15)
        assert (two.wave, two.developers) == ("Full rollout", 50)
        assert three.wave == "Full rollout"

    @given(scenarios())
    def test_one_wave_at_week_zero_costs_what_the_finance_model_costs_unrisked(self, scenario):
        # All developers seated from month 1 = the finance model at adoption 1 without risk:
        # setup (training + one-off) + Y × running cost.
        plan = RolloutPlan(
            waves=[
                Wave(
                    name="All",
                    start_week=0,
                    seat_share=1.0,
                    training_hours_per_dev=scenario.costs.training_hours_per_dev,
                )
            ]
        )
        inputs = resolve_inputs(scenario)
        expected = finance.setup_cost(
            inputs.developers,
            inputs.training_hours_per_dev,
            inputs.loaded_cost_per_hour,
            inputs.one_off_cost,
            0.0,
        ) + scenario.finance.horizon_years * finance.running_cost(
            inputs.developers, 1.0, inputs.tools, inputs.governance_fte, inputs.fte_annual_cost, 0.0
        )
        schedule = monthly_cost_schedule(scenario, plan)
        assert schedule[-1].cumulative_cost == pytest.approx(expected, rel=1e-9, abs=1e-6)

    @given(scenarios(), st.lists(st.floats(0.01, 1.0), min_size=1, max_size=5, unique=True))
    def test_cumulative_is_the_running_sum_and_more_seats_cost_more(self, scenario, shares):
        shares = sorted(shares)
        plan = RolloutPlan(
            waves=[Wave(name=f"W{i}", start_week=4 * i, seat_share=s) for i, s in enumerate(shares)]
        )
        waves = plan_waves(scenario, plan)
        schedule = monthly_cost_schedule(scenario, plan, waves)
        running = 0.0
        for month in schedule:
            running += month.total_cost
            assert month.cumulative_cost == pytest.approx(running, rel=1e-9, abs=1e-9)
        costs = [w.licence_cost_per_month for w in waves]
        assert costs == sorted(costs)


class TestDefaultPlan:
    def test_worked_example(self, worked_example, results):
        plan = default_plan(worked_example, results)
        # Each wave: 2 ramp weeks + max(4, weeks to merge 30 PRs) = 6 weeks (the pilot's 5 devs
        # merge 29.7 PRs a week, so 30 PRs take 2 weeks, under the 4-week minimum).
        assert [(w.name, w.start_week, w.seat_share) for w in plan.waves] == [
            ("Pilot", 0, 0.10),
            ("Expansion", 6, 0.30),
            ("Full rollout", 12, 1.0),
        ]
        # no training hours of their own: the waves follow the scenario's 4 h, and keep following them once the
        # plan is edited (the plan saved with a start date trained for the old hours after the scenario's changed)
        assert all(w.training_hours_per_dev is None for w in plan.waves)
        assert [w.training_hours_per_dev for w in plan_waves(worked_example, plan, results)] == [4, 4, 4]
        changed = worked_example.model_copy(update={"costs": worked_example.costs.model_copy(
            update={"training_hours_per_dev": 10.0})})
        dated = plan.model_copy(update={"start_date": date(2026, 3, 2)})
        assert [w.training_hours_per_dev for w in plan_waves(changed, dated)] == [10, 10, 10]

    def test_default_gates(self, worked_example, results):
        gates = {g.metric: g for g in default_plan(worked_example, results).waves[0].gates}
        assert (
            gates["change_failure_rate"].basis == "baseline_plus"
            and gates["change_failure_rate"].threshold == 0.02
        )
        # Target 4 working h of a 40 h week = 4 × 168 / 40 = 16.8 calendar hours.
        assert gates["pickup_hours_median"].threshold == pytest.approx(16.8)
        assert gates["pr_size_loc_median"].threshold == 400
        assert (gates["bugs_per_task"].basis, gates["bugs_per_task"].threshold) == ("baseline_times", 1.01)
        assert gates["tasks_per_dev_week"].comparison == "at_least"

    def test_without_a_target_the_first_review_gate_keeps_todays_measured_time(self, worked_example):
        """No target: the engine's derived one, today's model wait (seconds), became "≤ 0.0 h" calendar hours, and
        every wave failed it (queue audit 1). The gate now compares with the measured baseline."""
        unset = with_value(worked_example, "review.target_wait_hours", None)
        gate = next(g for g in default_plan(unset).waves[0].gates if g.metric == "pickup_hours_median")
        assert (gate.basis, gate.comparison, gate.threshold) == ("baseline_times", "at_most", 1.0)
        assert evaluate_gate(gate, 2.0, 2.5).passed and not evaluate_gate(gate, 3.0, 2.5).passed
        assert evaluate_gate(gate, 2.0, None).passed is None  # no baseline: not judged, never failed
        tiny = with_value(worked_example, "review.target_wait_hours", 0.01)  # 0.042 calendar h: not "≤ 0.0 h"
        gate = next(g for g in default_plan(tiny).waves[0].gates if g.metric == "pickup_hours_median")
        assert gate.threshold == 0.1

    def test_slow_pilot_gets_a_longer_wave(self, worked_example):
        # 5 pilot developers merging 1 PR a week need 6 weeks for 30 PRs: 2 + 6 = 8 weeks.
        data = worked_example.model_dump()
        data["post"]["prs_per_dev_week"] = 1.0
        assert default_plan(scenario_from_dict(data)).waves[1].start_week == 8

    def test_a_small_slow_team_is_measured_for_a_quarter_at_most(self, worked_example):
        """6 developers merging 0.25 PRs a week (the shape of the real-format GitHub samples): the 1-person
        pilot needed 120 weeks for 30 PRs, the full rollout started in week 182, after the 3-year horizon,
        and the summary, the rollout page and the workbook failed on the default plan itself."""
        data = worked_example.model_dump()
        data["team"]["developers"] = 6
        data["review"]["reviewers"] = 2
        data["post"]["prs_per_dev_week"] = 0.25
        scenario = scenario_from_dict(data)
        plan = default_plan(scenario)
        assert [w.start_week for w in plan.waves] == [0, 15, 30]  # 2 ramp + at most 13 weeks each
        report = rollout_report(scenario)
        assert report.waves[-1].end_week == 45

    @pytest.mark.parametrize(
        ("developers", "people"), [(1, [1]), (2, [1, 2]), (5, [1, 2, 5]), (50, [5, 15, 50])]
    )
    def test_small_teams_get_at_least_one_pilot_developer(self, worked_example, developers, people):
        data = worked_example.model_dump()
        data["team"]["developers"] = developers
        data["review"]["reviewers"] = 1
        scenario = scenario_from_dict(data)
        assert [w.developers for w in plan_waves(scenario, default_plan(scenario))] == people


class TestGates:
    CFR = Gate(metric="change_failure_rate", basis="baseline_plus", threshold=0.02)

    @pytest.mark.parametrize(
        ("measured", "passed"), [(0.11, True), (0.12, True), (0.1201, False), (0.30, False)]
    )
    def test_change_failure_rate_baseline_plus_points(self, measured, passed):
        # Baseline 10% + 2 points = 12%; equal passes.
        result = evaluate_gate(self.CFR, measured, 0.10)
        assert result.threshold == pytest.approx(0.12)
        assert result.passed is passed
        assert ("pass" if passed else "fail") in result.reason

    def test_measured_beside_threshold_in_the_reason(self):
        assert evaluate_gate(self.CFR, 0.15, 0.10).reason == "15.0% > 12.0%: fail"
        size = Gate(metric="pr_size_loc_median", threshold=400)
        assert evaluate_gate(size, 380, None).reason == "380 LOC ≤ 400 LOC: pass"

    def test_at_least(self):
        tasks = Gate(
            metric="tasks_per_dev_week", comparison="at_least", basis="baseline_times", threshold=1.0
        )
        assert evaluate_gate(tasks, 3.9, 4.0).passed is False
        assert evaluate_gate(tasks, 4.0, 4.0).passed is True

    def test_missing_data_is_never_a_pass(self):
        no_baseline = evaluate_gate(self.CFR, 0.05, None)
        assert (
            no_baseline.passed is None
            and no_baseline.threshold is None
            and "no baseline" in no_baseline.reason
        )
        not_measured = evaluate_gate(self.CFR, None, 0.10)
        assert not_measured.passed is None and "not measured" in not_measured.reason

    def test_a_measurement_that_is_no_finite_number_is_not_measured(self):
        # Plain mappings (typed or loaded values) may hold NaN: "not measured yet", never a fail that would make
        # the wave no-go (nan <= 12% is False); an infinite tasks value gives no bugs per task of 0 (a pass).
        nan = evaluate_gates([self.CFR], {"change_failure_rate": float("nan")}, {"change_failure_rate": 0.1})
        assert nan[0].passed is None and wave_decision(nan) == "incomplete"
        assert with_derived_metrics({"tasks_per_dev_week": float("inf"), "bugs_per_dev_week": 1}) == {
            "bugs_per_dev_week": 1.0}

    def test_mappings_with_derived_bugs_per_task(self):
        # Bugs per task: baseline 0.5 / 4.0 = 0.125;
        # measured 0.55 / 5.0 = 0.11 → pass; 0.7 / 5.0 = 0.14 → fail.
        gate = Gate(metric="bugs_per_task", basis="baseline_times", threshold=1.0)
        baseline = {"bugs_per_dev_week": 0.5, "tasks_per_dev_week": 4.0, "pr_size_loc_median": None}
        ok = evaluate_gates([gate], {"bugs_per_dev_week": 0.55, "tasks_per_dev_week": 5.0}, baseline)[0]
        assert (ok.measured, ok.threshold, ok.passed) == (pytest.approx(0.11), pytest.approx(0.125), True)
        bad = evaluate_gates([gate], {"bugs_per_dev_week": 0.7, "tasks_per_dev_week": 5.0}, baseline)[0]
        assert bad.passed is False

    def test_entered_baselines_override_the_scenarios_and_feed_bugs_per_task(self, worked_example, plan):
        entered = plan.model_copy(
            update={"baseline": {"bugs_per_dev_week": 0.6, "change_failure_rate": 0.05}}
        )
        baseline = baseline_metrics(worked_example, entered)
        assert baseline["change_failure_rate"] == 0.05
        assert baseline["bugs_per_task"] == pytest.approx(0.6 / 4.0)
        assert baseline_metrics(worked_example)["bugs_per_task"] == pytest.approx(0.5 / 4.0)
        assert "change_failure_rate" not in baseline_metrics(worked_example)

    def test_wave_decision(self):
        ok, bad, unknown = (evaluate_gate(self.CFR, m, 0.10) for m in (0.10, 0.2, None))
        assert wave_decision([ok, ok]) == "go"
        assert wave_decision([ok, unknown]) == "incomplete"
        assert wave_decision([unknown, bad]) == "no-go"
        assert wave_decision([]) == "no gates"

    def test_adapter_from_metrics_json(self):
        metrics = {
            "adoption_date": "2026-01-05",
            "ramp_weeks": 2,
            "baseline": {
                "change_failure_rate": 0.08,
                "pr_size_loc_median": 120,
                "bugs_per_dev_week": 0.5,
                "tasks_per_dev_week": 4.0,
                "recovery_hours": None,
                "start": "2025-10-01",
            },
            "post": {
                "change_failure_rate": 0.11,
                "pr_size_loc_median": 390,
                "bugs_per_dev_week": 0.6,
                "tasks_per_dev_week": 4.0,
            },
        }
        measured, baseline = gate_inputs_from_metrics(metrics)
        assert measured == {
            "change_failure_rate": 0.11,
            "pr_size_loc_median": 390,
            "bugs_per_dev_week": 0.6,
            "tasks_per_dev_week": 4.0,
            "bugs_per_task": pytest.approx(0.15),
        }
        assert "recovery_hours" not in baseline and "start" not in baseline
        verdicts = [r.passed for r in evaluate_gates([self.CFR], measured, baseline)]
        assert verdicts == [False]  # 11% > 8% + 2 points

    def test_record_measurements(self, plan):
        gated = plan.model_copy(
            update={"waves": [w.model_copy(update={"gates": [self.CFR]}) for w in plan.waves]}
        )
        recorded = record_measurements(gated, 0, {"change_failure_rate": 0.09}, {"change_failure_rate": 0.08})
        assert recorded.waves[0].gates[0].measured == 0.09
        assert recorded.waves[1].gates[0].measured is None
        assert recorded.baseline == {"change_failure_rate": 0.08}
        kept = record_measurements(recorded, 0, {"pr_size_loc_median": 100})
        assert kept.waves[0].gates[0].measured == 0.09

    @given(st.floats(0, 1e6), st.floats(0, 1e6))  # a time: never negative (the model refuses it)
    def test_at_most_and_at_least_disagree_unless_equal(self, measured, threshold):
        high = evaluate_gate(Gate(metric="lead_time_hours", threshold=threshold), measured, None)
        low = evaluate_gate(
            Gate(metric="lead_time_hours", comparison="at_least", threshold=threshold), measured, None
        )
        assert high.passed is (measured <= threshold + 1e-9 * max(1, abs(threshold)))
        if abs(measured - threshold) > 1e-6 * max(1, abs(threshold)):
            assert high.passed is not low.passed

    def test_metric_catalogue_matches_the_model(self):
        assert set(METRICS) == set(typing.get_args(GateMetric))

    def test_wave_results_use_the_stored_measurements_and_scenario_baseline(self, worked_example, plan):
        # Scenario baseline: bugs per task 0.5 / 4.0 = 0.125; tasks 4.0.
        gates = [
            Gate(metric="bugs_per_task", basis="baseline_times", threshold=1.0, measured=0.13),
            Gate(
                metric="tasks_per_dev_week",
                comparison="at_least",
                basis="baseline_times",
                threshold=1.0,
                measured=4.4,
            ),
        ]
        gated = plan.model_copy(update={"waves": [plan.waves[0].model_copy(update={"gates": gates})]})
        pilot = plan_waves(worked_example, gated)[0]
        assert [(g.threshold, g.passed) for g in pilot.gates] == [(pytest.approx(0.125), False), (4.0, True)]
        assert pilot.decision == "no-go"


class TestChecklistTracking:
    def test_due_weeks_follow_the_waves(self, results, waves):
        tracked = {item.id: item for item in track_checklist(results.checklist, [], waves)}
        # Before the pilot (week 0), before the expansion (week 6; the expansion is also the first wave
        # that needs more reviewers than 17), before full rollout (week 12), a month after it (16).
        assert (tracked["ai-policy"].due_week, tracked["ai-policy"].wave) == (0, "Pilot")
        assert (tracked["review-capacity"].due_week, tracked["review-capacity"].wave) == (6, "Expansion")
        assert (tracked["pr-size-limit"].due_week, tracked["pr-size-limit"].wave) == (6, "Expansion")
        assert (tracked["workload-watch"].due_week, tracked["workload-watch"].wave) == (12, "Full rollout")
        assert (tracked["idle-seats"].due_week, tracked["idle-seats"].wave) == (16, None)
        assert all(item.fires and item.status == "todo" for item in tracked.values())

    def test_no_payback_is_due_before_the_second_wave(self, worked_example, waves):
        """Without ranges the worked example does not pay back (NPV −8,499.02): the pilot runs, the expansion
        (week 6) waits for numbers that pay back."""
        fixed = worked_example.model_copy(update={"uncertainty": None})
        tracked = track_checklist(compute(fixed).checklist, [], waves)
        assert tracked[0].id == "no-payback"
        assert (tracked[0].due_week, tracked[0].wave) == (6, "Expansion")

    def test_review_capacity_with_no_wave_short_of_reviewers_is_due_before_the_last_wave(self, results, waves):
        """It fires on utilisation alone (at or above 0.85 with enough reviewers): due where the load peaks,
        not at the second wave (a team with enough reviewers was told to act earlier than one short of them)."""
        enough = [w.model_copy(update={"reviewers_needed": w.reviewers}) for w in waves]
        tracked = {item.id: item for item in track_checklist(results.checklist, [], enough)}
        assert (tracked["review-capacity"].due_week, tracked["review-capacity"].wave) == (12, "Full rollout")

    def test_wave_tie_says_how_each_item_follows_the_waves(self):
        """The rule the workbook's Checklist writes as formulas: a wave index within the plan, the first
        wave short of reviewers, a licence cycle after the last start, or not tied."""
        assert [wave_tie("ai-policy", n) for n in (0, 1, 3)] == [None, 0, 0]
        assert [wave_tie("pr-size-limit", n) for n in (1, 3)] == [0, 1]  # the second wave, or the only one
        assert [wave_tie("no-payback", n) for n in (1, 3)] == [0, 1]  # what the pilot must prove
        assert [wave_tie("workload-watch", n) for n in (1, 3)] == [0, 2]  # the last wave
        assert (wave_tie("review-capacity", 3), wave_tie("idle-seats", 3)) == ("first-short", "after-last")
        assert wave_tie("not-an-item", 3) is None

    def test_recorded_status_owner_and_notes_survive(self, results, waves):
        tracking = [
            ChecklistTracking(
                item_id="pr-size-limit",
                status="doing",
                owner_role="Platform lead",
                due_week=3,
                notes="CI check drafted",
            )
        ]
        item = next(i for i in track_checklist(results.checklist, tracking, waves) if i.id == "pr-size-limit")
        assert (item.status, item.owner_role, item.due_week, item.wave, item.notes) == (
            "doing",
            "Platform lead",
            3,
            "Expansion",  # done by week 3 is done before the expansion (week 6)
            "CI check drafted",
        )

    def test_a_typed_due_week_up_to_its_waves_start_stays_due_before_that_wave(self, results, waves):
        """As the workbook's "Due before wave" formula says: the wave while the due week is at or before its
        start week. A typed 6 (the expansion's start) read blank in the app and "Expansion" in the workbook;
        a typed 5 read blank in both, though an action done by week 5 is done before the expansion."""
        for typed, wave, late_for in ((6, "Expansion", None), (5, "Expansion", None), (0, "Expansion", None),
                                      (7, None, "Expansion")):
            tracking = [ChecklistTracking(item_id="pr-size-limit", due_week=typed)]
            item = next(i for i in track_checklist(results.checklist, tracking, waves) if i.id == "pr-size-limit")
            assert (item.due_week, item.wave, item.late_for) == (typed, wave, late_for)
        # An item tied to no wave is never late, however late its due week.
        tracking = [ChecklistTracking(item_id="idle-seats", due_week=400)]
        item = next(i for i in track_checklist(results.checklist, tracking, waves) if i.id == "idle-seats")
        assert (item.due_week, item.wave, item.late_for) == (400, None, None)

    def test_items_that_stop_firing_are_kept_only_if_touched(self, results, waves):
        tracking = [
            ChecklistTracking(item_id="test-automation", title="Invest in test automation", status="done"),
            ChecklistTracking(item_id="rework", title="Track rework"),
        ]
        items = track_checklist(results.checklist, tracking, waves)
        orphans = [i for i in items if not i.fires]
        assert [(i.id, i.title, i.status) for i in orphans] == [
            ("test-automation", "Invest in test automation", "done")
        ]
        assert items[-1].id == "test-automation"


class TestExpectations:
    def test_likely_basis_is_the_engine_qapi(self, worked_example, results):
        # N = 0.85215 h; QAPI − 1 = 0.028405; roadmap share 0.5 (quality 0.3 because review-capacity fires).
        result = expectations(worked_example, results, Expectations(plan_gain_basis="likely"))
        assert result.planning_gain == pytest.approx(0.028405, rel=1e-6)
        assert result.allocation == TimeAllocation(quality=0.3, learning=0.2, roadmap=0.5)
        assert result.allocation_hours["roadmap"] == pytest.approx(0.85215 * 0.5, rel=1e-6)
        assert result.roadmap_gain == pytest.approx(0.85215 * 0.5 / 30, rel=1e-6)
        assert result.team_freed_hours_per_week == pytest.approx(0.85215 * 50, rel=1e-6)
        assert result.headline_gain == pytest.approx(0.21)

    def test_p10_of_net_hours_with_one_range(self, worked_example):
        # Only g uncertain (PERT −0.10/0.21/0.45): N = 30·g − ΔR − ΔD,
        # so P10(N) = 30·P10(g) − 5.26785 − 0.18,
        # with P10(g) = 0.057516 (the tornado's low value, METHODS §5): −3.7224 h. 20,000 draws: ±0.1 h.
        data = worked_example.model_dump()
        data["uncertainty"]["ranges"] = {"productivity_uplift": [-0.10, 0.21, 0.45]}
        scenario = scenario_from_dict(data)
        assert net_hours_percentile(scenario, 10) == pytest.approx(30 * 0.057516 - 5.26785 - 0.18, abs=0.1)
        result = expectations(scenario, compute(scenario))
        assert result.basis == "p10"
        assert result.planning_gain == pytest.approx((30 * 0.057516 - 5.44785) / 30, abs=0.1 / 30)
        assert result.freed_hours_per_dev_week == 0 and result.roadmap_gain == 0
        assert "commit no gain" in result.note

    def test_p10_falls_back_to_likely_without_ranges(self, worked_example):
        data = worked_example.model_dump()
        data["uncertainty"] = None
        scenario = scenario_from_dict(data)
        result = expectations(scenario, compute(scenario))
        assert result.basis == "likely" and result.quality_adjusted_gain_p10 is None
        assert "no uncertainty ranges" in result.note

    def test_p10_is_below_likely_for_the_worked_example(self, worked_example, results):
        result = expectations(worked_example, results)
        assert result.quality_adjusted_gain_p10 < result.quality_adjusted_gain < result.headline_gain
        assert result.guardrails_generated and len(result.guardrails) == 4
        assert "37 reviewers" in result.guardrails[2]
        # g = 4.84 / 4.0 − 1 to 0.1 point, as the page's "Headline output change" tile shows it.
        assert result.guardrails[0].endswith("; the headline +21.0% is not a planning figure.")

    @pytest.mark.parametrize(("target", "staffing"), [
        (40.0, "(the model needs 1 reviewer at full rollout, 1 today)"),
        (4.0, "(the model needs 2 reviewers at full rollout, 1 today)"),
    ])
    def test_staffing_guardrail_agrees_with_its_number(self, worked_example, target, staffing):
        # "the model needs 1 reviewers at full rollout": one developer, one reviewer, a loose or tight target.
        data = worked_example.model_dump()
        data["team"]["developers"], data["review"]["reviewers"] = 1, 1
        data["review"]["target_wait_hours"] = target
        scenario = scenario_from_dict(data)
        result = expectations(scenario, compute(scenario))
        assert result.guardrails[2].endswith(f"add reviewers rather than hours {staffing}.")

    def test_quality_slip_moves_time_to_quality(self, worked_example):
        # Bugs per task 0.125 → 0.8 / 4.84 = 0.165: test-automation fires, quality 0.2 + 0.2 + 0.1.
        data = worked_example.model_dump()
        data["post"]["bugs_per_dev_week"] = 0.8
        scenario = scenario_from_dict(data)
        result = expectations(scenario, compute(scenario), Expectations(plan_gain_basis="likely"))
        assert result.allocation == TimeAllocation(quality=0.5, learning=0.2, roadmap=0.3)

    def test_chosen_allocation_and_guardrails_are_kept(self, worked_example, results):
        chosen = Expectations(
            plan_gain_basis="likely",
            guardrails=["No weekend deploys"],
            time_allocation=TimeAllocation(quality=0.5, learning=0.5, roadmap=0.0),
        )
        result = expectations(worked_example, results, chosen)
        assert result.guardrails == ["No weekend deploys"] and not result.guardrails_generated
        assert result.roadmap_gain == 0 and not result.allocation_generated

    def test_guardrails_written_for_earlier_numbers_are_found_and_brought_up_to_date(self, worked_example, results):
        """A line appended to the generated guardrails kept them as they were: "frees no time" stayed beside a
        planning gain of +15.6%. At P10 the worked example frees no time; at the likely values it frees 0.85 h."""
        at_p10 = expectations(worked_example, results)
        saved = [*at_p10.guardrails, "No deploys on Fridays"]  # the team's own line, appended
        likely = expectations(worked_example, results, Expectations(plan_gain_basis="likely", guardrails=saved))
        now = guardrails_now(worked_example, results, likely)
        assert all(line.startswith(GUARDRAIL_OPENINGS) for line in now + at_p10.guardrails)
        assert stale_guardrails(saved, now) == [(at_p10.guardrails[0], now[0])]
        assert at_p10.guardrails[0].startswith("Roadmaps commit to no extra throughput")
        assert now[0].startswith("Roadmaps commit to at most +1.4% more throughput")  # 0.85215 · 0.5 / 30
        assert refreshed_guardrails(saved, now) == [now[0], *saved[1:]]
        assert stale_guardrails(refreshed_guardrails(saved, now), now) == []

    def test_allocation_must_add_up(self):
        with pytest.raises(ValueError, match="add up to 100%"):
            TimeAllocation(quality=0.5, learning=0.2, roadmap=0.2)


class TestScenarioFile:
    def test_plan_round_trips_through_the_scenario_file(self, worked_example, results):
        plan = default_plan(worked_example, results)
        plan = plan.model_copy(
            update={
                "checklist": [
                    ChecklistTracking(item_id="ai-policy", title="Publish", status="done", notes="on wiki")
                ],
                "baseline": {"change_failure_rate": 0.08},
                "expectations": Expectations(
                    time_allocation=TimeAllocation(quality=0.4, learning=0.1, roadmap=0.5)
                ),
            }
        )
        scenario = worked_example.model_copy(update={"rollout": plan})
        again = parse_scenario(scenario_to_json(scenario))
        assert again == scenario
        assert again.rollout.waves[1].gates[0].metric == "change_failure_rate"

    def test_scenario_without_a_plan_still_loads(self, worked_example):
        assert worked_example.rollout is None
        assert rollout_report(worked_example).plan_is_default

    @pytest.mark.parametrize(
        ("waves", "message"),
        [
            (
                [
                    {"name": "A", "start_week": 4, "seat_share": 0.1},
                    {"name": "B", "start_week": 4, "seat_share": 0.5},
                ],
                "waves must start in order",
            ),
            (
                [
                    {"name": "A", "start_week": 0, "seat_share": 0.5},
                    {"name": "B", "start_week": 4, "seat_share": 0.3},
                ],
                r"wave 'B' \(week 4\) covers 30% of developers, not more than 'A' \(week 0, 50%\); each later "
                "wave must add seats$",
            ),
            (  # 0.4 typed in the app's "Seats %" column: 0.4%, shown as such (":.0%" wrote "0%"), with a hint
                [
                    {"name": "A", "start_week": 0, "seat_share": 0.08},
                    {"name": "B", "start_week": 4, "seat_share": 0.004},
                ],
                r"covers 0.4% of developers, not more than 'A' \(week 0, 8%\); each later wave must add seats; "
                r"did you mean 40%\?",
            ),
            (
                [
                    {"name": "A", "start_week": 0, "seat_share": 0.1},
                    {"name": "A", "start_week": 4, "seat_share": 0.3},
                ],
                "two waves are called 'A'",
            ),
            ([], "at least 1 item"),
        ],
    )
    def test_bad_plans_are_refused_with_the_field(self, worked_example, waves, message):
        data = worked_example.model_dump(mode="json")
        data["rollout"] = {"waves": waves}
        with pytest.raises(ScenarioError, match=message) as error:
            scenario_from_dict(data, source="plan.json")
        assert error.value.field.startswith("rollout")

    def test_a_share_above_one_is_refused_with_what_was_meant(self, worked_example):
        """8 typed as a change failure rate baseline made the gate "at most 802.0%", which can never fail."""
        def plan(baseline: dict, gate: dict) -> dict:
            data = worked_example.model_dump(mode="json")
            data["rollout"] = {"baseline": baseline, "waves": [
                {"name": "A", "start_week": 0, "seat_share": 1.0, "gates": [{"metric": "change_failure_rate", **gate}]}]}
            return data

        with pytest.raises(ScenarioError, match=r"the baseline of change_failure_rate is a fraction from 0 to 1 "
                                                r"\(0.08 = 8%\), got 8; did you mean 0.08 \(8%\)\?"):
            scenario_from_dict(plan({"change_failure_rate": 8}, {"threshold": 0.02, "basis": "baseline_plus"}))
        with pytest.raises(ScenarioError, match="the measured value of change_failure_rate .* got 9; did you mean 0.09"):
            scenario_from_dict(plan({}, {"threshold": 0.1, "measured": 9}))
        with pytest.raises(ScenarioError, match="the threshold of change_failure_rate .* got 15"):
            scenario_from_dict(plan({}, {"threshold": 15}))
        # In the metric's unit elsewhere: +2 points on a baseline, or PR size in lines, are not shares.
        assert scenario_from_dict(plan({"change_failure_rate": 0.08}, {"threshold": 0.02, "basis": "baseline_plus",
                                                                       "measured": 0.09})).rollout is not None
        data = plan({}, {"threshold": 1})
        data["rollout"]["waves"][0]["gates"] = [{"metric": "pr_size_loc_median", "threshold": 400, "measured": 380}]
        assert scenario_from_dict(data).rollout.waves[0].gates[0].measured == 380

    def test_unknown_gate_metric_is_refused(self, worked_example):
        data = worked_example.model_dump(mode="json")
        data["rollout"] = {
            "waves": [
                {
                    "name": "A",
                    "start_week": 0,
                    "seat_share": 1.0,
                    "gates": [{"metric": "happiness", "threshold": 1}],
                }
            ]
        }
        with pytest.raises(ScenarioError) as error:
            scenario_from_dict(data)
        assert error.value.field == "rollout.waves.0.gates.0.metric"


@pytest.fixture(scope="module")
def demo():
    from roi.ingest import load_demo

    return load_demo()


@pytest.fixture(scope="module")
def gated():
    gates = [
        Gate(metric="change_failure_rate", basis="baseline_plus", threshold=0.02),
        Gate(metric="pr_size_loc_median", threshold=400),
    ]
    return RolloutPlan(
        start_date=date(2025, 3, 3),
        waves=[
            Wave(name="Pilot", start_week=0, seat_share=0.1, gates=gates),
            Wave(name="Everyone", start_week=6, seat_share=1.0, gates=gates),
        ],
    )


class TestMeasureWave:
    """Gates measured from exports through roi.metrics (the bundled demo exports, AI adopted 2025-03-03)."""

    def test_first_wave_records_measurements_and_the_baseline(self, demo, worked_example, gated):
        from roi.metrics import measure

        # The plan's default 2-week ramp; the pilot ends the day before "Everyone" starts (week 6): the exports'
        # later months are the next wave's, not the pilot's.
        assert wave_window(gated, 0) == (date(2025, 3, 3), date(2025, 4, 13))
        expected = measure(demo, date(2025, 3, 3), 2, until=date(2025, 4, 13))
        assert expected.post.end == pd.Timestamp("2025-04-13 23:59:59.999999", tz="UTC")
        plan = measure_wave(demo, worked_example, gated, 0)
        assert [g.measured for g in plan.waves[0].gates] == [
            expected.post.change_failure_rate,
            expected.post.pr_size_loc_median,
        ]
        assert plan.baseline == {
            "change_failure_rate": expected.baseline.change_failure_rate,
            "pr_size_loc_median": expected.baseline.pr_size_loc_median,
        }
        assert [g.measured for g in plan.waves[1].gates] == [None, None]

    def test_later_waves_start_at_their_week_and_leave_the_baseline(self, demo, worked_example, gated):
        from roi.metrics import measure

        assert wave_window(gated, 1) == (date(2025, 4, 14), None)  # 2025-03-03 + 6 weeks; the last runs on
        expected = measure(demo, date(2025, 4, 14), 2)
        plan = measure_wave(demo, worked_example, gated, 1)
        assert plan.waves[1].gates[1].measured == expected.post.pr_size_loc_median
        assert plan.baseline == {}

    def test_rates_per_week_are_compared_per_working_week(self, demo, worked_example):
        # Exports count per calendar week; the scenario (and its baseline) per working week: at W = 46
        # a measured rate is × (365.25 / 7) / 46 = 1.1343 before it meets a gate.
        from roi.metrics import measure

        metrics = {"post": {"tasks_per_dev_week": 2.0, "pr_size_loc_median": 100.0},
                   "baseline": {"tasks_per_dev_week": 1.5}}
        measured, baseline = gate_inputs_from_metrics(metrics, working_weeks_per_year=48)
        assert measured["tasks_per_dev_week"] == pytest.approx(2.174107, abs=1e-6)  # 2 × 52.178571 / 48
        assert measured["pr_size_loc_median"] == 100.0  # not a rate per week
        assert baseline["tasks_per_dev_week"] == pytest.approx(1.630580, abs=1e-6)
        tasks = Gate(metric="tasks_per_dev_week", comparison="at_least", basis="baseline_times", threshold=1.0)
        pilot = Wave(name="Pilot", start_week=0, seat_share=0.1, gates=[tasks])
        plan = RolloutPlan(start_date=date(2025, 3, 3), waves=[pilot])
        expected = measure(demo, date(2025, 3, 3), 2)
        found = measure_wave(demo, worked_example, plan, 0)
        factor = (365.25 / 7) / worked_example.team.working_weeks_per_year
        assert found.waves[0].gates[0].measured == pytest.approx(expected.post.tasks_per_dev_week * factor)
        assert found.baseline["tasks_per_dev_week"] == pytest.approx(expected.baseline.tasks_per_dev_week * factor)

    def test_a_plan_without_start_date_cannot_be_measured(self, demo, worked_example, gated):
        with pytest.raises(DataError, match="no start date"):
            measure_wave(demo, worked_example, gated.model_copy(update={"start_date": None}), 0)


def test_a_saved_plan_reaches_the_workbook_through_the_scenario_file(worked_example, results, tmp_path):
    """Plan → scenario file → load → workbook: the Rollout plan and Checklist sheets show it."""
    from io import BytesIO

    from openpyxl import load_workbook

    from roi.export.workbook import build_workbook
    from roi.models import load_scenario, save_scenario

    gates = [Gate(metric="pr_size_loc_median", threshold=400, measured=380)]
    plan = RolloutPlan(
        waves=[
            Wave(name="Platform team", start_week=0, seat_share=0.2, gates=gates),
            Wave(name="Everyone", start_week=8, seat_share=1.0),
        ],
        checklist=[
            ChecklistTracking(
                item_id="ai-policy", title="Publish a clear AI-use policy", status="done", notes="on the wiki"
            )
        ],
    )
    path = tmp_path / "with_plan.json"
    save_scenario(worked_example.model_copy(update={"rollout": plan}), path)
    loaded = load_scenario(path)
    assert loaded.rollout == plan
    book = load_workbook(BytesIO(build_workbook(loaded, results)))
    cells = [[cell.value for cell in row] for row in book["Rollout plan"].iter_rows()]
    assert ["Wave", "Platform team", "Everyone"] == [v for v in next(r for r in cells if r[0] == "Wave") if v]
    stored = load_workbook(BytesIO(build_workbook(loaded, results)), data_only=True)["Rollout plan"]
    # The gate's wave is a link to the wave's name (a renamed wave keeps its gates), stored with the name.
    gate_row = next(r for r in stored.iter_rows(values_only=True) if r[0] == "Platform team" and r[1] == "PR size (median)")
    assert 380 in gate_row and 400 in gate_row and "pass" in gate_row
    checklist = [[cell.value for cell in row] for row in book["Checklist"].iter_rows()]
    policy = next(r for r in checklist if r[0] == "ai-policy")
    assert "done" in policy and "on the wiki" in policy
