"""Altair charts of the results: pure functions from engine outputs to a chart, no streamlit.

Every function returns a fully configured top-level chart (fonts large enough for a projector,
one palette, numbers formatted by :mod:`roi.formatting`), so pages only draw it (with
``theme=None``: the charts carry their own styling) and tests inspect ``chart.to_dict()``.
Unstable review queues are never drawn as a number: their waits are left out and the
region is shaded and labelled instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import altair as alt
import numpy as np
import pandas as pd

from roi import formatting as fmt
from roi.finance import cumulative_net
from roi.models import FinanceResult, ProductivityResult, UncertaintyResult

if TYPE_CHECKING:  # for annotations only: the charts module does not load roi.ingest
    from roi.ingest.tables import Dataset

# Gain and loss in Okabe & Ito's colour-blind-safe bluish green and vermillion, darkened to 5.3:1 and
# 5.7:1 on white (text size, WCAG AA; 4.6:1 on UNSTABLE_FILL). The former Material green #2e7d32 and red
# #c62828 were 16 CIELAB units apart to a deuteranope (19 protanope), the same olive brown; these are 46 (31).
GAIN = "#007a5a"
LOSS = "#b5400f"
LOST = "#6a3d9a"
"""Benefits below zero (hours or uptime lost): a purple 7.6:1 on white, at least 45 CIELAB units from GAIN, LOSS
and the cumulative line's #333333 to a deuteranope or protanope, so a loss of output never reads as a gain
nor as a cost."""
BRAND = "#1f4e79"
ACCENT = "#ef6c00"
MUTED = "#8a8f98"
UNSTABLE_FILL = "#fde0dc"

FONT = "Source Sans Pro, Source Sans 3, Helvetica Neue, Arial, sans-serif"  # Streamlit's own font first
TEXT = "#1a1a1a"
FONT_SIZE = 15
TITLE_SIZE = 18
HEIGHT = 320
WIDTH = "container"
LEGEND_GAP = 24  # px between the entries of a horizontal legend (Vega's default, 10, let them touch)

_MONEY_AXIS = "~s"  # d3 SI format: 750000 → "750k", 1.2e6 → "1.2M"
MONEY_LABELS = "datum.value == 0 ? '0' : replace(format(datum.value, '~s'), 'G', 'bn')"
"""Money axis labels as :func:`roi.formatting.money` compacts them: d3 writes zero as "0k" / "0M" and a
billion as "1G" (SI giga, which no reader of a yen or dollar NPV expects), so these read "0" and "1bn"."""


CONFIG = alt.Config(
    font=FONT,
    axis=alt.AxisConfig(
        labelFontSize=FONT_SIZE - 1,
        titleFontSize=FONT_SIZE,
        labelLimit=320,
        grid=True,
        gridColor="#e6e9ef",
        labelColor=TEXT,
        titleColor=TEXT,
        titleFontWeight="normal",
        domainColor="#b0b6c0",
        tickColor="#b0b6c0",
    ),
    legend=alt.LegendConfig(
        labelFontSize=FONT_SIZE - 1,
        titleFontSize=FONT_SIZE,
        orient="bottom",
        labelLimit=400,
        # Vega sizes a horizontal legend's columns from its own text measure, which came out short
        # on the projector font: "Training" ran into the next swatch, "ramp-up" into "measured".
        columnPadding=LEGEND_GAP,
        labelColor=TEXT,
        titleColor=TEXT,  # Vega's default grey (the timeline's "Phase", "Checklist status") was 3.7:1
    ),
    title=alt.TitleConfig(color=TEXT, fontWeight=600),
    view=alt.ViewConfig(stroke=None),
    text=alt.MarkConfig(fontSize=FONT_SIZE - 1, color=TEXT),
    # One name per chart, its description (_finish): a screen reader read every mark's raw data ("x: 625024.89")
    # and each label twice (its white halo is a copy). The figures are in the text and tables beside each chart.
    aria=False,
)
"""Fonts, colours and layout shared by every chart (readable on a projector)."""


def _finish(
    chart: alt.TopLevelMixin,
    title: str | None = None,
    height: int | alt.Step = HEIGHT,
    *,
    description: str,
    padding: dict[str, int] | None = None,
) -> alt.TopLevelMixin:
    """The chart with :data:`CONFIG`, its size, title, description and ``padding`` (px; Vega's default 5).

    ``description`` says the chart's numbers in words: Vega puts it on the chart as its ``aria-label``,
    the text a screen reader reads for a picture it cannot see.  The chart is changed in place and
    returned: every caller hands over a chart it has just built.
    """
    extra: dict[str, object] = {"padding": padding} if padding is not None else {}
    if title is not None:
        extra["title"] = alt.TitleParams(title, anchor="start", fontSize=TITLE_SIZE)
    # Set, not ``chart.properties(...)``: that copies a layered chart, combines its layers' parameters
    # again and checks CONFIG against the Vega-Lite schema, 25 ms a chart (a third of a ROI & risk rerun's
    # charts).  The whole spec is still checked when it is drawn or exported (``to_dict``) and in the tests.
    for name, value in {"height": height, "width": WIDTH, "description": description, "config": CONFIG,
                        **extra}.items():
        setattr(chart, name, value)
    return chart


LABEL_ROOM = {"left": 5, "top": 5, "bottom": 5, "right": 20}
"""Padding of a horizontal bar chart with bold labels past its bars' ends: Vega measures that text short,
and with its default 5 px all round the labels ran past the chart's right edge: "+39.9%" by 9 px and the
axis's "+50%" by 4 on the Productivity page at 1280 px, "9.18 h" and "…developer-week" on the ROI & risk
page at 1024 px."""


# --- Productivity --------------------------------------------------------------------------


def waterfall_data(productivity: ProductivityResult) -> pd.DataFrame:
    """G → −ΔR → −ΔD → −ΔI → N as bars from ``start`` to ``end`` [h per adopting developer-week]."""
    # "|" breaks an axis label into lines: no line wider than a fifth of a half-width chart (about
    # 65 px at 1280 px with the sidebar open, where "(more, larger PRs)" ran into its neighbours).
    steps = [
        ("Gross gain|from AI", productivity.gross_gain_hours),
        ("Review tax|(more,|larger PRs)", -productivity.review_tax_hours),
        ("Extra bug|fixing", -productivity.defect_hours),
        ("Incidents|and|rework", -productivity.incident_hours),
    ]
    rows, level = [], 0.0
    for order, (label, delta) in enumerate(steps):
        kind = "gain" if delta > 0 else "cost"  # a side effect that improved (fewer bugs) adds hours
        rows.append(
            {
                "order": order,
                "step": label,
                "start": level,
                "end": level + delta,
                "value": delta,
                "kind": kind,
                "label": fmt.hours(delta, digits=2, signed=True),
            }
        )
        level += delta
    rows.append(
        {
            "order": len(steps),
            "step": "Net gain|(N)",
            "start": 0.0,
            "end": productivity.net_hours,
            "value": productivity.net_hours,
            "kind": "net",
            "label": fmt.hours(productivity.net_hours, digits=2, signed=True),
        }
    )
    return pd.DataFrame(rows)


def waterfall(productivity: ProductivityResult) -> alt.TopLevelMixin:
    """Waterfall from the gross gain to the net hours, N = G − ΔR − ΔD − ΔI."""
    data = waterfall_data(productivity)
    data["top"] = data[["start", "end"]].max(axis=1)
    data["name"] = data["step"].str.replace("|", " ", regex=False)
    order = list(data["step"])
    x = alt.X(
        "step:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelAngle=0, labelLimit=200, labelExpr="split(datum.label, '|')"),
    )
    colour = alt.Color(
        "kind:N",
        legend=None,
        scale=alt.Scale(domain=["gain", "cost", "net"], range=[GAIN, LOSS, BRAND]),
    )
    base = alt.Chart(data)
    bars = base.mark_bar(size=70).encode(
        x=x,
        y=alt.Y("start:Q", title="Hours per developer-week"),
        y2=alt.Y2("end:Q"),
        color=colour,
        tooltip=[
            alt.Tooltip("name:N", title="Step"),
            alt.Tooltip("label:N", title="Hours per developer-week"),
        ],
    )
    labels = base.mark_text(dy=-12, fontWeight="bold").encode(x=x, y=alt.Y("top:Q"), text=alt.Text("label:N"))
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=MUTED).encode(y=alt.Y("y:Q"))
    steps = "; ".join(f"{name} {label}" for name, label in zip(data["name"], data["label"], strict=True))
    description = f"Where the gain goes, hours per developer-week: {steps}."
    title = "Where the gain goes, hours per developer-week"
    return _finish(alt.layer(bars, labels, zero), title, description=description)


def index_data(productivity: ProductivityResult) -> pd.DataFrame:
    """Headline output change, the naive index and the quality-adjusted index, as changes vs no AI."""
    rows = [
        ("Output (headline)", productivity.output_change, "headline"),
        ("Naive (output × bug change)", productivity.naive_index - 1.0, "naive"),
        ("Quality-adjusted", productivity.qapi - 1.0, "qapi"),
    ]
    return pd.DataFrame(
        [
            {"measure": m, "change": v, "kind": k, "label": fmt.percent(v, signed=True, digits=1)}
            for m, v, k in rows
        ]
    )


def index_bars(productivity: ProductivityResult) -> alt.TopLevelMixin:
    """Naive vs quality-adjusted productivity: the gap is the review tax the headline hides."""
    data = index_data(productivity)
    y = alt.Y("measure:N", sort=list(data["measure"]), title=None)
    x = alt.X(
        "change:Q",
        title="Change vs. no AI",
        # "+20%" and "−10%", but a bare "0%" at the zero line (d3's "+" format wrote "+0%").
        axis=alt.Axis(format="+.0%", labelExpr="datum.value == 0 ? '0%' : datum.label"),
        scale=alt.Scale(domain=index_domain(data["change"]), nice=False),
    )
    base = alt.Chart(data)
    bars = base.mark_bar(size=40).encode(
        y=y,
        x=x,
        color=alt.Color(
            "kind:N",
            legend=None,
            scale=alt.Scale(domain=["headline", "naive", "qapi"], range=[MUTED, ACCENT, BRAND]),
        ),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("label:N", title="Change")],
    )
    # Each label beyond its bar's end: a negative bar's label to its left, not across the zero line.
    gains = base.transform_filter("datum.change >= 0").mark_text(align="left", dx=6, fontWeight="bold")
    losses = base.transform_filter("datum.change < 0").mark_text(align="right", dx=-6, fontWeight="bold")
    labels = [layer.encode(y=y, x=x, text=alt.Text("label:N")) for layer in (gains, losses)]
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#333333").encode(x=alt.X("x:Q"))
    changes = "; ".join(f"{m} {label}" for m, label in zip(data["measure"], data["label"], strict=True))
    return _finish(
        alt.layer(bars, *labels, zero),
        "Headline vs quality-adjusted productivity",
        height=220,
        description=f"Change vs. no AI: {changes}.",
        padding=LABEL_ROOM,
    )


def index_domain(changes: Sequence[float] | pd.Series[float]) -> list[float]:
    """The index chart's x range: zero and every bar, with room for a label beyond each end that has bars
    (the "+39.9%" beside the longest bar was cut off at the chart's edge)."""
    low, high = min(0.0, *changes), max(0.0, *changes)
    room = 0.35 * ((high - low) or 0.1)
    return [low - room if low < 0 else low, high + room if high > 0 or low == 0 else high]


BOX_VALUES_LIMIT = 1_000
"""Above this many values, a period's box plot is drawn from its five-number summary (:func:`box_values`)."""


def box_values(values: np.ndarray) -> np.ndarray:
    """The values a box plot of ``values`` needs: all of them when few, else the minimum, quartiles and maximum.

    Vega-Lite's box plot takes quartiles by linear interpolation at (n − 1)·p, as numpy does, so
    the five values [min, Q1, median, Q3, max] draw exactly the box and whiskers of all the values,
    without sending a million PRs to the browser (encoding them took most of a rerun on 1M PRs).
    """
    return np.quantile(values, [0.0, 0.25, 0.5, 0.75, 1.0]) if len(values) > BOX_VALUES_LIMIT else values


def log_ticks(low: float, high: float) -> list[float]:
    """Tick values for a log axis from ``low`` to ``high``: the powers of ten, or 1-2-5 steps when
    fewer than three powers of ten fall inside (a box plot of PRs from 40 to 600 lines)."""
    if not (0 < low < high and math.isfinite(high)):
        return []
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    decades = [10.0**k for k in range(first, last + 1) if low <= 10.0**k <= high]
    if len(decades) >= 3:
        return decades
    steps = [m * 10.0**k for k in range(first, last + 1) for m in (1, 2, 5)]
    return [round(t, 12) for t in steps if low <= t <= high]


def distribution(
    before: Sequence[float], after: Sequence[float], measure: str, unit: str
) -> alt.TopLevelMixin:
    """Before vs after adoption of a per-PR measure (PR size, cycle time) as box plots with medians.

    Parameters: per-PR values of each period; ``measure`` names the axis; ``unit`` e.g. "LOC" or
    "hours".  A log axis keeps heavy right tails readable; values ≤ 0 are left out.
    """
    # Per period in numpy: a frame of a million rows grouped by its period took 160 ms per chart on 1M PRs.
    periods = {}
    for period, values in (("Before AI", before), ("After AI", after)):
        kept = np.asarray(values, dtype=float)
        kept = kept[np.isfinite(kept) & (kept > 0)]
        if len(kept):
            periods[period] = kept
    boxes_of = {period: box_values(values) for period, values in periods.items()}  # one partition each
    medians = pd.DataFrame({"period": list(periods), "value": [
        float(boxes_of[p][2] if len(v) > BOX_VALUES_LIMIT else np.median(v)) for p, v in periods.items()]})
    medians["label"] = [
        f"median {fmt.number(v, digits=0 if v >= 10 else 1)} {unit}" for v in medians["value"]
    ]
    y = alt.Y("period:N", sort=["Before AI", "After AI"], title=None)
    low, high = ((min(float(v.min()) for v in periods.values()), max(float(v.max()) for v in periods.values()))
                 if periods else (1.0, 10.0))
    scale = alt.Scale(type="log", domain=[low / 1.5, high * 1.5])
    # Vega's own log ticks (1, 2, 3 … 10, 20, 30 …) ran together into "100200" and "200300".
    axis = alt.Axis(values=log_ticks(low / 1.5, high * 1.5), format=",")
    colour = alt.Color(
        "period:N", legend=None, scale=alt.Scale(domain=["Before AI", "After AI"], range=[MUTED, BRAND])
    )
    boxes = (
        alt.Chart(pd.DataFrame({"period": [p for p, v in boxes_of.items() for _ in v],
                                "value": np.concatenate([np.zeros(0), *boxes_of.values()])}))
        .mark_boxplot(size=36, extent="min-max")
        .encode(
            y=y,
            x=alt.X("value:Q", title=f"{measure} ({unit}, per PR)", scale=scale, axis=axis),
            color=colour,
        )
    )
    labels = (
        alt.Chart(medians)
        .mark_text(dy=-28, fontWeight="bold")
        .encode(y=y, x=alt.X("value:Q"), text=alt.Text("label:N"))
    )
    summary = "; ".join(
        f"{period}: {label} over {fmt.count(len(periods[period]), 'PR')}"
        for period, label in zip(medians["period"], medians["label"], strict=True)
    )
    description = f"{measure} per PR ({unit}), box plots before vs after AI. {summary}."
    return _finish(
        alt.layer(boxes, labels), f"{measure}: before vs after", height=200, description=description
    )


# --- Review capacity -----------------------------------------------------------------------


def _capacity_layers(curve: pd.DataFrame, current: int, needed: int | None) -> tuple[
    pd.DataFrame, alt.X, alt.Scale, int, list[alt.Tooltip], list[alt.Chart], list[alt.Chart]
]:
    """The parts both capacity panels share: data, x axis, the unstable region and the staffing markers."""
    data = curve.copy()
    data["wait_label"] = [
        fmt.working_wait(w) if s else "unstable" for w, s in zip(data["wait_hours"], data["stable"], strict=True)
    ]
    data["util_label"] = [fmt.percent(u) for u in data["utilization"]]
    first_stable = int(data.loc[data["stable"], "reviewers"].min()) if data["stable"].any() else None
    x_max = int(data["reviewers"].max())
    x_scale = alt.Scale(domain=[0.5, x_max + 0.5], nice=False)
    # Whole reviewers only: on a half-step domain Vega put its ticks at 0.5, 1.5 … for a small pool.
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000) if x_max / s <= 12 or s == 1000)
    x = alt.X("reviewers:Q", title="Reviewers in the pool", scale=x_scale,
              axis=alt.Axis(values=list(range(step, x_max + 1, step)), format=",d"))  # "17,000", as the tiles
    tooltip = [
        alt.Tooltip("reviewers:Q", title="Reviewers", format=",d"),
        alt.Tooltip("util_label:N", title="Utilisation"),
        alt.Tooltip("wait_label:N", title="Mean wait"),
    ]
    unstable_to = (first_stable - 0.5) if first_stable is not None else x_max + 0.5
    region = pd.DataFrame(
        {"x": [0.5], "x2": [unstable_to], "label": ["Unstable: the backlog grows every week"]}
    )
    shade = (
        alt.Chart(region)
        .mark_rect(color=UNSTABLE_FILL)
        .encode(x=alt.X("x:Q", scale=x_scale), x2=alt.X2("x2:Q"))
    )
    # The label only where the region is wide enough to hold it (else it would run over stable pools).
    shown = region if (unstable_to - 0.5) >= 0.3 * x_max else region.iloc[0:0]
    # Drawn over the curves (with the markers), on a halo of the shading: the utilisation curve, which
    # starts high in this region, ran through "Unstable: the backlog grows every week".
    shade_text = [
        alt.Chart(shown)
        .mark_text(align="left", baseline="top", dx=6, dy=6, color=LOSS, fontWeight="bold", **halo)
        .encode(x=alt.X("x:Q", scale=x_scale), y=alt.YValue(0), text=alt.Text("label:N"))
        for halo in ({**HALO, "stroke": UNSTABLE_FILL}, {})
    ]
    # Each label on its own line (pixels from the top): "Today: 36" and "Needed: 37" sit a pool apart.
    # Separators as on the tiles ("Needed: 16885" beside a "16,885" tile).
    markers = [{"reviewers": current, "label": f"Today: {fmt.number(current)}", "kind": "today", "top": 30}]
    if needed is not None:
        markers.append({"reviewers": needed, "label": f"Needed: {fmt.number(needed)}", "kind": "needed", "top": 48})
    marker_frame = pd.DataFrame(markers)
    marker_colour = alt.Color(
        "kind:N", legend=None, scale=alt.Scale(domain=["today", "needed"], range=["#333333", GAIN])
    )
    rules = (
        alt.Chart(marker_frame)
        .mark_rule(strokeDash=[6, 4], strokeWidth=2)
        .encode(x=alt.X("reviewers:Q", scale=x_scale), color=marker_colour)
    )
    # Each over a halo of the background it sits on (the shading or white): the curve ran through "Today: 36".
    marker_frame["halo"] = [UNSTABLE_FILL if n < unstable_to else "white" for n in marker_frame["reviewers"]]
    position = {"x": alt.X("reviewers:Q", scale=x_scale), "y": alt.Y("top:Q", scale=None, axis=None)}
    rule_halo = (
        alt.Chart(marker_frame)
        .mark_text(align="left", dx=5, baseline="top", fontWeight="bold", strokeWidth=5, strokeJoin="round")
        .encode(**position, text=alt.Text("label:N"), stroke=alt.Stroke("halo:N", scale=None, legend=None))
    )
    rule_text = (
        alt.Chart(marker_frame)
        .mark_text(align="left", dx=5, baseline="top", fontWeight="bold")
        .encode(**position, text=alt.Text("label:N"), color=marker_colour)
    )
    return data, x, x_scale, x_max, tooltip, [shade], [rules, *shade_text, rule_halo, rule_text]


