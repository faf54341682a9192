"""The model's inputs as plain numbers (or arrays of Monte Carlo draws), and the NPV model over them.

``resolve_inputs`` reads a scenario and replaces any field named in ``overrides`` (dotted
paths such as ``review.loc_per_hour``, or the range keys ``productivity_uplift``,
``pr_count_growth``, ``pr_size_growth``) by a value or an array of draws.  The same code
then evaluates one scenario (floats) or 20,000 draws at once (arrays): the Monte Carlo and
the deterministic results can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from roi import finance, productivity
from roi.defaults import HOURS_PER_YEAR_FTE
from roi.models import Scenario, get_path

Value = float | np.ndarray


@dataclass(frozen=True)
class ModelInputs:
    """Every number the productivity and finance formulas read (symbols of methodology §0)."""

    developers: Value
    delivery_hours_per_week: Value
    working_weeks_per_year: Value
    loaded_cost_per_hour: Value
    tasks_before: Value
    tasks_after: Value
    prs_before: Value
    prs_after: Value
    size_before: Value
    size_after: Value
    bugs_before: Value
    bugs_after: Value
    overhead_hours: Value
    loc_per_hour: Value
    fix_hours_per_bug: Value
    responders_per_incident: Value
    rework_hours_per_deploy: Value
    failure_hours_change: Value
    rework_deploys_change: Value
    downtime_cost_per_hour: Value
    impact_share: Value
    tools: tuple[finance.ToolPricing, ...]
    training_hours_per_dev: Value
    one_off_cost: Value
    governance_fte: Value
    fte_annual_cost: Value
    adoption: tuple[Value, ...]
    discount_rate: Value
    capture_factor: Value
    benefit_risk: Value
    cost_risk: Value

    @property
    def horizon_years(self) -> int:
        return len(self.adoption)


FAILURE_INPUTS = ("deployments_per_week", "change_failure_rate", "recovery_hours")
"""D, CFR and M: the inputs of ΔI's failed-deployment recovery term (and of ΔDT)."""

REWORK_INPUTS = ("deployments_per_week", "rework_rate")
"""D and RW: the inputs of ΔI's rework term."""


def delivery_term_counted(scenario: Scenario, fields: tuple[str, ...]) -> bool:
    """Whether both periods give every input of a ΔI term (``FAILURE_INPUTS`` or ``REWORK_INPUTS``).

    methodology §1: "a term is 0 where an input is null".  A term is a change, so it needs both periods:
    counting a missing period as 0 made a baseline's incidents, never entered after adoption, a gain.
    """
    return all(get_path(scenario, f"{period}.{f}") is not None for period in ("baseline", "post") for f in fields)


def delivery_terms_left_out(scenario: Scenario) -> list[tuple[str, list[str]]]:
    """ΔI terms that count 0 although their own inputs were given for a period: (term, the empty inputs'
    dotted paths).  A term whose own inputs (all but the deployments both share) are empty in both periods
    is simply not measured, and is not listed."""
    found = []
    for term, fields in (("Failed-deployment recovery", FAILURE_INPUTS), ("Rework", REWORK_INPUTS)):
        paths = [f"{period}.{f}" for period in ("baseline", "post") for f in fields]
        given = [path for path in paths if get_path(scenario, path) is not None]
        if any(not path.endswith(".deployments_per_week") for path in given) and len(given) < len(paths):
            found.append((term, [path for path in paths if path not in given]))
    return found


