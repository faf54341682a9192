"""Financial ROI of the tool spend, Forrester TEI style (methodology §3).

Cash flows are indexed by year, 0..Y: year 0 (set-up) is undiscounted, later years are
discounted at the year's end.  Every function accepts floats or numpy arrays of draws
(the Monte Carlo evaluates all draws at once); money is in the scenario's currency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MONTHS_PER_YEAR = 12.0

Money = float | np.ndarray


@dataclass(frozen=True)
class ToolPricing:
    """One licence line: seat price and usage billing [currency/month], share of developers seated."""

    price_per_seat_month: Money
    usage_per_dev_month: Money
    seat_coverage: Money


def setup_cost(
    developers: Money, training_hours_per_dev: Money, loaded_cost_per_hour: Money, one_off_cost: Money,
    cost_risk: Money,
) -> Money:
    """cost_0 = (training hours · n · rate + one-off cost) · (1 + r_c) [currency]."""
    return (training_hours_per_dev * developers * loaded_cost_per_hour + one_off_cost) * (1.0 + cost_risk)


def running_cost(
    developers: Money, adoption: Money, tools: Sequence[ToolPricing], governance_fte: Money, fte_annual_cost: Money,
    cost_risk: Money,
) -> Money:
    """cost_t = [FTE · FTE cost + Σ_k (seats_k·price_k·12 + min(seats_k, n·a_t)·usage_k·12)]·(1 + r_c) [currency/year].

    Seats are bought for n·coverage developers; usage is billed only for those who use the tool.
    """
    licences: Money = 0.0
    active = developers * adoption
    for tool in tools:
        seats = developers * tool.seat_coverage
        licences = licences + (
            seats * tool.price_per_seat_month + np.minimum(seats, active) * tool.usage_per_dev_month
        ) * MONTHS_PER_YEAR
    return (governance_fte * fte_annual_cost + licences) * (1.0 + cost_risk)


def idle_seats(developers: Money, adoption: Money, tools: Sequence[ToolPricing]) -> Money:
    """Σ_k max(0, seats_k − n·a_t) [seats]: seats bought that nobody uses, whatever they cost."""
    idle: Money = 0.0
    for tool in tools:
        idle = idle + np.maximum(0.0, developers * tool.seat_coverage - developers * adoption)
    return idle


def idle_seat_cost(developers: Money, adoption: Money, tools: Sequence[ToolPricing]) -> Money:
    """Σ_k max(0, seats_k − n·a_t)·price_k·12 [currency/year]: what seats nobody uses cost."""
    cost: Money = 0.0
    for tool in tools:
        idle = np.maximum(0.0, developers * tool.seat_coverage - developers * adoption)
        cost = cost + idle * tool.price_per_seat_month * MONTHS_PER_YEAR
    return cost


def downtime_cost_change_per_year(
    failure_hours_change_per_week: Money, working_weeks_per_year: Money, downtime_cost_per_hour: Money,
    impact_share: Money,
) -> Money:
    """ΔDT = (D1·CFR1·M1 − D0·CFR0·M0)·W·C_dt·s [currency/year]: business cost of extra downtime."""
    return failure_hours_change_per_week * working_weeks_per_year * downtime_cost_per_hour * impact_share


def yearly_benefit(
    developers: Money, adoption: Money, net_hours: Money, working_weeks_per_year: Money,
    loaded_cost_per_hour: Money, capture_factor: Money, downtime_change: Money, benefit_risk: Money,
) -> Money:
    """benefit_t = [n·a_t·N·W·rate·φ − a_t·ΔDT]·(1 − r_b) [currency/year]."""
    value_of_time = developers * adoption * net_hours * working_weeks_per_year * loaded_cost_per_hour * capture_factor
    return (value_of_time - adoption * downtime_change) * (1.0 - benefit_risk)


def discount_factors(discount_rate: Money, horizon_years: int) -> list[Money]:
    """1/(1+d)^t for t = 0..Y."""
    return [1.0 / (1.0 + discount_rate) ** year for year in range(horizon_years + 1)]


def present_value(flows: Sequence[Money], discount_rate: Money) -> Money:
    """PV = Σ_t CF_t / (1+d)^t, year 0 undiscounted [currency]."""
    total: Money = 0.0
    for flow, factor in zip(flows, discount_factors(discount_rate, len(flows) - 1)):
        total = total + flow * factor
    return total


def cumulative_net(benefits: Sequence[float], costs: Sequence[float]) -> list[float]:
    """Cumulative undiscounted (benefit − cost) by year, year 0 first [currency] (cash-flow table and chart)."""
    return [float(total) for total in np.cumsum(np.asarray(benefits) - np.asarray(costs))]


def payback_months(benefits: Sequence[float], costs: Sequence[float]) -> float | None:
    """Month at which cumulative undiscounted (benefit − cost), having been below 0, is back at 0 for good;
    linear inside a year [months].

    12(t−1) + 12·(−cum_{t−1})/net_t for the last year t with cum_{t−1} < 0 ≤ cum_t when no later cum is below 0;
    0 when the cumulative never goes below 0 and something flows (nothing spent before the benefits cover it);
    ``None`` when it is below 0 at the horizon's end, or nothing flows at all.  A cumulative of exactly 0 at
    year 0 (no set-up cost) is not payback when year 1's costs exceed its benefits: it was read as "payback
    immediately" beside a loss; nor is a first crossing that a later fall undoes: a $1 set-up cost paid back
    in year 1 read "payback 0.0 months" beside a horizon ending $72.8k down.
    """
    cumulative = benefits[0] - costs[0]
    ever_below = cumulative < 0
    payback: float | None = None
    for year in range(1, len(benefits)):
        net = benefits[year] - costs[year]
        if cumulative < 0 <= cumulative + net:
            payback = MONTHS_PER_YEAR * (year - 1) + MONTHS_PER_YEAR * (-cumulative) / net
        cumulative += net
        if cumulative < 0:  # below again: an earlier payback is undone
            payback, ever_below = None, True
    if payback is not None or ever_below:
        return payback
    flows = any(benefit or cost for benefit, cost in zip(benefits, costs, strict=True))
    return 0.0 if flows else None


def never_pays_back(benefits: Sequence[float], costs: Sequence[float]) -> bool:
    """True when no year after year 0 brings more benefit than cost [currency by year]: the cumulative
    net never rises, so the spend is not paid back after the horizon either (at the last year's rates)."""
    return all(benefit <= cost for benefit, cost in zip(benefits[1:], costs[1:], strict=True))


def roi(npv: float, pv_costs: float) -> float | None:
    """ROI = NPV / PV(costs) [fraction]; ``None`` when nothing is spent, or so little that the
    ratio is beyond any number (a cost of 1e-308 divides into infinity)."""
    if not pv_costs > 0:
        return None
    ratio = npv / pv_costs
    return ratio if math.isfinite(ratio) else None