def _capacity_summary(data: pd.DataFrame, current: int, needed: int | None) -> str:
    """The capacity panels' numbers in words: today's pool, the pool needed, where the queue is unstable."""
    parts = []
    today = data[data["reviewers"] == current]
    if len(today):
        row = today.iloc[0]
        parts.append(
            f"Today's {fmt.count(current, 'reviewer')}: utilisation {row['util_label']}, mean wait "
            f"{row['wait_label']}."
        )
    if needed is not None:
        parts.append(f"Reviewers needed for the target wait: {fmt.number(needed)}.")
    unstable = data.loc[~data["stable"], "reviewers"]
    if len(unstable):
        smallest, largest = int(unstable.min()), int(unstable.max())
        pools = (f"A pool of {fmt.count(smallest, 'reviewer')} is" if smallest == largest  # not "Pools of 1 to 1"
                 else f"Pools of {fmt.number(smallest)} to {fmt.count(largest, 'reviewer')} are")
        parts.append(f"{pools} unstable: the backlog grows every week.")
    return " ".join(parts)


def utilisation_chart(curve: pd.DataFrame, *, current: int, needed: int | None) -> alt.TopLevelMixin:
    """Reviewer utilisation after adoption against the pool size, with today's and the needed pool marked.

    ``curve`` is :func:`roi.whatif.review_curve`'s frame; the region where utilisation ≥ 100% is
    shaded "unstable".
    """
    data, x, _, _, tooltip, region, markers = _capacity_layers(curve, current, needed)
    u_cap = max(1.2, min(float(data["utilization"].max()), 3.0))
    line = (
        alt.Chart(data)
        .mark_line(color=BRAND, strokeWidth=3, clip=True)
        .encode(
            x=x,
            y=alt.Y(
                "utilization:Q",
                title="Utilisation",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, u_cap]),
            ),
            tooltip=tooltip,
        )
    )
    full = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(color=LOSS, strokeWidth=2).encode(y=alt.Y("y:Q"))
    return _finish(
        alt.layer(*region, full, line, *markers),
        "Reviewer utilisation after adoption",
        height=260,
        description="Reviewer utilisation after adoption against the number of reviewers in the pool. "
        + _capacity_summary(data, current, needed),
    )


