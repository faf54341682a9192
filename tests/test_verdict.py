"""roi.verdict: the headline and the three findings, from the engine's results."""

from __future__ import annotations

import pytest

from roi import compute
from roi.formatting import MINUS
from roi.models import load_scenario
from roi import formatting as fmt
from roi.verdict import (
    CONFIDENT_LOSS_CHANCE,
    MOST,
    benefits_basis,
    cost_lines,
    loss_chance,
    loss_reason,
    shortfall_advice,
    unpriced_downtime,
    unused_seats,
    verdict,
)
from roi.whatif import with_assumption, with_tool_added, with_tool_removed, with_value, with_values
from tests.conftest import SCENARIOS


def test_worked_example(worked_example):
    # METHODS §5: g +21%, QAPI 1.0284 (N 0.852 h), ρ 0.5515 → 2.101 unstable, backlog 187.1 h/week,
    # 37 reviewers for 4 h; NPV −8,499, P10 ≈ −750k, P90 ≈ +884k, P(NPV>0) ≈ 0.55, no payback.
    # A loss at the likely values, but 55% of the outcomes gain: neither "does not pay back" nor "pays back".
    found = verdict(worked_example, compute(worked_example))
    assert found.tone == "split_loss"
    assert found.headline == (
        "At the likely values the AI rollout does not pay back, but most simulated outcomes make money."
    )
    assert found.reason is not None and found.reason.startswith(
        "The median (+$78.7k) sits above the NPV at every input's likely value (−$8.5k) because some ranges are "
        "lopsided. Review speed is likely 400 LOC/h"
    )
    assert found.points[0] == (
        "Output per developer rises 21.0%, but after the review tax and extra bugs the "
        "quality-adjusted gain is +2.8% (+0.85 h per developer-week)."
    )
    assert found.points[1] == (
        "Review becomes the bottleneck: reviewer utilisation goes 55% → 210%, so 187 review "
        "hours pile up every week. Meeting the 4.0 working h wait target takes 37 reviewers (today 17). The value "
        "below subtracts the extra review hours (the review tax) from the hours gained but assumes they "
        "get done: until the pool grows, the extra PRs wait."
    )
    assert found.points[-1] == (
        f"Net present value over 3 years: {MINUS}$8.5k (P10 {MINUS}$751k to P90 +$884k), "
        "with a 45% chance of losing money; payback not within 3 years."
    )


def test_output_and_quality_adjusted_changes_are_rounded_alike():
    # DORA 2024 preset: throughput −1.5% and little else moves, so QAPI − 1 ≈ g = −0.015
    # (N = −0.449 h: 1 − 0.449 / 30 = 0.98504). The same −1.5% must not read "falls 2%" there.
    dora = load_scenario(SCENARIOS / "dora_2024.json")
    results = compute(dora)
    assert results.productivity.output_change == pytest.approx(-0.015)
    assert results.productivity.qapi - 1 == pytest.approx(-0.01496, abs=1e-5)
    assert verdict(dora, results).points[0] == (
        f"Output per developer falls 1.5%; quality-adjusted productivity changes {MINUS}1.5% "
        f"({MINUS}0.45 h per developer-week)."
    )


def test_a_change_that_rounds_to_zero_reads_as_unchanged():
    # DORA 2024 preset with 4.0016 tasks after adoption: g = +0.04%, shown to 0.1 point as 0.0%, so "is
    # unchanged", never "rises 0.0%"; +0.06% rounds to 0.1% and does rise.
    from roi.verdict import _direction, productivity_point

    dora = load_scenario(SCENARIOS / "dora_2024.json")
    flat = compute(with_value(dora, "post.tasks_per_dev_week", 4.0 * 1.0004))
    assert flat.productivity.output_change == pytest.approx(0.0004)
    assert productivity_point(flat).startswith("Output per developer is unchanged;")
    assert _direction(0.0004) == _direction(-0.0004) == "is unchanged"
    assert _direction(0.0006) == "rises 0.1%"


