"""METHODS formulas that the worked example (tests/test_engine_vectors.py) leaves at zero or untouched,
checked against numbers worked out by hand from the formulas in docs/methodology.md.

Each test names the METHODS section (§1–§6) whose formula it checks; the expected numbers are written
here, computed by hand (the arithmetic is in the comments), never read from the spec at test time.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from roi import capacity, finance, uncertainty
from roi.engine import compute
from roi.inputs import delivery_terms_left_out
from roi.metrics import _Bootstrap, _change, _median
from roi.whatif import with_value, with_values

REL = 1e-9


def test_baseline_queue_wait_probability_and_littles_law(worked_example):
    # METHODS §2 on the worked example's baseline: λ = 50·3/40 = 3.75/h, E(L0) = 0.25 + 150/400 = 0.625 h,
    # μ = 0.25/0.625 = 0.4/h, a = 9.375; C(17, 9.375) = 0.0177139 (closed form Σ a^k/k!),
    # Wq = C/(17·0.4 − 3.75)·1.25 = 0.00725980 h, T = Wq + 0.625/0.25 = 2.50725980 h, WIP = λ·T = 9.402224.
    base = compute(worked_example).review.baseline
    assert base.offered_load == pytest.approx(9.375, rel=REL)
    assert base.p_wait == pytest.approx(0.01771391584, rel=1e-8)
    assert base.wait_hours == pytest.approx(0.007259801573, rel=1e-8)
    assert base.time_in_review_hours == pytest.approx(2.507259801573, rel=1e-10)
    assert base.wip_prs == pytest.approx(9.402224255900, rel=1e-10)
    assert base.wip_prs == pytest.approx(base.arrival_per_hour * base.time_in_review_hours, rel=1e-12)
    assert capacity.erlang_c(17, 9.375) == pytest.approx(0.01771391584, rel=1e-8)


def test_incident_and_downtime_terms_with_delivery_metrics(worked_example):
    # METHODS §1 ΔI and §3 ΔDT with every DORA input given (the worked example has none).
    # Baseline D 10, CFR 0.15, M 8 h, RW 0.05; post D 12, CFR 0.2, M 10 h, RW 0.1; resp 2, h_rw 4.
    # D·CFR·M: 12 → 24 h/week; D·RW: 0.5 → 1.2 deploys/week.
    # ΔI = [(24 − 12)·2 + (1.2 − 0.5)·4] / 50 = 26.8 / 50 = 0.536 h; N = 0.85215 − 0.536 = 0.31615 h.
    # ΔDT = (24 − 12)·46·500·0.5 = 138,000 per year (C_dt 500, s 0.5).
    # benefit_1 = [50·0.7·0.31615·46·90.6·0.5 − 0.7·138,000]·0.8 = −58,833.78564.
    scenario = with_values(worked_example, {
        "baseline.deployments_per_week": 10.0, "baseline.change_failure_rate": 0.15,
        "baseline.recovery_hours": 8.0, "baseline.rework_rate": 0.05,
        "post.deployments_per_week": 12.0, "post.change_failure_rate": 0.2,
        "post.recovery_hours": 10.0, "post.rework_rate": 0.1,
        "quality.downtime_cost_per_hour": 500.0, "quality.impact_share": 0.5,
    })
    results = compute(scenario)
    assert results.productivity.incident_hours == pytest.approx(0.536, rel=REL)
    assert results.productivity.net_hours == pytest.approx(0.31615, rel=REL)
    assert finance.downtime_cost_change_per_year(12.0, 46.0, 500.0, 0.5) == pytest.approx(138_000.0, rel=REL)
    assert results.finance.benefits_by_year == pytest.approx(
        [0.0, -58_833.78564, -75_643.43868, -75_643.43868], rel=1e-9)


BASELINE_DELIVERY = {
    "baseline.deployments_per_week": 10.0, "baseline.change_failure_rate": 0.2,
    "baseline.recovery_hours": 8.0, "baseline.rework_rate": 0.1,
}


@pytest.mark.parametrize("missing", [
    (),  # nothing after adoption: the whole post period's delivery metrics
    ("post.change_failure_rate",),  # D, M and RW after adoption; CFR left empty
])
def test_a_delivery_term_with_an_input_missing_in_one_period_counts_zero(worked_example, missing):
    # METHODS §1: "a term is 0 where its inputs are null". Counting a missing period's D·CFR·M as 0 made
    # the baseline's 10·0.2·8 = 16 h of recovery a gain: ΔI = −(16·2 + 10·0.1·4)/50 = −0.72 h, N 0.852 →
    # 1.572 h, and with downtime at 1,000/h the year-1 benefit 49.7k → 504k for incidents never entered.
    post = {} if missing == () else {
        "post.deployments_per_week": 12.0, "post.recovery_hours": 10.0, "post.rework_rate": 0.1,
    }
    downtime = {"quality.downtime_cost_per_hour": 1_000.0, "quality.impact_share": 1.0}
    scenario = with_values(worked_example, {**BASELINE_DELIVERY, **post, **downtime})
    results, plain = compute(scenario), compute(worked_example)
    if missing == ():
        assert results.productivity.incident_hours == 0.0
        assert results.finance.benefits_by_year == plain.finance.benefits_by_year
    else:  # the rework term has both periods: (12·0.1 − 10·0.1)·4 / 50 = 0.016 h; recovery counts 0
        assert results.productivity.incident_hours == pytest.approx(0.016, rel=REL)
    assert results.productivity.net_hours == pytest.approx(
        plain.productivity.net_hours - results.productivity.incident_hours, rel=REL
    )
    failure = ("Failed-deployment recovery", [
        "post.deployments_per_week", "post.change_failure_rate", "post.recovery_hours"
    ] if missing == () else ["post.change_failure_rate"])
    rework = ("Rework", ["post.deployments_per_week", "post.rework_rate"])
    assert delivery_terms_left_out(scenario) == ([failure, rework] if missing == () else [failure])


def test_delivery_terms_not_measured_at_all_are_not_called_left_out(worked_example):
    # No delivery input in either period, or only deployments (which both terms share): nothing to say.
    assert delivery_terms_left_out(worked_example) == []
    counts_only = with_values(worked_example, {"baseline.deployments_per_week": 10.0, "post.deployments_per_week": 12.0})
    assert delivery_terms_left_out(counts_only) == []
    assert compute(counts_only).productivity.incident_hours == 0.0


def test_governance_fte_cost_defaults_to_the_loaded_rate_times_2080_hours(worked_example):
    # METHODS §3: fte_annual_cost default = rate·2080 = 90.6·2080 = 188,448 (the example file gives 188,419,
    # the unrounded $132,270 / 0.702, explicitly).
    # cost_1 = [0.1·188,448 + 50·39·12 + 35·10·12]·1.1 = 51,089.28; cost_2 = [… + 45·10·12]·1.1 = 52,409.28.
    blank = worked_example.model_copy(update={"costs": worked_example.costs.model_copy(
        update={"fte_annual_cost": None})})
    assert compute(blank).finance.costs_by_year == pytest.approx([25_432.0, 51_089.28, 52_409.28, 52_409.28],
                                                                 rel=REL)


def test_payback_is_linear_inside_the_year_it_turns(worked_example):
    # METHODS §3 on the worked example with PR size held to +25% (L1 = 187.5, N = 3.725625 h):
    # benefit_1 = 50·0.7·3.725625·46·90.6·0.5·0.8 = 217,376.8065; cumulative −25,432 → +140,858.72 in year 1,
    # so payback = 12·0 + 12·25,432 / (217,376.8065 − 51,086.09) = 1.835244 months.
    held = with_values(worked_example, {"post.pr_size_loc": 187.5})
    f = compute(held).finance
    assert f.benefits_by_year[1] == pytest.approx(217_376.8065, rel=REL)
    assert f.npv == pytest.approx(484_016.80204, rel=1e-9)
    assert f.payback_months == pytest.approx(1.8352437612, rel=1e-9)
    # A later year: cumulative −150 after year 1 (net 0), +50 at the end of year 2 (net 200):
    # 12·(2 − 1) + 12·150/200 = 21 months.
    assert finance.payback_months([0.0, 100.0, 200.0], [150.0, 100.0, 0.0]) == pytest.approx(21.0)
    assert finance.payback_months([0.0, 100.0], [0.0, 50.0]) == 0.0  # nothing spent up front
    assert finance.payback_months([0.0, 10.0], [100.0, 0.0]) is None  # not within the horizon
    # No set-up cost (cum_0 = 0) but year 1 costs more than it brings: the cumulative goes below 0 in year 1
    # and is back at 0 in year 2, 12 + 12·1,366.21/11,519.48 = 13.4232 months (it read "immediately").
    benefits, costs = [0.0, 49_719.88, 63_925.57, 63_925.57], [0.0, 51_086.09, 52_406.09, 52_406.09]
    assert finance.payback_months(benefits, costs) == pytest.approx(12 + 12 * 1_366.21 / 11_519.48)
    assert finance.payback_months([0.0, 50.0, 50.0], [0.0, 100.0, 100.0]) is None  # a loss every year
    no_setup = with_values(worked_example, {"costs.training_hours_per_dev": 0, "costs.one_off_cost": 0})
    assert compute(no_setup).finance.payback_months == pytest.approx(12 + 12 * 1_366.21 / 11_519.48, rel=1e-6)
    # Below 0 in year 2 only: payback is when it is back at 0 (year 3), not the untouched start.
    assert finance.payback_months([0.0, 100.0, 0.0, 300.0], [0.0, 50.0, 150.0, 0.0]) == pytest.approx(
        24 + 12 * 100 / 300
    )
    # Paid back in year 1, then below 0 again to the end: no payback (a $1 set-up cost read "0.0 months" beside a
    # horizon ending in a loss, and without it the reason said the cumulative "stays below costs"; fin audit 1).
    assert finance.payback_months([0.0, 100.0, 0.0], [1.0, 50.0, 150.0]) is None
    assert finance.payback_months([0.0, 100.0, 0.0], [0.0, 50.0, 150.0]) is None
    # Paid back, below again, back for good: the last crossing, 12·(3 − 1) + 12·101/300 = 28.04 months.
    assert finance.payback_months([0.0, 100.0, 0.0, 400.0], [1.0, 50.0, 150.0, 100.0]) == pytest.approx(
        24 + 12 * 101 / 300)
    assert finance.payback_months([0.0, 0.0, 0.0], [0.0, 0.0, 0.0]) is None  # nothing flows: no "0 months"


def test_a_horizon_that_ends_in_a_loss_has_no_payback_whatever_the_set_up_cost(worked_example):
    """Adoption 90% then 10%: year 1 pays, later years lose. Payback was 8e-05 months with a $1 set-up cost and
    none without, with a reason saying the cumulative never rose (fin audit 1)."""
    for one_off in (0.0, 1.0):
        falling = with_values(worked_example, {
            "uncertainty": None, "post.pr_size_loc": 150.0, "finance.adoption_by_year": [0.9, 0.1, 0.1],
            "costs.training_hours_per_dev": 0.0, "costs.one_off_cost": one_off,
            "costs.tools.0.price_per_seat_month": 200.0})
        f = compute(falling).finance
        assert f.net_by_year[1] > 0 and sum(f.net_by_year) < 0 and f.npv < 0
        assert f.payback_months is None
        assert f.null_reasons["payback_months"] == "the cumulative net cash flow is below 0 at the end of the " \
                                                   "3-year horizon"


@pytest.mark.parametrize(("low", "likely", "high", "alpha", "beta"), [
    # α = 1 + 4(m − lo)/(hi − lo), β = 1 + 4(hi − m)/(hi − lo) (METHODS §4):
    (-0.10, 0.21, 0.45, 1 + 4 * 0.31 / 0.55, 1 + 4 * 0.24 / 0.55),  # 3.254545, 2.745455
    (250.0, 400.0, 800.0, 1 + 4 * 150 / 550, 1 + 4 * 400 / 550),  # 2.090909, 3.909091
    (0.0, 0.0, 1.0, 1.0, 5.0),
])
def test_pert_shape_and_quantiles(low, likely, high, alpha, beta):
    assert uncertainty.pert_shape(low, likely, high) == pytest.approx((alpha, beta), rel=1e-12)
    for q in (0.1, 0.5, 0.9):
        expected = low + (high - low) * stats.beta.ppf(q, alpha, beta)
        assert uncertainty.quantile(low, likely, high, q) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_tornado_runs_each_input_from_its_analytic_p10_to_p90(worked_example):
    # METHODS §4: productivity_uplift (−0.10, 0.21, 0.45) has P10 0.0575159 and P90 0.3350041
    # (inverse regularised incomplete beta at α 3.254545, β 2.745455).
    row = next(r for r in compute(worked_example).uncertainty.tornado if r.input == "productivity_uplift")
    assert row.low == pytest.approx(0.05751586667, rel=1e-8)
    assert row.high == pytest.approx(0.33500409507, rel=1e-8)


def test_triangular_quantiles_and_pert_draws():
    # METHODS §4: triangular is the alternative; its closed-form quantile equals scipy's.
    for q in (0.05, 0.1, 0.5, 0.9, 0.95):
        expected = stats.triang.ppf(q, (400 - 250) / (800 - 250), loc=250, scale=550)
        assert uncertainty.quantile(250, 400, 800, q, "triangular") == pytest.approx(expected, rel=1e-12)
    # PERT draws are lo + (hi − lo)·Beta(α, β) from numpy.random.default_rng(seed); their mean is
    # (lo + 4m + hi)/6 = (250 + 1600 + 800)/6 = 441.667 (standard error ≈ 0.7 at 20,000 draws).
    draws = uncertainty.sample(np.random.default_rng(20260101), 250, 400, 800, 20_000)
    again = 250 + 550 * np.random.default_rng(20260101).beta(1 + 4 * 150 / 550, 1 + 4 * 400 / 550, 20_000)
    assert np.array_equal(draws, again)
    assert draws.mean() == pytest.approx(441.667, abs=3.0)


def test_effect_size_is_the_probability_of_superiority():
    # METHODS §6: effect size U/(n1·n2), the probability that a post value exceeds a baseline value
    # (ties count one half). Baseline 1..40, post 11..50: a post value p beats min(p − 1, 40) baseline
    # values, 10 + 11 + … + 39 = 735 for p = 11..40 and 10·40 = 400 for p = 41..50, and ties 30 of them:
    # U = 1135 + 30/2 = 1150, effect size 1150/1600 = 0.71875.
    base = np.arange(1.0, 41.0)
    post = np.arange(11.0, 51.0)
    expected = 0.71875
    assert (np.sum(post[:, None] > base) + 0.5 * np.sum(post[:, None] == base)) / 1600 == expected
    boot = _Bootstrap(20260101, 200)
    change = _change(20.5, 30.5, (_median(None, base), _median(None, post)), boot,
                     np.random.default_rng(1), "PRs")
    assert change.change == pytest.approx(30.5 / 20.5 - 1, rel=1e-12)
    assert change.effect_size == pytest.approx(expected, rel=1e-12)
    assert change.ci_low < change.change < change.ci_high


def test_payback_exactly_back_at_zero_and_idle_seats_never_negative():
    """Two boundaries no other test held: a cumulative landing on 0 is paid back (a strict < said "never"),
    and more users than seats cost no negative idle seats."""
    from roi import finance

    assert finance.payback_months([0.0, 100.0], [100.0, 0.0]) == 12.0
    assert finance.idle_seat_cost(10, 0.8, [finance.ToolPricing(30, 0, 0.5)]) == 0.0  # 5 seats, 8 users
    assert finance.idle_seat_cost(10, 0.2, [finance.ToolPricing(30, 0, 0.5)]) == 3 * 30 * 12


def test_each_wave_adds_the_review_hours_of_its_whole_seated_share():
    """Worked example, default plan: d·(P1·E(L1) − P0·E(L0)) with d = 5, 15, 50 developers and 5.26785 h per
    developer-week (not the increase over the previous wave)."""
    from roi.models import load_scenario
    from roi.rollout import rollout_report
    from tests.conftest import SCENARIOS

    report = rollout_report(load_scenario(SCENARIOS / "worked_example.json"))
    assert [w.extra_review_hours_per_week for w in report.waves] == pytest.approx([26.3393, 79.0178, 263.3925],
                                                                                   abs=1e-4)


def test_the_naive_index_stops_at_zero_when_bugs_more_than_double(worked_example):
    # Bugs 0.5 → 1.5 per developer-week: a quality loss of 200% made the naive index 1.21 × (1 − 2) = −1.21.
    tripled = with_value(worked_example, "post.bugs_per_dev_week", 1.5)
    assert compute(tripled).productivity.naive_index == 0.0
    assert compute(worked_example).productivity.naive_index == pytest.approx(1.21 * (1 - 0.09), rel=1e-9)