def wait_chart(
    curve: pd.DataFrame,
    *,
    current: int,
    needed: int | None,
    target_wait_hours: float | None,
) -> alt.TopLevelMixin:
    """Mean wait for a review after adoption against the pool size, with the target line.

    Waits of unstable pools (NaN) are not drawn: that region is shaded "unstable".  The axis is
    capped at 3× the target (at least 8 h) so the curve near the stability bound cannot flatten
    everything else, but raised to show today's pool when its wait is within 10× that (a 99.5 h wait of 3 reviewers
    had no point under a 12 h cap).
    """
    data, x, x_scale, x_max, tooltip, region, markers = _capacity_layers(curve, current, needed)
    cap = max(8.0, 3.0 * target_wait_hours) if target_wait_hours else 8.0
    today = curve.loc[curve["reviewers"] == current, "wait_hours"]
    if len(today) and 0 < float(today.iloc[0]) <= 10 * cap:  # NaN (unstable) fails both comparisons
        cap = max(cap, 1.1 * float(today.iloc[0]))
    line = (
        alt.Chart(data[data["stable"]])
        .mark_line(color=BRAND, strokeWidth=3, clip=True, point=True)
        .encode(
            x=x,
            y=alt.Y("wait_hours:Q", title="Mean wait (working h)", scale=alt.Scale(domain=[0, cap])),
            tooltip=tooltip,
        )
    )
    layers = [*region, line, *markers]
    if target_wait_hours is not None:
        target = pd.DataFrame(
            {
                "y": [target_wait_hours],
                "x": [x_max + 0.4],
                "label": [f"Target {fmt.working_wait(target_wait_hours, short=True)}"],
            }
        )
        layers.append(alt.Chart(target).mark_rule(color=GAIN, strokeWidth=2).encode(y=alt.Y("y:Q")))
        layers.append(
            alt.Chart(target)
            .mark_text(align="right", dy=-10, color=GAIN, fontWeight="bold")
            .encode(y=alt.Y("y:Q"), x=alt.X("x:Q", scale=x_scale), text=alt.Text("label:N"))
        )
    target_text = f" Target wait: {fmt.hours(target_wait_hours)}." if target_wait_hours is not None else ""
    return _finish(
        alt.layer(*layers),
        "Mean wait for a review after adoption",
        height=260,
        description="Mean wait for a review after adoption, in working hours, against the number of "
        f"reviewers in the pool. {_capacity_summary(data, current, needed)}{target_text}",
    )


