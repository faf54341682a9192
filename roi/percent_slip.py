"""A share typed in the other unit: a fraction into a percentage box, or a percentage into a fraction.

The app shows a share as a percentage (0.25 → "25"), so a box given 0.8 holds 0.8%.  The value is
kept as typed (a small percentage can be right) and :func:`slip_warning` says so beside the box
where it is more likely a fraction typed by mistake (:func:`percent_meant`); a table cell compared with a
baseline is questioned by :func:`slipped_beside`, a rate's row of estimates by :func:`slipped_in_row`.  A
file that takes fractions refuses a share above 1 and names the fraction meant (:func:`fraction_meant`).
"""

from __future__ import annotations

from collections.abc import Sequence

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
    meant = f"{value * 10_000:.4g}"
    return f"{value * 100:.4g}% — {percent_meant(value)} This box takes percentages: type {meant} for {meant}%."


def slipped_beside(value: float, reference: float) -> bool:
    """Whether a share under 1% in a percent cell looks like a fraction typed there: 100× it is within a factor of
    ten of the value it is compared with (a measured CFR of 0.08% beside an 8% baseline).  Without a positive
    reference a share under 1% can be right (an elite team's change failure rate), so nothing is said."""
    if not 0.0 < value < 0.01 or reference <= 0.0:
        return False
    return reference / 10 <= value * 100 <= reference * 10


def slipped_in_row(values: Sequence[float | None]) -> list[int]:
    """Positions of the shares in a row of one rate's values (before, after, low, high: fractions) that look like
    a fraction typed into a percent cell: :func:`slipped_beside` the largest of the row's other values (0.085
    typed as the rate after adoption, beside 4.1% before)."""
    found = []
    for position, value in enumerate(values):
        others = [v for i, v in enumerate(values) if i != position and v is not None]
        if value is not None and others and slipped_beside(value, max(others)):
            found.append(position)
    return found


def percent_meant(share: float) -> str:
    """The percentage a fraction typed into a percentage box stands for: 0.004 (0.4 typed) → "did you mean 40%?"."""
    return f"did you mean {share * 10_000:.4g}%?"


def fraction_meant(value: float) -> str | None:
    """The fraction a percentage typed where a fraction is asked stands for: 8 → "did you mean 0.08 (8%)?";
    None outside (1, 100], where the value cannot be a percentage of a share."""
    return f"did you mean {value / 100:g} ({value:g}%)?" if 1.0 < value <= 100.0 else None