def test_the_productivity_point_names_only_the_side_effects_there_are():
    # Cui et al. preset: tasks +26.1%, more and larger PRs but no bug or incident data (ΔD = ΔI = 0):
    # N = 0.261 × 30 − ΔR = 7.34 h, QAPI − 1 = 7.34 / 30 = +24.5%. Only the review tax took hours.
    cui = load_scenario(SCENARIOS / "cui_field_rcts.json")
    results = compute(cui)
    assert results.productivity.defect_hours == 0 and results.productivity.incident_hours == 0
    assert verdict(cui, results).points[0] == (
        "Output per developer rises 26.1%, but after the review tax the quality-adjusted gain is +24.5% "
        "(+7.34 h per developer-week)."
    )
    # The demo organisation loses hours to all three (ΔR 2.48, ΔD 0.17, ΔI 0.03 h): G = 0.2289 × 30 = 6.87 h,
    # N = 4.19 h, QAPI − 1 = 4.19 / 30 = +14.0%.
    demo = load_scenario(SCENARIOS / "demo_org.json")
    assert verdict(demo, compute(demo)).points[0] == (
        "Output per developer rises 22.9%, but after the review tax, extra bugs and incidents the "
        "quality-adjusted gain is +14.0% (+4.19 h per developer-week)."
    )


def test_a_clear_case_and_a_risky_one():
    clear = load_scenario(SCENARIOS / "cui_field_rcts.json")
    results = compute(clear)
    assert results.finance.npv > 0 and loss_chance(results) <= CONFIDENT_LOSS_CHANCE
    assert verdict(clear, results).tone == "good"
    assert verdict(clear, results).points[1].startswith("Review keeps up: utilisation 55% → 70%")
    assert verdict(clear, results).headline == "The AI rollout pays back as planned."
    risky = load_scenario(SCENARIOS / "faros_paradox_2025.json")  # NPV > 0 but a 43% chance of a loss
    results = compute(risky)
    assert results.finance.npv > 0 and loss_chance(results) > CONFIDENT_LOSS_CHANCE
    assert not results.review.post.stable  # 100 developers, 34 reviewers: the Faros review shock
    assert verdict(risky, results).headline == (
        "At the likely values the AI rollout pays back, but with real downside risk and a review bottleneck."
    )
    calm = with_value(risky, "review.reviewers", 200)
    assert verdict(calm, compute(calm)).headline == (
        "At the likely values the AI rollout pays back, but with real downside risk.")


def test_paying_back_with_stretched_reviewers_says_so():
    demo = load_scenario(SCENARIOS / "demo_org.json")  # 36 reviewers at 113% after adoption (unstable)
    results = compute(demo)
    assert results.finance.npv > 0 and results.review.post.utilization >= 0.85
    assert verdict(demo, results).headline == "The AI rollout pays back, but review capacity is now the bottleneck."
    # 46 reviewers keep up at 88%, past the 85% limit: stretched, not "the bottleneck" beside a reviewers-needed
    # tile saying today's pool is enough.
    busy = with_value(demo, "review.reviewers", 46)
    results = compute(busy)
    assert results.review.post.stable and 0.85 <= results.review.post.utilization < 0.9
    assert verdict(busy, results).headline == "The AI rollout pays back, but reviewers are stretched to their limit."
    calm = with_value(demo, "review.reviewers", 48)  # 84%
    assert verdict(calm, compute(calm)).headline == "The AI rollout pays back as planned."


def test_without_ranges_or_target(worked_example):
    plain = with_value(with_value(worked_example, "uncertainty", None), "review.reviewers", 40)
    results = compute(plain)
    assert loss_chance(results) is None
    found = verdict(plain, results)
    assert "P10" not in found.points[-1] and "chance" not in found.points[-1]
    assert found.points[1].startswith("Reviewers are stretched: utilisation")  # 2.101 × 17/40 = 89%
    # Within the target, yet the headline calls review the bottleneck: the point says why.
    assert found.points[1].endswith("Today's 40 reviewers meet the 4.0 working h wait target, with little slack: above "
                                    "85% busy, a few more PRs make the wait grow steeply.")