# --- Finance ------------------------------------------------------------------------------


def _year_labels(years: int) -> list[str]:
    return ["Year 0 (set-up)"] + [f"Year {t}" for t in range(1, years)]


NEGATIVE_BENEFITS = "Benefits below 0 (a loss)"
"""The cash flow's name for a year's negative benefits (a net loss of hours, or extra downtime): drawn below
zero as "Benefits" in the gain's green, they read as a gain."""


def cash_flow_data(finance: FinanceResult, currency: str) -> pd.DataFrame:
    """Benefits (+, or :data:`NEGATIVE_BENEFITS` when below 0) and costs (−) by year and the cumulative
    undiscounted net [currency]."""
    years = _year_labels(len(finance.benefits_by_year))
    cumulative = cumulative_net(finance.benefits_by_year, finance.costs_by_year)
    rows = []
    for t, year in enumerate(years):
        rows.append(
            {
                "year": year,
                "flow": "Benefits" if finance.benefits_by_year[t] >= 0 else NEGATIVE_BENEFITS,
                "amount": finance.benefits_by_year[t],
                "label": fmt.money(finance.benefits_by_year[t], currency, compact=True),
                "cumulative": cumulative[t],
            }
        )
        rows.append(
            {
                "year": year,
                "flow": "Costs",
                "amount": -finance.costs_by_year[t],
                "label": fmt.money(-finance.costs_by_year[t], currency, compact=True),
                "cumulative": cumulative[t],
            }
        )
    frame = pd.DataFrame(rows)
    frame["cumulative_label"] = [fmt.money(v, currency, compact=True) for v in frame["cumulative"]]
    return frame


