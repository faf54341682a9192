"""Rollout planning: waves, their cost and review load, go/no-go gates, the tracked checklist, expectations.

The lesson behind the product: the organisation has to change with the tool (PR size limits,
test automation, review capacity, honest expectations) or the downstream bottleneck eats the
gain.  A plan (:class:`roi.rollout_models.RolloutPlan`, saved in the scenario) rolls seats
out in waves; this module turns it into numbers, all from the engine's own formulas:

- per wave (:func:`plan_waves`): seats, seat and usage cost per month (methodology §3), extra PRs
  and review hours per week (methodology §1), and the reviewers needed at that adoption level
  (the engine's queueing model, methodology §2);
- by month (:func:`monthly_cost_schedule`): the cash cost of the plan and its running total;
- per gate (:func:`evaluate_gates`): measured value beside the threshold, pass or fail;
- the engine checklist merged with what the team recorded (:func:`track_checklist`);
- the gain to plan roadmaps on and how freed time is spent (:func:`expectations`).

Conventions: weeks count from the rollout's start (week 0); month m (1-based) holds weeks
[(m−1)·52/12, m·52/12); money is in the scenario's currency and *not* risk-adjusted (the
plan is a budget; the ROI page adds the TEI cost risk).  See docs/rollout.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from roi import capacity, defaults, formatting, productivity, uncertainty
from roi.checklist import QUALITY_SLIP, RULE_IDS
from roi.engine import compute, compute_productivity, compute_review
from roi.errors import DataError, ScenarioError
from roi.ingest.tables import Dataset
from roi.inputs import productivity_terms, resolve_inputs
from roi.metrics import measure
from roi.models import ChecklistItem, Results, Scenario
from roi.rollout_models import (
    CLOSED_STATUSES,
    MAX_WEEK,
    WEEKS_PER_YEAR,
    ChecklistStatus,
    ChecklistTracking,
    Expectations,
    Gate,
    RolloutPlan,
    TimeAllocation,
    Wave,
)
from roi.scenario_builder import WEEKLY_RATES, working_week_factor

__all__ = [
    "DEFAULT_WAVES",
    "MAX_MEASURE_WEEKS",
    "METRICS",
    "ExpectationsResult",
    "GateResult",
    "MonthCost",
    "RolloutReport",
    "TrackedChecklistItem",
    "WaveResult",
    "baseline_metrics",
    "default_gates",
    "default_plan",
    "evaluate_gate",
    "evaluate_gates",
    "expectations",
    "gate_inputs_from_metrics",
    "measure_wave",
    "monthly_cost_schedule",
    "plan_waves",
    "planned_checklist",
    "actions_first",
    "record_measurements",
    "rollout_report",
    "track_checklist",
    "wave_decision",
    "wave_tie",
    "week_to_month",
]

# --- Defaults (planning conventions of this tool; docs/rollout.md explains each) -------------

DEFAULT_WAVES: tuple[tuple[str, float, str], ...] = (
    ("Pilot", 0.10, "1–2 volunteer teams with review capacity to spare"),
    ("Expansion", 0.30, "early-majority teams, after the pilot's gates pass"),
    ("Full rollout", 1.00, "all remaining teams"),
)
"""(name, cumulative share of developers with a seat, cohort): pilot ~10% → ~30% → 100%."""

DEFAULT_RAMP_WEEKS = 2
"""Weeks after a wave starts before its metrics count (learning the tool); the scenario's
``measurement.ramp_weeks`` replaces it when present."""

MIN_MEASURE_WEEKS = 4
"""Shortest measured period per wave [weeks]: a month smooths weekly noise."""

MIN_PRS_PER_PERIOD = 30
"""PRs a wave needs before its medians are read (docs/metrics.md: below 30 PRs the sample is too small)."""

MAX_MEASURE_WEEKS = 13
"""Longest measured period per wave [weeks]: a quarter. A small team merging few PRs would wait years
for 30 (6 developers at 0.25 PRs a week: a 120-week pilot, the full rollout after the horizon); it
is measured for a quarter and its gates read what it merged."""

CFR_GATE_POINTS = 0.02
"""Default change-failure-rate gate: at most the baseline + 2 points (DORA 2024 tiers sit 5–20
points apart, so 2 points is a visible but not tier-changing slip)."""

IDLE_SEAT_REVIEW_WEEKS = 4
"""Reclaiming idle seats is due this many weeks after the last wave starts (a monthly licence cycle)."""

BASE_QUALITY_SHARE = 0.2
QUALITY_SLIP_SHARE = 0.2
REVIEW_STRAIN_SHARE = 0.1
LEARNING_SHARE = 0.2
"""Default allocation of freed time: quality 20% (+20% when quality slips, +10% when the review
queue is strained), learning 20% during the rollout, the rest to roadmap."""

CALENDAR_HOURS_PER_WEEK = capacity.CALENDAR_HOURS_PER_WEEK
MONTHS_PER_YEAR = 12
_EPSILON = 1e-9

_DUE_BEFORE_WAVE: dict[str, int] = {
    "no-payback": 1,
    "baseline-first": 0,
    "ai-policy": 0,
    "expectation-setting": 0,
    "pr-size-limit": 1,
    "review-depth": 1,
    "test-automation": 1,
    "rework": 1,
    "monitor-each-wave": 1,
    "workload-watch": -1,
    "small-batches": -1,
}
"""Checklist item → index of the wave it must be done before (−1 = the last wave).