def test_without_a_target_the_review_point_names_todays_wait_not_a_zero_target(worked_example):
    # The engine keeps today's wait when no target is set: seconds, which read "the 0.0 working h wait target".
    unset = with_value(worked_example, "review.target_wait_hours", None)
    results = compute(unset)
    point = verdict(unset, results).points[1]
    assert "0.0 working h" not in point
    assert f"Meeting today's <1 min wait (no target set) takes {results.review.reviewers_needed} reviewers (today 17)." \
        in point


@pytest.mark.parametrize(("n", "pool", "horizon"), [(1, "1 reviewer meets", "1 year"),
                                                    (2, "2 reviewers meet", "2 years")])
def test_a_pool_and_horizon_of_one_read_in_the_singular(worked_example, n, pool, horizon):
    # "Today's 1 reviewers meet the 4.0 working h wait target", "Net present value over 1 years".
    small = with_values(worked_example, {
        "team.developers": n, "review.reviewers": n, "review.target_wait_hours": 40.0, "uncertainty": None,
        "finance.horizon_years": n, "finance.adoption_by_year": worked_example.finance.adoption_by_year[:n]})
    found = verdict(small, compute(small))
    assert found.points[1].endswith(f"Today's {pool} the 40.0 working h wait target.")
    assert found.points[-1].startswith(f"Net present value over {horizon}: {MINUS}$")


@pytest.mark.parametrize("name", ["metr_2025.json", "uplevel_2024.json"])
def test_losses_read_as_falls(name):
    scenario = load_scenario(SCENARIOS / name)
    first = verdict(scenario, compute(scenario)).points[0]
    assert first.startswith(("Output per developer falls", "Output per developer is unchanged"))
    assert "quality-adjusted productivity changes " + MINUS in first


def test_no_ranges_claim_no_chance_of_a_loss(worked_example):
    from roi.engine import compute
    from roi.verdict import loss_chance, verdict

    spec = worked_example.uncertainty.model_copy(update={"ranges": {}})
    scenario = worked_example.model_copy(update={"uncertainty": spec})
    results = compute(scenario)
    assert results.uncertainty.prob_npv_positive == 0.0  # every draw is the NPV, −8,499
    assert loss_chance(results) is None
    money = verdict(scenario, results).points[-1]
    assert money == "Net present value over 3 years: −$8.5k; payback not within 3 years."


def _demo():
    return load_scenario(SCENARIOS / "demo_org.json")


def test_a_losing_verdict_says_why_capture():
    # Demo organisation (N 4.19 h) at a 2% capture factor: NPV < 0, break-even N* 17.69 h, so the capture
    # that pays back is φ* = φ·N*/N = 0.02 × 17.69 / 4.19 = 8.4% (NPV is linear in φ·N).
    low = with_assumption(_demo(), "finance.capture_factor", 0.02)  # its range moves with it, as in the app
    results = compute(low)
    assert results.finance.npv < 0
    needed = 0.02 * results.finance.break_even_net_hours / results.productivity.net_hours
    assert needed == pytest.approx(0.0844, abs=5e-4)
    assert verdict(low, results).reason == (
        "Only 2% of the hours gained become business value (capture factor); from 8.4% the rollout pays back, as it "
        "does with costs under $69.0k in present value (now $291k)."
    )
    assert compute(with_value(low, "finance.capture_factor", 0.085)).finance.npv > 0  # and it does
    # The costs, the other lever: NPV = PV(benefits) − PV(costs), so below PV(benefits) it pays back.
    assert fmt.money(results.finance.pv_benefits, compact=True) == "$69.0k"
    assert fmt.money(results.finance.pv_costs, compact=True) == "$291k"