def resolve_inputs(scenario: Scenario, overrides: Mapping[str, Value] | None = None) -> ModelInputs:
    """The scenario's numbers with ``overrides`` applied (see module docstring)."""
    overrides = dict(overrides or {})

    def value(path: str) -> Value:
        if path in overrides:
            return overrides[path]
        found = get_path(scenario, path)
        return float(found) if found is not None else 0.0

    failures_counted = delivery_term_counted(scenario, FAILURE_INPUTS)
    rework_counted = delivery_term_counted(scenario, REWORK_INPUTS)

    def period_failure_hours(period: str) -> Value:
        if not failures_counted:
            return 0.0
        return (
            value(f"{period}.deployments_per_week") * value(f"{period}.change_failure_rate")
            * value(f"{period}.recovery_hours")
        )

    def period_rework_deploys(period: str) -> Value:
        if not rework_counted:
            return 0.0
        return value(f"{period}.deployments_per_week") * value(f"{period}.rework_rate")

    tasks_before = value("baseline.tasks_per_dev_week")
    prs_before = value("baseline.prs_per_dev_week")
    size_before = value("baseline.pr_size_loc")
    tasks_after = (
        tasks_before * (1.0 + overrides["productivity_uplift"]) if "productivity_uplift" in overrides
        else value("post.tasks_per_dev_week")
    )
    prs_after = (
        prs_before * (1.0 + overrides["pr_count_growth"]) if "pr_count_growth" in overrides
        else value("post.prs_per_dev_week")
    )
    size_after = (
        size_before * (1.0 + overrides["pr_size_growth"]) if "pr_size_growth" in overrides
        else value("post.pr_size_loc")
    )
    rate = value("team.loaded_cost_per_hour")
    fte_cost = (
        value("costs.fte_annual_cost") if scenario.costs.fte_annual_cost is not None or "costs.fte_annual_cost" in overrides
        else rate * HOURS_PER_YEAR_FTE
    )
    tools = tuple(
        finance.ToolPricing(
            price_per_seat_month=value(f"costs.tools.{k}.price_per_seat_month"),
            usage_per_dev_month=value(f"costs.tools.{k}.usage_per_dev_month"),
            seat_coverage=value(f"costs.tools.{k}.seat_coverage"),
        )
        for k in range(len(scenario.costs.tools))
    )
    return ModelInputs(
        developers=value("team.developers"),
        delivery_hours_per_week=value("team.delivery_hours_per_week"),
        working_weeks_per_year=value("team.working_weeks_per_year"),
        loaded_cost_per_hour=rate,
        tasks_before=tasks_before,
        tasks_after=tasks_after,
        prs_before=prs_before,
        prs_after=prs_after,
        size_before=size_before,
        size_after=size_after,
        bugs_before=value("baseline.bugs_per_dev_week"),
        bugs_after=value("post.bugs_per_dev_week"),
        overhead_hours=value("review.overhead_hours"),
        loc_per_hour=value("review.loc_per_hour"),
        fix_hours_per_bug=value("quality.fix_hours_per_bug"),
        responders_per_incident=value("quality.responders_per_incident"),
        rework_hours_per_deploy=value("quality.rework_hours_per_deploy"),
        failure_hours_change=period_failure_hours("post") - period_failure_hours("baseline"),
        rework_deploys_change=period_rework_deploys("post") - period_rework_deploys("baseline"),
        downtime_cost_per_hour=value("quality.downtime_cost_per_hour"),
        impact_share=value("quality.impact_share"),
        tools=tools,
        training_hours_per_dev=value("costs.training_hours_per_dev"),
        one_off_cost=value("costs.one_off_cost"),
        governance_fte=value("costs.governance_fte"),
        fte_annual_cost=fte_cost,
        adoption=tuple(value(f"finance.adoption_by_year.{t}") for t in range(scenario.finance.horizon_years)),
        discount_rate=value("finance.discount_rate"),
        capture_factor=value("finance.capture_factor"),
        benefit_risk=value("finance.benefit_risk"),
        cost_risk=value("finance.cost_risk"),
    )


@dataclass(frozen=True)
class ProductivityTerms:
    """G, ΔR, ΔD, ΔI and N [h/dev-week], and g [fraction]; floats or arrays of draws."""

    output_change: Value
    gross: Value
    review_tax: Value
    defects: Value
    incidents: Value
    net: Value