CASH_FLOW_LEGEND_COLUMNS = "width < 290 ? 2 : 0"
"""The cash flow's legend in one row (0) where the plot is 290 px wide, else in two columns: its one row is
273 px in Chromium and ran past a 254 px plot (the 306 px chart of 1024 px, "Cumulative net" cut)."""
CASH_FLOW_LOSS_LEGEND_COLUMNS = "width < 270 ? 1 : width < 460 ? 2 : 0"
"""The same with :data:`NEGATIVE_BENEFITS`, a fourth and longer entry: about 450 px in one row and 265 px in two
columns (estimated from the 273 px of three entries and the labels' widths)."""


CASH_FLOW_YEARS = "replace(replace(datum.label, ' (set-up)', ''), 'Year ', '')"
CASH_FLOW_YEAR_TITLE = "Year (0 = set-up)"
"""The cash flow's years as numbers under a title that says so: at 10 years the 11 labels have 23 px each in
the chart's 254 px plot at 1024 px, where "Year 0 (set-upYear 1 Year 2…" printed over each other, and at
1440 px "Year 0 (set-up)" (84 px) still ran into "Year 1". Tooltips and the description keep the words."""
CASH_FLOW_BAR_WIDTH = "min(46, 0.7 * bandwidth('x'))"
"""Bars 46 px wide, narrower where a year has less room: 46 px bars in 23 px years merged into one band."""


