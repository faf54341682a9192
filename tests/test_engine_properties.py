"""Invariants of the engine, checked over many generated scenarios (hypothesis)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.special import gammaln, logsumexp

from roi import capacity
from roi.engine import compute
from roi.models import parse_scenario, scenario_to_json
from tests.strategies import scenarios


def erlang_c_log_space(servers: int, load: float) -> float:
    """Erlang C from its closed form, every term in log space (independent of the recursion)."""
    k = np.arange(servers)
    terms = k * math.log(load) - gammaln(k + 1)
    last = servers * math.log(load) - gammaln(servers + 1) + math.log(servers / (servers - load))
    return float(math.exp(last - logsumexp(np.append(terms, last))))


def with_post(scenario, **changes):
    return scenario.model_copy(update={"post": scenario.post.model_copy(update=changes)})


@given(st.integers(1, 5000), st.floats(0.001, 0.999))
def test_erlang_c_is_a_probability_matching_log_space(servers, utilization):
    load = servers * utilization
    value = capacity.erlang_c(servers, load)
    assert 0.0 <= value <= 1.0
    assert math.isclose(value, erlang_c_log_space(servers, load), rel_tol=1e-9, abs_tol=1e-12)


@given(scenarios(), st.floats(1.01, 3.0))
def test_qapi_falls_as_post_pr_size_grows(scenario, factor):
    smaller = compute(scenario).productivity.qapi
    larger = compute(with_post(scenario, pr_size_loc=scenario.post.pr_size_loc * factor)).productivity.qapi
    assert larger < smaller


@given(scenarios(), st.floats(0.0, 0.99), st.floats(0.001, 0.5))
def test_npv_rises_with_capture_factor_when_net_hours_positive(scenario, capture, step):
    assume(compute(scenario).productivity.net_hours > 1e-6)
    assume(capture + step <= 1.0)

    def npv_at(phi):
        return compute(scenario.model_copy(
            update={"finance": scenario.finance.model_copy(update={"capture_factor": phi}), "uncertainty": None}
        )).finance.npv

    assert npv_at(capture + step) > npv_at(capture)


@given(
    st.floats(0.01, 500), st.floats(1.01, 3.0), st.floats(0.05, 4.0), st.floats(0.05, 1.0),
    st.floats(0.0, 3.0), st.floats(0.0, 3.0), st.floats(0.05, 40.0),
)
def test_reviewers_needed_never_falls_as_arrivals_rise(arrivals, factor, effort, share, ca2, cs2, target):
    fewer = capacity.reviewers_needed(arrivals, effort, share, ca2, cs2, target)
    more = capacity.reviewers_needed(arrivals * factor, effort, share, ca2, cs2, target)
    assert fewer is not None and more is not None
    assert more >= fewer


@given(st.floats(0.01, 200), st.floats(0.05, 4.0), st.floats(0.05, 1.0), st.floats(0.05, 40.0))
def test_reviewers_needed_is_the_smallest_pool_meeting_the_target(arrivals, effort, share, target):
    needed = capacity.reviewers_needed(arrivals, effort, share, 1.0, 1.5, target)
    meets = capacity.queue_stats(arrivals, effort, share, needed, 1.0, 1.5)
    assert meets.stable and meets.wait_hours <= target
    if needed > 1:
        below = capacity.queue_stats(arrivals, effort, share, needed - 1, 1.0, 1.5)
        assert not below.stable or below.wait_hours > target


@given(st.floats(0.01, 100), st.floats(0.05, 4.0), st.floats(0.05, 1.0), st.integers(1, 300))
def test_wait_curve_agrees_with_queue_stats(arrivals, effort, share, max_reviewers):
    servers, utilization, wait = capacity.wait_curve(arrivals, effort, share, max_reviewers, 1.0, 1.5)
    for c in {1, max_reviewers, (max_reviewers + 1) // 2}:
        stats = capacity.queue_stats(arrivals, effort, share, c, 1.0, 1.5)
        assert math.isclose(utilization[c - 1], stats.utilization)
        if stats.stable:
            assert math.isclose(wait[c - 1], stats.wait_hours, rel_tol=1e-9)
        else:
            assert math.isnan(wait[c - 1])


@given(st.floats(0.001, 1000), st.floats(0.01, 10.0), st.floats(0.05, 1.0), st.integers(1, 3000),
       st.floats(0.0, 4.0), st.floats(0.0, 4.0))
def test_waits_at_chosen_sizes_agree_with_the_erlang_b_recursion(arrivals, effort, share, max_reviewers, ca2, cs2):
    # The curve of a huge pool evaluates only the sizes drawn, by the Poisson form of Erlang B.
    servers, utilization, wait = capacity.wait_curve(arrivals, effort, share, max_reviewers, ca2, cs2)
    again_utilization, again = capacity.waits_at(servers, arrivals, effort, share, ca2, cs2)
    assert np.allclose(again_utilization, utilization, rtol=1e-12)
    assert (np.isnan(again) == np.isnan(wait)).all()
    shown = ~np.isnan(wait) & (wait > 1e-250)  # far below any wait shown, the log form may underflow to 0 first
    assert np.allclose(again[shown], wait[shown], rtol=1e-9, atol=0)


@given(scenarios(with_uncertainty=True))
def test_scenario_json_round_trips_exactly(scenario):
    text = scenario_to_json(scenario)
    again = parse_scenario(text)
    assert again == scenario
    assert scenario_to_json(again) == text


def _all_numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _all_numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _all_numbers(item)
    elif isinstance(value, float):
        yield value


@given(scenarios(with_uncertainty=True))
def test_results_never_contain_nan_or_infinity(scenario):
    results = compute(scenario)
    # The JSON the CLI prints must be strict JSON: NaN/Infinity would not parse.
    decoded = json.loads(results.model_dump_json(), parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
    assert all(math.isfinite(x) for x in _all_numbers(decoded))


@given(scenarios(), st.integers(1, 5))
def test_more_reviewers_never_lengthen_the_wait(scenario, extra):
    base = compute(scenario).review.post
    bigger = scenario.model_copy(update={"review": scenario.review.model_copy(
        update={"reviewers": scenario.review.reviewers + extra})})
    after = compute(bigger).review.post
    assert after.utilization < base.utilization
    if base.stable:
        assert after.wait_hours <= base.wait_hours


def test_roi_of_a_vanishing_cost_is_not_infinite():
    """Hypothesis found it: a one-off cost of 2.2e-308 made NPV / PV(costs) overflow to infinity."""
    from roi.finance import roi

    assert roi(-8499.02, 154_558.0) == pytest.approx(-0.0550, abs=1e-4)  # METHODS §5
    assert roi(1.0e4, 2.2250738585072014e-308) is None and roi(1.0, 0.0) is None
    assert roi(1.0, 1e-300) == pytest.approx(1e300)


def _without_ranges(scenario):
    return scenario.model_copy(update={"uncertainty": None})


@given(scenarios())
def test_npv_is_zero_at_the_break_even_net_hours(scenario):
    """Moving post tasks so that N lands on the break-even N* makes the NPV zero (METHODS §3: NPV is linear in N)."""
    from roi.inputs import resolve_inputs

    results = compute(scenario)
    break_even = results.finance.break_even_net_hours
    assume(break_even is not None)
    # N moves with G = g·H_task only: ΔT1 = ΔN · T0 / H_task.
    hours = float(resolve_inputs(scenario).delivery_hours_per_week)
    tasks = scenario.post.tasks_per_dev_week + (break_even - results.productivity.net_hours) \
        * scenario.baseline.tasks_per_dev_week / hours
    assume(0 < tasks < 1e4)  # a realistic team (a capture factor of 1e-308 puts N* near infinity)
    at_break_even = compute(with_post(scenario, tasks_per_dev_week=tasks))
    assert at_break_even.productivity.net_hours == pytest.approx(break_even, rel=1e-9, abs=1e-9)
    # Rounding of N (~1e-16 h) is multiplied by the NPV's slope: measure against the original cash flows.
    scale = results.finance.pv_costs + abs(results.finance.pv_benefits) + 1.0
    assert abs(at_break_even.finance.npv) <= 1e-9 * scale


@given(scenarios())
def test_roi_has_the_sign_of_npv_and_a_paying_rollout_pays_back(scenario):
    finance = compute(scenario).finance
    if finance.roi is not None:
        assert finance.roi * finance.pv_costs == pytest.approx(finance.npv, rel=1e-9, abs=1e-6)
    if finance.npv > 0:  # discounted gain ⇒ the undiscounted cumulative net turns positive within the horizon
        assert finance.payback_months is not None


@given(scenarios())
def test_payback_month_lies_in_the_year_the_cumulative_net_turns_non_negative(scenario):
    from roi.finance import cumulative_net

    finance = compute(scenario).finance
    cumulative = cumulative_net(finance.benefits_by_year, finance.costs_by_year)
    below = [year for year, total in enumerate(cumulative) if total < 0]
    if not below:  # nothing spent before the benefits cover it (and no payback when nothing flows at all)
        flows = any(finance.benefits_by_year) or any(finance.costs_by_year)
        assert finance.payback_months == (0.0 if flows else None)
        return
    # Back at 0 for good after the last year below: a cumulative of exactly 0 at year 0 followed by a loss is no
    # payback (hypothesis found the case: no set-up cost, $0 seats, a governance FTE and a capture factor of 0),
    # nor is a crossing that a later fall undoes.
    if below[-1] == len(cumulative) - 1:
        assert finance.payback_months is None
    else:
        back = below[-1] + 1
        assert 12 * (back - 1) < finance.payback_months <= 12 * back


@given(scenarios(), st.floats(1.0, 100.0))
def test_npv_never_rises_with_the_licence_price(scenario, extra):
    scenario = _without_ranges(scenario)
    tool = scenario.costs.tools[0]
    dearer = scenario.model_copy(update={"costs": scenario.costs.model_copy(update={
        "tools": [tool.model_copy(update={"price_per_seat_month": tool.price_per_seat_month + extra})]})})
    assert compute(dearer).finance.npv <= compute(scenario).finance.npv


@given(scenarios(with_uncertainty=True))
def test_simulated_npv_summary_is_ordered_and_complete(scenario):
    u = compute(scenario).uncertainty
    assert u.npv_p10 <= u.npv_p50 <= u.npv_p90
    assert 0.0 <= u.prob_npv_positive <= 1.0
    assert sum(u.histogram_counts) == u.draws
    assert len(u.histogram_edges) == len(u.histogram_counts) + 1
    assert u.histogram_edges == sorted(u.histogram_edges)
    swings = [row.swing for row in u.tornado]
    assert swings == sorted(swings, reverse=True)
    for row in u.tornado:
        assert row.swing == pytest.approx(abs(row.npv_high - row.npv_low))


@given(st.floats(1e-3, 5e4), st.integers(2001, 60_000))
@settings(max_examples=30)
def test_erlang_b_closed_form_agrees_with_its_recursion(offered_load, servers):
    """Above RECURSION_SERVERS the table comes from the recursion's closed form: the same numbers."""
    import numpy as np

    from roi import capacity

    closed = capacity.erlang_b_table(servers, offered_load)
    recursion = np.empty(servers + 1)
    recursion[0] = blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
        recursion[k] = blocking
    shown = recursion > 1e-250  # deep in the tail both are 0 to any wait or probability
    assert np.allclose(closed[shown], recursion[shown], rtol=1e-8, atol=0)
    assert np.all(closed[~shown] < 1e-240)
