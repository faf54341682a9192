"""``compute(scenario) -> Results``: the one entry point every number in the product comes from."""

from __future__ import annotations

import math

from roi import capacity, formatting, productivity, uncertainty
from roi.checklist import ChecklistContext, build_checklist
from roi.inputs import cash_flows, npv_per_net_hour, productivity_terms, resolve_inputs
from roi.finance import payback_months, roi
from roi.models import (
    Calibration,
    FinanceResult,
    ProductivityResult,
    QueueStats,
    ReviewResult,
    Results,
    Scenario,
)


def compute_productivity(scenario: Scenario) -> ProductivityResult:
    """Quality-adjusted productivity per adopting developer (methodology §1)."""
    terms = productivity_terms(resolve_inputs(scenario))
    return ProductivityResult(
        output_change=float(terms.output_change),
        gross_gain_hours=float(terms.gross),
        review_tax_hours=float(terms.review_tax),
        defect_hours=float(terms.defects),
        incident_hours=float(terms.incidents),
        net_hours=float(terms.net),
        qapi=float(productivity.qapi(terms.net, scenario.team.delivery_hours_per_week)),
        naive_index=productivity.naive_index(
            float(terms.output_change), scenario.baseline.bugs_per_dev_week, scenario.post.bugs_per_dev_week
        ),
    )


def period_queue(scenario: Scenario, prs_per_dev_week: float, pr_size_loc: float, review_share: float,
                 reviewers: int) -> QueueStats:
    """The review queue for one period's PR rate and size, at a given review share and pool size."""
    team, review = scenario.team, scenario.review
    effort = productivity.review_effort_hours(pr_size_loc, review.overhead_hours, review.loc_per_hour)
    arrivals = capacity.arrival_rate_per_hour(team.developers, prs_per_dev_week, team.hours_per_week)
    return capacity.queue_stats(arrivals, effort, review_share, reviewers, review.arrival_cv2, review.service_cv2)


MIN_DERIVED_TARGET_HOURS = 1 / 3600
"""Shortest target taken from the baseline wait [h]: a lightly loaded pool's wait underflows to 0 h, which no
pool meets (reviewers needed was null, "raise the target", though no target was set)."""


def compute_review(scenario: Scenario) -> ReviewResult:
    """The review queue before and after adoption, and the staffing meeting the target (methodology §2)."""
    team, review = scenario.team, scenario.review
    pool = review.reviewers
    before, after = scenario.baseline, scenario.post
    baseline = period_queue(scenario, before.prs_per_dev_week, before.pr_size_loc, review.review_share, pool)
    post = period_queue(scenario, after.prs_per_dev_week, after.pr_size_loc, review.review_share, pool)
    target = review.target_wait_hours
    if target is None and baseline.wait_hours is not None:  # keep today's wait, at least a second of it
        target = max(baseline.wait_hours, MIN_DERIVED_TARGET_HOURS)
    needed = (
        capacity.reviewers_needed(
            post.arrival_per_hour, post.effort_hours, review.review_share, review.arrival_cv2, review.service_cv2,
            target,
        )
        if target is not None and target > 0
        else None
    )
    reasons = {}
    if target is None:
        reasons["target_wait_hours"] = (
            "no target_wait_hours in the scenario and the baseline queue is unstable, so it has no wait to keep"
        )
    if needed is None:
        reasons["reviewers_needed"] = (
            reasons["target_wait_hours"] if target is None else _no_pool_reason(post.offered_load, target)
        )
    return ReviewResult(
        null_reasons=reasons,
        baseline=baseline,
        post=post,
        target_wait_hours=target,
        reviewers_needed=needed,
        backlog_growth_hours_per_week=capacity.backlog_growth_hours_per_week(
            team.developers, after.prs_per_dev_week, post.effort_hours, pool, review.review_share,
            team.hours_per_week,
        ),
        min_time_in_review_hours=capacity.min_time_in_review_hours(post.effort_hours, review.review_share),
        calibration=calibrate(scenario, baseline, pool),
    )