def cash_flow(finance: FinanceResult, currency: str) -> alt.TopLevelMixin:
    """Benefits up, costs down, by year, with the cumulative net as a line (undiscounted)."""
    data = cash_flow_data(finance, currency)
    years = list(dict.fromkeys(data["year"]))
    axis = alt.Axis(labelAngle=0, labelExpr=CASH_FLOW_YEARS)
    x = alt.X("year:N", sort=years, title=CASH_FLOW_YEAR_TITLE, axis=axis)
    # The line is no per-year amount; on two short lines: as one, it was taller than the plot at 1024 px and
    # pushed the chart's title up, cut.
    y_title = [f"{currency} per year (bars)", "cumulative (line)"]
    low = min(0.0, float(data["amount"].min()), float(data["cumulative"].min()))
    high = max(0.0, float(data["amount"].max()), float(data["cumulative"].max()))
    pad = 0.12 * (high - low or 1.0)
    # Negative benefits get their own colour and legend entry, only when a year has them.
    lost = bool((data["flow"] == NEGATIVE_BENEFITS).any())
    flows = [("Benefits", GAIN), *([(NEGATIVE_BENEFITS, LOST)] if lost else []), ("Costs", LOSS),
             ("Cumulative net", "#333333")]
    bars = (
        alt.Chart(data)
        .mark_bar(width=alt.ExprRef(CASH_FLOW_BAR_WIDTH))
        .encode(
            x=x,
            y=alt.Y(
                "amount:Q",
                title=y_title,
                axis=alt.Axis(format=_MONEY_AXIS, labelExpr=MONEY_LABELS),
                scale=alt.Scale(domain=[low - pad if low < 0 else 0.0, high + pad]),
            ),
            color=alt.Color(
                "flow:N",
                title=None,
                scale=alt.Scale(domain=[flow for flow, _ in flows], range=[colour for _, colour in flows]),
                legend=alt.Legend(
                    columns=alt.ExprRef(CASH_FLOW_LOSS_LEGEND_COLUMNS if lost else CASH_FLOW_LEGEND_COLUMNS)
                ),
            ),
            tooltip=[
                alt.Tooltip("year:N", title="Year"),
                alt.Tooltip("flow:N", title="Flow"),
                alt.Tooltip("label:N", title="Amount"),
            ],
        )
    )
    line_data = data.drop_duplicates("year").assign(flow="Cumulative net")
    line = (
        alt.Chart(line_data)
        .mark_line(point=alt.OverlayMarkDef(size=80), strokeWidth=3)
        .encode(
            x=x,
            y=alt.Y("cumulative:Q"),
            color=alt.Color("flow:N"),
            tooltip=[
                alt.Tooltip("year:N", title="Year"),
                alt.Tooltip("cumulative_label:N", title="Cumulative net"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=MUTED).encode(y=alt.Y("y:Q"))
    yearly = "; ".join(
        f"{year}: benefits {group['label'].iloc[0]}, costs {group['label'].iloc[1]}, "
        f"cumulative net {group['cumulative_label'].iloc[0]}"
        for year, group in data.groupby("year", sort=False)
    )
    return _finish(
        alt.layer(bars, zero, line),
        "Cash flow by year",
        description=f"Cash flow by year ({currency}, undiscounted). {yearly}.",
    )


def histogram_data(uncertainty: UncertaintyResult, currency: str) -> pd.DataFrame:
    """Monte Carlo NPV bins with their share of draws; ``outcome`` is loss or gain by bin midpoint."""
    edges = np.asarray(uncertainty.histogram_edges)
    counts = np.asarray(uncertainty.histogram_counts)
    mids = (edges[:-1] + edges[1:]) / 2.0
    outcome = np.where(mids < 0, "Loss", "Gain")
    # A bin across zero is coloured by its midpoint; when no draw loses (or none gains) every bin says so,
    # so the legend never names an outcome no draw had.
    if uncertainty.prob_npv_positive >= 1.0:
        outcome[:] = "Gain"
    elif uncertainty.prob_npv_positive <= 0.0:
        outcome[:] = "Loss"
    return pd.DataFrame(
        {
            "start": edges[:-1],
            "end": edges[1:],
            "count": counts,
            "share": counts / max(1, counts.sum()),
            "outcome": outcome,
            "range": [
                f"{fmt.money(a, currency, compact=True)} to {fmt.money(b, currency, compact=True)}"
                for a, b in zip(edges[:-1], edges[1:], strict=True)
            ],
        }
    )


def outcome_scale(outcomes: Iterable[str]) -> alt.Scale:
    """Loss vermillion, gain bluish green; the legend lists only the outcomes drawn (no "Loss" if none)."""
    shown = set(outcomes)
    domain = [o for o in ("Loss", "Gain") if o in shown] or ["Gain"]
    return alt.Scale(domain=domain, range=[{"Loss": LOSS, "Gain": GAIN}[o] for o in domain])


Align = Literal["left", "center", "right"]
"""A text mark's horizontal alignment."""

HALO: dict[str, Any] = {"stroke": "white", "strokeWidth": 5, "strokeJoin": "round"}
"""A text mark drawn with this under the same text keeps it legible across lines and bars."""

LABEL_HEADROOM = 1.4
"""The NPV histogram's height over its tallest bar: room for two lines of percentile labels."""


def npv_histogram(uncertainty: UncertaintyResult, currency: str) -> alt.TopLevelMixin:
    """Distribution of NPV over the Monte Carlo draws, with P10 / P50 / P90 marked."""
    data = histogram_data(uncertainty, currency)
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "start:Q",
                title=f"Net present value ({currency})",
                # Every other label goes where two would come closer than 6 px: at 10 years "14M16M" touched
                # at 1164 px (ten ticks of 2M in a half-width chart).
                axis=alt.Axis(format=_MONEY_AXIS, labelExpr=MONEY_LABELS, tickCount=6, labelSeparation=6),
            ),
            x2=alt.X2("end:Q"),
            y=alt.Y(
                "share:Q",
                title="Share of outcomes",
                axis=alt.Axis(format=".0%"),
                stack=None,
                # Headroom above the tallest bar: the P10 / P50 / P90 labels sit in it, never on a bar.
                scale=alt.Scale(domain=[0, float(data["share"].max()) * LABEL_HEADROOM if len(data) else 1]),
            ),
            y2=alt.Y2Datum(0),
            color=alt.Color(
                "outcome:N", title=None, scale=outcome_scale(data.loc[data["count"] > 0, "outcome"])
            ),
            tooltip=[
                alt.Tooltip("range:N", title="NPV"),
                alt.Tooltip("share:Q", title="Share", format=".1%"),
            ],
        )
    )
    marks = pd.DataFrame(
        {
            "x": [uncertainty.npv_p10, uncertainty.npv_p50, uncertainty.npv_p90],
            "label": [
                f"P10 {fmt.money(uncertainty.npv_p10, currency, compact=True, signed=True)}",
                f"P50 {fmt.money(uncertainty.npv_p50, currency, compact=True, signed=True)}",
                f"P90 {fmt.money(uncertainty.npv_p90, currency, compact=True, signed=True)}",
            ],
        }
    )
    rules = (
        alt.Chart(marks).mark_rule(color="#333333", strokeDash=[6, 4], strokeWidth=2).encode(x=alt.X("x:Q"))
    )
    # P10 to the left of its line, P90 to the right, P50 on a second line: they never overlap. Each is
    # drawn over a white halo of itself, so a dashed line behind it (P50's own, centred on it, or a
    # neighbour's when the percentiles are close) does not strike the text through.
    placement: tuple[tuple[Align, int, int], ...] = (("right", -5, 4), ("center", 0, 26), ("left", 5, 4))
    text = [
        alt.Chart(marks.iloc[[i]])
        .mark_text(align=align, dx=dx, dy=dy, baseline="top", fontWeight="bold", **halo)
        .encode(x=alt.X("x:Q"), y=alt.YValue(0), text=alt.Text("label:N"))
        for i, (align, dx, dy) in enumerate(placement)
        for halo in (HALO, {})
    ]
    # Break-even as a solid line at zero wherever it falls inside the range, so a loss is told from a gain by
    # its side of the line, not only by its colour.
    layers = [bars, rules, *text]
    if len(data) and float(data["start"].min()) < 0.0 < float(data["end"].max()):
        zero = (
            alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=TEXT, strokeWidth=2).encode(x=alt.X("x:Q"))
        )
        layers.insert(2, zero)
    description = (
        f"NPV over {uncertainty.draws:,} simulated outcomes ({currency}): "
        + ", ".join(marks["label"])
        + f"; chance of a loss (NPV at or below zero) {fmt.chance(1.0 - uncertainty.prob_npv_positive)}."
    )
    return _finish(
        alt.layer(*layers), f"NPV over {uncertainty.draws:,} simulated outcomes", description=description
    )


def tornado_data(uncertainty: UncertaintyResult, base_npv: float, currency: str) -> pd.DataFrame:
    """One row per input and side: the bar from the base NPV to the NPV with the input at P10 or P90."""
    rows = []
    for rank, row in enumerate(uncertainty.tornado or []):
        name = (
            f"{fmt.input_label(row.input)} "
            f"({fmt.input_value(row.input, row.low, currency, like=row.high)} to "
            f"{fmt.input_value(row.input, row.high, currency)})"
        )
        for side, value, npv in (
            ("Input at its P10", row.low, row.npv_low),
            ("Input at its P90", row.high, row.npv_high),
        ):
            rows.append(
                {
                    "rank": rank,
                    "input": name,
                    "side": side,
                    "base": base_npv,
                    "npv": npv,
                    "npv_label": fmt.money(npv, currency, compact=True),
                    "value_label": fmt.input_value(row.input, value, currency),
                    "end_label": side.removeprefix("Input at its "),
                }
            )
    return pd.DataFrame(rows)


TORNADO_ENDS: tuple[tuple[str, Align, int], ...] = (
    ("datum.npv < datum.base", "right", -4), ("datum.npv > datum.base", "left", 4)
)
"""The tornado's "P10" / "P90" labels: (bars ending left of the likely NPV, …right of it), align, offset."""
TORNADO_LABEL_ROOM = 32
"""px more on each side of the tornado's bars for their end labels ("P90", 23 px bold, 4 px off the bar): a
tenth of the NPVs' range alone was 20 px in the 248 px plot of 1024 px, and at 10 years the longest bar's
"P90" ran 5 px past the chart."""


