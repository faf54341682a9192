"""Productivity: from the gross gain to the net hours, and why the headline figure misleads."""

import pandas as pd
import streamlit as st

import appstate
from roi import charts, dora
from roi import formatting as fmt
from roi.errors import RoiError
from roi.inputs import delivery_terms_left_out
from roi.metrics import DEFINITIONS
from roi.period_changes import period_changes
from roi.scenario_builder import week_units
from roi.team_rates import deployments_caveat, rates, with_deployments_scaled

appstate.require_app(__file__)
appstate.show_notice()
scenario = appstate.scenario()
results = appstate.results()
p = results.productivity

st.title("Productivity", anchor=False)
st.caption(
    "Hours per adopting developer per week. Net gain N = gross gain G − review tax ΔR − extra bug fixing ΔD "
    f"− incidents and rework ΔI. {appstate.source_line(scenario)}."
)

cols = appstate.tile_row(5, appstate.NARROW_TILE_MIN_WIDTH)
tiles = [
    ("Gross gain (G)", p.gross_gain_hours, "g × delivery hours: what the output change is worth in time."),
    (
        "Review tax (−ΔR)",  # the tiles are what each term takes off N
        -p.review_tax_hours,
        "Extra reviewer hours the developer's more numerous, larger PRs cost.",
    ),
    (  # "Extra bug fixing (−ΔD)" was cut to "Extra bug fixing (…" in a fifth of a 1366-pixel screen
        "Bug fixing (−ΔD)",
        -p.defect_hours,
        "Extra bug fixing: (bugs after − bugs before) × hours to fix a bug.",
    ),
    (
        "Incidents (−ΔI)",
        -p.incident_hours,
        "Extra failed-deployment recovery and rework, per developer; zero without deployment data.",
    ),
    ("Net gain (N)", p.net_hours, "What is left: G − ΔR − ΔD − ΔI."),
]
for col, (label, value, help_text) in zip(cols, tiles, strict=True):
    # The unit in the chip: "+11.98 h" was cut to "+11.9…" in a fifth of a 1280-pixel screen.
    col.metric(
        label,
        fmt.number(value, digits=2, signed=True),
        border=True,
        delta="h / dev-week",
        delta_color="gray",
        delta_arrow="off",
        help=f"{help_text} Hours per adopting developer per week.",
    )

for term, empty in delivery_terms_left_out(scenario):
    names = ", ".join(appstate.field_label(path, scenario) for path in empty)
    st.info(
        f"**{term} counts 0 in ΔI:** {names} {'is' if len(empty) == 1 else 'are'} empty. A change needs "
        "both periods: enter the missing values on the Data page's **Estimates** tab, or load deployments "
        "and incidents that cover both periods.",
        icon=":material/info:",
    )

if team_rates := deployments_caveat(scenario, here=True):  # the team's deployments on another team size
    st.warning(team_rates, icon=":material/info:")
    developers = scenario.team.developers

    def scale_deployments() -> None:
        try:
            scaled = with_deployments_scaled(appstate.scenario())
        except RoiError as error:  # a second click, or one from a page drawn before the scenario changed
            st.session_state[appstate.NOTICE] = ("warning", fmt.capitalised(fmt.ended(error.describe(field=False))))
            return
        appstate.set_scenario(
            scaled,
            f"Deployments per week scaled to {fmt.count(developers, 'developer')}: "
            f"{rates(scaled.baseline.deployments_per_week, scaled.post.deployments_per_week)}, a working week.",
        )

    st.button(
        f"Scale deployments to {fmt.count(developers, 'developer')}",
        key="productivity_scale_deployments",
        on_click=scale_deployments,
        icon=":material/straighten:",
    )

left, right = appstate.chart_pair()
appstate.chart(charts.waterfall(p), "productivity_waterfall", left)
with right:
    appstate.chart(charts.index_bars(p), "productivity_index")
    naive, adjusted = (
        fmt.percent(p.naive_index - 1, signed=True, digits=1),
        fmt.percent(p.qapi - 1, signed=True, digits=1),
    )
    # Fewer or smaller PRs save reviewers time: "ignores the −0.30 h … reviewers now spend on more and
    # larger PRs" read as nonsense (METR 2025: 16% fewer PRs).
    review_hours = fmt.hours(abs(p.review_tax_hours), digits=2)
    if p.review_tax_hours > 0:
        review_part = (
            f" but still ignores the **{review_hours}** per developer-week that reviewers now spend on more "
            f"and larger PRs. Quality-adjusted productivity counts it: **{adjusted}**."
        )
    elif p.review_tax_hours < 0:
        review_part = (
            f" but leaves out the **{review_hours}** per developer-week that reviewers save on fewer or "
            f"smaller PRs. Quality-adjusted productivity counts it: **{adjusted}**."
        )
    else:
        review_part = f"; review time does not change here. Quality-adjusted productivity: **{adjusted}**."
    if p.naive_index < p.qapi and p.defect_hours > 0:
        # Below the quality-adjusted index, "still ignores the review hours" read as if it were too kind: it
        # takes the bug growth off all output, though fixing the extra bugs costs far fewer hours.
        review_part = (
            f": it takes the bug growth off all output, though fixing the extra bugs takes "
            f"**{fmt.hours(p.defect_hours, digits=2)}** per developer-week"
            + (f", and it ignores the **{review_hours}** that reviewers now spend on more and larger PRs"
               if p.review_tax_hours > 0 else "")
            + f". Quality-adjusted productivity counts each in hours: **{adjusted}**."
        )
    st.markdown(
        f"The headline counts output: **{fmt.percent(p.output_change, signed=True, digits=1)}**. "
        f"The usual correction for quality, output × (1 − bug growth), gives **{naive}**{review_part}"
    )