def test_a_losing_verdict_says_why_costs():
    # $1,500 a seat-month: PV(costs) $6.0M against $1.7M of benefits; break-even N* 14.70 h is beyond even
    # the gross gain G = 6.87 h, so no capture or smaller review tax could pay for it: the costs do.
    dear = with_value(_demo(), "costs.tools.0.price_per_seat_month", 1500.0)
    results = compute(dear)
    lines = cost_lines(dear)
    assert sum(lines.values()) == pytest.approx(results.finance.pv_costs)  # the engine's costs, split
    assert lines["licences"] / results.finance.pv_costs == pytest.approx(0.98, abs=0.005)
    assert verdict(dear, results).reason == (
        "The costs ($6.0M, 98% of them licences at $1,500 per seat-month) outweigh the value of the hours "
        "gained ($1.7M): paying back would take 14.70 h net per developer-week, more than the tool saves "
        "even before side effects (6.87 h)."
    )


def test_a_losing_verdict_says_why_side_effects(worked_example):
    # Worked example: G = 0.21 × 30 = 6.30 h, N = 0.85 h, break-even 0.90 h: the side effects sink it.
    results = compute(worked_example)  # most outcomes gain (the verdict says why they disagree), yet N < N*
    assert loss_reason(worked_example, results) == (
        "The review tax and extra bugs cut the gain from 6.30 h to 0.85 h per developer-week, "
        "below the 0.90 h it takes to pay back the costs "
        "($155k, 50% of them licences at $39 per seat-month)."
    )
    # Review at 20 LOC/h: the review tax alone (43.19 h) is more than the whole gain, N < 0.
    slow = with_value(_demo(), "review.loc_per_hour", 20.0)
    assert loss_reason(slow, compute(slow)) == (
        "The review tax, extra bugs and incidents take 43.39 h per developer-week, more than the 6.87 h the "
        "tool saves; the review tax takes the most (43.19 h)."
    )
    dora = load_scenario(SCENARIOS / "dora_2024.json")  # throughput −1.5%: G < 0
    assert verdict(dora, compute(dora)).reason == (
        "Output per developer falls 1.5%, so no hours are gained to pay for it."
    )


def test_a_capture_over_100_percent_is_never_advised(worked_example):
    # Capture 30% and the one tool at $130 a seat-month: N* = 2.96 h against N = 0.85 h, so capture alone would
    # need φ* = 0.3 × N*/N = 104% — impossible; the side effects are named instead. At $120, φ* = 98% is
    # possible and the capture sentence is right.
    def at(price: float):
        return with_assumption(with_value(worked_example, "costs.tools.0.price_per_seat_month", price),
                               "finance.capture_factor", 0.3)

    dear = at(130.0)
    results = compute(dear)
    assert 0.3 * results.finance.break_even_net_hours / results.productivity.net_hours == pytest.approx(1.04, abs=5e-3)
    assert loss_reason(dear, results) == (
        "The review tax and extra bugs cut the gain from 6.30 h to 0.85 h per developer-week, below the 2.96 h it "
        "takes to pay back the costs ($304k, 75% of them licences at $130 per seat-month)."
    )
    cheaper = at(120.0)
    assert loss_reason(cheaper, compute(cheaper)) == (
        "Only 30% of the hours gained become business value (capture factor); from 98% the rollout pays back, as it "
        "does with costs under $87.6k in present value (now $288k)."
    )


def test_the_cost_driver_quotes_the_dearest_of_several_licences(worked_example):
    # Copilot Enterprise at $39 beside a $19 tool: "up to $39", the price that drives the licence line.
    two = with_tool_added(worked_example, {"name": "Cheap", "price_per_seat_month": 19.0})
    assert loss_reason(two, compute(two)) == (
        "The review tax and extra bugs cut the gain from 6.30 h to 0.85 h per developer-week, below the 1.08 h it "
        "takes to pay back the costs ($186k, 59% of them licences (up to $39 per seat-month))."
    )