def tornado(uncertainty: UncertaintyResult, base_npv: float, currency: str) -> alt.TopLevelMixin:
    """NPV swing of each uncertain input from its P10 to its P90, largest first.

    ``base_npv`` is the NPV with every input at its likely value (the bars' common origin).
    """
    data = tornado_data(uncertainty, base_npv, currency)
    order = list(dict.fromkeys(data["input"]))
    y = alt.Y("input:N", sort=order, title=None, axis=alt.Axis(labelLimit=460))
    low = min(base_npv, float(data["npv"].min())) if len(data) else base_npv
    high = max(base_npv, float(data["npv"].max())) if len(data) else base_npv
    room = 0.1 * ((high - low) or abs(base_npv) or 1.0)  # for the "P10" / "P90" beyond the outermost bars
    x_scale = alt.Scale(zero=False, domain=[low - room, high + room], padding=TORNADO_LABEL_ROOM)
    bars = (
        alt.Chart(data)
        .mark_bar(size=22)
        .encode(
            y=y,
            x=alt.X(
                "base:Q",
                title=f"Net present value ({currency})",
                axis=alt.Axis(format=_MONEY_AXIS, labelExpr=MONEY_LABELS, tickCount=6),
                # The bars start at the likely NPV, not at zero: an axis from 0 left the demo's bars in
                # the right half of the chart under 28 crowded ticks (0, 200k, … 5.4M).
                scale=x_scale,
            ),
            x2=alt.X2("npv:Q"),
            color=alt.Color(
                "side:N",
                title=None,
                scale=alt.Scale(domain=["Input at its P10", "Input at its P90"], range=[ACCENT, BRAND]),
            ),
            tooltip=[
                alt.Tooltip("input:N", title="Input"),
                alt.Tooltip("side:N", title="Case"),
                alt.Tooltip("value_label:N", title="Input value"),
                alt.Tooltip("npv_label:N", title="NPV"),
            ],
        )
    )
    # "P10" / "P90" beyond each bar's end, so which way an input moves the NPV reads without telling
    # orange from blue. Each on a white halo of itself, as the histogram's percentiles: it can fall on a
    # longer bar.
    ends = [
        alt.Chart(data)
        .transform_filter(test)
        .mark_text(align=align, dx=dx, fontWeight="bold", **halo)
        .encode(y=y, x=alt.X("npv:Q", scale=x_scale), text=alt.Text("end_label:N"))
        for test, align, dx in TORNADO_ENDS
        for halo in (HALO, {})
    ]
    base_rule = alt.Chart(pd.DataFrame({"x": [base_npv]})).mark_rule(color="#333333").encode(x=alt.X("x:Q"))
    height = max(220, 46 * len(order))
    swings = "; ".join(
        f"{name}: NPV {group['npv_label'].iloc[0]} at its P10, {group['npv_label'].iloc[1]} at its P90"
        for name, group in data.groupby("input", sort=False)
    )
    description = (
        f"What moves the NPV most ({currency}), from the NPV at the likely values, "
        f"{fmt.money(base_npv, currency, compact=True)}, largest swing first. {swings}."
    )
    return _finish(
        alt.layer(bars, base_rule, *ends), "What moves the NPV most", height=height, description=description
    )


NAME_LINE = 30
"""Characters per line of a scenario's name beside its bar (under 200 px): a name is typed by the user and
may be long; on one line it was cut at the axis's label limit and left the bars a sliver at 1024 px."""


NAME_LINE_HEIGHT = 15
"""px from one line of a scenario's name to the next."""


def name_lines(name: str, width: int = NAME_LINE, break_words: bool = True) -> list[str]:
    """``name`` broken at its spaces into lines of at most ``width`` characters.

    A word longer than a line (``Acme_Copilot_rollout_2027_conservative``, as a file name gives it) is
    broken after its last ``_``, ``-``, ``/`` or ``.`` that fits, else at the width: whole, it was cut
    with "…" at the axis's label limit.  With ``break_words=False`` it stays whole.
    """
    lines: list[str] = []
    for word in name.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
            continue
        while break_words and len(word) > width:
            cut = max(word.rfind(mark, 0, width) for mark in "_-/.") + 1 or width
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return lines


def _name_labels(names: list[str]) -> list[str]:
    """Each name's lines joined by line breaks: the chart's label for it, one per name.  Two names whose
    breaks fall alike (``a_b c`` and ``a_bc`` broken after ``_`` and at the space) would share a bar, so
    then long words stay whole: the lines then differ only where spaces became line breaks, so different
    names keep different labels."""
    labels = ["\n".join(name_lines(name)) for name in names]
    if len(set(labels)) < len(set(names)):
        labels = ["\n".join(name_lines(name, break_words=False)) for name in names]
    return labels


