"""Executive summary: the verdict on one screen, straight from the engine's results."""

import streamlit as st

import appstate
from roi import dora
from roi import formatting as fmt
from roi.defaults import UTILIZATION_LIMIT as STRETCHED
from roi.rollout import actions_first
from roi.safety import markdown_safe
from roi.scenario_builder import measurement_caveats
from roi.team_rates import deployments_caveat
from roi.verdict import (
    REASON_LABELS,
    badge_label,
    benefits_caption,
    payback_tile,
    review_strained,
    simulated,
    verdict,
)

appstate.require_app(__file__)
appstate.show_notice()
scenario = appstate.scenario()
results = appstate.results()
currency = scenario.currency
p, r, f = results.productivity, results.review, results.finance
u = simulated(results)  # None without ranges: every draw would be the NPV
found = verdict(scenario, results)

# A loaded file's name: no live links or images. A size down (appstate.TOP_STYLE), for the verdict to fit a projector.
st.container(key="summary_title").title(markdown_safe(scenario.name))
developers, reviewers = scenario.team.developers, scenario.review.reviewers
st.caption(
    f"{appstate.source_line(scenario)} · {fmt.count(developers, 'developer')} · "
    f"{fmt.count(reviewers, 'reviewer')} · {scenario.finance.horizon_years}-year horizon"
)

if scenario.measurement is None and scenario.notes:  # a published finding's source and scope ("a best case for
    # one kind of task"), with the verdict it carries: on the Data page only, an executive never saw it
    with st.expander("Where these numbers come from", icon=":material/menu_book:"):
        for line in scenario.notes.splitlines():
            st.markdown(markdown_safe(line))
for caveat in measurement_caveats(scenario):  # numbers behind the verdict that the exports do not back
    st.warning(caveat, icon=":material/info:")
if team_rates := deployments_caveat(scenario):  # the team's deployments on another number of developers
    st.warning(team_rates, icon=":material/info:")
if licences := appstate.licence_caveat(scenario):
    st.warning(licences, icon=":material/info:")

BADGE_COLOURS = {"good": "green", "mixed": "orange", "split_gain": "orange", "split_loss": "orange", "bad": "red"}
# Green beside "review capacity is now the bottleneck" read as all clear: the money holds only once reviews keep up.
colour = "orange" if found.tone == "good" and review_strained(results) else BADGE_COLOURS[found.tone]
with st.container(border=True, key="summary_verdict"):
    st.badge(badge_label(found.tone, results), color=colour, icon=":material/gavel:")
    st.subheader(found.headline, anchor=False)
    if found.reason:  # why it loses, where its risk comes from, or why the likely NPV and most outcomes disagree
        st.markdown(appstate.unbroken_amounts(f"**{REASON_LABELS[found.tone]}:** {found.reason}"))
    st.markdown(appstate.unbroken_amounts("\n".join(f"- {point}" for point in found.points)))

st.subheader("Productivity", anchor=False)
cols = appstate.tile_row(4)
cols[0].metric(
    "Output per developer",
    fmt.percent(p.output_change, signed=True, digits=1),  # to the 0.1 point of the quality-adjusted tile
    border=True,
    # Per adopter: the Data page's organisation-wide +18% read as contradicting +22.9% here.
    delta="per adopting developer",
    delta_color="off",
    delta_arrow="off",
    help="Change in completed tasks per adopting developer-week (g = T1/T0 − 1): the headline figure. The Data "
    "page's measured change is organisation-wide, those who do not use the tool included.",
)
cols[1].metric(
    "Quality-adjusted",  # "Quality-adjusted productivity" is cut off in a quarter of the page
    fmt.percent(p.qapi - 1, signed=True, digits=1),
    border=True,
    delta=f"{fmt.number(p.quality_adjustment * 100, digits=1, signed=True)} points vs output",
    delta_color="red" if p.quality_adjustment < 0 else "green",
    delta_arrow="off",
    help="Quality-adjusted productivity, QAPI − 1 = N / delivery hours: the gain after the review tax, extra "
    "bug fixing and incidents.",
)
cols[2].metric(
    "Net time gained",
    fmt.hours(p.net_hours, digits=2, signed=True),
    border=True,
    delta="per adopting dev-week",
    delta_color="off",
    delta_arrow="off",
    help="N = G − ΔR − ΔD − ΔI, hours per adopting developer per week.",
)
cols[3].metric(
    "Naive index",  # "Naive index (for contrast)" was cut at 1280 px; "for contrast" leads the help
    fmt.percent(p.naive_index - 1, signed=True, digits=1),
    border=True,
    delta="output × bug change only",
    delta_color="off",
    delta_arrow="off",
    help="For contrast only. (1 + g)·(1 − bug growth): the usual headline. It leaves out the reviewers' "
    "extra hours and charges bugs as a share rather than in hours, so it can land above or below the "
    "quality-adjusted figure."
)