Before the pilot: what must hold from day one.  Before the second wave: what the pilot is
meant to prove (that the rollout pays back, small PRs, tests, measurement).  ``review-capacity`` is due before the first
wave that needs more reviewers than planned; ``idle-seats`` a licence cycle after the last."""


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- Gate metrics ------------------------------------------------------------------------


class MetricInfo(_Result):
    label: str
    unit: Literal["fraction", "calendar h", "LOC", "per task", "per dev-week", "per week", "users"]


METRICS: dict[str, MetricInfo] = {
    "change_failure_rate": MetricInfo(label="Change failure rate", unit="fraction"),
    "pickup_hours_median": MetricInfo(
        label="Time to first review (median, created → first review)", unit="calendar h"
    ),
    "review_hours_median": MetricInfo(
        label="Time in review (median, first review → merged)", unit="calendar h"
    ),
    "cycle_hours_median": MetricInfo(label="PR cycle time (median)", unit="calendar h"),
    "pr_size_loc_median": MetricInfo(label="PR size (median)", unit="LOC"),
    "pr_size_loc": MetricInfo(label="PR size (mean)", unit="LOC"),
    "bugs_per_task": MetricInfo(label="Bugs per task", unit="per task"),
    "bugs_per_dev_week": MetricInfo(label="Bugs per developer-week", unit="per dev-week"),
    "tasks_per_dev_week": MetricInfo(label="Tasks per developer-week", unit="per dev-week"),
    "prs_per_dev_week": MetricInfo(label="PRs per developer-week", unit="per dev-week"),
    "deployments_per_week": MetricInfo(label="Deployments per week", unit="per week"),
    "recovery_hours": MetricInfo(label="Failed deployment recovery time", unit="calendar h"),
    "rework_rate": MetricInfo(label="Deployment rework rate", unit="fraction"),
    "lead_time_hours": MetricInfo(label="Change lead time", unit="calendar h"),
    "ai_active_users": MetricInfo(label="AI active users (daily mean)", unit="users"),
    "ai_acceptance_rate": MetricInfo(label="AI suggestion acceptance rate", unit="fraction"),
}
"""Every metric a gate can test (keys of :data:`roi.rollout_models.GateMetric`), with label and unit."""


def format_metric(metric: str, value: float | None) -> str:
    """A metric value in its unit: rates as %, hours with h, LOC with separators."""
    unit = METRICS[metric].unit
    if unit == "fraction":
        return formatting.percent(value, digits=1)
    if unit == "calendar h":
        return formatting.hours(value, digits=1)
    if unit == "LOC":
        return formatting.number(value) + ("" if value is None else " LOC")
    return formatting.number(value, digits=0 if value is not None and abs(value) >= 100 else 3)


# --- Result models -----------------------------------------------------------------------


class GateResult(_Result):
    """One gate checked against a measurement: the measured value beside the threshold."""

    metric: str
    label: str
    comparison: Literal["at_most", "at_least"]
    basis: Literal["absolute", "baseline_plus", "baseline_times"]
    setting: float = Field(description="the gate's own threshold: a value, points added, or a multiplier")
    baseline: float | None = Field(description="pre-rollout value used by a relative threshold")
    threshold: float | None = Field(
        description="the value the measurement is compared with; null = no baseline"
    )
    measured: float | None
    passed: bool | None = Field(description="null = cannot be judged yet (not measured, or no baseline)")
    reason: str


class WaveResult(_Result):
    """A wave's numbers at the adoption level it reaches (all developers with a seat use the tool)."""

    name: str
    teams: str
    start_week: int
    end_week: int = Field(description="next wave's start, or the start + the wave length for the last [week]")
    measure_from_week: int = Field(description="start + ramp: metrics from here on judge the gates [week]")
    start_month: int = Field(description="month of the plan the wave starts in (1-based)")
    seat_share: float = Field(description="cumulative share of developers with a seat [fraction]")
    developers: int = Field(description="developers with a seat once the wave starts (cumulative)")
    developers_added: int
    seats: float = Field(description="licences across all tools (developers × coverage per tool)")
    seat_cost_per_month: float = Field(description="Σ seats·price [currency/month]")
    usage_cost_per_month: float = Field(description="Σ seats·usage [currency/month]")
    licence_cost_per_month: float = Field(description="seat + usage [currency/month]")
    training_hours_per_dev: float
    training_cost: float = Field(
        description="developers added × training hours × loaded rate, once [currency]"
    )
    prs_per_week: float = Field(description="team's merged PRs per week at this adoption level")
    extra_prs_per_week: float = Field(description="d·(P1 − P0) [PRs/week]")
    review_hours_per_week: float = Field(description="review work the team's PRs need [h/week]")
    extra_review_hours_per_week: float = Field(description="d·(P1·E(L1) − P0·E(L0)) [h/week]")
    review_capacity_hours_per_week: float = Field(description="c·f·H of the planned pool [h/week]")
    reviewers: int = Field(description="planned reviewer pool")
    reviewers_needed: int | None = Field(
        description="smallest pool meeting the wait target; null = no target"
    )
    reviewers_to_add: int | None
    utilization: float = Field(description="review work / capacity [fraction; ≥ 1 is unstable]")
    stable: bool
    wait_hours: float | None = Field(
        description="mean wait for a review at the planned pool [working h]; null = unstable"
    )
    backlog_growth_hours_per_week: float
    net_hours_per_week: float = Field(description="d·N, quality-adjusted hours freed per week [h/week]")
    extra_bugs_per_week: float = Field(description="d·(B1 − B0) [bugs/week]")
    gates: list[GateResult]
    decision: Literal["go", "no-go", "incomplete", "no gates"]


class MonthCost(_Result):
    """The plan's cash cost in one month [currency], not risk-adjusted."""

    month: int = Field(description="1-based month of the plan")
    year: int = Field(description="1-based year of the plan")
    wave: str | None = Field(
        description="latest wave started by this month (several starting in it: 'Pilot + Expansion'); "
        "null = before the first"
    )
    developers: int
    seats: float
    seat_cost: float
    usage_cost: float
    training_cost: float
    governance_cost: float
    one_off_cost: float
    total_cost: float
    cumulative_cost: float


class TrackedChecklistItem(_Result):
    """An engine checklist item (or one the team tracked that no longer fires) with its tracking."""

    id: str
    title: str
    category: str | None = Field(description="null for an item that no longer fires")
    priority: int | None
    reason: str
    owner_role: str
    due_week: int | None = Field(description="week of the rollout it is due by; null = not tied any more")
    wave: str | None = Field(description="the wave it must be done before; null = not tied to a wave start")
    late_for: str | None = Field(
        default=None,
        description="the wave it should be done before, when the due week the team set falls after that wave "
        "starts; null = on time or not tied to a wave",
    )
    status: ChecklistStatus
    notes: str
    fires: bool = Field(
        description="False: the numbers no longer trigger it; kept because the team tracked it"
    )


