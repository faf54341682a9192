"""The executive verdict in words: one headline and three short findings built from the results.

Pure and deterministic, so the summary page, the tests and any report say the same thing.
Thresholds: a result "pays back" when NPV ≥ 0 and the chance of a loss is at most
``CONFIDENT_LOSS_CHANCE``; the NPV at the likely values and the simulated outcomes "disagree" when they
fall on opposite sides of 0 for most draws (``MOST``); reviewers are "stretched" from
``defaults.UTILIZATION_LIMIT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from roi import defaults
from roi.capacity import calibrated_reviewers_needed
from roi import finance as money_model
from roi import formatting as fmt
from roi.inputs import npv_per_net_hour, resolve_inputs
from roi.models import Results, Scenario, UncertaintyResult
from roi.uncertainty import median_gap

CONFIDENT_LOSS_CHANCE = 0.2
"""Chance of a loss (1 − P(NPV > 0)) up to which a positive NPV is called a clear case."""

MOST = 0.5
"""Share of simulated outcomes above which "most" of them lose (or gain) money."""

Tone = Literal["good", "mixed", "split_gain", "split_loss", "bad"]
"""good: pays back, loss unlikely; mixed: pays back with a real chance of a loss; split_gain: the NPV at the
likely values is ≥ 0 but most simulated outcomes lose; split_loss: it is < 0 but most outcomes gain; bad: a
loss, and most outcomes (or, without ranges, the only one) agree."""


@dataclass(frozen=True)
class Verdict:
    """``tone`` picks the colour; ``headline`` is the answer; ``points`` are the reasons.

    ``reason`` is the one sentence that says why a losing scenario loses (:func:`loss_reason`), or
    where the risk of a risky one comes from (:func:`risk_reason`); ``None`` for a clear case.
    """

    tone: Tone
    headline: str
    points: tuple[str, ...]
    reason: str | None = None


def simulated(results: Results) -> UncertaintyResult | None:
    """The Monte Carlo result when inputs have ranges; ``None`` otherwise.

    An uncertainty section with no ranges still has percentiles (every draw is the NPV, and its
    tornado is null): a P10–P90 range or a "0%" or "100%" chance of a loss drawn from it would
    claim a certainty nothing measured.
    """
    u = results.uncertainty
    return None if u is None or u.tornado is None else u


def loss_chance(results: Results) -> float | None:
    """Probability that the NPV is negative or zero [fraction]; None without uncertainty ranges."""
    u = simulated(results)
    return None if u is None else 1.0 - u.prob_npv_positive


def _tone(results: Results) -> Tone:
    return tone_of(results.finance.npv, loss_chance(results))


def tone_of(npv: float, loss: float | None) -> Tone:
    """The verdict's tone from the NPV at the likely values [currency] and the chance of a loss [fraction;
    None without ranges] (the app's badge, the workbook's live verdict and ROI & risk's reason label).

    A lopsided range can put the NPV at the likely values on one side of 0 and most outcomes on the
    other: "likely pays back" beside a 77% chance of a loss was a wrong answer, so those cases say both."""
    if npv < 0:
        return "split_loss" if loss is not None and loss < MOST else "bad"
    if loss is not None and loss > MOST:
        return "split_gain"
    if loss is not None and loss > CONFIDENT_LOSS_CHANCE:
        return "mixed"
    return "good"


BADGE_LABELS: dict[Tone, str] = {
    "good": "Pays back",
    "mixed": "Pays back, with risk",
    "split_gain": "Uncertain",
    "split_loss": "Uncertain",
    "bad": "Does not pay back",
}
"""The verdict in three words, as the summary's badge and the scenario comparison show it."""

REVIEW_BOTTLENECK = "review is the bottleneck"
"""Added to a verdict whose review queue never clears after adoption, as the summary's headline says it: two
scenarios differing only in reviewers have the same NPV, and only this tells them apart."""
REVIEWERS_STRETCHED = "reviewers stretched"
"""Added instead when the queue keeps up above the utilisation limit (:func:`review_strained`)."""


def badge_label(tone: Tone, results: Results) -> str:
    """The verdict's label with the review strain the money assumes away: "Pays back; review is the
    bottleneck" (the summary's badge read "Pays back" alone beside an unstable queue; the comparison's row)."""
    label = BADGE_LABELS[tone]
    if not review_strained(results):
        return label
    return f"{label}; {REVIEW_BOTTLENECK if review_overrun(results) else REVIEWERS_STRETCHED}"


HEADLINES: dict[Tone, str] = {
    "good": "The AI rollout pays back as planned.",
    "mixed": "At the likely values the AI rollout pays back, but with real downside risk.",
    "split_gain": "At the likely values the AI rollout pays back, but most simulated outcomes lose money.",
    "split_loss": "At the likely values the AI rollout does not pay back, but most simulated outcomes make money.",
    "bad": "The AI rollout as planned does not pay back.",
}


STRAINED_HEADLINES: dict[Tone, str] = {
    "good": "The AI rollout pays back, but review capacity is now the bottleneck.",
    "mixed": "At the likely values the AI rollout pays back, but with real downside risk and a review bottleneck.",
    "split_gain": "At the likely values the AI rollout pays back, but most simulated outcomes lose money, and "
                  "review is the bottleneck.",
}
"""Headlines when reviewers are overrun after adoption (the queue never clears): the money is there, the flow
is not."""

STRETCHED_HEADLINES: dict[Tone, str] = {
    "good": "The AI rollout pays back, but reviewers are stretched to their limit.",
    "mixed": "At the likely values the AI rollout pays back, but with real downside risk and reviewers stretched "
             "to their limit.",
    "split_gain": "At the likely values the AI rollout pays back, but most simulated outcomes lose money, and "
                  "reviewers are stretched to their limit.",
}
"""Headlines when reviewers keep up but are above the utilisation limit: "the bottleneck" beside "today's 36
are enough" (89% busy) read as a contradiction."""


def review_strained(results: Results) -> bool:
    """True when the post-adoption review queue is unstable or above the utilisation limit."""
    post = results.review.post
    return not post.stable or post.utilization >= defaults.UTILIZATION_LIMIT


def review_overrun(results: Results) -> bool:
    """True when the post-adoption review queue never clears (ρ ≥ 1): "the bottleneck", where a strained queue
    that keeps up is "stretched"."""
    return not results.review.post.stable


def strained_headline(tone: Tone, results: Results) -> str:
    """The headline of a tone whose review queue is strained: the bottleneck when it never clears (ρ ≥ 1),
    else stretched reviewers."""
    headlines = STRAINED_HEADLINES if review_overrun(results) else STRETCHED_HEADLINES
    return headlines.get(tone, HEADLINES[tone])


def _direction(change: float) -> str:
    """Rounded like the quality-adjusted gain beside it (0.1 point), so equal changes read alike."""
    if round(change, 3) == 0:
        return "is unchanged"
    return f"{'rises' if change > 0 else 'falls'} {fmt.percent(abs(change), digits=1)}"


def productivity_point(results: Results) -> str:
    p = results.productivity
    adjusted = fmt.percent(p.qapi - 1.0, signed=True, digits=1)
    hours = fmt.hours(p.net_hours, digits=2, unit="h per developer-week", signed=True)
    side_effects = p.review_tax_hours + p.defect_hours + p.incident_hours
    costs = [
        name
        for name, cost in (
            ("the review tax", p.review_tax_hours),
            ("extra bugs", p.defect_hours),
            ("incidents", p.incident_hours),
        )
        if cost > 0
    ]  # only the side effects that took hours, so the sentence never names one that is not there
    if p.output_change > 0 and side_effects > 0:
        named = " and ".join(costs) if len(costs) < 3 else f"{costs[0]}, {costs[1]} and {costs[2]}"
        return (
            f"Output per developer {_direction(p.output_change)}, but after {named} "
            f"the quality-adjusted gain is {adjusted} ({hours})."
        )
    return (
        f"Output per developer {_direction(p.output_change)}; quality-adjusted productivity changes "
        f"{adjusted} ({hours})."
    )


CALIBRATION_GAP = 0.1
"""Relative gap between the calibrated review share and the scenario's beyond which the summary says so."""


def _calibration_note(scenario: Scenario, results: Results) -> str:
    """A sentence ("Your data suggest …") when the observed review time implies a review share f far from the
    scenario's: the utilisation above rests on f (a default 25% gave 113% on the demo, its data's 18.2% 154%)."""
    calibration, assumed = results.review.calibration, scenario.review.review_share
    if calibration is None or calibration.review_share is None or calibration.post is None:
        return ""
    if abs(calibration.review_share - assumed) <= CALIBRATION_GAP * assumed:
        return ""
    needed = calibrated_reviewers_needed(scenario, results.review)
    staffing = "" if needed is None else f" and {wait_goal(scenario)} takes {fmt.count(needed, 'reviewer')}"
    # Short: with the delivery point and a loss's "Why", the verdict box must still fit a 1024 × 768 projector.
    return (f" At the {fmt.assumption_percent(calibration.review_share)} of their time your data suggest reviewers "
            f"spend on reviews (not {fmt.assumption_percent(assumed)}), utilisation after adoption is "
            f"{fmt.percent(calibration.post.utilization)}{staffing}.")


def wait_goal(scenario: Scenario) -> str:
    """What the reviewers needed are sized for: "meeting the wait target", or, with none set, "keeping today's
    wait" (the engine's target then; "the wait target takes 81 reviewers" named a target nobody set)."""
    return "meeting the wait target" if scenario.review.target_wait_hours is not None else "keeping today's wait"


def review_point(scenario: Scenario, results: Results) -> str:
    return _review_point(scenario, results) + _calibration_note(scenario, results)


def _review_point(scenario: Scenario, results: Results) -> str:
    r = results.review
    before, after = fmt.percent(r.baseline.utilization), fmt.percent(r.post.utilization)
    needed = r.reviewers_needed
    have = scenario.review.reviewers
    staffing = ""
    if needed is not None and r.target_wait_hours is not None:
        # No target set: the engine keeps today's wait, seconds on most teams ("the 0.0 working h wait target").
        target = (f"the {fmt.hours(r.target_wait_hours, unit='working h')} wait target"
                  if scenario.review.target_wait_hours is not None
                  else f"today's {fmt.working_wait(r.target_wait_hours, short=True)} wait (no target set)")
        staffing = (
            f" Meeting {target} takes {fmt.count(needed, 'reviewer')} (today {fmt.number(have)})."
            if needed > have
            else f" Today's {fmt.count(have, 'reviewer')} {'meets' if have == 1 else 'meet'} {target}."
        )
    if not r.post.stable:
        backlog = fmt.hours(r.backlog_growth_hours_per_week, digits=0, unit="review hours")
        # "Becomes" only if it was not already: a pool overrun before adoption stays the bottleneck.
        becomes = "becomes" if r.baseline.stable else "stays"
        # The money counts the extra review hours (ΔR) but not that they cannot all be done with this pool.
        return (
            f"Review {becomes} the bottleneck: reviewer utilisation goes {before} → {after}, so {backlog} "
            f"pile up every week.{staffing} The value below subtracts the extra review hours (the review tax) "
            "from the hours gained but assumes they get done: until the pool grows, the extra PRs wait."
        )
    wait = fmt.working_wait(r.post.wait_hours)
    if r.post.utilization >= defaults.UTILIZATION_LIMIT:
        if staffing and needed is not None and needed <= have:  # within the target, yet the headline's bottleneck
            staffing = (f"{staffing[:-1]}, with little slack: above {fmt.percent(defaults.UTILIZATION_LIMIT)} "
                        "busy, a few more PRs make the wait grow steeply.")
        return (
            f"Reviewers are stretched: utilisation {before} → {after}; the mean wait for a review is "
            f"{wait}.{staffing}"
        )
    return f"Review keeps up: utilisation {before} → {after}; the mean wait for a review is {wait}.{staffing}"


def money_point(scenario: Scenario, results: Results) -> str:
    f = results.finance
    currency = scenario.currency
    years = scenario.finance.horizon_years
    npv = fmt.money(f.npv, currency, compact=True, signed=True)
    text = f"Net present value over {fmt.count(years, 'year')}: {npv}"
    u = simulated(results)
    if u is not None:
        loss = fmt.chance(loss_chance(results))
        text += (
            f" (P10 {fmt.money(u.npv_p10, currency, compact=True, signed=True)} to P90 "
            f"{fmt.money(u.npv_p90, currency, compact=True, signed=True)}), with {fmt.a_or_an(loss)} "
            f"{loss} chance of losing money"
        )
    payback = payback_text(results)
    if f.npv < 0 and f.payback_months is not None:
        # "Does not pay back" beside "payback 32.7 months": the cash comes back, too late for the cost of capital.
        rate = fmt.share(scenario.finance.discount_rate)
        return (f"{text}; the cash spent comes back in {payback}, too late: discounted at {rate} a year, the "
                "benefits fall short of the costs.")
    return f"{text}; payback {payback}."


def _never_pays_back(results: Results) -> bool:
    return money_model.never_pays_back(results.finance.benefits_by_year, results.finance.costs_by_year)


def payback_text(results: Results) -> str:
    """Payback in words, as the summary's sentence, the comparison and the workbook write it: "14.2 months";
    else "never: no year makes money" when no year's benefits exceed its costs (:func:`roi.finance.never_pays_back`:
    it will not pay back after the horizon either), else "not within 3 years" (a year gains, too little yet)."""
    f = results.finance
    years = len(f.benefits_by_year) - 1
    return fmt.months(f.payback_months, horizon_years=years, never=_never_pays_back(results))


def payback_tile(scenario: Scenario, results: Results) -> tuple[str, str | None]:
    """The payback tile's value and chip (:func:`roi.formatting.payback_tile`): "Never" by the rule of
    :func:`payback_text`."""
    return fmt.payback_tile(results.finance.payback_months, scenario.finance.horizon_years,
                            never=_never_pays_back(results))


def _side_effects(results: Results) -> list[tuple[str, float]]:
    """The hours the side effects take per developer-week (ΔR, ΔD, ΔI), largest first, those above 0."""
    p = results.productivity
    found = [
        ("the review tax", p.review_tax_hours),
        ("extra bugs", p.defect_hours),
        ("incidents", p.incident_hours),
    ]
    return sorted(((name, h) for name, h in found if h > 0), key=lambda item: -item[1])


def cost_lines(scenario: Scenario) -> dict[str, float]:
    """PV of the costs by kind [currency]: licences, the programme team, set-up (their sum is PV(costs)).

    The engine's own cost functions (roi.finance) on the scenario's inputs, split by term.
    """
    inputs = resolve_inputs(scenario)

    def pv(tools: tuple[money_model.ToolPricing, ...], fte: money_model.Money) -> float:
        yearly = [
            money_model.running_cost(
                inputs.developers, a, tools, fte, inputs.fte_annual_cost, inputs.cost_risk
            )
            for a in inputs.adoption
        ]
        return float(money_model.present_value([0.0, *yearly], inputs.discount_rate))

    setup = money_model.setup_cost(
        inputs.developers, inputs.training_hours_per_dev, inputs.loaded_cost_per_hour, inputs.one_off_cost,
        inputs.cost_risk,
    )
    return {
        "licences": pv(inputs.tools, 0.0),
        "programme": pv((), inputs.governance_fte),
        "set-up": float(setup),
    }


def unused_seats(scenario: Scenario) -> tuple[int, float] | None:
    """The first year (1..Y) in which seats go unused, and the share of the seats bought that do [fraction];
    ``None`` when every seat is used in every year (or none is bought).

    Whatever they cost: at a seat price of 0 the idle-seat cost is 0 while seats still go unused.
    """
    inputs = resolve_inputs(scenario)
    seats = sum(float(inputs.developers * tool.seat_coverage) for tool in inputs.tools)
    for year, adoption in enumerate(inputs.adoption, start=1):
        idle = float(money_model.idle_seats(inputs.developers, adoption, inputs.tools))
        if seats > 0 and idle > 0:
            return year, idle / seats
    return None


def _cost_driver(scenario: Scenario, results: Results) -> str:
    """The largest cost line in words, with its share of PV(costs): "licences at $1,500 per seat-month"."""
    lines = cost_lines(scenario)
    kind = max(lines, key=lines.__getitem__)
    total = results.finance.pv_costs
    share = fmt.percent(lines[kind] / total) if total > 0 else ""
    if kind == "licences":
        tools = scenario.costs.tools
        price = fmt.money(max(t.price_per_seat_month for t in tools), scenario.currency)
        what = f"licences at {price} per seat-month"
        if len(tools) > 1:
            what = f"licences (up to {price} per seat-month)"
    elif kind == "programme":
        what = f"the programme team ({fmt.number(scenario.costs.governance_fte, digits=1)} FTE)"
    else:
        what = "set-up and training"
    return f"{share} of them {what}"


def loss_reason(scenario: Scenario, results: Results) -> str | None:
    """Why the NPV is negative, in one sentence traceable to the formulas (methodology §2–§3); else ``None``.

    NPV = s·N − D − C, with s = dNPV/dN (the captured value of one net hour per developer-week over
    the horizon), D the PV of the extra downtime and C = PV(costs). Checked in this order:
    no gross gain (G ≤ 0); side effects ΔR + ΔD + ΔI eating it (N ≤ 0); no value reaching the money
    (s = 0); downtime (s·N ≥ C but the NPV < 0); a capture factor φ below the default when
    φ* = φ·N*/N ≤ 100% (N* the break-even net hours: some capture pays back); side effects
    (G ≥ N* > N); otherwise costs (even G < N*), naming their largest line.
    """
    f, p = results.finance, results.productivity
    if f.npv >= 0:
        return None
    per_week = "per developer-week"
    if p.gross_gain_hours <= 0:
        return f"Output per developer {_direction(p.output_change)}, so no hours are gained to pay for it."
    effects = _side_effects(results)
    if p.net_hours <= 0:
        lost = sum(h for _, h in effects)
        return (
            f"{fmt.listed([n for n, _ in effects]).capitalize()} take {fmt.hours(lost, digits=2)} {per_week}, more "
            f"than the {fmt.hours(p.gross_gain_hours, digits=2)} the tool saves"
            + (f"; {effects[0][0]} takes the most ({fmt.hours(effects[0][1], digits=2)})." if len(effects) > 1
               else ".")
        )
    finance_in = scenario.finance
    slope = float(npv_per_net_hour(resolve_inputs(scenario)))
    if f.break_even_net_hours is None or slope <= 0:
        if finance_in.capture_factor == 0:
            return "The capture factor is 0%: none of the hours gained becomes business value."
        if not any(finance_in.adoption):
            return "Nobody adopts the tool over the horizon, so the hours gained never reach the money."
        return f"The benefit risk of {fmt.percent(finance_in.benefit_risk)} writes off every benefit."
    currency = scenario.currency
    value_of_time = slope * p.net_hours
    downtime = value_of_time - f.pv_benefits
    if downtime > 0 and value_of_time >= f.pv_costs:
        return (
            "The extra downtime from failed deployments costs "
            f"{fmt.money(downtime, currency, compact=True)}, more than the "
            f"{fmt.money(value_of_time - f.pv_costs, currency, compact=True)} the hours gained earn "
            "above the costs."
        )
    capture = finance_in.capture_factor
    needed = capture * f.break_even_net_hours / p.net_hours
    if capture < defaults.CAPTURE_FACTOR and needed <= 1:  # below the usual share; capture alone fixes it
        # The costs are a lever too: at the demo's price a 20% capture pays back (CFO audit: only capture was named).
        return (
            f"Only {fmt.share(capture)} of the hours gained become business value (capture factor); from "
            f"{fmt.share(needed)} the rollout pays back, as it does with costs under "
            f"{fmt.money(f.pv_benefits, scenario.currency, compact=True)} in present value (now "
            f"{fmt.money(f.pv_costs, scenario.currency, compact=True)})."
        )
    target = fmt.hours(f.break_even_net_hours, digits=2)
    if effects and p.gross_gain_hours >= f.break_even_net_hours:
        digits = fmt.digits_apart(p.net_hours, f.break_even_net_hours, 2)  # never "4.19 h … below the 4.19 h"
        return (
            f"{fmt.listed([n for n, _ in effects]).capitalize()} cut the gain from "
            f"{fmt.hours(p.gross_gain_hours, digits=2)} to {fmt.hours(p.net_hours, digits=digits)} {per_week}, "
            f"below the {fmt.hours(f.break_even_net_hours, digits=digits)} it takes to pay back the costs "
            f"({fmt.money(f.pv_costs, scenario.currency, compact=True)}, {_cost_driver(scenario, results)})."
        )
    return (
        f"The costs ({fmt.money(f.pv_costs, scenario.currency, compact=True)}, "
        f"{_cost_driver(scenario, results)}) outweigh the value of the hours gained "
        f"({fmt.money(f.pv_benefits, scenario.currency, compact=True)}): paying back would take {target} net "
        f"{per_week}, more than the tool saves even before side effects "
        f"({fmt.hours(p.gross_gain_hours, digits=2)})."
    )


def benefits_basis(scenario: Scenario) -> str:
    """What the benefits are, in the words the Summary, ROI & risk and the workbook use (methodology §3:
    freed hours are not cash). "Cash flow" and "payback" are TEI's terms; without this sentence a finance
    committee read them as budget savings."""
    rate = fmt.money(scenario.team.loaded_cost_per_hour, scenario.currency, digits=2)
    quality = scenario.quality
    downtime = (" less the business cost of extra downtime,"
                if quality.downtime_cost_per_hour * quality.impact_share > 0 else "")
    return (
        f"Benefits are the developer hours the tool gains or loses, net of side effects, valued at their loaded "
        f"cost ({rate}/h), of which {fmt.share(scenario.finance.capture_factor)} is counted (capture factor),"
        f"{downtime} so they are capacity for more work, not budget savings: they turn into cash only where they "
        "replace hiring, contractors or overtime."
    )


TIMING_BASIS = (
    "Year 0 (set-up) is not discounted and each later year's flows are discounted from the year's end (Excel's "
    "=NPV over years 1… plus year 0); payback spreads each year's flows evenly through that year."
)
"""The cash flows' timing convention (methodology §3), said where the NPV and the payback are shown."""


def unpriced_downtime(scenario: Scenario) -> str | None:
    """A sentence when failed deployments take more hours after adoption but the scenario prices downtime at 0
    (its default): the NPV then leaves out their business cost; ``None`` otherwise."""
    inputs = resolve_inputs(scenario)
    extra = float(inputs.failure_hours_change)
    if extra <= 0 or float(inputs.downtime_cost_per_hour * inputs.impact_share) > 0:
        return None
    return (
        f"Failed deployments cost {fmt.hours(extra, digits=1)} more downtime a week after adoption; the NPV prices "
        "their responders' hours but not the outage itself: if outages cost the business, set its cost of "
        "downtime and the share of downtime that hurts it under ROI & risk → Quality."
    )


def benefits_caption(scenario: Scenario) -> str:
    """What the benefits are (:func:`benefits_basis`) and, when it applies, the downtime they leave out
    (:func:`unpriced_downtime`): the sentence under the Summary's money tiles and in ROI & risk's caption."""
    downtime = unpriced_downtime(scenario)
    return benefits_basis(scenario) + (f" {downtime}" if downtime else "")


def break_even_shortfall(results: Results) -> float | None:
    """The break-even net gain less today's, N* − N [h per adopting developer-week]: above 0 the tool is that
    far short of paying for itself, at or below 0 it clears the break-even by −(N* − N); ``None`` without a
    break-even (the NPV does not depend on N)."""
    needed = results.finance.break_even_net_hours
    return None if needed is None else needed - results.productivity.net_hours


def shortfall_advice(results: Results) -> str:
    """What would close a shortfall below the break-even net hours (the ROI & risk page's break-even).

    NPV = s·N − costs, with s [currency per net hour per developer-week] growing with the capture factor: with
    a positive net gain N a higher capture helps, but with N ≤ 0 capturing more of it deepens the loss (it
    can never reach the break-even), so N must turn positive first.
    """
    if results.productivity.net_hours > 0:
        return "cut the review tax (smaller PRs) or raise capture."
    return (
        "raising capture cannot help while the net gain is not positive, as capturing more of a loss only "
        "deepens it. Turn the net gain positive first: smaller PRs (less review tax) and fewer defects."
    )


def risk_reason(scenario: Scenario, results: Results) -> str | None:
    """Where a simulated scenario's risk comes from: the tornado's largest swing (one input's P10 to P90)."""
    u = simulated(results)
    if u is None or not u.tornado:
        return None
    top = u.tornado[0]
    return (
        f"The risk comes mostly from {fmt.input_label(top.input, in_sentence=True)}: from its P10 to its P90 it "
        f"swings the NPV by {fmt.money(top.swing, scenario.currency, compact=True)}."
    )


def median_reason(scenario: Scenario, results: Results, npv_likely: float) -> str | None:
    """Why the simulated median NPV is not the NPV at the likely values (``npv_likely`` [currency]): the
    ranges whose median draw lies away from their likely value (``roi.uncertainty.median_gap``); else ``None``."""
    u = simulated(results)
    gap = median_gap(scenario, u, npv_likely) if u is not None and scenario.uncertainty is not None else None
    if gap is None:
        return None
    currency = scenario.currency

    first = gap.shifts[0]
    lo, _, hi = scenario.uncertainty.ranges[first.input]  # type: ignore[union-attr]  # a gap implies ranges

    def value(amount: float, like: float | None = None) -> str:
        return fmt.input_value(first.input, amount, currency, like=like)

    def signed(amount: float) -> str:
        return fmt.money(amount, currency, compact=True, signed=True)

    direction = "above" if gap.npv_median > gap.npv_likely else "below"
    text = (f"The median ({signed(gap.npv_median)}) sits {direction} the NPV at every input's likely value "
            f"({signed(gap.npv_likely)}) because some ranges are lopsided. {fmt.input_label(first.input)} is "
            f"likely {value(first.likely)}, but its range of {value(lo, like=hi)} to {value(hi)} puts its median "
            f"draw at {value(first.median)}, which alone moves the NPV by {signed(first.npv_shift)}")
    if len(gap.shifts) > 1:
        second = gap.shifts[1]
        text += f"; {fmt.input_label(second.input, in_sentence=True)} moves it by {signed(second.npv_shift)}"
    return text + "."


def verdict(scenario: Scenario, results: Results) -> Verdict:
    """The headline and the findings behind it: productivity, review capacity, delivery (when both periods give
    DORA metrics: :func:`roi.dora.delivery_point`) and money."""
    from roi import dora  # here: dora reads the scenario builder, which computes with the engine, which reads this

    tone = _tone(results)
    delivery = dora.delivery_point(dora.placements(scenario))
    return Verdict(
        tone=tone,
        headline=strained_headline(tone, results) if review_strained(results) else HEADLINES[tone],
        points=(productivity_point(results), review_point(scenario, results), *filter(None, [delivery]),
                money_point(scenario, results)),
        reason=_reason(scenario, results, tone),
    )


REASON_LABELS: dict[Tone, str] = {
    "mixed": "Where the risk is",
    "split_gain": "Why they disagree",
    "split_loss": "Why they disagree",
    "bad": "Why",
}
"""What the verdict's reason answers, by tone (a clear case has none)."""


def _reason(scenario: Scenario, results: Results, tone: Tone) -> str | None:
    if tone == "bad":
        return loss_reason(scenario, results)
    if tone in ("split_gain", "split_loss"):  # lopsided ranges: the median is on the other side of 0
        return median_reason(scenario, results, results.finance.npv) or risk_reason(scenario, results)
    return risk_reason(scenario, results) if tone == "mixed" else None
