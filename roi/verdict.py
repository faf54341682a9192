"""The executive verdict in words: one headline and three short findings built from the results.

Pure and deterministic, so the summary page, the tests and any report say the same thing.
Thresholds: a result "pays back" when NPV ≥ 0 and the chance of a loss is at most
``CONFIDENT_LOSS_CHANCE``; reviewers are "stretched" from ``defaults.UTILIZATION_LIMIT``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from roi import defaults
from roi import formatting as fmt
from roi.models import Results, Scenario, UncertaintyResult

CONFIDENT_LOSS_CHANCE = 0.2
"""Chance of a loss (1 − P(NPV > 0)) up to which a positive NPV is called a clear case."""

Tone = Literal["good", "mixed", "bad"]


@dataclass(frozen=True)
class Verdict:
    """``tone`` picks the colour; ``headline`` is the answer; ``points`` are the reasons."""

    tone: Tone
    headline: str
    points: tuple[str, ...]


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
    loss = loss_chance(results)
    if results.finance.npv < 0:
        return "bad"
    if loss is not None and loss > CONFIDENT_LOSS_CHANCE:
        return "mixed"
    return "good"


BADGE_LABELS: dict[Tone, str] = {
    "good": "Pays back",
    "mixed": "Pays back, with risk",
    "bad": "Does not pay back",
}
"""The verdict in three words, as the summary's badge and the scenario comparison show it."""


HEADLINES: dict[Tone, str] = {
    "good": "The AI rollout pays back as planned.",
    "mixed": "The AI rollout likely pays back, but with real downside risk.",
    "bad": "As planned, the AI rollout does not pay back.",
}


STRAINED_HEADLINES: dict[Tone, str] = {
    "good": "The AI rollout pays back, but review capacity is now the bottleneck.",
    "mixed": "The AI rollout likely pays back, but with real downside risk and a review bottleneck.",
}
"""Headlines when reviewers are stretched or overrun after adoption: the money is there, the flow is not."""


def review_strained(results: Results) -> bool:
    """True when the post-adoption review queue is unstable or above the utilisation limit."""
    post = results.review.post
    return not post.stable or post.utilization >= defaults.UTILIZATION_LIMIT


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


def review_point(scenario: Scenario, results: Results) -> str:
    r = results.review
    before, after = fmt.percent(r.baseline.utilization), fmt.percent(r.post.utilization)
    needed = r.reviewers_needed
    have = scenario.review.reviewers
    staffing = ""
    if needed is not None and r.target_wait_hours is not None:
        target = fmt.hours(r.target_wait_hours)
        staffing = (
            f" Meeting the {target} wait target takes {needed} reviewers (today {have})."
            if needed > have
            else f" Today's {have} reviewers meet the {target} wait target."
        )
    if not r.post.stable:
        backlog = fmt.hours(r.backlog_growth_hours_per_week, digits=0, unit="review hours")
        return (
            f"Review becomes the bottleneck: reviewer utilisation goes {before} → {after}, so {backlog} "
            f"pile up every week.{staffing}"
        )
    wait = fmt.duration(r.post.wait_hours)
    if r.post.utilization >= defaults.UTILIZATION_LIMIT:
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
    text = f"Net present value over {years} years: {npv}"
    u = simulated(results)
    if u is not None:
        text += (
            f" (P10 {fmt.money(u.npv_p10, currency, compact=True, signed=True)} to P90 "
            f"{fmt.money(u.npv_p90, currency, compact=True, signed=True)}), with a "
            f"{fmt.chance(loss_chance(results))} chance of losing money"
        )
    payback = fmt.months(f.payback_months, horizon_years=years)
    return f"{text}; payback {payback}."


def verdict(scenario: Scenario, results: Results) -> Verdict:
    """The headline and the three findings behind it: productivity, review capacity, money."""
    tone = _tone(results)
    return Verdict(
        tone=tone,
        headline=STRAINED_HEADLINES.get(tone, HEADLINES[tone]) if review_strained(results) else HEADLINES[tone],
        points=(productivity_point(results), review_point(scenario, results), money_point(scenario, results)),
    )