class ExpectationsResult(_Result):
    """The gain to plan roadmaps on, how freed time is spent, and the workload guardrails."""

    headline_gain: float = Field(description="g, output change per adopting developer [fraction]")
    quality_adjusted_gain: float = Field(description="QAPI − 1 at the likely values [fraction]")
    quality_adjusted_gain_p10: float | None = Field(
        description="QAPI − 1 at the P10 of net hours; null = no ranges"
    )
    basis: Literal["p10", "likely"] = Field(description="the basis actually used")
    planning_gain: float = Field(description="quality-adjusted gain at the basis [fraction]; may be negative")
    net_hours_per_dev_week: float = Field(description="N at the basis [h/dev-week]")
    freed_hours_per_dev_week: float = Field(description="max(0, N at the basis) [h/dev-week]")
    allocation: TimeAllocation
    allocation_generated: bool
    allocation_hours: dict[str, float] = Field(description="freed hours per developer-week by use [h]")
    team_freed_hours_per_week: float = Field(description="freed hours × developers, at full rollout [h/week]")
    roadmap_gain: float = Field(
        description="extra throughput to commit on roadmaps = freed × roadmap / H_task"
    )
    guardrails: list[str]
    guardrails_generated: bool
    note: str


class RolloutReport(_Result):
    """Everything the Rollout page and the workbook show, from one call (:func:`rollout_report`)."""

    currency: str
    plan: RolloutPlan
    plan_is_default: bool = Field(description="True when the scenario holds no plan yet")
    baseline: dict[str, float] = Field(description="pre-rollout values the gates compare with")
    waves: list[WaveResult]
    schedule: list[MonthCost]
    cost_by_year: list[float] = Field(
        description="the schedule's cost per plan year 1..Y [currency, not risk-adjusted]"
    )
    checklist: list[TrackedChecklistItem]
    expectations: ExpectationsResult


# --- Arithmetic helpers --------------------------------------------------------------------


def week_to_month(week: int) -> int:
    """The 1-based month holding rollout week ``week``: ⌊week·12/52⌋ + 1 (week 13 starts month 4)."""
    return math.floor(week * MONTHS_PER_YEAR / WEEKS_PER_YEAR + _EPSILON) + 1


def developers_with_seats(developers: int, seat_share: float) -> int:
    """Developers covered by a cumulative seat share, rounded half up [people]."""
    return math.floor(developers * seat_share + 0.5 + _EPSILON)


def _ramp_weeks(scenario: Scenario) -> int:
    return scenario.measurement.ramp_weeks if scenario.measurement is not None else DEFAULT_RAMP_WEEKS


def _wave_length_weeks(scenario: Scenario, developers: int) -> int:
    """Ramp + the weeks ``developers`` need to merge 30 PRs, at least a month and at most a quarter."""
    prs_per_week = developers * scenario.post.prs_per_dev_week
    to_enough_prs = (
        math.ceil(MIN_PRS_PER_PERIOD / prs_per_week - _EPSILON) if prs_per_week > 0 else MIN_MEASURE_WEEKS
    )
    return _ramp_weeks(scenario) + min(MAX_MEASURE_WEEKS, max(MIN_MEASURE_WEEKS, to_enough_prs))


def _licence_costs(scenario: Scenario, developers: int) -> tuple[float, float, float]:
    """(seats, seat cost, usage cost) per month for ``developers`` seated users (methodology §3, unrisked).

    seats_k = d·coverage_k; usage is billed for seated users, min(seats_k, d) = seats_k.
    """
    seats = seat_cost = usage_cost = 0.0
    for tool in scenario.costs.tools:
        tool_seats = developers * tool.seat_coverage
        seats += tool_seats
        seat_cost += tool_seats * tool.price_per_seat_month
        usage_cost += min(tool_seats, developers) * tool.usage_per_dev_month
    return seats, seat_cost, usage_cost


def _monthly_governance_cost(scenario: Scenario) -> float:
    return scenario.costs.governance_fte * scenario.fte_annual_cost / MONTHS_PER_YEAR


# --- Defaults ------------------------------------------------------------------------------


def default_gates(scenario: Scenario, results: Results) -> list[Gate]:
    """Go/no-go criteria from the scenario's numbers and the checklist rules.

    Change failure rate at most baseline + 2 points; time to first review at most the scenario's target wait
    (converted to calendar hours, as exports measure it, at least 0.1 h), or, with no target set, at most the
    baseline's; median PR size at most the size limit; bugs per task not more than 1% above the baseline (the
    checklist's ``QUALITY_SLIP``); tasks per developer-week not below it.
    """
    gates = [Gate(metric="change_failure_rate", basis="baseline_plus", threshold=CFR_GATE_POINTS)]
    target = scenario.review.target_wait_hours
    if target is not None and target > 0:
        calendar = target * CALENDAR_HOURS_PER_WEEK / scenario.team.hours_per_week
        gates.append(Gate(metric="pickup_hours_median", threshold=max(round(calendar, 1), 0.1)))
    elif target is None and results.review.target_wait_hours is not None:
        # No target: the engine keeps today's wait, the model's queue wait (seconds on most teams), which is not
        # what exports measure (creation to first review, calendar hours): "≤ 0.0 h" failed every wave. The gate
        # keeps today's measured time instead.
        gates.append(Gate(metric="pickup_hours_median", basis="baseline_times", threshold=1.0))
    gates += [
        Gate(metric="pr_size_loc_median", threshold=float(defaults.PR_SIZE_LIMIT_LOC)),
        # The checklist's tolerance: a rise within rounding is no slip (it failed a pilot on 0.198 > 0.197).
        Gate(metric="bugs_per_task", basis="baseline_times", threshold=1.0 + QUALITY_SLIP),
        Gate(metric="tasks_per_dev_week", comparison="at_least", basis="baseline_times", threshold=1.0),
    ]
    return gates


