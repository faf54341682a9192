"""Review capacity: utilisation and wait against the number of reviewers, with what-ifs."""

import pandas as pd
import streamlit as st

import appstate
from roi import charts
from roi import formatting as fmt
from roi.capacity import calendar_to_working_hours, calibrated_reviewers_needed
from roi.engine import compute_review
from roi.errors import RoiError
from roi.verdict import wait_goal
from roi.whatif import MAX_TEAM_POOLS, pool_sizes, review_curve, team_pools, with_pr_size_limit

appstate.require_app(__file__)
appstate.show_notice()
scenario = appstate.scenario()

st.title("Review capacity", anchor=False)
st.caption(
    "PRs queue for one shared pool of reviewers (Erlang C with the Allen–Cunneen correction for variable "
    "PR sizes). Waits are in working hours. At 100% utilisation and above the queue never clears."
)

top = st.container()  # filled below, once the what-ifs are known
controls, main = st.columns([1, 2.6], gap="large")
with controls:
    with st.container(border=True, key="review_pool_box"):
        st.markdown("**Your reviewer pool**  \nSaved in the scenario.")
        # No min or max on these boxes: the browser kept a typed −3 or 150% in the box, with only a small inline
        # note, beside results for the earlier value; the model's own rule now says what is wrong under the box,
        # and the box goes back to the value in use (as on ROI & risk).
        appstate.number_field("Reviewers", "review.reviewers", key="review_reviewers", integer=True)
        appstate.number_field(
            "Time spent reviewing (%)",
            "review.review_share",
            key="review_share",
            percent=True,
            # One decimal, as every percentage assumption, so that 0.8 (a fraction typed for 80%) does not show as 1.
            step=1,
            digits=1,
        )
        appstate.number_field(
            # Empty is METHODS' "no target": keep today's wait (it showed 0.0, and emptying it was refused).
            "Target wait for a review (h)", "review.target_wait_hours", key="review_target", step=0.5, digits=1,
            nullable=True, placeholder="empty: keep today's wait",
        )
        appstate.number_field("Review speed (LOC/h)", "review.loc_per_hour", key="review_speed", step=25)
    with st.container(border=True, key="review_whatif_box"):
        st.markdown("**What-ifs**  \nTry them here; apply the PR size limit to keep it.")
        limit = appstate.kept_number(
            "PR size limit (lines changed, 0 = none)",
            "review_pr_limit",
            0.0,
            min_value=0.0,
            step=50.0,
            format="%.0f",
        )
        teams = appstate.kept_number(
            "Compare with separate team pools",
            "review_teams",
            min(3, scenario.review.reviewers),
            min_value=1,
            max_value=min(scenario.review.reviewers, MAX_TEAM_POOLS),
            step=1,
            help="Split developers and reviewers into this many teams that only review their own PRs.",
            disabled=scenario.review.reviewers < 2,  # one reviewer: nothing to split
        )

whatif = scenario
if limit:
    try:
        whatif = with_pr_size_limit(scenario, limit)
    except RoiError as error:
        controls.error(error.describe())

review = compute_review(whatif)
with top:
    if whatif != scenario:
        note, button = st.columns([3, 1], vertical_alignment="center")
        note.info(
            f"What-if: PRs capped at {fmt.number(limit)} lines (mean after adoption today: "
            f"{fmt.number(scenario.post.pr_size_loc)}). Not yet in the scenario.",
            icon=":material/science:",
        )

        def apply_limit() -> None:
            appstate.set_scenario(
                whatif, f"PR size limit of {fmt.number(limit)} lines applied to the scenario."
            )
            st.session_state[appstate.PR_LIMIT_WHATIF] = 0.0

        button.button("Apply the limit", key="review_apply_limit", on_click=apply_limit, type="primary")
    elif limit and limit >= scenario.post.pr_size_loc:
        st.info(
            f"A limit of {fmt.number(limit)} lines changes nothing here: the model caps the mean PR size after "
            f"adoption ({fmt.number(scenario.post.pr_size_loc)} lines), which is already at or below it. A real limit "
            "also trims the largest PRs, which a mean does not show; try a limit below the mean.",
            icon=":material/science:",
        )

    cols = appstate.tile_row(4)
    cols[0].metric(
        "Reviewer utilisation",
        fmt.percent(review.post.utilization),  # "30% → 113%" was cut to "30% → 11…" at 1366 px
        border=True,
        delta=f"before: {fmt.percent(review.baseline.utilization)}",
        delta_color="gray",
        delta_arrow="off",
        help="Review demand / review capacity after adoption (before adoption in the chip). After adoption "
        "means the full rollout: every developer in scope using the tool (the Rollout page gives each wave's "
        "own figures).",
    )
    cols[1].metric(
        "Mean wait",  # after adoption, as the utilisation beside it; "Mean wait after adop…" at 1280 px
        # Short: "under 1 min" was 180 px of text in the 161 px tile at 1280 px (the chip has room).
        fmt.working_wait(review.post.wait_hours, missing="unstable", short=True),
        border=True,
        # Short as the tile (not "n/a"): "<1 min" beside "before: under 1 min" read as two different waits.
        delta=f"before: {fmt.working_wait(review.baseline.wait_hours, missing='unstable', short=True)}",
        delta_color="gray",
        delta_arrow="off",
        help="Mean wait after adoption before a reviewer picks a PR up (working hours); the chip gives "
        "it before adoption. The queue model's wait for a free reviewer, not the time in review your exports "
        "measure (first review to merge, below): a PR's review also takes the reviewing itself, and rounds of "
        "changes.",
    )
    appstate.reviewers_needed_metric(
        cols[2], review.reviewers_needed, whatif.review.reviewers,
        help="Smallest pool whose mean wait meets the target after adoption.", utilization=review.post.utilization,
    )
    cols[3].metric(
        "Backlog growth",
        fmt.number(review.backlog_growth_hours_per_week),  # "187 h/week" was cut at 1280 px: unit in the chip
        border=True,
        delta="review h / week",
        delta_color="red" if review.backlog_growth_hours_per_week > 0 else "gray",
        delta_arrow="off",
        help="Review hours that pile up every week when demand exceeds capacity.",
    )