def test_capture_is_advised_only_while_the_net_gain_is_positive(worked_example):
    # Worked example: N = 0.85 h, short of the 0.90 h break-even: capturing more of a gain helps.
    assert shortfall_advice(compute(worked_example)) == "cut the review tax (smaller PRs) or raise capture."
    # 4.4 tasks after adoption: G = 0.1 × 30 = 3.00 h, N = 3.00 − 5.26785 − 0.18 = −2.45 h. NPV = s·N − costs
    # with s growing with capture: more capture, a larger loss.
    fewer = with_value(worked_example, "post.tasks_per_dev_week", 4.4)
    results = compute(fewer)
    assert results.productivity.net_hours == pytest.approx(-2.44785)
    assert shortfall_advice(results) == (
        "raising capture cannot help while the net gain is not positive, as capturing more of a loss only "
        "deepens it. Turn the net gain positive first: smaller PRs (less review tax) and fewer defects."
    )
    more = compute(with_value(fewer, "finance.capture_factor", 0.8))
    assert more.finance.npv < results.finance.npv


def test_unused_seats_are_counted_whatever_they_cost(worked_example):
    # 50 seats, adoption 70% / 90% / 90%: 15 of the 50 seats unused in year 1, at any price.
    free = with_values(worked_example, {"costs.tools.0.price_per_seat_month": 0.0,
                                        "costs.tools.0.usage_per_dev_month": 0.0})
    assert sum(compute(free).finance.idle_seat_cost_by_year) == 0
    assert unused_seats(free) == (1, pytest.approx(0.3))
    # Seats for 90% of the developers, 90% of them using the tool every year: every seat used.
    seated = with_values(worked_example, {"costs.tools.0.seat_coverage": 0.9, "finance.adoption_by_year": [0.9] * 3})
    assert unused_seats(seated) is None
    # A second line seating 45 (10 unused in year 1): 15 + 10 of the 50 + 45 seats unused.
    both = with_tool_added(free, {"name": "Claude Team", "price_per_seat_month": 30.0, "seat_coverage": 0.9})
    assert unused_seats(both) == (1, pytest.approx(25 / 95))
    # Every developer using it every year: none.
    assert unused_seats(with_value(worked_example, "finance.adoption_by_year", [1.0, 1.0, 1.0])) is None
    assert unused_seats(with_tool_removed(worked_example, 0)) is None  # no seats bought


def test_a_losing_verdict_says_why_downtime():
    # $200k per hour of downtime: the extra failure hours cost $20.2M (PV), while the hours gained earn
    # $1.4M above the costs (s·N − C, the demo's NPV without downtime).
    down = with_values(_demo(), {"quality.downtime_cost_per_hour": 200_000.0, "quality.impact_share": 1.0})
    assert verdict(down, compute(down)).reason == (
        "The extra downtime from failed deployments costs $20.2M, more than the $1.4M the hours gained "
        "earn above the costs."
    )


def test_only_a_losing_or_risky_verdict_has_a_reason():
    demo = _demo()
    assert verdict(demo, compute(demo)).reason is None  # pays back clearly
    risky = load_scenario(SCENARIOS / "faros_paradox_2025.json")
    results = compute(risky)
    top = results.uncertainty.tornado[0]
    assert verdict(risky, results).reason == (
        "The risk comes mostly from output change per developer: from its P10 to its P90 it swings the NPV "
        f"by {fmt.money(top.swing, compact=True)}."
    )