st.subheader(f"Money over {fmt.count(scenario.finance.horizon_years, 'year')}", anchor=False)
cols = appstate.tile_row(4)
# The P10 to P90 range in the chip, named in the help: "P10 +$2.2M to P90 +$5.…" was cut at 1280 px.
npv_range = (
    (
        f"{fmt.money(u.npv_p10, currency, compact=True, signed=True)} to "
        f"{fmt.money(u.npv_p90, currency, compact=True, signed=True)}"
    )
    if u
    else "no uncertainty ranges"
)
cols[0].metric(
    "Net present value",
    fmt.money(f.npv, currency, compact=True, signed=True),
    border=True,
    delta=npv_range,
    delta_color="off",
    delta_arrow="off",
    help="PV(benefits) − PV(costs), risk-adjusted, discounted at "
    f"{fmt.share(scenario.finance.discount_rate)}. The chip gives the P10 to P90 range of the simulated "
    "outcomes: P10 is the downside (10% of outcomes are worse), P90 the upside.",
)
cols[1].metric(
    "Return on investment",
    fmt.percent(f.roi, signed=True, digits=1, missing="no costs"),
    border=True,
    help="NPV / PV(costs).",
)
payback, payback_chip = payback_tile(scenario, results)  # to 0.1 month, the unit in the chip
cols[2].metric(
    "Payback",
    payback,
    border=True,
    delta=payback_chip,
    delta_color="red" if f.payback_months is None else "gray",
    delta_arrow="off",
    help="When cumulative (undiscounted) benefits first cover cumulative costs. Each year's benefits count "
    "the share of developers who use the tool that year (ROI & risk → Adoption by year) from its first day; "
    "the rollout plan's waves do not change it (Rollout page).",
)
appstate.loss_chance_metric(cols[3], results)
# Valued time, not cash: "payback" and "losing money" read as budget savings to a finance committee.
st.caption(benefits_caption(scenario))

st.subheader("The review bottleneck", anchor=False)
cols = appstate.tile_row(4)
# After adoption on the tile, before in the chip: "30% → 113%" was cut to "30% → 11…" at 1366 px.
state = "unstable" if not r.post.stable else ("stretched" if r.post.utilization >= STRETCHED else "keeps up")
cols[0].metric(
    "Reviewer utilisation",
    fmt.percent(r.post.utilization),
    border=True,
    delta=f"{state}; {fmt.percent(r.baseline.utilization)} before",
    delta_color="red" if not r.post.stable else ("orange" if r.post.utilization >= STRETCHED else "green"),
    delta_arrow="off",
    help="Review demand / review capacity of the pool after adoption (the chip gives it before). At 100% "
    "and above the queue never clears. After adoption means the full rollout: every developer in scope using "
    "the tool (the Rollout page gives each wave's own figures).",
)
appstate.reviewers_needed_metric(
    cols[1], r.reviewers_needed, scenario.review.reviewers,
    help="Smallest pool whose mean wait meets the target "
    f"({fmt.hours(r.target_wait_hours, unit='working h', missing='none')}) after adoption.",
    utilization=r.post.utilization,
)
cols[2].metric(
    "Backlog growth",
    fmt.number(r.backlog_growth_hours_per_week),  # "187 h/week" was cut at 1280 px: the unit in the chip
    border=True,
    delta="review h / week",
    delta_color="red" if r.backlog_growth_hours_per_week > 0 else "gray",
    delta_arrow="off",
    help="Review hours that pile up every week when demand exceeds the pool's capacity.",
)
cols[3].metric(
    "Fastest possible review",
    fmt.hours(r.min_time_in_review_hours),  # "4.9 working h" was cut to "4.9 worki…" at 1366 px
    border=True,
    delta="working h, set by PR size",
    delta_color="off",
    delta_arrow="off",
    help="E(L1)/f: time in review no number of reviewers can beat; only smaller PRs lower it. Working hours "
    f"({fmt.number(scenario.team.hours_per_week)} a week), not the calendar hours the exports measure.",
)

if dora.delivery_point(dora.placements(scenario)):  # the paradox's other half, said in the verdict above
    st.caption(
        f"Delivery (DORA): the verdict above says what moved; the **Productivity** page places each metric among "
        f"the DORA tiers ({dora.REFERENCE_LABEL})."
    )

st.subheader("What to do first", anchor=False)
# Three to a row where each card gets 250 px, else fewer: at 1024 px three columns were 177 px wide and a loss's
# first card ran 825 px tall beside two mostly empty ones.
cols = appstate.tile_row(3, min_width=250)
# The due weeks and owners of the rollout plan, so this page and the plan name the same week.
actions, closed = actions_first(scenario, results)
for rank, (col, item) in enumerate(zip(cols, actions, strict=False), start=1):
    with col.container(border=True, key=f"summary_action_{rank}", height="stretch"):
        st.markdown(f"**{rank}. {item.title}**")
        st.markdown(appstate.unbroken_amounts(item.reason))
        # Week 0 is the rollout's first week: "by week 0" read as a typo.
        when = ("" if item.due_week is None else " · before the rollout starts (week 0)" if item.due_week == 0
                else f" · by week {item.due_week}")
        st.caption(f"Owner: {item.owner_role}{when}" + (" · in progress" if item.status == "doing" else ""))
if closed:
    st.caption(f"{fmt.count(closed, 'action')} the team marked done or not applicable "
               f"{'is' if closed == 1 else 'are'} left out here; the plan lists {'it' if closed == 1 else 'them'}.")
if closed and not actions:
    st.caption("Every action the data calls for is marked done or not applicable.")
st.page_link(
    "pages/rollout.py",
    label="See the full plan",
    icon=":material/arrow_forward:",
)