def default_plan(scenario: Scenario, results: Results | None = None) -> RolloutPlan:
    """Pilot ~10% → ~30% → 100%, each wave long enough to measure, with the default gates.

    A wave lasts the ramp (2 weeks, or the scenario's) plus the weeks its developers need to
    merge 30 PRs, at least 4 and at most 13 (a quarter).  Tiny teams get a pilot of at least one
    developer; shares that would not add anyone are dropped.
    """
    results = results if results is not None else compute(scenario)
    developers = scenario.team.developers
    gates = default_gates(scenario, results)
    waves: list[Wave] = []
    week = 0
    for name, share, teams in DEFAULT_WAVES:
        share = max(share, 1.0 / developers)
        seated = developers_with_seats(developers, share)
        if waves and seated <= developers_with_seats(developers, waves[-1].seat_share):
            continue
        waves.append(
            Wave(
                name=name,
                start_week=week,
                seat_share=share,
                teams=teams,  # no training hours of its own: it follows the scenario's, as they change
                gates=gates,
            )
        )
        week += _wave_length_weeks(scenario, seated)
    return RolloutPlan(waves=waves)


def wave_outline(plan: RolloutPlan) -> str:
    """The waves as "Pilot 25% → Full rollout 100%" (each wave's cumulative share of developers seated): the
    default plan drops a wave that would seat no one more, so "pilot ~10%, expansion ~30%" is not always it."""
    return " → ".join(f"{wave.name} {formatting.percent(wave.seat_share)}" for wave in plan.waves)


# --- Waves ---------------------------------------------------------------------------------


def plan_waves(scenario: Scenario, plan: RolloutPlan, results: Results | None = None) -> list[WaveResult]:
    """Each wave's cost, review load and staffing at the adoption level it reaches.

    With d of n developers seated (all of them using the tool), the team merges
    (n−d)·P0 + d·P1 PRs a week needing (n−d)·P0·E(L0) + d·P1·E(L1) review hours: one
    reviewer pool serving a mix of PRs (methodology §2 with λ and E(L) of the mix; the
    scenario's service variability is kept).  Reviewers needed is the engine's
    ``capacity.reviewers_needed`` at the engine's wait target.  ``results`` (the scenario's
    engine results) saves recomputing the wait target and N.

    Raises:
        ScenarioError: a wave starts after the finance horizon.
    """
    team, review, base, post = scenario.team, scenario.review, scenario.baseline, scenario.post
    n = team.developers
    effort_before = productivity.review_effort_hours(
        base.pr_size_loc, review.overhead_hours, review.loc_per_hour
    )
    effort_after = productivity.review_effort_hours(
        post.pr_size_loc, review.overhead_hours, review.loc_per_hour
    )
    target = (results.review if results is not None else compute_review(scenario)).target_wait_hours
    net_hours = (results.productivity if results is not None else compute_productivity(scenario)).net_hours
    measured_baseline = baseline_metrics(scenario, plan)
    horizon_months = scenario.finance.horizon_years * MONTHS_PER_YEAR
    wave_results: list[WaveResult] = []
    previous = 0
    for index, wave in enumerate(plan.waves):
        start_month = week_to_month(wave.start_week)
        if start_month > horizon_months:
            raise ScenarioError(
                f"wave '{wave.name}' starts in week {wave.start_week}, after the "
                f"{scenario.finance.horizon_years}-year horizon; start it earlier or lengthen "
                "finance.horizon_years",
                field=f"rollout.waves.{index}.start_week",
            )
        d = developers_with_seats(n, wave.seat_share)
        seats, seat_cost, usage_cost = _licence_costs(scenario, d)
        prs = (n - d) * base.prs_per_dev_week + d * post.prs_per_dev_week
        work = (n - d) * base.prs_per_dev_week * effort_before + d * post.prs_per_dev_week * effort_after
        effort = work / prs
        arrivals = capacity.arrival_rate_per_hour(n, prs / n, team.hours_per_week)
        pool = wave.reviewers if wave.reviewers is not None else review.reviewers
        training = (wave.training_hours_per_dev if wave.training_hours_per_dev is not None
                    else scenario.costs.training_hours_per_dev)  # left out: the scenario's training
        queue = capacity.queue_stats(
            arrivals, effort, review.review_share, pool, review.arrival_cv2, review.service_cv2
        )
        needed = (
            capacity.reviewers_needed(
                arrivals, effort, review.review_share, review.arrival_cv2, review.service_cv2, target
            )
            if target is not None and target > 0
            else None
        )
        last = index == len(plan.waves) - 1
        end_week = (
            wave.start_week + _wave_length_weeks(scenario, d) if last else plan.waves[index + 1].start_week
        )
        gates = [
            evaluate_gate(gate, gate.measured, measured_baseline.get(gate.metric)) for gate in wave.gates
        ]
        wave_results.append(
            WaveResult(
                name=wave.name,
                teams=wave.teams,
                start_week=wave.start_week,
                end_week=end_week,
                measure_from_week=min(wave.start_week + _ramp_weeks(scenario), end_week),
                start_month=start_month,
                seat_share=wave.seat_share,
                developers=d,
                developers_added=d - previous,
                seats=seats,
                seat_cost_per_month=seat_cost,
                usage_cost_per_month=usage_cost,
                licence_cost_per_month=seat_cost + usage_cost,
                training_hours_per_dev=training,
                training_cost=(d - previous) * training * team.loaded_cost_per_hour,
                prs_per_week=prs,
                extra_prs_per_week=d * (post.prs_per_dev_week - base.prs_per_dev_week),
                review_hours_per_week=work,
                extra_review_hours_per_week=d
                * productivity.review_tax_hours(
                    base.prs_per_dev_week, effort_before, post.prs_per_dev_week, effort_after
                ),
                review_capacity_hours_per_week=pool * review.review_share * team.hours_per_week,
                reviewers=pool,
                reviewers_needed=needed,
                reviewers_to_add=max(0, needed - pool) if needed is not None else None,
                utilization=queue.utilization,
                stable=queue.stable,
                wait_hours=queue.wait_hours,
                backlog_growth_hours_per_week=capacity.backlog_growth_hours_per_week(
                    n, prs / n, effort, pool, review.review_share, team.hours_per_week
                ),
                net_hours_per_week=d * net_hours,
                extra_bugs_per_week=d * (post.bugs_per_dev_week - base.bugs_per_dev_week),
                gates=gates,
                decision=wave_decision(gates),
            )
        )
        previous = d
    return wave_results


