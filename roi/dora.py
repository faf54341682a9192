"""A team's delivery metrics beside the DORA 2024 reference tiers (methodology §9).

The 2024 State of DevOps report groups teams into four clusters, Elite, High, Medium and Low, and
publishes each cluster's typical change lead time, deployment frequency, change failure rate and
failed deployment recovery time.  They are cluster descriptions, not grading thresholds: the change
failure rates do not even fall in tier order (High 20%, Medium 10%), and High and Medium share "under
a day" of recovery.  So each value is *placed*, in words that say how: inside a tier's published range
(lead time, deployment frequency, recovery) or at the nearest published value (change failure rate),
and always under the label "2024 reference", never as a grade of the team.

The AI productivity paradox is that output rises while these do not move; the table shows whether they
moved for this team.  Deployment frequency here is the team's production deployments per week, across
all its services; DORA asks it per application, so a team with many services reads higher.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from roi import formatting as fmt
from roi.models import Scenario
from roi.scenario_builder import working_week_factor

REFERENCE_LABEL = "2024 reference"
"""How every tier is labelled (methodology §9): the tiers are the 2024 report's, not a current standard."""

TIERS = ("Elite", "High", "Medium", "Low")
"""The 2024 report's clusters, fastest first."""

HOURS_PER_DAY = 24.0
HOURS_PER_WEEK = 7 * HOURS_PER_DAY
HOURS_PER_MONTH = 365.25 / 12 * HOURS_PER_DAY
WEEKS_PER_MONTH = 365.25 / 12 / 7


@dataclass(frozen=True)
class Reference:
    """One DORA metric's published values by tier, and how a value is placed among them.

    ``bands``: (tier or in-between wording, upper bound) in the metric's unit, fastest first, for a
    metric published as ranges; ``points``: the published value per tier, for one published as a
    single value (the nearest is named).  ``higher_is_faster``: deployments, where more is better.
    ``short``: the name in the verdict's delivery point, which fits a 1024 × 768 projector (the table and the
    Productivity page give ``label``).
    """

    metric: str
    label: str
    short: str
    unit: str
    published: dict[str, str]
    bands: tuple[tuple[str, float], ...] = ()
    points: tuple[tuple[str, float], ...] = ()
    higher_is_faster: bool = False


REFERENCES: tuple[Reference, ...] = (
    Reference(
        metric="lead_time_hours",
        label="Change lead time",
        short="lead time",
        unit="h",
        published={"Elite": "under a day", "High": "1 day to 1 week", "Medium": "1 week to 1 month",
                   "Low": "1 to 6 months"},
        bands=(
            ("Elite", HOURS_PER_DAY),
            ("High", HOURS_PER_WEEK),
            ("Medium", HOURS_PER_MONTH),
            ("Low", 6 * HOURS_PER_MONTH),
            ("slower than Low", float("inf")),
        ),
    ),
    Reference(
        metric="deployments_per_week",
        label="Deployment frequency",
        short="deployments",
        unit="per week",
        published={"Elite": "on demand (several a day)", "High": "daily to weekly",
                   "Medium": "weekly to monthly", "Low": "monthly to every 6 months"},
        # slower ends in deployments per week, fastest first: several a day is over 7 a week
        bands=(
            ("Elite", 7.0),
            ("High", 1.0),
            ("Medium", 1.0 / WEEKS_PER_MONTH),
            ("Low", 1.0 / (6 * WEEKS_PER_MONTH)),
            ("rarer than Low", 0.0),
        ),
        higher_is_faster=True,
    ),
    Reference(
        metric="change_failure_rate",
        label="Change failure rate",
        short="change failure rate",
        unit="share",
        published={"Elite": "5%", "High": "20%", "Medium": "10%", "Low": "40%"},
        points=(("Elite", 0.05), ("Medium", 0.10), ("High", 0.20), ("Low", 0.40)),
    ),
    Reference(
        metric="recovery_hours",
        label="Failed deployment recovery time",
        short="recovery time",
        unit="h",
        published={"Elite": "under an hour", "High": "under a day", "Medium": "under a day",
                   "Low": "1 week to 1 month"},
        bands=(
            ("Elite", 1.0),
            ("High or Medium", HOURS_PER_DAY),
            ("between Medium and Low", HOURS_PER_WEEK),
            ("Low", HOURS_PER_MONTH),
            ("slower than Low", float("inf")),
        ),
    ),
)
"""The four metrics the 2024 report tiers, in its order (methodology §9)."""


def place(reference: Reference, value: float | None) -> str | None:
    """Where ``value`` (in the reference's unit) sits among the 2024 tiers, in words; None without a value.

    A range includes its faster end: a lead time of exactly 1 day is High, a deployment every day High and
    one a week Medium (weekly is Medium's faster end, High's slower).
    """
    if value is None:
        return None
    if reference.points:
        tier, _ = min(reference.points, key=lambda point: abs(point[1] - value))
        return f"nearest {tier} ({reference.published[tier]})"
    for tier, bound in reference.bands:
        if (value > bound) if reference.higher_is_faster else (value < bound):
            return tier
    return reference.bands[-1][0]