def npv_comparison_data(values: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario of ``roi.comparison.values``: its NPV and P10–P90 (NaN when not simulated)."""
    money = values.drop(columns="unit").T
    data = pd.DataFrame(
        {
            "scenario": money.index,
            "label": _name_labels(list(money.index)),
            "npv": money["npv"].astype(float).to_numpy(),
            "p10": money["npv_p10"].astype(float).to_numpy(),
            "p90": money["npv_p90"].astype(float).to_numpy(),
        }
    )
    currency = money["currency"].to_numpy()
    data["outcome"] = np.where(data["npv"] < 0, "Loss", "Gain")
    data["npv_label"] = [
        fmt.money(v, c, compact=True, signed=True) for v, c in zip(data["npv"], currency, strict=True)
    ]
    data["range_label"] = [
        f"{fmt.money(lo, c, compact=True, signed=True)} to {fmt.money(hi, c, compact=True, signed=True)}"
        if math.isfinite(lo)
        else "not simulated (no uncertainty ranges)"
        for lo, hi, c in zip(data["p10"], data["p90"], currency, strict=True)
    ]
    return data


def npv_comparison(values: pd.DataFrame, currency: str) -> alt.TopLevelMixin:
    """Each scenario's NPV as a bar, with its P10–P90 range as a line across it (all in ``currency``)."""
    data = npv_comparison_data(values)
    # Each name on lines of its own; a word too long for a line is cut at 240 px (the table shows it whole).
    # Vega puts a label's first line at its bar, the rest below: raised half the extra lines, it is centred.
    names = alt.Axis(
        labelExpr="split(datum.label, '\\n')",
        labelLimit=240,
        labelLineHeight=NAME_LINE_HEIGHT,
        labelOffset=alt.ExprRef(f"-{NAME_LINE_HEIGHT / 2} * (length(split(datum.label, '\\n')) - 1)"),
    )
    y = alt.Y("label:N", sort=list(data["label"]), title=None, axis=names)
    x_axis = alt.Axis(format=_MONEY_AXIS, labelExpr=MONEY_LABELS, titleAnchor="end")  # ends with the plot
    tooltip = [
        alt.Tooltip("scenario:N", title="Scenario"),
        alt.Tooltip("npv_label:N", title="NPV"),
        alt.Tooltip("range_label:N", title="P10 to P90"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar(size=26)
        .encode(
            y=y,
            x=alt.X("npv:Q", title=f"Net present value ({currency})", axis=x_axis),
            color=alt.Color("outcome:N", title=None, scale=outcome_scale(data["outcome"])),
            tooltip=tooltip,
        )
    )
    simulated = data[np.isfinite(data["p10"])]
    # The P10–P90 range: a line with an end tick at each percentile (no error-bar mark, which
    # would size the rows itself and ignore the chart's height).
    span = (
        alt.Chart(simulated)
        .mark_rule(strokeWidth=2, color=TEXT)
        .encode(y=y, x=alt.X("p10:Q"), x2=alt.X2("p90:Q"), tooltip=tooltip)
    )
    ends = (
        alt.Chart(simulated)
        .transform_fold(["p10", "p90"], as_=["percentile", "value"])
        .mark_tick(thickness=2, size=22, color=TEXT)
        .encode(y=y, x=alt.X("value:Q"), tooltip=tooltip)
    )
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=MUTED).encode(x=alt.X("x:Q"))
    most = max((label.count("\n") + 1 for label in data["label"]), default=1)
    # The height is the whole chart's: about 115 px of title, axis and legend, then rows of every line.
    height = max(220, 115 + len(data) * max(60, NAME_LINE_HEIGHT * most + 20))
    title = "Net present value, with its P10 to P90 range"
    each = "; ".join(
        f"{name}: {npv_label} (P10 to P90: {range_label})"
        for name, npv_label, range_label in data[["scenario", "npv_label", "range_label"]].to_numpy()
    )
    description = f"Net present value per scenario ({currency}). {each}."
    return _finish(alt.layer(bars, span, ends, zero), title, height=height, description=description)


def break_even(net_hours: float, break_even_hours: float | None) -> alt.TopLevelMixin:
    """Net hours per developer-week today vs the net hours at which NPV = 0."""
    rows = [{"measure": "Net gain today", "hours": net_hours, "kind": "today"}]
    if break_even_hours is not None and math.isfinite(break_even_hours):
        rows.append({"measure": "Needed to break even", "hours": break_even_hours, "kind": "needed"})
    data = pd.DataFrame(rows)
    data["label"] = [fmt.hours(h, digits=2) for h in data["hours"]]
    y = alt.Y("measure:N", sort=list(data["measure"]), title=None)
    covered = break_even_hours is None or net_hours >= break_even_hours
    bars = (
        alt.Chart(data)
        .mark_bar(size=34)
        .encode(
            y=y,
            x=alt.X(
                "hours:Q",
                title="Net hours per developer-week",
                # Ends where the plot ends: centred, its 189 px ran 5 px past the 306 px chart of 1024 px.
                # At most 5 ticks: 12 in 280 px ran together at both ends ("0.00.5 … 5.05.5").
                axis=alt.Axis(titleAnchor="end", tickCount=5),
                scale=alt.Scale(
                    domain=[
                        min(0.0, float(data["hours"].min()) * 1.2),
                        max(0.0, float(data["hours"].max())) * 1.2 or 1.0,
                    ]
                ),
            ),
            color=alt.Color(
                "kind:N",
                legend=None,
                scale=alt.Scale(domain=["today", "needed"], range=[GAIN if covered else LOSS, MUTED]),
            ),
            tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("label:N", title="Hours")],
        )
    )
    # Each label over a white halo of itself: a negative bar's label starts at the bar's far end, on the bar
    # (black on the loss colour was 3.1:1; "−10.18 h" on the demo with fewer tasks done after adoption).
    text = [
        alt.Chart(data)
        .mark_text(align="left", dx=6, fontWeight="bold", **halo)
        .encode(y=y, x=alt.X("hours:Q"), text=alt.Text("label:N"))
        for halo in (HALO, {})
    ]
    description = "Break-even, net hours per developer-week: " + "; ".join(
        f"{m} {label}" for m, label in zip(data["measure"], data["label"], strict=True)
    ) + ("." if covered else ": short of break-even.")
    # 10 px more room on the right than the other bar charts: with 0.8% captured "44.23 h" ran 1 px past
    # the 306 px chart at 1024 px.
    padding = {**LABEL_ROOM, "right": LABEL_ROOM["right"] + 10}
    return _finish(alt.layer(bars, *text), None, height=150, description=description, padding=padding)


def pr_samples(
    dataset: Dataset, adoption_date: date, ramp_weeks: int = 0
) -> dict[str, dict[str, np.ndarray]]:
    """Per-PR size [LOC] and cycle time [calendar h] before and after adoption, for :func:`distribution`.

    Counts exactly the PRs the metrics count (merged, by people, not drafts, not opened by an AI
    agent; ramp-up weeks left out) by reusing :mod:`roi.metrics`' own preparation; a PR belongs
    to the period of its merge time.  Returns ``{"size": {"before", "after"}, "cycle": {...}}``.
    """
    from roi.metrics import _prepare_prs  # the metrics' own PR filter, so charts and numbers agree

    adoption = pd.Timestamp(adoption_date, tz="UTC")
    post_start = adoption + pd.Timedelta(weeks=ramp_weeks)
    prs = _prepare_prs(dataset, (adoption, post_start)).prs
    cycle = (prs["merged_at"] - prs["created_at"]).dt.total_seconds().to_numpy() / 3600.0
    before = (prs["merged_at"] < adoption).to_numpy()
    after = (prs["merged_at"] >= post_start).to_numpy()
    size = prs["size"].to_numpy(dtype=float)
    return {
        "size": {"before": size[before], "after": size[after]},
        "cycle": {"before": cycle[before], "after": cycle[after]},
    }