def monthly_cost_schedule(
    scenario: Scenario, plan: RolloutPlan, waves: Sequence[WaveResult] | None = None
) -> list[MonthCost]:
    """The plan's cash cost month by month over the finance horizon [currency, not risk-adjusted].

    Seats and usage are billed for whole months from the month a wave starts; training is
    paid in that month; governance (FTE × FTE cost / 12) every month; the one-off cost in month 1.
    """
    waves = list(waves) if waves is not None else plan_waves(scenario, plan)
    governance = _monthly_governance_cost(scenario)
    rows: list[MonthCost] = []
    cumulative = 0.0
    for month in range(1, scenario.finance.horizon_years * MONTHS_PER_YEAR + 1):
        started = [wave for wave in waves if wave.start_month <= month]
        current = started[-1] if started else None
        # Waves that start in the same month are all named: a four-week pilot must not vanish.
        starting = [wave.name for wave in waves if wave.start_month == month]
        developers = current.developers if current is not None else 0
        seats, seat_cost, usage_cost = _licence_costs(scenario, developers)
        training = sum(wave.training_cost for wave in waves if wave.start_month == month)
        one_off = scenario.costs.one_off_cost if month == 1 else 0.0
        total = seat_cost + usage_cost + training + governance + one_off
        cumulative += total
        rows.append(
            MonthCost(
                month=month,
                year=(month - 1) // MONTHS_PER_YEAR + 1,
                wave=" + ".join(starting) if len(starting) > 1 else (current.name if current else None),
                developers=developers,
                seats=seats,
                seat_cost=seat_cost,
                usage_cost=usage_cost,
                training_cost=training,
                governance_cost=governance,
                one_off_cost=one_off,
                total_cost=total,
                cumulative_cost=cumulative,
            )
        )
    return rows


# --- Gates ---------------------------------------------------------------------------------


def with_derived_metrics(values: Mapping[str, Any]) -> dict[str, float]:
    """The gate metrics among ``values`` (numbers only, nulls dropped), plus bugs_per_task = bugs / tasks."""
    found = {
        key: float(value)
        for key, value in values.items()
        if key in METRICS
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    }
    bugs, tasks = found.get("bugs_per_dev_week"), found.get("tasks_per_dev_week")
    if "bugs_per_task" not in found and bugs is not None and tasks:
        found["bugs_per_task"] = bugs / tasks
    return found


def baseline_metrics(scenario: Scenario, plan: RolloutPlan | None = None) -> dict[str, float]:
    """Pre-rollout values of the gate metrics: the scenario's baseline, overridden by the plan's.

    The scenario's ``baseline.review_hours`` (observed median time in review) is
    ``review_hours_median``; its ``pr_size_loc`` is the mean (``pr_size_loc``), not the median.
    """
    base = scenario.baseline.model_dump()
    base["review_hours_median"] = base.pop("review_hours")
    # Merge before deriving: an entered bugs or tasks baseline changes bugs per task too.
    if plan is not None:
        base.update(plan.baseline.items())  # items: a dict keyed by metric names is not a dict[str, ...]
    return with_derived_metrics(base)


def gate_threshold(gate: Gate, baseline: float | None) -> float | None:
    """The value a measurement is compared with; ``None`` when a relative gate has no baseline."""
    if gate.basis == "absolute":
        return gate.threshold
    if baseline is None:
        return None
    return baseline + gate.threshold if gate.basis == "baseline_plus" else baseline * gate.threshold


def evaluate_gate(gate: Gate, measured: float | None, baseline: float | None) -> GateResult:
    """Pass if measured ≤ threshold (``at_most``) or ≥ it (``at_least``); equal passes.

    ``passed`` is ``None`` — never a silent pass — when there is no measurement or a relative
    threshold has no baseline; ``reason`` says what to supply.
    """
    info = METRICS[gate.metric]
    threshold = gate_threshold(gate, baseline)
    symbol = "≤" if gate.comparison == "at_most" else "≥"
    passed: bool | None
    if threshold is None:
        passed = None
        reason = (
            f"no baseline for {info.label.lower()}: enter it under gate baselines, or measure the "
            "pre-rollout period from exports"
        )
    elif measured is None:
        passed = None
        reason = (
            f"not measured yet: load exports covering the wave's period or enter the value (target {symbol} "
            f"{format_metric(gate.metric, threshold)})"
        )
    else:
        tolerance = _EPSILON * max(1.0, abs(threshold))
        passed = (
            measured <= threshold + tolerance
            if gate.comparison == "at_most"
            else measured >= threshold - tolerance
        )
        verdict = "pass" if passed else "fail"
        shown = symbol if passed else (">" if gate.comparison == "at_most" else "<")
        shown_values = (
            f"{format_metric(gate.metric, measured)} {shown} {format_metric(gate.metric, threshold)}"
        )
        reason = f"{shown_values}: {verdict}"
    return GateResult(
        metric=gate.metric,
        label=info.label,
        comparison=gate.comparison,
        basis=gate.basis,
        setting=gate.threshold,
        baseline=baseline,
        threshold=threshold,
        measured=measured,
        passed=passed,
        reason=reason,
    )


def evaluate_gates(
    gates: Sequence[Gate], measured: Mapping[str, Any], baseline: Mapping[str, Any]
) -> list[GateResult]:
    """Check each gate against plain mappings metric → value (the wave's period, and the baseline).

    Mappings may hold any metrics-JSON period fields; bugs_per_task is derived when absent.
    """
    now, before = with_derived_metrics(measured), with_derived_metrics(baseline)
    return [evaluate_gate(gate, now.get(gate.metric), before.get(gate.metric)) for gate in gates]


def wave_decision(results: Sequence[GateResult]) -> Literal["go", "no-go", "incomplete", "no gates"]:
    """no-go if any gate fails; go if all pass; incomplete if some cannot be judged yet."""
    if not results:
        return "no gates"
    if any(result.passed is False for result in results):
        return "no-go"
    return "go" if all(result.passed for result in results) else "incomplete"