def productivity_terms(inputs: ModelInputs) -> ProductivityTerms:
    """Methodology §1 over resolved inputs."""
    output_change = inputs.tasks_after / inputs.tasks_before - 1.0
    gross = productivity.gross_gain_hours(output_change, inputs.delivery_hours_per_week)
    review_tax = productivity.review_tax_hours(
        inputs.prs_before,
        productivity.review_effort_hours(inputs.size_before, inputs.overhead_hours, inputs.loc_per_hour),
        inputs.prs_after,
        productivity.review_effort_hours(inputs.size_after, inputs.overhead_hours, inputs.loc_per_hour),
    )
    defects = productivity.defect_hours(inputs.bugs_before, inputs.bugs_after, inputs.fix_hours_per_bug)
    incidents = productivity.incident_hours(
        inputs.failure_hours_change,
        inputs.rework_deploys_change,
        inputs.responders_per_incident,
        inputs.rework_hours_per_deploy,
        inputs.developers,
    )
    net = productivity.net_hours(gross, review_tax, defects, incidents)
    return ProductivityTerms(output_change, gross, review_tax, defects, incidents, net)


@dataclass(frozen=True)
class CashFlows:
    """Benefits, costs and idle-seat cost by year 0..Y [currency], and their present values."""

    benefits: list[Value]
    costs: list[Value]
    idle_seat_costs: list[Value]
    pv_benefits: Value
    pv_costs: Value

    @property
    def npv(self) -> Value:
        return self.pv_benefits - self.pv_costs


def cash_flows(inputs: ModelInputs, net_hours: Value) -> CashFlows:
    """Methodology §3 over resolved inputs and the net hours N per adopting developer-week."""
    downtime = finance.downtime_cost_change_per_year(
        inputs.failure_hours_change, inputs.working_weeks_per_year, inputs.downtime_cost_per_hour, inputs.impact_share
    )
    benefits: list[Value] = [0.0]
    costs: list[Value] = [
        finance.setup_cost(
            inputs.developers, inputs.training_hours_per_dev, inputs.loaded_cost_per_hour, inputs.one_off_cost,
            inputs.cost_risk,
        )
    ]
    idle: list[Value] = [0.0]
    for adoption in inputs.adoption:
        benefits.append(
            finance.yearly_benefit(
                inputs.developers, adoption, net_hours, inputs.working_weeks_per_year, inputs.loaded_cost_per_hour,
                inputs.capture_factor, downtime, inputs.benefit_risk,
            )
        )
        costs.append(
            finance.running_cost(
                inputs.developers, adoption, inputs.tools, inputs.governance_fte, inputs.fte_annual_cost,
                inputs.cost_risk,
            )
        )
        idle.append(finance.idle_seat_cost(inputs.developers, adoption, inputs.tools))
    return CashFlows(
        benefits=benefits,
        costs=costs,
        idle_seat_costs=idle,
        pv_benefits=finance.present_value(benefits, inputs.discount_rate),
        pv_costs=finance.present_value(costs, inputs.discount_rate),
    )


def npv_per_net_hour(inputs: ModelInputs) -> Value:
    """dNPV/dN [currency per h/dev-week]: NPV is linear in N, so break-even N = −NPV(N = 0) / this."""
    per_hour = [
        finance.yearly_benefit(
            inputs.developers, adoption, 1.0, inputs.working_weeks_per_year, inputs.loaded_cost_per_hour,
            inputs.capture_factor, 0.0, inputs.benefit_risk,
        )
        for adoption in inputs.adoption
    ]
    return finance.present_value([0.0, *per_hour], inputs.discount_rate)


def npv(scenario: Scenario, overrides: Mapping[str, Value] | None = None) -> Value:
    """NPV [currency] of the scenario with ``overrides`` applied; an array when they are arrays."""
    inputs = resolve_inputs(scenario, overrides)
    return cash_flows(inputs, productivity_terms(inputs).net).npv
