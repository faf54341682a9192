"""A share typed as a fraction into a percentage box: 0.8, meant as 80%, is 0.8%.

The app shows a share as a percentage (0.25 → "25"), so a box given 0.8 holds 0.8%.  The value is
kept as typed (a small percentage can be right) and :func:`slip_warning` says so beside the box
where it is more likely a fraction typed by mistake.
"""

from __future__ import annotations

RARELY_BELOW_ONE_PERCENT = frozenset(
    {
        "review.review_share",  # under 1% is less than 24 minutes of reviewing in a 40-hour week
        "finance.discount_rate",  # a company's discount (hurdle) rate is several percent; 0 = undiscounted
        "finance.capture_factor",  # TEI captures 20–80%; 0 says none
        "finance.benefit_risk",  # risk adjustments come in steps of 5 or 10 points; 0 says none
        "finance.cost_risk",
    }
)
"""Shares for which a value between 0% and 1% is implausible.  Not listed, because under 1% can be right:
change failure and rework rates (elite teams), the share of downtime that hurts the business, seat
coverage and adoption (a pilot in a large organisation)."""

WAS_A_PERCENTAGE = 0.10
"""A previous value of 10% or more followed by one under 1% is a fraction typed (70% → 0.7)."""


def slip_warning(path: str, value: float | None, previous: float | None = None) -> str | None:
    """What to say beside a percentage box now holding ``value`` (a fraction), or None when it looks meant.

    Only a value strictly between 0% and 1%: 0 is the same either way, and 1 or more is a percentage.
    """
    if value is None or not 0.0 < value < 0.01:
        return None
    was_large = previous is not None and previous >= WAS_A_PERCENTAGE
    if path not in RARELY_BELOW_ONE_PERCENT and not was_large:
        return None
    typed, meant = f"{value * 100:.4g}", f"{value * 10_000:.4g}"
    return f"{typed}% — did you mean {meant}%? This box takes percentages: type {meant} for {meant}%."