def gate_inputs_from_metrics(
    metrics: Any, working_weeks_per_year: float | None = None
) -> tuple[dict[str, float], dict[str, float]]:
    """(measured, baseline) mappings from a metrics result shaped like CONTRACT "Metrics JSON".

    Accepts the model returned by ``roi.metrics.measure`` or its JSON as a dict: its ``post``
    period is the measurement, its ``baseline`` the period before the adoption date.  Given the
    scenario's working weeks a year, rates per week (measured per calendar week) are converted to
    rates per working week, the scenario's unit, as the scenario builder converts them, so a
    gate compares like with like.
    """
    data = metrics.model_dump() if isinstance(metrics, BaseModel) else dict(metrics)
    factor = working_week_factor(working_weeks_per_year) if working_weeks_per_year else 1.0

    def period(name: str) -> dict[str, float]:
        value = data.get(name) or {}
        value = dict(value.model_dump() if isinstance(value, BaseModel) else value)
        for field in WEEKLY_RATES:
            if isinstance(value.get(field), int | float):
                value[field] *= factor
        return with_derived_metrics(value)

    return period("post"), period("baseline")


def record_measurements(
    plan: RolloutPlan, wave_index: int, measured: Mapping[str, Any], baseline: Mapping[str, Any] | None = None
) -> RolloutPlan:
    """The plan with wave ``wave_index``'s gates set to ``measured`` (metrics absent keep their value).

    ``baseline``, when given (measure the *first* wave with the rollout's start as adoption
    date: its pre-period is the pre-rollout baseline), fills the plan's gate baselines.
    """
    values = with_derived_metrics(measured)
    wave = plan.waves[wave_index]
    gates = [
        gate.model_copy(update={"measured": values.get(gate.metric, gate.measured)}) for gate in wave.gates
    ]
    waves = list(plan.waves)
    waves[wave_index] = wave.model_copy(update={"gates": gates})
    update: dict[str, Any] = {"waves": waves}
    if baseline is not None:
        gated = {gate.metric for w in plan.waves for gate in w.gates}
        found = {key: value for key, value in with_derived_metrics(baseline).items() if key in gated}
        update["baseline"] = {**plan.baseline, **found}
    # Values come from with_derived_metrics (finite numbers of known metrics): no re-validation needed.
    return plan.model_copy(update=update)


def wave_window(plan: RolloutPlan, wave_index: int) -> tuple[date, date | None]:
    """(first day, last day) of wave ``wave_index`` in calendar dates: from ``plan.start_date`` + its start
    week to the day before the next wave starts (``None`` for the last wave: it runs on).

    Raises:
        DataError: the plan has no start date.
    """
    if plan.start_date is None:
        raise DataError(
            "the rollout has no start date; enter the date of week 0 to measure a wave from exports",
            field="rollout.start_date",
        )
    start = plan.start_date + timedelta(weeks=plan.waves[wave_index].start_week)
    later = [w.start_week for w in plan.waves if w.start_week > plan.waves[wave_index].start_week]
    return start, (plan.start_date + timedelta(weeks=min(later), days=-1) if later else None)


def measure_wave(dataset: Dataset, scenario: Scenario, plan: RolloutPlan, wave_index: int) -> RolloutPlan:
    """The plan with wave ``wave_index``'s gates measured from exports (:func:`roi.metrics.measure`).

    The wave's start (``plan.start_date`` + its start week) is the adoption date and the ramp is
    the plan's (the scenario's ``measurement.ramp_weeks``, else 2 weeks); the measured period ends
    with the wave (:func:`wave_window`: the day before the next wave starts; the last wave runs to
    the last event), so exports that run on past it do not mix in later waves.  Only the first wave's pre-period
    is the pre-rollout baseline: it fills the plan's gate baselines; later waves' pre-periods
    include earlier waves and are not used.

    Raises:
        DataError: the plan has no start date, or the exports hold no data on one side of the wave's start.
    """
    start, end = wave_window(plan, wave_index)
    metrics = measure(dataset, start, _ramp_weeks(scenario), until=end)
    measured, baseline = gate_inputs_from_metrics(metrics, scenario.team.working_weeks_per_year)
    return record_measurements(plan, wave_index, measured, baseline if wave_index == 0 else None)


# --- Checklist tracking ----------------------------------------------------------------------


WaveTie = int | Literal["first-short", "after-last"] | None
"""How an item's due week follows the waves: the index of the wave it is due before (its start
week), ``"first-short"`` (before the first wave needing more reviewers than planned, else the
last wave), ``"after-last"`` (``IDLE_SEAT_REVIEW_WEEKS`` after the last wave starts, before no
wave), or ``None`` (the engine's own due week)."""


def wave_tie(item_id: str, wave_count: int) -> WaveTie:
    """How checklist item ``item_id`` is tied to a plan of ``wave_count`` waves (docs/rollout.md,
    "Due weeks follow the waves"); a fixed index is already within the plan."""
    if not wave_count:
        return None
    if item_id == "idle-seats":
        return "after-last"
    if item_id == "review-capacity":
        return "first-short"
    if item_id in _DUE_BEFORE_WAVE:
        index = _DUE_BEFORE_WAVE[item_id]
        return max(0, min(index if index >= 0 else wave_count - 1, wave_count - 1))
    return None


def _due(item: ChecklistItem, waves: Sequence[WaveResult]) -> tuple[int | None, str | None]:
    """(due week, wave it must be done before) of an engine item, tied to the waves' start weeks."""
    tie = wave_tie(item.id, len(waves))
    if tie is None:
        return item.due_week, None
    if tie == "after-last":
        # never past the last week a plan holds (a last wave in week 519 of ten years gave week 523)
        return min(waves[-1].start_week + IDLE_SEAT_REVIEW_WEEKS, MAX_WEEK), None
    if isinstance(tie, int):
        index = tie
    else:  # "first-short"
        short = [
            i for i, w in enumerate(waves) if w.reviewers_needed is None or w.reviewers_needed > w.reviewers
        ]
        # None short (the item fires on utilisation alone): the last wave, where the load peaks. The
        # second wave made a team with enough reviewers act earlier than one short of them.
        index = short[0] if short else len(waves) - 1
    return waves[index].start_week, waves[index].name


OWN_ACTION_REASON = "An action the team added to the plan (in the workbook's Checklist)."


def kept_tracking(entry: ChecklistTracking) -> bool:
    """Whether a tracked entry stays in the plan: the team recorded something against it, or it is an action
    of the team's own (an id no rule gives, with a title): a todo with no owner yet is still on the plan."""
    return entry.touched or (entry.item_id not in RULE_IDS and bool(entry.title.strip()))


