"""roi.rollout_tables (rows shown, exported and edited) and roi.charts_rollout.

Output tables must carry the report's numbers under stable column names (the workbook's
Rollout plan and Checklist sheets write them); edited rows must come back as the plan the
user meant, or as a ScenarioError naming the row and column.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roi.charts_rollout import monthly_cost_chart, monthly_cost_data, timeline_chart, timeline_data
from roi.engine import compute
from roi.errors import ScenarioError
from roi.rollout import ExpectationsResult, default_plan, expectations, rollout_report
from roi.rollout_models import ChecklistTracking, Expectations, Gate, RolloutPlan, TimeAllocation, Wave
from roi.rollout_tables import (
    baseline_from_rows,
    baseline_input_rows,
    checklist_input_rows,
    checklist_table,
    default_tracking,
    expectations_from_inputs,
    gate_advice,
    gate_input_rows,
    gate_slips,
    gate_table,
    gates_from_rows,
    schedule_table,
    tracking_from_rows,
    update_plan,
    wave_input_rows,
    wave_table,
    waves_from_rows,
)


@pytest.fixture(scope="module")
def results(worked_example):
    return compute(worked_example)


@pytest.fixture(scope="module")
def plan(worked_example, results):
    return default_plan(worked_example, results)


@pytest.fixture(scope="module")
def report(worked_example, results):
    return rollout_report(worked_example, results)


class TestOutputTables:
    def test_wave_table(self, report):
        rows = wave_table(report)
        assert [row["Wave"] for row in rows] == ["Pilot", "Expansion", "Full rollout"]
        assert [row["Licence cost / month"] for row in rows] == pytest.approx([245, 735, 2450])
        assert [row["Reviewers needed"] for row in rows] == [13, 19, 37]
        assert rows[1]["Modelled review wait (working h)"] is None  # unstable: no number, never a made-up wait
        assert {row["Go / no-go"] for row in rows} == {"not measured yet"}

    def test_schedule_table(self, report):
        rows = schedule_table(report)
        assert len(rows) == 36
        assert rows[0]["Total cost"] == pytest.approx(195 + 50 + 1812 + 0.1 * 188_419 / 12 + 5000)
        assert rows[-1]["Cumulative cost"] == pytest.approx(163_925.70, abs=0.01)
        # Year 1: months 1–3 (8,627.16 + 5,929.16 + 16,704.16) + 9 × 4,020.16 = 67,441.90;
        # later years 12 × 4,020.16.
        assert report.cost_by_year == pytest.approx([67_441.90, 48_241.90, 48_241.90], abs=0.01)

    def test_gate_table_numbers_and_text(self, worked_example, plan):
        gates = [Gate(metric="change_failure_rate", basis="baseline_plus", threshold=0.02, measured=0.13)]
        gated = update_plan(
            plan,
            waves=[plan.waves[0].model_copy(update={"gates": gates}), *plan.waves[1:]],
            baseline={"change_failure_rate": 0.10},
        )
        report = rollout_report(worked_example.model_copy(update={"rollout": gated}))
        number = gate_table(report)[0]
        assert (number["Baseline"], number["Threshold"], number["Measured"], number["Unit"]) == (
            0.10,
            pytest.approx(0.12),
            0.13,
            "fraction",
        )
        assert (number["Rule"], number["Result"]) == ("at most baseline +2.0 points", "fail")
        assert number["Reason"] == "13.0% > 12.0%: fail"
        text = gate_table(report, formatted=True)[0]
        assert (text["Baseline"], text["Threshold"], text["Measured"]) == ("10.0%", "12.0%", "13.0%")
        assert (text["Result"], "Unit" in text, "Reason" in text) == ("fail", False, False)

    def test_unjudged_gates_say_why_in_a_word_and_what_to_do_once(self, worked_example, plan):
        def gate(metric: str, basis: str = "baseline_times", measured: float | None = None) -> Gate:
            return Gate(metric=metric, basis=basis, threshold=1.1, measured=measured)

        # Pilot: PR size not measured; CFR with no baseline. Next wave: the same two gates, and one passed.
        pilot = [gate("pr_size_loc_median"), gate("change_failure_rate", "baseline_plus")]
        gated = update_plan(
            plan,
            waves=[
                plan.waves[0].model_copy(update={"gates": pilot}),
                plan.waves[1].model_copy(update={"gates": [*pilot, gate("pr_size_loc_median", "absolute", 1.0)]}),
                *(wave.model_copy(update={"gates": []}) for wave in plan.waves[2:]),
            ],
            baseline={"pr_size_loc_median": 200.0},
        )
        report = rollout_report(worked_example.model_copy(update={"rollout": gated}))
        results = [(row["Wave"], row["Result"]) for row in gate_table(report, formatted=True)]
        names = [wave.name for wave in gated.waves]
        assert results == [
            (names[0], "not measured yet"),
            (names[0], "no baseline"),
            (names[1], "not measured yet"),
            (names[1], "no baseline"),
            (names[1], "pass"),  # 1 LOC ≤ 1.1 LOC
        ]
        assert [row["Result"] for row in gate_table(report)] == ["not judged"] * 4 + ["pass"]  # the workbook's
        assert gate_advice(report) == [
            "No baseline for change failure rate: enter it under “Baselines the gates compare with”, or measure "
            "the pre-rollout period from exports (the first wave's earlier data becomes the baseline).",
            f"Not measured yet ({names[0]} and {names[1]}): load exports covering the wave's measured period and "
            "use “Measure a wave from the loaded exports”, or enter the measured value in the gates table above.",
        ]

    def test_checklist_table(self, report):
        rows = checklist_table(report)
        assert rows[0]["Item"] == "baseline-first" and rows[0]["Status"] == "todo"
        assert {row["Still triggered"] for row in rows} == {True}
        assert list(rows[0]) == [
            "Item",
            "Action",  # as the Rollout page heads it
            "Category",
            "Priority",
            "Owner",
            "Due week",
            "Due before wave",
            "Status",
            "Notes",
            "Still triggered",
            "Why",
        ]


class TestWaveRows:
    def test_round_trip(self, plan):
        rows = [{**row, "source": i} for i, row in enumerate(wave_input_rows(plan))]
        assert waves_from_rows(rows, plan.waves) == plan.waves

    @pytest.mark.parametrize(("developers", "team"), [(1, "1 developer"), (2, "2 developers")])
    def test_a_wave_of_a_team_of_one_that_seats_nobody_is_refused_in_the_singular(self, plan, developers, team):
        rows = [{**r, "source": i} for i, r in enumerate(wave_input_rows(plan))]
        rows[0]["seat_share_pct"] = 1
        with pytest.raises(ScenarioError) as caught:
            waves_from_rows(rows, plan.waves, developers=developers)
        assert caught.value.message.startswith(f"1% of {team} seats nobody new (did you mean 100%?); ")

    @pytest.mark.parametrize(
        "row, share, message",
        [
            # 0.1 typed for 10%: 0.05 developers of 50 round to none; it planned a $0 pilot the expansion absorbed.
            (0, 0.1, "0.1% of 50 developers seats nobody new (did you mean 10%?); enter at least 1% so that it adds "
                     "a developer, or remove the wave"),
            # 10.5% of 50 is 5 (rounded half up), the pilot's 5 already: at least 5.5 / 50 = 11%.
            (1, 10.5, "10.5% of 50 developers seats nobody new; enter at least 11% so that it adds a developer, or "
                      "remove the wave"),
        ],
    )
    def test_a_wave_that_seats_nobody_new_is_refused(self, plan, row, share, message):
        rows = [{**r, "source": i} for i, r in enumerate(wave_input_rows(plan))]
        rows[row] = {**rows[row], "seat_share_pct": share}
        assert waves_from_rows(rows, plan.waves) is not None  # without a team size: not judged
        with pytest.raises(ScenarioError) as error:
            waves_from_rows(rows, plan.waves, developers=50)
        assert (error.value.row, error.value.column, error.value.message) == (row + 1, "seat_share_pct", message)

    def test_edits_keep_gates_and_sort(self, plan):
        rows = [{**row, "source": i} for i, row in enumerate(wave_input_rows(plan))]
        rows[1] = {**rows[1], "name": "Majority", "start_week": 20, "seat_share_pct": 60}
        rows.append(
            {
                "name": "Early",
                "start_week": 3,
                "seat_share_pct": 20,
                "teams": None,
                "training_hours_per_dev": math.nan,
                "reviewers": math.nan,
                "source": math.nan,
            }
        )
        rows.append({"name": None, "start_week": math.nan, "seat_share_pct": math.nan})  # an empty added row
        waves = waves_from_rows(rows, plan.waves)
        assert [(w.name, w.start_week, w.seat_share) for w in waves] == [
            ("Pilot", 0, 0.1),
            ("Early", 3, 0.2),
            ("Full rollout", 12, 1.0),
            ("Majority", 20, 0.6),
        ]
        assert waves[3].gates == plan.waves[1].gates
        assert [g.metric for g in waves[1].gates] == [g.metric for g in plan.waves[-1].gates]
        # Training and reviewers left empty: the scenario's training hours and review pool (None).
        assert waves[1].training_hours_per_dev is None and waves[1].reviewers is None
        # Majority (60%) after Full rollout (100%): the weeks say why the order is so.
        with pytest.raises(ScenarioError, match=r"'Majority' \(week 20\) covers 60% of developers, not more than "
                                                r"'Full rollout' \(week 12, 100%\); each later wave must add seats"):
            update_plan(plan, waves=waves)

    @pytest.mark.parametrize(
        ("change", "column", "message"),
        [
            ({"name": ""}, "name", "give the wave a name"),
            ({"seat_share_pct": 0}, "seat_share_pct", "outside 0–100%"),
            ({"seat_share_pct": "lots"}, "seat_share_pct", "not a number"),
            ({"start_week": 2.5}, "start_week", "not a whole number"),
            ({"start_week": math.nan}, "start_week", "is empty"),
            # 1e999 reads as infinity: the table names the cell (the model would name only its field).
            ({"training_hours_per_dev": "1e999"}, "training_hours_per_dev", "is not a finite number"),
        ],
    )
    def test_bad_cells_name_row_and_column(self, plan, change, column, message):
        rows = wave_input_rows(plan)
        rows[1] = {**rows[1], **change}
        with pytest.raises(ScenarioError, match=message) as error:
            waves_from_rows(rows, plan.waves)
        assert (error.value.row, error.value.column) == (2, column)

    def test_negative_week_is_refused_by_the_model(self, plan):
        rows = wave_input_rows(plan)
        rows[0] = {**rows[0], "start_week": -1}
        with pytest.raises(ScenarioError) as error:
            waves_from_rows(rows, plan.waves)
        assert (error.value.row, error.value.field) == (1, "start_week")

    def test_no_waves_left(self, plan):
        with pytest.raises(ScenarioError, match="at least one wave"):
            waves_from_rows([], plan.waves)

    @given(
        st.lists(
            st.tuples(st.integers(0, 100), st.floats(0.5, 100)),
            min_size=1,
            max_size=6,
            unique_by=(lambda t: t[0], lambda t: round(t[1], 6)),
        )
    )
    def test_rows_become_waves_in_week_order(self, cells):
        rows = [
            {"name": f"W{i}", "start_week": week, "seat_share_pct": pct}
            for i, (week, pct) in enumerate(cells)
        ]
        waves = waves_from_rows(rows, [])
        assert [w.start_week for w in waves] == sorted(week for week, _ in cells)
        assert all(0 < w.seat_share <= 1 for w in waves)


class TestGateRows:
    def test_round_trip(self, plan):
        assert gates_from_rows(gate_input_rows(plan), plan.waves) == plan.waves

    @pytest.mark.parametrize("row, column", [(2, "measured"), (2, "threshold"), (1, "measured")])
    def test_a_negative_size_or_time_is_refused(self, plan, row, column):
        # −50 lines measured passed "PR size at most 400"; a threshold of −400 could never pass.
        rows = gate_input_rows(plan)
        rows[row] = {**rows[row], column: -50}
        with pytest.raises(ScenarioError) as error:
            gates_from_rows(rows, plan.waves)
        label = rows[row]["metric"]
        assert (error.value.row, error.value.column) == (row + 1, column)
        assert error.value.message == f"{label} cannot be negative, got -50; enter 0 or more"
        with pytest.raises(ValueError, match="cannot be negative"):  # a scenario file's too
            Gate(metric="pr_size_loc_median", threshold=400, measured=-50)

    def test_labels_map_back_and_gates_move_between_waves(self, plan):
        rows = gate_input_rows(plan)
        rows[0] = {
            **rows[0],
            "wave": "Expansion",
            "rule": "≥",
            "threshold": 50,  # percent, as the page shows a share
            "measured": 40,
        }
        waves = gates_from_rows(rows, plan.waves)
        assert len(waves[0].gates) == len(plan.waves[0].gates) - 1
        moved = waves[1].gates[0]
        assert (moved.metric, moved.comparison, moved.basis, moved.threshold, moved.measured) == (
            "change_failure_rate",
            "at_least",
            "absolute",
            0.5,
            0.4,
        )

    @pytest.mark.parametrize(
        ("change", "column", "message"),
        [
            ({"wave": "Nowhere"}, "wave", "not a wave of the plan"),
            ({"metric": "Happiness"}, "metric", "not one of"),
            ({"rule": "at most"}, "rule", "not one of ≤, ≥, ≤ baseline +"),
            ({"threshold": None}, "threshold", "is empty"),
        ],
    )
    def test_bad_gate_rows(self, plan, change, column, message):
        rows = gate_input_rows(plan)
        rows[2] = {**rows[2], **change}
        with pytest.raises(ScenarioError, match=message) as error:
            gates_from_rows(rows, plan.waves)
        assert (error.value.row, error.value.column) == (3, column)

    @pytest.mark.parametrize(
        ("rule", "comparison", "basis"),
        [
            ("≤", "at_most", "absolute"),
            ("≥ baseline +", "at_least", "baseline_plus"),
            ("≤ baseline ×", "at_most", "baseline_times"),
        ],
    )
    def test_one_rule_cell_holds_the_comparison_and_its_basis(self, plan, rule, comparison, basis):
        # "Pass if" and "Of" are one column: two of them scrolled the editor sideways at 1280 px.
        rows = gate_input_rows(plan)
        assert [row["rule"] for row in rows[:4]] == ["≤ baseline +", "≤", "≤", "≤ baseline ×"]
        rows[0] = {**rows[0], "rule": rule}
        gate = gates_from_rows(rows, plan.waves)[0].gates[0]
        assert (gate.comparison, gate.basis) == (comparison, basis)

    def test_shares_are_typed_in_percent_and_point_changes_in_points(self, plan):
        # The wave table above takes "Seats %": a gate beside it asked 0.02 for two points of CFR.
        rows = gate_input_rows(plan)
        assert [(row["metric"], row["rule"], row["threshold"], row["unit"]) for row in rows[:1]] == [
            ("Change failure rate", "≤ baseline +", pytest.approx(2.0), "%")
        ]
        rows[0] = {**rows[0], "threshold": 3, "measured": 7}
        gate = gates_from_rows(rows, plan.waves)[0].gates[0]
        assert (gate.basis, gate.threshold, gate.measured) == ("baseline_plus", 0.03, 0.07)  # not 0.07000000000000001
        rows[0] = {**rows[0], "rule": "≤", "threshold": 15}
        assert gates_from_rows(rows, plan.waves)[0].gates[0].threshold == 0.15
        rows[0] = {**rows[0], "rule": "≤ baseline ×", "threshold": 1.1}  # a multiplier stays one
        assert gates_from_rows(rows, plan.waves)[0].gates[0].threshold == 1.1

    @pytest.mark.parametrize(("column", "value"), [("threshold", 150), ("measured", -1)])
    def test_a_share_outside_0_to_100_percent_is_refused_in_percent(self, plan, column, value):
        rows = gate_input_rows(plan)
        rows[0] = {**rows[0], "rule": "≤", column: value}
        with pytest.raises(ScenarioError, match=r"percentage from 0 to 100 \(8 = 8%\), got") as error:
            gates_from_rows(rows, plan.waves)
        assert (error.value.row, error.value.column) == (1, column)

    @given(st.floats(0, 100, allow_nan=False))
    def test_a_percentage_shown_again_is_the_one_typed(self, percent):
        # 15 significant digits undo the float noise of ÷100 and ×100 without changing a typed value.
        plan = RolloutPlan(waves=[Wave(name="Pilot", start_week=0, seat_share=0.1)])
        rows = [{"wave": "Pilot", "metric": "Change failure rate", "rule": "≤", "threshold": percent}]
        waves = gates_from_rows(rows, plan.waves)
        assert gate_input_rows(plan.model_copy(update={"waves": waves}))[0]["threshold"] == pytest.approx(
            percent, rel=1e-13, abs=1e-13
        )

    def test_negative_multiplier_is_refused(self, plan):
        rows = gate_input_rows(plan)
        rows[3] = {**rows[3], "threshold": -1}  # bugs per task, baseline ×
        with pytest.raises(ScenarioError, match="multiplier"):
            gates_from_rows(rows, plan.waves)


class TestGateSlips:
    """A rate typed as a fraction into a percent cell (0.08 for 8%) is kept, since under 1% can be right, but
    said when 100× it is near the value it is compared with."""

    @staticmethod
    def _plan(plan, baseline, **gate):
        wave = plan.waves[0].model_copy(update={"gates": [Gate(metric="change_failure_rate", **gate)]})
        return plan.model_copy(update={"waves": [wave], "baseline": baseline})

    # A measured share is in percent whatever the rule, a "baseline ×" multiplier's included.
    @pytest.mark.parametrize(("basis", "threshold"), [("baseline_plus", 0.02), ("baseline_times", 1.1)])
    def test_a_measured_rate_a_hundredth_of_its_baseline(self, worked_example, plan, basis, threshold):
        slipped = self._plan(plan, {"change_failure_rate": 0.08}, basis=basis, threshold=threshold,
                             measured=0.0008)
        assert gate_slips(worked_example, slipped) == [
            "Gates, row 1 (Pilot), Measured: 0.08% for change failure rate, did you mean 8%? Rates are typed "
            "in percent (8 = 8%); it is compared with 8.0%."
        ]

    def test_an_absolute_threshold_and_a_measured_value_without_baseline(self, worked_example, plan):
        # Without a baseline a measured value is compared with its gate's "≤" threshold (0.1 typed for 10%) …
        slipped = self._plan(plan, {}, threshold=0.15, measured=0.001)
        assert gate_slips(worked_example, slipped) == [
            "Gates, row 1 (Pilot), Measured: 0.1% for change failure rate, did you mean 10%? Rates are typed "
            "in percent (8 = 8%); it is compared with 15.0%."
        ]
        # … and a threshold typed as a fraction ("≤ 0.15" for 15%) with the baseline.
        with_baseline = self._plan(plan, {"change_failure_rate": 0.12}, threshold=0.0015)
        assert gate_slips(worked_example, with_baseline) == [
            "Gates, row 1 (Pilot), Threshold: 0.15% for change failure rate, did you mean 15%? Rates are typed "
            "in percent (8 = 8%); it is compared with 12.0%."
        ]

    @pytest.mark.parametrize(
        ("baseline", "measured"),
        [
            ({"change_failure_rate": 0.0006}, 0.005),  # an elite team: 0.5% beside 0.06% is no slip of 100×
            ({"change_failure_rate": 0.08}, 0.01),  # 1% is a percentage either way
            ({"change_failure_rate": 0.08}, 0.0),
            ({}, 0.0008),  # "baseline +" with no baseline: nothing to compare with
        ],
    )
    def test_no_warning_when_the_rate_can_be_meant(self, worked_example, plan, baseline, measured):
        assert gate_slips(worked_example, self._plan(plan, baseline, basis="baseline_plus", threshold=0.02,
                                                     measured=measured)) == []

    def test_an_entered_baseline_against_the_scenario(self, worked_example, plan):
        scenario = worked_example.model_copy(
            update={"baseline": worked_example.baseline.model_copy(update={"change_failure_rate": 0.05})}
        )
        entered = plan.model_copy(update={"baseline": {"change_failure_rate": 0.0005}})
        assert gate_slips(scenario, entered) == [
            "Baselines, Change failure rate: 0.05% for change failure rate, did you mean 5%? Rates are typed in "
            "percent (8 = 8%); it is compared with 5.0%."
        ]
        assert gate_slips(worked_example, plan) == []  # the default plan of the worked example


class TestBaselineRows:
    def test_only_values_the_scenario_lacks_or_differs_on_are_kept(self, worked_example, plan):
        rows = baseline_input_rows(worked_example, plan)
        by_metric = {row["metric"]: row for row in rows}
        assert by_metric["Bugs per task"]["baseline"] == pytest.approx(0.125)
        assert by_metric["Bugs per task"]["source"] == "scenario"
        assert by_metric["Change failure rate"]["source"] == "missing"
        by_metric["Change failure rate"]["baseline"] = 5  # percent
        assert by_metric["Change failure rate"]["unit"] == "%"
        assert baseline_from_rows(rows, worked_example, plan) == {"change_failure_rate": 0.05}
        by_metric["Tasks per developer-week"]["baseline"] = 4.2
        assert baseline_from_rows(rows, worked_example, plan) == {
            "change_failure_rate": 0.05,
            "tasks_per_dev_week": 4.2,
        }


    def test_a_value_derived_from_an_entered_one_stays_derived(self, worked_example, plan):
        # Tasks entered as 5: bugs per task shows 0.5 / 5 = 0.1; an edit elsewhere stored that 0.1 as "entered",
        # and it no longer followed the tasks or bugs baselines.
        entered = plan.model_copy(update={"baseline": {"tasks_per_dev_week": 5.0}})
        rows = baseline_input_rows(worked_example, entered)
        by_metric = {row["metric"]: row for row in rows}
        assert by_metric["Bugs per task"]["baseline"] == pytest.approx(0.1)
        by_metric["Change failure rate"]["baseline"] = 5
        assert baseline_from_rows(rows, worked_example, entered) == {"tasks_per_dev_week": 5.0,
                                                                     "change_failure_rate": 0.05}


class TestChecklistRows:
    def test_only_differences_are_tracked(self, report, results):
        defaults = default_tracking(report, results)
        rows = checklist_input_rows(report)
        assert tracking_from_rows(rows, defaults) == []
        by_id = {row["id"]: row for row in rows}
        by_id["ai-policy"].update(status="doing", notes="  drafting ")
        by_id["pr-size-limit"].update(owner_role="Platform team", due_week=6)  # 6 is already its default
        assert tracking_from_rows(rows, defaults) == [
            ChecklistTracking(
                item_id="pr-size-limit",
                title="Limit PR size to 400 lines changed",
                owner_role="Platform team",
            ),
            ChecklistTracking(
                item_id="ai-policy", title="Publish a clear AI-use policy", status="doing", notes="drafting"
            ),
        ]

    def test_bad_status(self, report, results):
        rows = checklist_input_rows(report)
        rows[4]["status"] = "finished"
        with pytest.raises(ScenarioError, match="not one of") as error:
            tracking_from_rows(rows, default_tracking(report, results))
        assert (error.value.row, error.value.column) == (5, "status")

    def test_orphans_keep_their_tracking(self, worked_example, results, plan):
        tracked = update_plan(
            plan, checklist=[ChecklistTracking(item_id="rework", title="Track rework", status="done")]
        )
        report = rollout_report(worked_example.model_copy(update={"rollout": tracked}), results)
        rows = checklist_input_rows(report)
        assert rows[-1]["id"] == "rework" and rows[-1]["fires"] is False
        assert tracking_from_rows(rows, default_tracking(report, results)) == tracked.checklist


@pytest.fixture(scope="module")
def shown(worked_example, results) -> ExpectationsResult:
    return expectations(worked_example, results)


class TestExpectationInputs:
    def test_unchanged_inputs_keep_following_the_numbers(self, shown):
        chosen = expectations_from_inputs(
            Expectations(),
            shown,
            basis="p10",
            allocation_pct=(30, 20, 50),
            guardrails_text="\n".join(shown.guardrails) + "\n\n",
        )
        assert chosen == Expectations()

    def test_changed_inputs_are_stored(self, shown):
        chosen = expectations_from_inputs(
            Expectations(),
            shown,
            basis="likely",
            allocation_pct=(40, 20, 40),
            guardrails_text="No overtime\n  Small PRs ",
        )
        assert chosen == Expectations(
            plan_gain_basis="likely",
            guardrails=["No overtime", "Small PRs"],
            time_allocation=TimeAllocation(quality=0.4, learning=0.2, roadmap=0.4),
        )

    def test_allocation_must_add_up(self, shown):
        with pytest.raises(ScenarioError, match="add up to 100%"):
            expectations_from_inputs(
                Expectations(), shown, basis="p10", allocation_pct=(50, 20, 50), guardrails_text=""
            )


class TestUpdatePlan:
    def test_invalid_plan_is_a_scenario_error(self, plan):
        with pytest.raises(ScenarioError, match="two waves are called"):
            update_plan(
                plan,
                waves=[
                    Wave(name="A", start_week=0, seat_share=0.1),
                    Wave(name="A", start_week=1, seat_share=0.2),
                ],
            )

    def test_valid_change(self, plan):
        assert update_plan(plan, baseline={"change_failure_rate": 0.1}).baseline == {
            "change_failure_rate": 0.1
        }


class TestCharts:
    def test_timeline(self, report):
        phases, deadlines = timeline_data(report)
        assert list(phases["row"]) == [
            "Pilot",
            "Pilot",
            "Expansion",
            "Expansion",
            "Full rollout",
            "Full rollout",
        ]
        assert list(zip(phases["start"], phases["end"], strict=True))[:2] == [
            (0, 2),
            (2, 6),
        ]  # ramp-up, then measured
        assert sorted(deadlines["week"]) == sorted(item.due_week for item in report.checklist)
        spec = timeline_chart(report).to_dict()
        assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "point"]
        assert spec["layer"][0]["encoding"]["y"]["sort"] == [
            "Pilot",
            "Expansion",
            "Full rollout",
            "Checklist due",
        ]

    def test_a_wave_of_one_developer_is_labelled_in_the_singular(self, worked_example):
        # Two developers, one reviewer: the pilot seats one developer and needs one reviewer for a 400 h wait.
        small = worked_example.model_copy(update={
            "team": worked_example.team.model_copy(update={"developers": 2}),
            "review": worked_example.review.model_copy(update={"reviewers": 1, "target_wait_hours": 400.0})})
        report = rollout_report(small)
        phases, _ = timeline_data(report)
        assert list(dict.fromkeys(phases["label"])) == [
            "Pilot: 1 developer, 1 reviewer needed", "Full rollout: 2 developers, 2 reviewers needed"]
        description = timeline_chart(report).to_dict()["description"]
        assert "measured from week 2, 1 developer; Full rollout: weeks 8 to 14, measured from week 10, 2 developers." \
            in description

    def test_monthly_cost(self, report):
        data = monthly_cost_data(report)
        month_one = data[data["month"] == 1]
        assert month_one["cost"].sum() == pytest.approx(report.schedule[0].total_cost)
        assert set(month_one["kind"]) == {"Seats", "Usage", "Training", "Governance", "One-off set-up"}
        spec = monthly_cost_chart(report).to_dict()
        assert spec["resolve"]["scale"]["y"] == "independent"

    def test_single_wave_plan(self, worked_example):
        plan = RolloutPlan(waves=[Wave(name="Everyone", start_week=0, seat_share=1.0)])
        report = rollout_report(worked_example.model_copy(update={"rollout": plan}))
        phases, _ = timeline_data(report)
        assert list(phases["row"]) == ["Everyone", "Everyone"]