st.subheader("Before and after adoption", anchor=False)
MEASURES = {  # label and how the value is written, by roi.period_changes' measure
    "tasks_per_dev_week": ("Completed tasks per developer-week", lambda v: fmt.number(v, digits=2)),
    "prs_per_dev_week": ("Merged PRs per developer-week", lambda v: fmt.number(v, digits=2)),
    "pr_size_loc": ("Mean PR size (lines changed)", fmt.number),
    "review_effort_hours": ("Review effort per PR", lambda v: fmt.hours(v, digits=2)),
    "bugs_per_dev_week": ("Bugs per developer-week", lambda v: fmt.number(v, digits=3)),
    "bugs_per_task": ("Bugs per completed task", lambda v: fmt.number(v, digits=3)),
}
rows = [
    (MEASURES[c.measure][0], MEASURES[c.measure][1](c.before), MEASURES[c.measure][1](c.after), c.change)
    for c in period_changes(scenario, results.review)
]
table = pd.DataFrame(
    [
        {
            "Measure": m,
            "Before AI": before,
            "After AI": after,
            "Change": fmt.percent(change, signed=True, digits=1),
        }
        for m, before, after, change in rows
    ]
)
st.dataframe(table, hide_index=True, key="productivity_table")
if scenario.measurement is not None:
    st.caption(
        "Per adopting developer: where AI users can be told apart these are their own measured values, "
        "otherwise the organisation's change scaled by the adoption share, so they differ from the "
        "organisation-wide table on the **Data** page (its expander says how each was built). "
        + week_units(scenario.team.working_weeks_per_year, measured=False)
    )
else:
    st.caption(week_units(scenario.team.working_weeks_per_year, measured=False))
st.caption(
    "Review effort per PR = fixed overhead + PR size ÷ review speed "
    f"({fmt.hours(scenario.review.overhead_hours, digits=2)} + LOC ÷ "
    f"{fmt.number(scenario.review.loc_per_hour)} LOC/h). Quality is compared per task, not per PR or per "
    "line: larger PRs make per-PR and per-line bug rates look better than they are."
)

st.subheader(f"Delivery against the DORA tiers ({dora.REFERENCE_LABEL})", anchor=False)
delivery = dora.placements(scenario)
if delivery:
    st.table(dora.table(delivery))  # static: it wraps on a projector
    st.caption(
        "Whether the team ships faster, not just writes more: high AI adoption often leaves these where they "
        "were. Each value is placed among the four clusters of the DORA 2024 State of DevOps report: inside a "
        "tier's published range, or for the change failure rate at the nearest published rate (the report's "
        "rates are not in tier order). Deployment frequency is the team's production deployments per calendar "
        "week (7 days, as DORA counts time; the scenario's rates are per working week) across all its "
        "services; DORA counts it per application, so a team with many services reads faster here."
    )
    with st.expander("How each is counted"):  # the Data page shows them only beside measured exports
        st.markdown("\n".join(
            f"- **{p.reference.label}**: {DEFINITIONS[p.reference.metric]}"
            for p in delivery if p.reference.metric in DEFINITIONS
        ))
    with st.expander(f"The DORA tiers ({dora.REFERENCE_LABEL})"):
        st.table(dora.reference_table())
else:
    st.caption(
        "No delivery metrics in this scenario. Load deployment and incident exports on the **Data** page, "
        "or enter them on its **Estimates** tab, to see them against the DORA tiers."
    )

st.subheader("Distributions from your data", anchor=False)
distributions = appstate.pr_distributions()
if distributions is None:
    st.info(
        "Load pull-request exports on the **Data** page to compare PR size and cycle time before and after "
        "adoption, PR by PR.",
        icon=":material/upload_file:",
    )
else:
    left, right = appstate.chart_pair()
    (size_before, size_after), (cycle_before, cycle_after) = distributions
    appstate.chart(charts.distribution(size_before, size_after, "PR size", "LOC"), "productivity_size", left)
    appstate.chart(
        charts.distribution(cycle_before, cycle_after, "Cycle time", "hours"), "productivity_cycle", right
    )
    st.caption(
        "Merged PRs by the period of their merge date; size = lines added + deleted; cycle time = created "
        "→ merged in calendar hours. Boxes span the middle half of PRs, whiskers the smallest and largest."
    )