def track_checklist(
    items: Sequence[ChecklistItem], tracking: Sequence[ChecklistTracking], waves: Sequence[WaveResult]
) -> list[TrackedChecklistItem]:
    """The engine's checklist with the team's status, owner, due week and notes laid over it.

    Due weeks follow the waves unless the team set one.  Tracked items the numbers no longer
    trigger are kept (``fires=False``) when the team recorded anything against them; untouched
    ones disappear with their rule.
    """
    by_id = {entry.item_id: entry for entry in tracking}
    merged: list[TrackedChecklistItem] = []
    for item in items:
        entry = by_id.pop(item.id, None)
        due_week, wave = _due(item, waves)
        late_for = None
        if entry is not None and entry.due_week is not None:  # still due before its wave until its start,
            on_time = due_week is None or entry.due_week <= due_week  # as the workbook says
            late_for = None if on_time else wave
            due_week, wave = entry.due_week, wave if on_time else None
        merged.append(
            TrackedChecklistItem(
                id=item.id,
                title=item.title,
                category=item.category,
                priority=item.priority,
                reason=item.reason,
                owner_role=entry.owner_role
                if entry is not None and entry.owner_role is not None
                else item.owner_role,
                due_week=due_week,
                wave=wave,
                late_for=late_for,
                status=entry.status if entry is not None else item.status,
                notes=entry.notes if entry is not None else "",
                fires=True,
            )
        )
    for entry in tracking:
        if entry.item_id in by_id and kept_tracking(entry):
            merged.append(
                TrackedChecklistItem(
                    id=entry.item_id,
                    title=entry.title or entry.item_id,
                    category=None,
                    priority=None,
                    reason=OWN_ACTION_REASON if entry.item_id not in RULE_IDS
                    else "The numbers no longer trigger this item; kept because the team tracked it.",
                    owner_role=entry.owner_role or "",
                    due_week=entry.due_week,
                    wave=None,
                    status=entry.status,
                    notes=entry.notes,
                    fires=False,
                )
            )
    return merged


# --- Expectations ----------------------------------------------------------------------------


def net_hours_percentile(scenario: Scenario, percentile: float) -> float | None:
    """The given percentile of N [h/dev-week] over the engine's Monte Carlo draws; ``None`` without ranges.

    The same seeded draws as the NPV percentiles (``roi.uncertainty.draw_inputs``) through the
    same model (``roi.inputs``), so P10 here and NPV P10 describe the same simulated world.
    """
    if scenario.uncertainty is None or not scenario.uncertainty.ranges:
        return None
    draws = uncertainty.draw_inputs(scenario)
    net = np.broadcast_to(
        productivity_terms(resolve_inputs(scenario, draws)).net, (scenario.uncertainty.draws,)
    )
    return float(np.percentile(net, percentile))


def generated_allocation(results: Results) -> TimeAllocation:
    """Default use of freed time, from the checklist rules that fire (docs/rollout.md).

    Quality 20%, +20% when quality slips (test-automation or rework fires), +10% when the
    review queue is strained (review-capacity fires); learning 20%; roadmap the rest.
    """
    fired = {item.id for item in results.checklist}
    quality = BASE_QUALITY_SHARE
    if fired & {"test-automation", "rework"}:
        quality += QUALITY_SLIP_SHARE
    if "review-capacity" in fired:
        quality += REVIEW_STRAIN_SHARE
    quality = round(quality, 6)
    return TimeAllocation(
        quality=quality, learning=LEARNING_SHARE, roadmap=round(1.0 - quality - LEARNING_SHARE, 6)
    )


def generated_guardrails(
    scenario: Scenario, results: Results, roadmap_gain: float, basis_label: str
) -> list[str]:
    """Workload guardrails written from the numbers (each names the figure it protects)."""
    review = scenario.review
    tasks_limit = scenario.baseline.tasks_per_dev_week * (1.0 + defaults.WORKLOAD_GROWTH_LIMIT)
    needed = results.review.reviewers_needed
    staffing = (
        f" (the model needs {formatting.count(needed, 'reviewer')} at full rollout, "
        f"{formatting.number(review.reviewers)} today)"
        if needed is not None
        else ""
    )
    headline = formatting.percent(results.productivity.output_change, signed=True, digits=1)
    commitment = (
        f"Roadmaps commit to at most {formatting.percent(roadmap_gain, signed=True, digits=1)} more "
        "throughput until a wave gate measures more (the roadmap share of the quality-adjusted gain at "
        f"{basis_label})"
        if roadmap_gain > 0
        else "Roadmaps commit to no extra throughput until a wave gate measures a gain (the quality-adjusted "
        f"gain at {basis_label} frees no time)"
    )
    return [
        f"{commitment}; the headline {headline} is not a planning figure.",
        f"Tasks per developer-week above {tasks_limit:.2f} (baseline + "
        f"{formatting.percent(defaults.WORKLOAD_GROWTH_LIMIT)}) trigger a workload check: no overtime "
        "to meet AI-inflated targets.",
        f"Reviewing stays within {review.review_share * scenario.team.hours_per_week:.0f} h per reviewer "
        f"per week ({formatting.percent(review.review_share)} of the week); add reviewers rather than "
        f"hours{staffing}.",
        f"PRs stay at or below {defaults.PR_SIZE_LIMIT_LOC} lines changed; larger ones are split "
        "before review.",
    ]


GUARDRAIL_OPENINGS = ("Roadmaps commit to", "Tasks per developer-week above", "Reviewing stays within",
                      "PRs stay at or below")
"""How each guardrail :func:`generated_guardrails` writes opens, whatever its figures."""


def guardrails_now(scenario: Scenario, results: Results, shown: ExpectationsResult) -> list[str]:
    """The guardrails the numbers write now, at the planning basis and roadmap gain of ``shown``."""
    label = "P10" if shown.basis == "p10" else "the likely values"
    return generated_guardrails(scenario, results, shown.roadmap_gain, label)