def calibrate(scenario: Scenario, baseline: QueueStats, reviewers: int) -> Calibration | None:
    """Solve review_share from the observed baseline median time in review; predict the post queue with it."""
    observed = scenario.baseline.review_hours
    if observed is None:
        return None
    review = scenario.review
    working = capacity.calendar_to_working_hours(observed, scenario.team.hours_per_week)
    share = capacity.calibrate_review_share(
        working, baseline.arrival_per_hour, baseline.effort_hours, reviewers, review.arrival_cv2, review.service_cv2
    )
    full_time_load = baseline.arrival_per_hour * baseline.effort_hours  # reviewers busy if they only reviewed
    if share is None and full_time_load >= reviewers:
        return Calibration(
            observed_hours=observed, review_share=None,
            reason=f"the baseline's reviews keep {full_time_load:,.1f} full-time reviewers busy, more than the "
            f"{reviewers:,} in the pool, so its queue never clears at any review share and no share explains the "
            # To 0.1 h, as the page writes the observed time beside it ("14.6", not "14.5718").
            f"observed {formatting.hours(observed, unit='calendar h')}; check the number of reviewers",
        )
    if share is None:
        return Calibration(
            observed_hours=observed, review_share=None,
            reason=f"{observed:g} calendar h ({working:.2f} working h) is faster than full-time reviewers "
            "could achieve in this model; check the review speed and overhead",
        )
    post = scenario.post
    return Calibration(
        observed_hours=observed, review_share=share,
        post=period_queue(scenario, post.prs_per_dev_week, post.pr_size_loc, share, reviewers),
    )


def _no_pool_reason(offered_load: float, target_wait_hours: float) -> str:
    """Why no pool meets the target: a load beyond the pools searched, or a target of practically zero."""
    largest = capacity.largest_pool_searched(offered_load)
    if offered_load >= largest:
        return (f"the post-adoption load keeps {offered_load:,.0f} reviewers busy, beyond the {largest:,} the "
                "search tries; check the PRs per developer-week, PR size and review speed")
    return (f"no pool up to {largest:,} reviewers (10 × the offered load + 1,000) meets a "
            f"{target_wait_hours:g} h wait target; raise the target")


def compute_finance(scenario: Scenario, net_hours: float) -> FinanceResult:
    """Cash flows, NPV, ROI, payback and break-even for the given net hours N (methodology §3)."""
    inputs = resolve_inputs(scenario)
    flows = cash_flows(inputs, net_hours)
    benefits = [float(x) for x in flows.benefits]
    costs = [float(x) for x in flows.costs]
    npv = float(flows.npv)
    slope = float(npv_per_net_hour(inputs))
    # NPV is linear in N: NPV(N) = NPV(0) + slope·N, so N* = −NPV(0)/slope. Not N − NPV(N)/slope, whose two
    # terms cancel: nothing priced gave −4.4e-16, and N = −5,905 h lost five digits.
    break_even = 0.0 - float(cash_flows(inputs, 0.0).npv) / slope if slope > 0 else math.inf
    payback = payback_months(benefits, costs)
    ratio = roi(npv, float(flows.pv_costs))
    reasons = {}
    if ratio is None:
        reasons["roi"] = "nothing is spent (PV of costs is 0), so there is no return to divide by"
    if payback is None:
        reasons["payback_months"] = (
            f"the cumulative net cash flow is below 0 at the end of the {len(benefits) - 1}-year horizon"
            if sum(benefits) < sum(costs) else "no money flows in or out over the horizon")
    if not math.isfinite(break_even):
        reasons["break_even_net_hours"] = "NPV does not depend on net hours (no adoption or capture factor 0)"
    return FinanceResult(
        null_reasons=reasons,
        benefits_by_year=benefits,
        costs_by_year=costs,
        idle_seat_cost_by_year=[float(x) for x in flows.idle_seat_costs],
        pv_benefits=float(flows.pv_benefits),
        pv_costs=float(flows.pv_costs),
        npv=npv,
        roi=ratio,
        payback_months=payback,
        # Null when NPV barely depends on N (no capture, no adoption): no finite break-even.
        break_even_net_hours=break_even if math.isfinite(break_even) else None,
    )


def compute(scenario: Scenario) -> Results:
    """Every result of the scenario: productivity, review capacity, finance, uncertainty, checklist."""
    productivity_result = compute_productivity(scenario)
    review_result = compute_review(scenario)
    finance_result = compute_finance(scenario, productivity_result.net_hours)
    simulated = uncertainty.analyse(scenario)
    context = ChecklistContext(scenario, productivity_result, review_result, finance_result, simulated)
    return Results(
        scenario_name=scenario.name,
        currency=scenario.currency,
        productivity=productivity_result,
        review=review_result,
        finance=finance_result,
        uncertainty=simulated,
        checklist=build_checklist(context),
    )