with main:
    curve = review_curve(whatif)
    appstate.chart(
        charts.utilisation_chart(curve, current=whatif.review.reviewers, needed=review.reviewers_needed),
        "review_utilisation_chart",
    )
    appstate.chart(
        charts.wait_chart(
            curve,
            current=whatif.review.reviewers,
            needed=review.reviewers_needed,
            target_wait_hours=review.target_wait_hours,
        ),
        "review_wait_chart",
    )
    st.markdown(
        f"**The floor set by PR size:** a PR spends at least "
        f"**{fmt.hours(review.min_time_in_review_hours)}** "
        f"in review (effort {fmt.hours(review.post.effort_hours, digits=2)} ÷ "
        # As the box above shows the share: a whole percent read "÷ 0%" at 0.1%.
        f"{fmt.assumption_percent(whatif.review.review_share)} of a reviewer's time) however many reviewers "
        "there are. "
        "Only smaller PRs lower it."
    )
    calibration = review.calibration
    if calibration is not None and calibration.review_share is not None and calibration.post is not None:
        hours_per_week = whatif.team.hours_per_week
        observed = calendar_to_working_hours(calibration.observed_hours, hours_per_week)
        text = (
            f"**Checked against your data.** Before adoption, PRs spent a median "
            f"{fmt.hours(calibration.observed_hours, unit='calendar h')} ({fmt.hours(observed)} of working "
            "time) in review (from the first review to the merge). The model reproduces that when "
            "reviewers spend "
            f"{fmt.assumption_percent(calibration.review_share)} of their time reviewing; with that share "
            + (
                f"it predicts {fmt.working_wait(calibration.post.time_in_review_hours)} of working time in review "
                "after adoption"
                if calibration.post.time_in_review_hours is not None
                else "the queue after adoption never clears (utilisation "
                f"{fmt.percent(calibration.post.utilization)})"
            )
        )
        if (needed_at_share := calibrated_reviewers_needed(whatif, review)) is not None:  # beside the tile's figure
            text += f", and {wait_goal(whatif)} takes {fmt.count(needed_at_share, 'reviewer')}"
        if whatif.post.review_hours is not None:
            shown = calendar_to_working_hours(whatif.post.review_hours, hours_per_week)
            calendar = fmt.hours(whatif.post.review_hours, unit="calendar h")
            text += f"; your data shows {fmt.hours(shown)} ({calendar})"
            if calibration.post.time_in_review_hours is None:
                # The observed queue did clear: say what that means rather than leave two stories.
                text += (
                    ", so after adoption reviewers gave reviews more of their time than before. The figures "
                    f"above use the scenario's share, {fmt.assumption_percent(whatif.review.review_share)}"
                )
        st.markdown(text + ".")
    elif calibration is not None and calibration.reason:
        st.caption(f"Not calibrated to the observed review time: {calibration.reason}.")

st.subheader("One shared pool or separate team pools?", anchor=False)
try:
    pooled, split = team_pools(whatif, 1), team_pools(whatif, int(teams))
except RoiError as error:
    appstate.show_error(error)
else:
    # Short, for 1024 px ("Reviewers needed for the target" was cut), and without a target nobody set.
    needed_column = "Needed for the target" if whatif.review.target_wait_hours is not None else \
        "Needed for today's wait"
    rows = [
        {
            "Set-up": "One shared pool",
            "Reviewers": fmt.number(whatif.review.reviewers),
            "Mean wait for a review": fmt.working_wait(pooled.mean_wait_hours, missing="unstable"),
            needed_column: fmt.number(pooled.reviewers_needed, missing="no target"),
        },
    ]
    if split.teams > 1:  # "1 separate team pools" repeated the shared pool's row
        rows.append(
            {
                "Set-up": f"{fmt.number(split.teams)} separate team pools",
                "Reviewers": pool_sizes(split.reviewers_per_team),
                "Mean wait for a review": fmt.working_wait(split.mean_wait_hours, missing="unstable"),
                needed_column: fmt.number(split.reviewers_needed, missing="no target"),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="review_pools_table")
    if split.teams == 1:
        st.caption(
            "A single reviewer cannot be split into team pools."
            if whatif.review.reviewers == 1
            else "Compare with 2 or more team pools (What-ifs) to see what splitting the pool costs."
        )
    st.caption(
        "Pooling effect (Smith & Whitt 1981): in separate pools a PR can wait for its busy team while "
        f"another team's reviewer is idle, so the same people wait longer, and {wait_goal(whatif)} takes more "
        "of them. "
        "Developers are split evenly across teams."
    )