def stale_guardrails(saved: Sequence[str], now: Sequence[str]) -> list[tuple[str, str]]:
    """(line saved, the same guardrail as the numbers write it now) for each saved line that opens as a guardrail
    written from the numbers (:data:`GUARDRAIL_OPENINGS`) but no longer reads as the numbers write it: a line
    appended to the generated ones kept them, and their figures, when the numbers moved on ("frees no time"
    beside a gain of +15.6%)."""
    current = {opening: line for line in now for opening in GUARDRAIL_OPENINGS if line.startswith(opening)}
    stale = []
    for line in saved:
        opening = next((o for o in GUARDRAIL_OPENINGS if line.startswith(o)), None)
        if opening is not None and opening in current and line != current[opening]:
            stale.append((line, current[opening]))
    return stale


def refreshed_guardrails(saved: Sequence[str], now: Sequence[str]) -> list[str]:
    """``saved`` with each stale line (:func:`stale_guardrails`) as the numbers write it now; the team's own
    lines as they are."""
    fresh = dict(stale_guardrails(saved, now))
    return [fresh.get(line, line) for line in saved]


def expectations(
    scenario: Scenario, results: Results, chosen: Expectations | None = None
) -> ExpectationsResult:
    """The gain to plan roadmaps on and what freed time is for.

    The planning gain is the quality-adjusted gain QAPI − 1 = N / H_task with N at its P10
    over the Monte Carlo draws (basis ``p10``; falls back to the likely values when the
    scenario has no ranges) or at the likely values.  Freed time max(0, N) is split by the
    allocation; only its roadmap share becomes a roadmap commitment.
    """
    chosen = chosen or Expectations()
    h_task = scenario.team.delivery_hours_per_week
    likely_net = results.productivity.net_hours
    p10_net = net_hours_percentile(scenario, 10) if results.uncertainty is not None else None
    if chosen.plan_gain_basis == "p10" and p10_net is not None:
        basis, net, basis_label = "p10", p10_net, "P10"
        note = "P10 of the Monte Carlo: in 9 of 10 simulated outcomes the gain is at least this."
    else:
        basis, net, basis_label = "likely", likely_net, "the likely values"
        note = (
            "The scenario has no uncertainty ranges, so the likely values are used; add ranges to "
            "plan on P10."
            if chosen.plan_gain_basis == "p10"
            else "Planned on the likely values, not the downside."
        )
    if net <= 0:
        note += " At this basis the tool frees no time: commit no gain to roadmaps until a gate measures one."
    freed = max(0.0, net)
    allocation = chosen.time_allocation or generated_allocation(results)
    roadmap_gain = freed * allocation.roadmap / h_task
    guardrails = chosen.guardrails
    return ExpectationsResult(
        headline_gain=results.productivity.output_change,
        quality_adjusted_gain=results.productivity.qapi - 1.0,
        quality_adjusted_gain_p10=p10_net / h_task if p10_net is not None else None,
        basis=basis,
        planning_gain=net / h_task,
        net_hours_per_dev_week=net,
        freed_hours_per_dev_week=freed,
        allocation=allocation,
        allocation_generated=chosen.time_allocation is None,
        allocation_hours={
            use: freed * getattr(allocation, use) for use in ("quality", "learning", "roadmap")
        },
        team_freed_hours_per_week=freed * scenario.team.developers,
        roadmap_gain=roadmap_gain,
        guardrails=list(guardrails)
        if guardrails is not None
        else generated_guardrails(scenario, results, roadmap_gain, basis_label),
        guardrails_generated=guardrails is None,
        note=note,
    )


# --- Everything at once ------------------------------------------------------------------------


def _plan_of(scenario: Scenario, results: Results) -> RolloutPlan:
    """The scenario's rollout plan, or the default one its numbers give."""
    return scenario.rollout if scenario.rollout is not None else default_plan(scenario, results)


def planned_checklist(scenario: Scenario, results: Results) -> list[TrackedChecklistItem]:
    """The checklist as the rollout plan (the scenario's, or the default one) schedules it: due weeks
    tied to its waves, with the team's owners and dates, so every page names the same week."""
    plan = _plan_of(scenario, results)
    return track_checklist(results.checklist, plan.checklist, plan_waves(scenario, plan, results))


def actions_first(scenario: Scenario, results: Results, count: int = 3) -> tuple[list[TrackedChecklistItem], int]:
    """(the first ``count`` actions the numbers call for that the team has not closed, how many the team closed):
    the Executive summary's "What to do first".  An item marked done or not applicable is no longer to do first
    (it led the summary, without its status); the plan keeps it."""
    fired = [item for item in planned_checklist(scenario, results) if item.fires]
    open_items = [item for item in fired if item.status not in CLOSED_STATUSES]
    return open_items[:count], len(fired) - len(open_items)


def planned_results(scenario: Scenario, results: Results | None = None) -> Results:
    """``results`` with each checklist item's owner, due week and status as the rollout plan schedules it
    (:func:`planned_checklist`), as the app and the workbook show them: ``python -m roi compute`` printed the
    rules' own owners, weeks and "todo" while the scenario file recorded the item done by Jane in week 1.

    The items and their order stay the engine's (what the numbers trigger); an item the team tracked that no
    longer fires is in the app and the workbook only.  A due week the plan leaves blank keeps the rule's.
    """
    results = results if results is not None else compute(scenario)
    planned = {item.id: item for item in planned_checklist(scenario, results)}
    checklist = [
        item.model_copy(
            update={
                "owner_role": planned[item.id].owner_role,
                "due_week": planned[item.id].due_week if planned[item.id].due_week is not None else item.due_week,
                "status": planned[item.id].status,
            }
        )
        for item in results.checklist
    ]
    return results.model_copy(update={"checklist": checklist})


def rollout_report(scenario: Scenario, results: Results | None = None) -> RolloutReport:
    """The scenario's plan (or the default one) with every number the page and the workbook show."""
    results = results if results is not None else compute(scenario)
    plan = _plan_of(scenario, results)
    waves = plan_waves(scenario, plan, results)
    schedule = monthly_cost_schedule(scenario, plan, waves)
    return RolloutReport(
        currency=scenario.currency,
        plan=plan,
        plan_is_default=scenario.rollout is None,
        baseline=baseline_metrics(scenario, plan),
        waves=waves,
        schedule=schedule,
        cost_by_year=[
            sum(month.total_cost for month in schedule if month.year == year)
            for year in range(1, scenario.finance.horizon_years + 1)
        ],
        checklist=track_checklist(results.checklist, plan.checklist, waves),
        expectations=expectations(scenario, results, plan.expectations),
    )