@pytest.mark.parametrize(
    "edits, reason",
    [
        ({"finance.capture_factor": 0.0},
         "The capture factor is 0%: none of the hours gained becomes business value."),
        ({"finance.adoption_by_year": [0.0, 0.0, 0.0]},
         "Nobody adopts the tool over the horizon, so the hours gained never reach the money."),
        ({"finance.benefit_risk": 1.0}, "The benefit risk of 100% writes off every benefit."),
    ],
)
def test_a_losing_verdict_says_why_when_no_hour_reaches_the_money(edits, reason):
    # Each makes dNPV/dN = 0 (METHODS §3: benefits ∝ a_t · φ · (1 − r_b)), so only the costs remain.
    scenario = with_values(_demo(), edits)
    results = compute(scenario)
    assert results.finance.npv < 0 and results.finance.break_even_net_hours is None
    assert loss_reason(scenario, results) == reason  # the ranges, kept, may still gain: that is the verdict's


def test_a_scenario_that_loses_money_every_year_never_pays_back(open_app):
    """METR 2025 (developers 19% slower): every year's costs exceed its benefits, so payback is "never", not
    "> 3 years" (which reads as paying back later)."""
    from roi.finance import never_pays_back

    metr = load_scenario(SCENARIOS / "metr_2025.json")
    results = compute(metr)
    assert results.finance.payback_months is None
    assert never_pays_back(results.finance.benefits_by_year, results.finance.costs_by_year)
    assert verdict(metr, results).points[-1].endswith("; payback never: no year makes money.")
    at = open_app(scenario=metr)
    tile = [m for m in at.metric if m.label == "Payback"][0]
    assert (tile.value, tile.delta) == ("Never", "no year makes money")
    # Not paid back within the horizon, but a year that brings more than it costs: it may after it.
    assert not never_pays_back([0.0, 10.0, 50.0], [100.0, 20.0, 40.0])
    assert never_pays_back([0.0, 10.0, 20.0], [100.0, 20.0, 20.0])


def _lopsided(uplift: tuple[float, float, float], price: float):
    """The demo with a lopsided output-change range and a licence price (the executive audit's cases)."""
    demo = load_scenario(SCENARIOS / "demo_org.json")
    assert demo.uncertainty is not None
    ranges = {**demo.uncertainty.ranges, "productivity_uplift": uplift}
    scenario = demo.model_copy(update={"uncertainty": demo.uncertainty.model_copy(update={"ranges": ranges})})
    scenario = with_value(scenario, "costs.tools.0.price_per_seat_month", price)
    return scenario, compute(scenario)


def test_likely_pays_back_is_never_said_when_most_outcomes_lose():
    # Output change likely +22.9% but drawn from −20%..+24%: NPV +$89.5k at the likely values, median −$553k,
    # 77% of the outcomes lose. "The AI rollout likely pays back" was the headline.
    scenario, results = _lopsided((-0.20, 0.229, 0.24), 380)
    assert results.finance.npv > 0 and loss_chance(results) > MOST
    found = verdict(scenario, results)
    assert found.tone == "split_gain"
    assert found.headline == ("At the likely values the AI rollout pays back, but most simulated outcomes lose "
                              "money, and review is the bottleneck.")
    assert found.reason is not None and found.reason.startswith("The median (−$558k) sits below the NPV")
    assert "with a 77% chance of losing money" in found.points[-1]


def test_does_not_pay_back_is_never_said_when_most_outcomes_gain():
    scenario, results = _lopsided((0.22, 0.229, 0.9), 480)  # NPV −$304k, median +$981k, 17% lose
    assert results.finance.npv < 0 and loss_chance(results) < MOST
    found = verdict(scenario, results)
    assert found.tone == "split_loss"
    assert found.reason is not None and found.reason.startswith("The median (+$977k) sits above the NPV")


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.json")))
def test_the_tone_agrees_with_most_outcomes(name):
    """Pays back (with or without risk) only when most outcomes gain; does not pay back only when most lose."""
    scenario = load_scenario(SCENARIOS / name)
    results = compute(scenario)
    tone, loss = verdict(scenario, results).tone, loss_chance(results)
    if loss is not None:
        assert (tone in ("good", "mixed")) == (results.finance.npv >= 0 and loss <= MOST)
        assert (tone == "bad") == (results.finance.npv < 0 and loss >= MOST)


