"""Usage billing per active developer-month, measured in an AI tool's usage export.

methodology §3 prices agentic usage billed on top of a seat (Claude Code ≈ $150–250 per developer-month)
as a tool's ``usage_per_dev_month``.  Claude Code's usage report gives each person's estimated cost
per day (``roi.ingest.ai_tools``; organisations on API billing only), so the client's own figure can
replace the published range:

    usage per active developer-month = Σ cost / Σ_months (people active in the month)

over the calendar months the export covers whole, so that a month the export starts or ends in the
middle of does not count its people at a part of their cost.  A month counts as whole when the
export's first day is in its first week and its last day in its last week (usage reports have no
rows on days nobody worked).  An export shorter than that scales its window to a month:

    Σ cost / (people active in the window × days in the window / (365.25 / 12)),

each person active in the window counting for all of it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from roi import formatting as fmt
from roi.ingest.tables import Dataset

DAYS_PER_MONTH = 365.25 / 12
"""Days in an average calendar month [days]."""

EDGE_DAYS = 7
"""A calendar month counts as covered when the export starts within its first and ends within its last this many days."""

TOOLS = {"claude_code_usage": "Claude Code"}
"""The usage exports that carry costs, and the tool each prices."""


class UsageCost(BaseModel):
    """One tool's usage billing as measured in its exports (one currency)."""

    model_config = ConfigDict(frozen=True)

    tool: str
    currency: str = Field(description="ISO code of the export's estimated costs")
    per_dev_month: float = Field(description="usage billing per active developer-month [currency/month]")
    total: float = Field(description="estimated cost over the months measured [currency]")
    developer_months: float = Field(description="Σ over the months measured of the people active in each "
                                    "(a shorter export: people × its days / 30.44)")
    people: int = Field(description="people active in the months measured")
    first_day: date = Field(description="first day measured (UTC)")
    last_day: date = Field(description="last day measured (UTC)")
    whole_months: int = Field(description="calendar months measured; 0 = a shorter export, scaled to a month")


def _whole_months(first: pd.Timestamp, last: pd.Timestamp) -> list[pd.Period]:
    """The calendar months between ``first`` and ``last`` that the export covers (see module doc)."""
    months = pd.period_range(first.tz_localize(None).to_period("M"), last.tz_localize(None).to_period("M"), freq="M")
    edge = pd.Timedelta(days=EDGE_DAYS - 1)
    return [m for m in months
            if first.tz_localize(None) <= m.start_time + edge and last.tz_localize(None) >= m.end_time.normalize() - edge]


def _measured(tool: str, currency: str, rows: pd.DataFrame) -> UsageCost | None:
    first, last = rows["date"].min(), rows["date"].max()
    months = _whole_months(first, last)
    if months:
        month = rows["date"].dt.tz_localize(None).dt.to_period("M")
        rows = rows[month.isin(months).to_numpy()]
        month = month[month.isin(months)]
        active = rows["active"].to_numpy(bool)
        developer_months = float(rows.loc[active, "user"].groupby(month[active].to_numpy()).nunique().sum())
        first, last = months[0].start_time, months[-1].end_time.normalize()
    else:  # each person active in the window counts for the whole window
        people = rows.loc[rows["active"].to_numpy(bool), "user"].nunique()
        developer_months = people * ((last - first).days + 1) / DAYS_PER_MONTH
    if developer_months == 0:
        return None
    total = float(rows["cost"].sum())
    return UsageCost(tool=tool, currency=currency, per_dev_month=total / developer_months, total=total,
                     developer_months=developer_months, people=int(rows.loc[rows["active"], "user"].nunique()),
                     first_day=first.date(), last_day=last.date(), whole_months=len(months))


def usage_costs(dataset: Dataset) -> list[UsageCost]:
    """Each tool's measured usage billing per active developer-month, one per tool and currency.

    Only user-days with a known cost count (``cost`` not NaN); a tool with none, or with no active
    person in the months measured, gives nothing.
    """
    days = dataset.ai_user_days
    if not len(days):
        return []
    formats = {source.file: source.format for source in dataset.sources}
    tools = days["source"].astype("object").map(formats)
    costed = days["cost"].notna().to_numpy()
    found = []
    for fid, tool in TOOLS.items():
        rows = days[costed & tools.eq(fid).to_numpy()]
        for currency in sorted(set(rows["currency"].dropna())):
            measured = _measured(tool, currency, rows[rows["currency"].eq(currency).to_numpy()])
            if measured is not None:
                found.append(measured)
    return found


def describe(cost: UsageCost) -> str:
    """One sentence: the figure, and what it was measured over."""
    per = fmt.money(cost.per_dev_month, cost.currency, digits=2)
    span = (f"{cost.whole_months} whole calendar month{'s' if cost.whole_months != 1 else ''}, "
            f"{cost.first_day:%-d %b %Y} to {cost.last_day:%-d %b %Y}" if cost.whole_months
            else f"{fmt.count((cost.last_day - cost.first_day).days + 1, 'day')} ({cost.first_day:%-d %b} to "
                 f"{cost.last_day:%-d %b %Y}), scaled to a month")
    return (f"{cost.tool} usage billing measured in your exports: {per} per active developer-month "
            f"({fmt.money(cost.total, cost.currency)} of estimated cost over {fmt.number(cost.developer_months, digits=0 if cost.whole_months else 1)} "
            f"developer-month{'s' if cost.developer_months != 1 else ''} of {cost.people} "
            f"{'person' if cost.people == 1 else 'people'}; {span}).")
