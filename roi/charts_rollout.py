"""Altair charts of the rollout plan: the timeline of waves and checklist deadlines, and costs by month.

Pure functions from a :class:`roi.rollout.RolloutReport` to a chart (no streamlit), styled
like :mod:`roi.charts` (same palette, fonts and finishing), so the page only calls
``st.altair_chart`` and tests inspect ``chart.to_dict()`` and the ``*_data`` frames.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from roi import formatting as fmt
from roi.charts import ACCENT, BRAND, GAIN, LOSS, MONEY_LABELS, MUTED, _finish
from roi.rollout import RolloutReport

CHECKLIST_ROW = "Checklist due"
ROW_STEP = 44
"""Height of one timeline row [px]."""
PHASE_LEGEND = alt.Legend(orient="top", symbolStrokeWidth=0)  # the bars' white edge shrank the swatches
"""The Phase legend above the waves it names, the status legend (the config's "bottom") under the checklist
row: side by side under the chart the two took 540 px, past the 457 px plot of 1024 px ("measured" cut)."""
PHASE_COLOURS = {"ramp-up": "#5b8cc4", "measured": BRAND}
"""Ramp-up mid blue, 3.5:1 on white (WCAG 1.4.11 asks 3:1 of a graphic; the pale #9fb8d6 was 2.0:1), 25
CIELAB units lighter than the measured navy in normal, deuteranope and protanope vision alike."""
STATUS_COLOURS = {"todo": ACCENT, "doing": "#8e44ad", "done": GAIN, "not applicable": MUTED}
"""Each 3:1 or more on white. "doing" purple, 5.9:1: the yellow #f9a825 was 2.0:1, and a yellow dark enough
for 3:1 is the "todo" orange to a protanope (3 CIELAB units); the purple is 39 or more from every other
status to a deuteranope or protanope."""
STATUS_SHAPES = {"todo": "circle", "doing": "triangle-right", "done": "diamond", "not applicable": "cross"}
"""The checklist's status by shape as well as colour: "done" green and "not applicable" grey are 20 CIELAB
units apart to a deuteranope (and "doing" was the "todo" orange's yellow, 13)."""
COST_KINDS = {
    "seat_cost": "Seats",
    "usage_cost": "Usage",
    "training_cost": "Training",
    "governance_cost": "Governance",
    "one_off_cost": "One-off set-up",
}
COST_COLOURS = [BRAND, "#5b8cc4", ACCENT, MUTED, "#333333"]
"""Seats, usage, training, governance, one-off set-up: no two closer than 25 CIELAB units in normal,
deuteranope or protanope vision (the loss colour for one-off set-up was 23 from training's orange to a
protanope)."""


def timeline_data(report: RolloutReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(wave phases, checklist deadlines): each wave as a ramp-up and a measured bar [weeks]."""
    phases = []
    for wave in report.waves:
        label = (
            f"{wave.name}: {fmt.count(wave.developers, 'developer')}, "
            + ("no target reviewers needed" if wave.reviewers_needed is None
               else f"{fmt.count(wave.reviewers_needed, 'reviewer')} needed")
        )
        for phase, start, end in (
            ("ramp-up", wave.start_week, wave.measure_from_week),
            ("measured", wave.measure_from_week, wave.end_week),
        ):
            if end > start:
                phases.append(
                    {
                        "row": wave.name,
                        "phase": phase,
                        "start": start,
                        "end": end,
                        "label": label,
                        "decision": wave.decision,
                    }
                )
    deadlines = [
        {
            "row": CHECKLIST_ROW,
            "week": item.due_week,
            "title": item.title,
            "owner": item.owner_role,
            "status": item.status,
        }
        for item in report.checklist
        if item.due_week is not None
    ]
    return (
        pd.DataFrame(phases, columns=["row", "phase", "start", "end", "label", "decision"]),
        pd.DataFrame(deadlines, columns=["row", "week", "title", "owner", "status"]),
    )


def timeline_chart(report: RolloutReport) -> alt.TopLevelMixin:
    """Waves as bars over rollout weeks (ramp-up, then the period that judges its gates), with the
    checklist's deadlines as points on their own row."""
    phases, deadlines = timeline_data(report)
    order = [wave.name for wave in report.waves] + [CHECKLIST_ROW]
    y = alt.Y("row:N", sort=order, title=None)
    bars = (
        alt.Chart(phases)
        # A white edge between a wave's ramp-up and measured bars: the two blues are 2.5:1 to each other.
        .mark_bar(cornerRadius=3, height=22, stroke="white", strokeWidth=1.5)
        .encode(
            x=alt.X("start:Q", title="Week of the rollout", axis=alt.Axis(format="d", tickMinStep=1)),
            x2=alt.X2("end:Q"),
            y=y,
            color=alt.Color(
                "phase:N",
                title="Phase",
                scale=alt.Scale(domain=list(PHASE_COLOURS), range=list(PHASE_COLOURS.values())),
                legend=PHASE_LEGEND,
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Wave"),
                alt.Tooltip("phase:N", title="Phase"),
                alt.Tooltip("start:Q", title="From week"),
                alt.Tooltip("end:Q", title="To week"),
                alt.Tooltip("decision:N", title="Go / no-go"),
            ],
        )
    )
    points = (
        alt.Chart(deadlines)
        .mark_point(filled=True, size=140, opacity=1)  # Vega-Lite's 0.7 paled each colour below its 3:1
        .encode(
            x=alt.X("week:Q"),
            y=y,
            fill=alt.Fill(
                "status:N",
                title="Checklist status",
                scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
            ),
            shape=alt.Shape(  # same field and title as the fill: Vega draws one legend of both
                "status:N",
                title="Checklist status",
                scale=alt.Scale(domain=list(STATUS_SHAPES), range=list(STATUS_SHAPES.values())),
            ),
            color=alt.ColorValue("white"),
            tooltip=[
                alt.Tooltip("title:N", title="Item"),
                alt.Tooltip("owner:N", title="Owner"),
                alt.Tooltip("week:Q", title="Due week"),
                alt.Tooltip("status:N", title="Status"),
            ],
        )
    )
    chart = alt.layer(bars, points).resolve_scale(color="independent")
    waves = "; ".join(
        f"{wave.name}: weeks {wave.start_week} to {wave.end_week}, measured from week "
        f"{wave.measure_from_week}, {fmt.count(wave.developers, 'developer')}"
        for wave in report.waves
    )
    due = "; ".join(f"{row.title}: week {row.week}, {row.status}" for row in deadlines.itertuples())
    description = f"Rollout timeline by week. {waves}." + (f" Checklist due: {due}." if due else "")
    # One band per row, whatever the container's height (a fixed height squeezes many waves).
    return _finish(chart, "Rollout timeline", alt.Step(ROW_STEP), description=description,
                   padding={"left": 30, "right": 10, "top": 5, "bottom": 5})


def monthly_cost_data(report: RolloutReport) -> pd.DataFrame:
    """One row per month and cost kind [currency], plus the running total on every row of its month."""
    rows = [
        {
            "month": month.month,
            "kind": label,
            "cost": getattr(month, field),
            "cumulative": month.cumulative_cost,
            "total": month.total_cost,
            "wave": month.wave or "before the first wave",
        }
        for month in report.schedule
        for field, label in COST_KINDS.items()
    ]
    return pd.DataFrame(rows, columns=["month", "kind", "cost", "cumulative", "total", "wave"])


def monthly_cost_chart(report: RolloutReport) -> alt.TopLevelMixin:
    """Stacked monthly cost by kind (bars, left axis) and the cumulative cost (line, right axis)."""
    data = monthly_cost_data(report)
    currency = report.currency
    x = alt.X("month:O", title="Month of the plan", axis=alt.Axis(labelAngle=0, values=_month_ticks(report)))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y(
                "sum(cost):Q",
                title=f"Cost per month ({currency})",
                axis=alt.Axis(format="~s", labelExpr=MONEY_LABELS),
            ),
            color=alt.Color(
                "kind:N",
                title=None,
                sort=list(COST_KINDS.values()),
                scale=alt.Scale(domain=list(COST_KINDS.values()), range=COST_COLOURS),
            ),
            order=alt.Order("kind:N"),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("wave:N", title="Wave"),
                alt.Tooltip("kind:N", title="Cost"),
                alt.Tooltip("cost:Q", title=currency, format=",.0f"),
            ],
        )
    )
    totals = data.drop_duplicates("month")
    line = (
        alt.Chart(totals)
        .mark_line(point=alt.OverlayMarkDef(color=LOSS), color=LOSS)
        .encode(
            x=x,
            y=alt.Y(
                "cumulative:Q",
                title=f"Cumulative ({currency})",
                axis=alt.Axis(format="~s", labelExpr=MONEY_LABELS, titleColor=LOSS),
            ),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("cumulative:Q", title="Cumulative", format=",.0f"),
            ],
        )
    )
    months = "; ".join(
        f"month {month.month}: {fmt.money(month.total_cost, currency, compact=True)}"
        for month in report.schedule
    )
    last = report.schedule[-1].cumulative_cost if report.schedule else 0.0
    total = fmt.money(last, currency, compact=True)
    description = f"Cost by month ({currency}), stacked by kind, with the cumulative cost ({total} in all). "
    description += f"{months}."
    return _finish(
        alt.layer(bars, line).resolve_scale(y="independent"), "Cost by month", description=description
    )


def _month_ticks(report: RolloutReport) -> list[int]:
    """Every month for a one-year plan, else every third."""
    months = [month.month for month in report.schedule]
    return months if len(months) <= 12 else [m for m in months if m == 1 or m % 3 == 0]