def test_a_loss_by_a_hair_never_reads_as_equal_hours():
    # The demo without ranges at $402.80 a seat-month: N = 4.19056 h against a break-even of 4.19132 h. To two
    # decimals both were "4.19 h" ("cut the gain … to 4.19 h …, below the 4.19 h"); the costs are named too.
    scenario = with_values(_demo(), {"uncertainty": None, "costs.tools.0.price_per_seat_month": 402.80})
    results = compute(scenario)
    assert results.finance.npv < 0
    assert loss_reason(scenario, results) == (
        "The review tax, extra bugs and incidents cut the gain from 6.87 h to 4.1906 h per developer-week, below "
        "the 4.1913 h it takes to pay back the costs ($1.7M, 94% of them licences at $403 per seat-month)."
    )


def test_a_loss_that_still_gets_its_cash_back_says_it_comes_too_late():
    # $403.72 a seat-month, no ranges: NPV −$3.9k at 10%, yet the undiscounted cumulative is back at 0 after
    # 32.7 months: "Does not pay back" beside "payback 32.7 months" needs the reason.
    scenario = with_values(_demo(), {"uncertainty": None, "costs.tools.0.price_per_seat_month": 403.72})
    results = compute(scenario)
    assert results.finance.npv < 0 and results.finance.payback_months == pytest.approx(32.7, abs=0.05)
    assert verdict(scenario, results).points[-1] == (
        f"Net present value over 3 years: {MINUS}$3.9k; the cash spent comes back in 32.7 months, too late: "
        "discounted at 10% a year, the benefits fall short of the costs."
    )


def test_a_pool_overrun_before_adoption_stays_the_bottleneck():
    # The demo at 1,000 developers: 36 reviewers are at 248% before adoption already ("becomes" was wrong).
    scenario = with_value(_demo(), "team.developers", 1000)
    results = compute(scenario)
    assert not results.review.baseline.stable
    assert verdict(scenario, results).points[1].startswith(
        "Review stays the bottleneck: reviewer utilisation goes 248% → 938%, so 3,017 review hours pile up every "
        "week. Meeting the 4.0 working h wait target takes 340 reviewers (today 36)."
    )


def test_the_review_finding_says_when_the_data_imply_another_review_share():
    # The demo assumes f = 25% (the default); its observed baseline review time is reproduced at f = 18.2%
    # (methodology §2, calibration), where utilisation after adoption is 154%, not 113%.
    demo = _demo()
    results = compute(demo)
    assert results.review.calibration.review_share == pytest.approx(0.182, abs=5e-4)
    assert verdict(demo, results).points[1].endswith(
        "At the 18.2% of their time your data suggest reviewers spend on reviews (not 25%), utilisation after "
        "adoption is 154% and meeting the wait target takes 58 reviewers."
    )
    # 58: what the engine's own staffing gives once the scenario takes the data's share (the tile says 42)
    at_share = with_value(demo, "review.review_share", results.review.calibration.review_share)
    assert compute(at_share).review.reviewers_needed == 58 and results.review.reviewers_needed == 42
    close = with_value(demo, "review.review_share", 0.19)  # within 10% of the calibrated share: nothing to add
    assert "your data suggest" not in verdict(close, compute(close)).points[1]


@pytest.mark.parametrize(("npv", "loss", "tone"), [
    (100.0, 0.2, "good"),  # "at most 20%": exactly 20% still pays back
    (1.0, 0.5, "mixed"),  # "above 20% and at most 50%"
    (-1.0, 0.5, "bad"),  # "a chance of a loss of at least 50%": not "Uncertain"
])
def test_the_tone_on_its_thresholds_exactly(npv, loss, tone):
    """Methodology §8 on the boundaries themselves (the probabilities near them above read 1 − p, never exact)."""
    from roi.verdict import tone_of

    assert tone_of(npv, loss) == tone