@dataclass(frozen=True)
class Placement:
    """One metric before and after adoption, each placed among the 2024 tiers (None where not given)."""

    reference: Reference
    before: float | None
    after: float | None
    before_tier: str | None
    after_tier: str | None


def calendar_rate(per_working_week: float | None, working_weeks_per_year: float) -> float | None:
    """A scenario's rate per working week [1/working week] as a rate per calendar week [1/week].

    DORA's tiers count calendar time ("daily to weekly"); the scenario's rates are per working week, ×
    (365.25 / 7) / W of the measured calendar rate (docs/methodology.md, "Measured rates"): a team that
    deploys 5 times a calendar week has 5.67 deployments per working week at W = 46.
    """
    if per_working_week is None:
        return None
    return per_working_week / working_week_factor(working_weeks_per_year)


def placements(scenario: Scenario) -> list[Placement]:
    """The DORA metrics the scenario gives for either period, each period placed among the 2024 tiers.

    Deployment frequency is placed, and shown, per calendar week."""
    found = []
    weeks = scenario.team.working_weeks_per_year
    for reference in REFERENCES:
        old, new = getattr(scenario.baseline, reference.metric), getattr(scenario.post, reference.metric)
        if old is None and new is None:
            continue
        if reference.unit == "per week":
            old, new = calendar_rate(old, weeks), calendar_rate(new, weeks)
        found.append(Placement(reference, old, new, place(reference, old), place(reference, new)))
    return found


NOT_GIVEN = "not given"


def _value(reference: Reference, value: float | None, like: float | None) -> str:
    """A period's value as the app shows the metric (both periods of a latency in one unit), deployments
    as "9.4 a week"."""
    if reference.unit == "per week" and value is not None:
        return f"{fmt.number(value, digits=1)} a week"
    return fmt.metric_value(reference.metric, value, missing=NOT_GIVEN, like=like)


def table(found: list[Placement]) -> pd.DataFrame:
    """The placements as the app shows them: one row per metric, each period's value and its place among
    the 2024 tiers ("" where the period has no value)."""
    rows = [
        {
            "Metric": p.reference.label,
            # a value on one line: "9.4 a week" broke after its number in a narrow column
            "Before": _value(p.reference, p.before, p.after).replace(" ", fmt.NBSP),
            "Tier before": p.before_tier or "",
            "After": _value(p.reference, p.after, p.before).replace(" ", fmt.NBSP),
            "Tier after": p.after_tier or "",
        }
        for p in found
    ]
    return pd.DataFrame(rows).set_index("Metric")


def reference_table() -> pd.DataFrame:
    """The 2024 tiers as published: one row per metric, one column per tier."""
    rows = [{"Metric": r.label, **{tier: r.published[tier] for tier in TIERS}} for r in REFERENCES]
    return pd.DataFrame(rows).set_index("Metric")


UNCHANGED_WITHIN = 0.05
"""A delivery metric that moved by less than this share of its value before adoption is called unchanged."""


def delivery_point(found: list[Placement]) -> str | None:
    """The verdict's sentence on delivery: which DORA metrics given for both periods got worse, better or did
    not move (within :data:`UNCHANGED_WITHIN`), worse first; None if no metric is given for both.

    The paradox's other half (did shipping get faster?), said beside output and review rather than in a
    caption under the review tiles."""
    groups: dict[str, list[str]] = {"worse": [], "better": [], "unchanged": []}
    for p in found:
        if p.before is None or p.after is None:
            continue
        moved = (p.after - p.before) / p.before if p.before else (0.0 if p.after == p.before else 1.0)
        faster = moved > 0 if p.reference.higher_is_faster else moved < 0
        group = "unchanged" if abs(moved) < UNCHANGED_WITHIN else ("better" if faster else "worse")
        if p.reference.unit == "per week":  # calendar weeks: beside the scenario's "a working week" caveat
            groups[group].append(f"{p.reference.short} {fmt.number(p.before, digits=1)} → "
                                 f"{fmt.number(p.after, digits=1)} a calendar week")
        else:
            groups[group].append(f"{p.reference.short} {_value(p.reference, p.before, p.after)} → "
                                 f"{_value(p.reference, p.after, p.before)}")
    if not any(groups.values()):
        return None
    worse, better = bool(groups["worse"]), bool(groups["better"])
    summary = ("moved both ways" if worse and better else "got worse" if worse else "improved" if better
               else "did not change")
    parts = "; ".join(f"{name}: {fmt.listed(items)}" for name, items in groups.items() if items)
    return f"Delivery (DORA) {summary}. {parts[:1].upper()}{parts[1:]}."