def test_review_is_strained_from_the_utilisation_limit_on():
    # "above the utilisation limit" includes it: at exactly 85% the headline says review is the bottleneck, as
    # the checklist's review-capacity item does at 85%.
    from types import SimpleNamespace

    from roi.verdict import review_strained

    def at(utilization: float):
        return SimpleNamespace(review=SimpleNamespace(post=SimpleNamespace(stable=True, utilization=utilization)))

    assert review_strained(at(0.85)) and not review_strained(at(0.8499))


@pytest.mark.parametrize(("gain_chance", "npv", "tone"), [
    (0.81, 1.0, "good"), (0.78, 1.0, "mixed"), (0.49, 1.0, "split_gain"),
    (0.51, -1.0, "split_loss"), (0.49, -1.0, "bad"),
])
def test_the_tone_thresholds_are_20_and_50_percent(gain_chance, npv, tone):
    """The thresholds as methodology §8 states them (a test reading the constants would move with them)."""
    from types import SimpleNamespace

    from roi.verdict import _tone

    results = SimpleNamespace(finance=SimpleNamespace(npv=npv),
                              uncertainty=SimpleNamespace(tornado=[], prob_npv_positive=gain_chance))
    assert _tone(results) == tone


def test_a_review_share_a_tenth_off_the_data_is_named():
    # The data's 18.2%: 20.5% is 12.6% off (named), 19% is 4.4% off (not: test above).
    far = with_value(_demo(), "review.review_share", 0.205)
    assert "At the 18.2% of their time your data suggest" in verdict(far, compute(far)).points[1]


def test_the_benefits_are_said_to_be_valued_time_not_cash():
    # A finance committee read "cash flow" and "payback" as budget savings: the sentence says what they are.
    assert benefits_basis(_demo()) == (
        "Benefits are the developer hours the tool gains or loses, net of side effects, valued at their loaded cost "
        "($90.60/h), of which 50% is counted (capture factor), so they are capacity for more work, not budget "
        "savings: they turn into cash only where they replace hiring, contractors or overtime."
    )
    cheaper = with_values(_demo(), {"team.loaded_cost_per_hour": 60.0, "finance.capture_factor": 0.35})
    assert "($60.00/h), of which 35% is counted (capture factor), so" in benefits_basis(cheaper)
    # Priced downtime is in the benefits too, as a cost; a share of 0 prices none.
    priced = with_values(_demo(), {"quality.downtime_cost_per_hour": 5_000.0, "quality.impact_share": 0.2})
    assert "(capture factor), less the business cost of extra downtime, so" in benefits_basis(priced)
    unpriced = with_values(_demo(), {"quality.downtime_cost_per_hour": 5_000.0})
    assert "downtime" not in benefits_basis(unpriced)


def test_unpriced_downtime_is_named_only_when_failures_take_more_hours():
    # The demo: 11.30 deploys/week × 8.49% failing × 2.14 h to recover = 2.05 h against 10.58 × 4.13% × 1.64 h
    # = 0.72 h before: 1.34 h a week more downtime, priced at 0 (the default).
    assert unpriced_downtime(_demo()) == (
        "Failed deployments cost 1.3 h more downtime a week after adoption; the NPV prices their responders' hours "
        "but not the outage itself: if outages cost the business, set its cost of downtime and the share of "
        "downtime that hurts it under ROI & risk → Quality."
    )
    priced = with_values(_demo(), {"quality.downtime_cost_per_hour": 5_000.0, "quality.impact_share": 0.2})
    assert unpriced_downtime(priced) is None
    # A cost with no share that hurts the business prices nothing: still named.
    assert unpriced_downtime(with_values(_demo(), {"quality.downtime_cost_per_hour": 5_000.0})) is not None
    faster = with_values(_demo(), {"post.change_failure_rate": 0.02})  # fewer failure hours after adoption
    assert unpriced_downtime(faster) is None
    assert unpriced_downtime(load_scenario(SCENARIOS / "worked_example.json")) is None  # no delivery data
