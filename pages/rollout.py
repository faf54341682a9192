"""Rollout plan: waves with go/no-go gates, review load and cost per wave, monthly costs, tracked checklist.

Collects the plan's inputs, calls ``roi.rollout`` and draws.  The plan lives in the scenario
(``st.session_state["scenario"].rollout``), so it is saved with the scenario file and exported
to the workbook.  Until something is edited the page shows the default plan generated from
the numbers, and the scenario holds no plan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

import appstate
from roi import formatting as fmt
from roi import rollout
from roi import rollout_tables as tables
from roi.charts_rollout import monthly_cost_chart, timeline_chart
from roi.errors import RoiError
from roi.rollout_models import RolloutPlan
from roi.safety import markdown_safe, markdown_safe_table
from roi.whatif import with_value

appstate.require_app(__file__)
appstate.init()  # run alone (AppTest of this page): the demo scenario
appstate.show_notice()
scenario = appstate.scenario()
# Results do not depend on the plan: keep the cache hit when only the plan changes.
results = appstate.results(scenario.model_copy(update={"rollout": None}))
currency = scenario.currency
EMPTY = "—"  # an empty cell, as on the Data page's estimates (Streamlit writes "None", which reads as a bug)
GATE_METRIC_WIDTH = 295  # px: "Time in review (median, first review → merged)", the longest gate metric
GATE_VALUE = "%.4g"  # 4 significant digits: a measured 0.08494208494208494 was cut and scrolled the gates

# Fixed-row editors keep their edits while their rows keep their shape; when the scenario is
# replaced from outside this page (sidebar reset, another file) they start afresh.
if st.session_state.get("rollout_seen") != scenario.model_dump_json():
    st.session_state["rollout_generation"] = st.session_state.get("rollout_generation", -1) + 1
generation = st.session_state["rollout_generation"]


PENDING = appstate.ROLLOUT_PENDING
"""Editor name → (the scenario it was typed over, its whole table): a table whose edits the plan's rules refused,
kept in its grid until fixed or discarded.  A row typed in the keyboard form and refused was lost at the next
row applied, and a grid's edits when the page was left."""
PENDING_TURNS = "rollout_pending_turns"
"""Editor name → how many times its grid restarted from a held table (a new key: its edits are relative)."""


def key(name: str) -> str:
    turn = st.session_state.get(PENDING_TURNS, {}).get(name, 0)
    base = name if generation == 0 else f"{name}_{generation}"
    return base if not turn else f"{base}_{turn}"


def pending(name: str) -> pd.DataFrame | None:
    """The table of editor ``name`` held since a rule refused it, if typed over the scenario open now."""
    return appstate.held_rollout_tables().get(name)


def restart(name: str, table: pd.DataFrame | None) -> None:
    """Draw editor ``name`` afresh from ``table`` (None: from the plan) on a rerun now."""
    held = st.session_state.setdefault(PENDING, {})
    if table is None:
        held.pop(name, None)
    else:
        held[name] = (scenario.model_dump_json(), table.copy())
    turns = st.session_state.setdefault(PENDING_TURNS, {})
    turns[name] = turns.get(name, 0) + 1
    st.rerun()


def save(plan: RolloutPlan | None) -> None:
    """Put the plan into the scenario and redraw (editors restart from the saved plan), or show why the
    scenario refuses it (a wave after the horizon): re-validated as a whole, as every edit is."""
    try:
        updated = with_value(scenario, "rollout", None if plan is None else plan.model_dump(mode="json"))
    except RoiError as error:
        appstate.show_error(error)
        return
    st.session_state["scenario"] = updated
    st.session_state["rollout_seen"] = updated.model_dump_json()
    st.session_state.pop(PENDING, None)  # typed over the plan before
    st.rerun()


def edited(name: str) -> bool:
    """True when the user has changed something in the data editor ``name``."""
    state = st.session_state.get(key(name)) or {}
    return any(state.get(part) for part in ("edited_rows", "added_rows", "deleted_rows"))


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict("records")


def apply_change(name: str, table: pd.DataFrame, change: Callable[[pd.DataFrame], RolloutPlan],
                 columns: dict[str, Any], *, fresh: bool) -> None:
    """Save the plan ``change(table)`` builds from editor ``name``'s table (its grid's edits, or a row typed in its
    form), or show why it cannot, naming the cell by the heading ``columns`` (the editor's column config) gives
    it, not the plan's field name.  A refused table with ``fresh`` edits (not the one held already) is held in
    the grid (:data:`PENDING`)."""
    try:
        new_plan = change(table)
    except RoiError as error:  # the table is saved whole: its other edits wait for this one to be fixed
        config = columns.get(error.column or error.field or "")
        if config is not None:
            error.column, error.field = config if isinstance(config, str) else config["label"], None
        appstate.show_error(fmt.ended(error.describe()) + " No edit in this table is saved until it is fixed; they "
                            "stay in the table meanwhile.")
        if fresh:
            restart(name, table)
        return
    if new_plan != plan:
        save(new_plan)
    elif pending(name) is not None:  # edited back to the plan: nothing held any more
        restart(name, None)


def table_editor(name: str, frame: pd.DataFrame, columns: dict[str, Any], change: Callable[[pd.DataFrame], RolloutPlan],
                 *, row_label: Callable[[Any], str], can_add: bool = False, disabled: list[str] | None = None,
                 **editor: Any) -> pd.DataFrame:
    """A plan table's grid, drawn from ``frame`` (or the edits held since a rule refused them), its edits saved
    through ``change``; its keyboard form, on the grid's table as it is now; returns that table."""
    held = pending(name)
    table = st.data_editor(held if held is not None else frame, key=key(name), hide_index=True, placeholder=EMPTY,
                           column_config=columns, disabled=disabled or False, **editor)
    if edited(name) or held is not None:
        apply_change(name, table, change, columns, fresh=edited(name))
    if held is not None and st.button("Discard the edits not saved", key=f"{name}_discard", icon=":material/undo:"):
        restart(name, None)
    typed = appstate.row_form(table, columns, f"{name}_form", can_add=can_add, row_label=row_label,
                              disabled=disabled or ())
    if typed is not None:
        apply_change(name, typed, change, columns, fresh=True)
    return table


def reset_plan() -> None:
    st.session_state["scenario"] = appstate.scenario().model_copy(update={"rollout": None})


try:
    report = rollout.rollout_report(scenario, results)
except RoiError as error:  # a safeguard: the scenario already refuses a wave after the horizon
    appstate.show_error(error)
    st.warning("Showing the default plan instead of the saved one: editing it replaces the saved plan.")
    report = rollout.rollout_report(scenario.model_copy(update={"rollout": None}), results)
plan = report.plan
st.session_state["rollout_seen"] = scenario.model_dump_json()

st.title("Rollout plan", anchor=False)
st.caption(
    "Roll seats out in waves and let measured numbers decide each next step: the organisation has to "
    "change with the tool (small PRs, review capacity, tests, honest expectations) or the bottleneck "
    "downstream eats the gain. Everyone with a seat is planned as a user. Money is not risk-adjusted "
    "(a budget); the NPV, ROI and payback use the adoption by year on **ROI & risk**, not these waves."
)
if scenario.rollout is None:
    st.info(
        f"This is the default plan generated from the scenario's numbers ({rollout.wave_outline(plan)} of developers). "
        "Edit anything and the plan is kept in the scenario.",
        icon=":material/auto_awesome:",
    )
else:
    st.button(
        "Reset to the default plan", key="rollout_reset", on_click=reset_plan, icon=":material/restart_alt:"
    )
appstate.sidebar_note(  # the grids need 818 px: 562 px beside the open sidebar at 1024 px, 862 px without it
    "rollout_narrow",
    "Collapse the sidebar (« at its top) to see every column of the tables below: in a window this narrow "
    "they scroll sideways beside it.",
)

summary = st.container()

# --- Waves ----------------------------------------------------------------------------------
st.header("Waves")
# Streamlit drops a widget's value when another page runs: seed it again when it is missing, or
# the date input would come back as today (and be saved) and the allocation as 0 / 0 / 0.
start_forgotten = "rollout_start_date" not in st.session_state
if st.session_state.get("rollout_start_shown", "unset") != plan.start_date or start_forgotten:
    st.session_state["rollout_start_date"] = plan.start_date
    st.session_state["rollout_start_shown"] = plan.start_date
st.date_input(  # 200 px: in a quarter of the page (133 px at 1024) its clear button hid "-03" of the date
    "Week 0 starts on",
    key="rollout_start_date",
    format="YYYY-MM-DD",
    width=200,
    help="The pilot's first day: waves start this many weeks after it, and exports are split there.",
)
if st.session_state["rollout_start_date"] != plan.start_date:
    save(tables.update_plan(plan, start_date=st.session_state["rollout_start_date"]))
st.caption(
    "Each wave's share is cumulative: 30% means 30% of developers have a seat once the wave starts. "
    "Leave planned reviewers empty to use today's pool."
)
wave_rows = [{**row, "source": index} for index, row in enumerate(tables.wave_input_rows(plan))]
wave_frame = pd.DataFrame(wave_rows).astype({"reviewers": "Float64", "source": "Float64"})
wave_columns = {
    # Short headings, the full names in the help: at 1280 px with the sidebar open the long ones
    # pushed the planned reviewers out of sight.  Widths fit each heading beside its edit icon
    # (text + 44 px; "small", 75 px, cut "Training h" and "Reviewers"): 808 px with the row markers.
    "name": st.column_config.TextColumn("Wave", required=True),
    "start_week": st.column_config.NumberColumn(
        "Start wk", help="Start week (week 0 = the rollout start)", min_value=0, max_value=520, step=1,
        required=True, width=95,
    ),
    "seat_share_pct": st.column_config.NumberColumn(
        "Seats %",
        help="Developers with a seat once the wave starts (%, cumulative)",
        min_value=0.1,
        max_value=100,
        step=0.1,
        format="%.1f%%",
        required=True,
    ),
    # The default cohorts whole (291 px of text; at 160 px they were cut at 1280 px), yet not "large":
    # at 1366 px that scrolled the planned reviewers, an input, out of sight.
    "teams": st.column_config.TextColumn("Teams / cohort", width=300),
    "training_hours_per_dev": st.column_config.NumberColumn(
        "Training h", help="Training hours per developer joining (empty: the scenario's training hours)",
        min_value=0, max_value=1000, step=0.5, width=105
    ),
    "reviewers": st.column_config.NumberColumn(
        "Reviewers", help="Planned reviewers (empty: today's pool)", min_value=1, step=1, format="%d",
        width=105,
    ),
}
table_editor(
    "rollout_waves", wave_frame, wave_columns,
    lambda table: tables.update_plan(
        plan, waves=tables.waves_from_rows(records(table), plan.waves, scenario.team.developers)),
    row_label=lambda row: str(row["name"]), can_add=True, num_rows="dynamic",
    column_order=["name", "start_week", "seat_share_pct", "teams", "training_hours_per_dev", "reviewers"],
)

wave_box = st.container()

# --- Gates ----------------------------------------------------------------------------------
st.header("Go/no-go gates")
st.caption(
    "Each gate is checked on the data of the wave's measured period (after the ramp-up). Rates are "
    "percentages (8 = 8%), a “baseline +” threshold on a rate is in points (2 = two points) and a "
    "“baseline ×” threshold is a multiplier (1.1 = 10% above the baseline); review times are calendar "
    "hours, as exports measure them. Enter the measured value, or load exports on the Data page."
)
wave_names = [wave.name for wave in plan.waves]
metric_labels = [info.label for info in rollout.METRICS.values()]
gate_fields = ["wave", "metric", "rule", "threshold", "unit", "measured"]
gate_frame = pd.DataFrame(tables.gate_input_rows(plan), columns=gate_fields).astype(
    {"threshold": "Float64", "measured": "Float64"}
)
gate_columns = {
    "wave": st.column_config.SelectboxColumn("Wave", options=wave_names, required=True),
    "metric": st.column_config.SelectboxColumn(
        "Metric", options=metric_labels, required=True, width=GATE_METRIC_WIDTH
    ),  # the longest label fits; at "large" the Measured input was scrolled out of sight at 1366 px
    # One column for the comparison and its basis ("≤ baseline +"): as "Pass if" and "Of" the editor
    # scrolled sideways at 1280 px with the sidebar open (Measured out of sight).
    "rule": st.column_config.SelectboxColumn(
        "Pass if",
        help="Pass if the measured value is ≤ (at most) or ≥ (at least) the threshold, the baseline + "
        "the threshold, or the baseline × the threshold",
        options=list(tables.RULE_LABELS.values()),
        required=True,
    ),
    "threshold": st.column_config.NumberColumn("Threshold", required=True, format=GATE_VALUE),
    "unit": st.column_config.TextColumn("Unit", disabled=True),
    "measured": st.column_config.NumberColumn("Measured", format=GATE_VALUE),
}
table_editor(
    "rollout_gates", gate_frame, gate_columns,
    lambda table: tables.update_plan(plan, waves=tables.gates_from_rows(records(table), plan.waves)),
    row_label=lambda row: f"{row['wave']}: {row['metric']}", can_add=True, num_rows="dynamic",
)

with st.expander("Baselines the gates compare with"):
    st.caption(
        "From the scenario's baseline period; enter a value the scenario lacks (e.g. measured before "
        "week 0) and it is kept with the plan. A *missing* one the loaded exports measure (the median review "
        "wait or PR size, which the scenario does not hold) comes from their pre-rollout period once the "
        "first wave is measured from them (below)."
    )
    baseline_frame = pd.DataFrame(
        tables.baseline_input_rows(scenario, plan), columns=["metric", "baseline", "unit", "source"]
    ).astype({"baseline": "Float64"})
    baseline_columns = {
        "metric": st.column_config.TextColumn("Metric", width="large"),
        "baseline": st.column_config.NumberColumn("Baseline", format=GATE_VALUE),
        "unit": "Unit",
        "source": "Source",
    }
    table_editor(
        "rollout_gate_baselines", baseline_frame, baseline_columns,
        lambda table: tables.update_plan(plan, baseline=tables.baseline_from_rows(records(table), scenario, plan)),
        row_label=lambda row: str(row["metric"]), disabled=["metric", "unit", "source"],
    )

for slip in tables.gate_slips(scenario, plan):  # kept as typed: a rate under 1% can be right
    st.warning(slip)

gate_box = st.container()

found = appstate.loaded()  # the demo organisation's files until others are uploaded
exports = found[0] if found is not None else ()
with st.expander("Measure a wave from the loaded exports"):
    if not exports:
        st.caption("Load exports on the Data page first; then pick the wave they cover.")
    elif plan.start_date is None:
        st.caption("Enter the date of week 0 above: each wave's exports are split at its start.")
    else:
        st.caption(
            "The wave's start is the adoption date and its first weeks are left out (ramp-up); it is measured "
            "up to the day before the next wave starts, however far the exports run. The first wave's earlier "
            "data becomes the gates' baseline."
        )
        chosen_wave = st.selectbox("Wave the exports cover", wave_names, key="rollout_measure_wave")
        if st.button("Measure the gates", key="rollout_measure"):
            try:
                with st.spinner("Reading the exports…"):
                    dataset = appstate.read(exports)  # through the Data page's column mappings, cached
                    measured_plan = rollout.measure_wave(
                        dataset, scenario, plan, wave_names.index(chosen_wave)
                    )
                start, end = rollout.wave_window(plan, wave_names.index(chosen_wave))
                st.session_state[appstate.NOTICE] = (
                    "success",
                    f"Gates of '{chosen_wave}' measured from {len(exports)} export(s): the wave from "
                    f"{start:%d %b %Y} to {f'{end:%d %b %Y}' if end else 'the end of the exports'}, "
                    f"against the weeks before {start:%d %b %Y}.",
                )
                save(measured_plan)
            except RoiError as error:
                appstate.show_error(error)

# --- Checklist ------------------------------------------------------------------------------
st.header("Checklist")
st.caption(
    "The engine's actions with the numbers that triggered them. Due weeks follow the waves unless you set "
    "one. Items the numbers no longer trigger stay while they carry a status, owner, due week or notes. To keep "
    "the plan in Excel, download the workbook on **Export**, edit it there (its Checklist takes actions of your "
    "own too) and open it again under **Resume** on that page: what was typed in it comes back here."
)
checklist_frame = pd.DataFrame(
    tables.checklist_input_rows(report),
    columns=["id", "title", "owner_role", "due_week", "wave", "status", "notes", "fires"],
)
checklist_frame = checklist_frame.astype({"due_week": "Float64"}).set_index("id")
checklist_columns = {
    "title": st.column_config.TextColumn("Action", width=255),
    "owner_role": st.column_config.TextColumn("Owner", width=145),  # "Engineering manager" whole
    "due_week": st.column_config.NumberColumn(
        "Due wk", help="Due week", min_value=0, max_value=520, step=1, format="%d", width=80
    ),
    "wave": st.column_config.TextColumn(
        "Wave", help="Due before wave: done before this wave starts", width=85
    ),
    "status": st.column_config.SelectboxColumn(
        "Status", options=list(tables.STATUSES), required=True, width=105  # "not applicable" whole
    ),
    "notes": st.column_config.TextColumn(  # narrow, to fit 1280 px: a long note shows whole when clicked
        "Notes", help="Double-click a cell to read or edit its whole note; the workbook's Checklist sheet shows it "
        "whole too.", width=75
    ),
    "fires": st.column_config.CheckboxColumn(
        "Fires", help="Still triggered: the scenario's numbers still call for this action", width=55
    ),
}
table_editor(
    "rollout_checklist", checklist_frame, checklist_columns,
    lambda table: tables.update_plan(plan, checklist=tables.tracking_from_rows(
        records(table.rename_axis("id").reset_index()), tables.default_tracking(report, results))),
    row_label=lambda row: str(row["title"]), disabled=["title", "wave", "fires"],
    # Short headings, the full name in their help, and fixed widths that add up to 800 px: it scrolled
    # sideways at 1280 px with the sidebar open (818 px).  Only the longest titles are cut; each
    # action's full title is under "Why each action" below.  No index: the item ids are under "Why each
    # action": at 1280 px they left the titles 190 px.
)
for late in tables.late_checklist_items(report):
    st.warning(late)

with st.expander("Why each action"):
    for item in report.checklist:
        # Titles and owners can come from a loaded scenario file: no live links or images.
        st.markdown(
            f"**{markdown_safe(item.title)}** ({markdown_safe(item.owner_role)}; item "
            f"{markdown_safe(item.id)}) — {appstate.unbroken_amounts(item.reason)}"
        )

# --- Expectations ---------------------------------------------------------------------------
st.header("Expectations")
exp = report.expectations
shown = {
    "rollout_gain_basis": plan.expectations.plan_gain_basis,
    "rollout_alloc_quality": round(exp.allocation.quality * 100, 6),
    "rollout_alloc_learning": round(exp.allocation.learning * 100, 6),
    "rollout_alloc_roadmap": round(exp.allocation.roadmap * 100, 6),
    "rollout_guardrails": "\n".join(exp.guardrails),
}
if st.session_state.get("rollout_expectations_shown") != shown or not shown.keys() <= st.session_state.keys():
    st.session_state.update(shown)
    st.session_state["rollout_expectations_shown"] = shown

left, right = st.columns([1, 1.4], gap="large")
with left:
    st.radio(
        "Plan roadmaps on",
        ["p10", "likely"],
        key="rollout_gain_basis",
        horizontal=True,
        format_func=lambda basis: {"p10": "P10 (downside)", "likely": "likely values"}[basis],
    )
    st.markdown("**Freed time goes to (%)**")
    columns = st.columns(3)
    columns[0].number_input(
        "Quality",
        key="rollout_alloc_quality",
        min_value=0.0,
        max_value=100.0,
        step=5.0,
        format="%.0f",
        help="Reviews, tests, fixing: paying the review tax and quality debt.",
    )
    columns[1].number_input(
        "Learning", key="rollout_alloc_learning", min_value=0.0, max_value=100.0, step=5.0, format="%.0f"
    )
    columns[2].number_input(
        "Roadmap", key="rollout_alloc_roadmap", min_value=0.0, max_value=100.0, step=5.0, format="%.0f"
    )
with right:
    # As tall as its lines: at 200 px the last guardrail was scrolled out of sight at 1280 px.
    st.text_area("Workload guardrails (one per line)", key="rollout_guardrails", height="content")

try:
    chosen = tables.expectations_from_inputs(
        plan.expectations,
        exp,
        basis=st.session_state["rollout_gain_basis"],
        allocation_pct=(
            st.session_state["rollout_alloc_quality"],
            st.session_state["rollout_alloc_learning"],
            st.session_state["rollout_alloc_roadmap"],
        ),
        guardrails_text=st.session_state["rollout_guardrails"],
    )
    if chosen != plan.expectations:
        save(tables.update_plan(plan, expectations=chosen))
except RoiError as error:
    appstate.show_error(error)

if not (exp.allocation_generated and exp.guardrails_generated):

    def regenerate() -> None:
        current = appstate.scenario()
        if current.rollout is not None:
            expectations = current.rollout.expectations.model_copy(
                update={"time_allocation": None, "guardrails": None}
            )
            st.session_state["scenario"] = current.model_copy(
                update={"rollout": current.rollout.model_copy(update={"expectations": expectations})}
            )

    st.button(
        "Regenerate allocation and guardrails from the numbers", key="rollout_regenerate", on_click=regenerate
    )
if not exp.guardrails_generated and (stale := rollout.stale_guardrails(
        exp.guardrails, now := rollout.guardrails_now(scenario, results, exp))):
    said = (f"{fmt.count(len(stale), 'guardrail')} written from earlier numbers no longer "
            f"{'reads' if len(stale) == 1 else 'read'} as the numbers write {'it' if len(stale) == 1 else 'them'} "
            "now: " + "; ".join(f"“{markdown_safe(old)}” is now “{markdown_safe(new)}”" for old, new in stale))
    st.warning(said if said.endswith(".”") else f"{said}.", icon=":material/update:")  # a guardrail is a sentence
    if st.button("Update them from the numbers (your own lines stay)", key="rollout_refresh_guardrails"):
        refreshed = rollout.refreshed_guardrails(exp.guardrails, now)
        save(tables.update_plan(plan, expectations=plan.expectations.model_copy(update={"guardrails": refreshed})))
st.caption(exp.note)

# --- Drawing: every number below comes from roi.rollout ---------------------------------------
with summary:
    cols = appstate.tile_row(4)  # 129 px a tile at 1024 px cut every label: 2 × 2 there
    cols[0].container(key="rollout_headline").metric(
        "Headline output change",
        fmt.percent(exp.headline_gain, signed=True, digits=1),
        help="Tasks per adopting developer: not a planning figure.",
    )
    cols[1].container(key="rollout_quality_adjusted").metric(
        "Quality-adjusted gain",
        fmt.percent(exp.quality_adjusted_gain, signed=True, digits=1),
        help="QAPI − 1 at the likely values: net of review tax, bugs and incidents.",
    )
    cols[2].container(key="rollout_plan_gain").metric(
        # The workbook's "Roadmap gain to commit", shortened to fit a quarter of 1280 px: "Plan roadmaps on"
        # read as the planning gain, which the docs call that.
        f"Roadmap commit ({'P10' if exp.basis == 'p10' else 'likely'})",
        fmt.percent(exp.roadmap_gain, signed=True, digits=1),
        help=f"The planning gain (quality-adjusted gain at the basis) is "
        f"{fmt.percent(exp.planning_gain, signed=True, digits=1)}; only the roadmap share of the time it frees "
        "is committed to roadmaps.",
    )
    last = report.waves[-1]
    # Measured against the pool the last wave plans (today's unless it plans its own), and named for the
    # wave it is when the plan stops short of everyone.
    pool = "today's pool" if plan.waves[-1].reviewers is None else f"the {fmt.number(last.reviewers)} planned"
    cols[3].container(key="rollout_reviewers_needed").metric(
        "Reviewers needed at full rollout" if last.seat_share >= 1 else f"Reviewers needed at {markdown_safe(last.name)}",
        fmt.number(last.reviewers_needed, missing="no target"),
        delta=f"+{fmt.number(last.reviewers_to_add)} to {pool}" if last.reviewers_to_add else None,
        delta_color="inverse",  # no help: its icon cut "Reviewers needed at full rollout" at 1280 px
    )

with wave_box:
    wave_table = pd.DataFrame(tables.wave_table(report))
    st.caption(f"Costs in {currency} (per month, training once). Point at a heading for its full name.")
    st.container(key="rollout_wave_costs").dataframe(
        wave_table[
            [
                "Wave",
                "Start week",
                "End week",
                "Developers with a seat",
                "Developers added",
                "Seats",
                "Seat cost / month",
                "Usage cost / month",
                "Licence cost / month",
                "Training cost",
            ]
        ],
        hide_index=True,
        # Short headings, the full name in each heading's help: the table scrolled sideways at 1366 px.
        # No fixed widths here or below: each column is as wide as its heading or widest value (in 75 px
        # "small" columns headings such as "Licences/mo" were cut, and the monthly costs scrolled at 1280 px).
        # Counts with separators ("%,d"), as the tiles: "Seated 50000" beside "16,885" at 50,000 developers.
        column_config={
            "Start week": st.column_config.NumberColumn("Start wk", help="Start week"),
            "End week": st.column_config.NumberColumn("End wk", help="End week"),
            "Developers with a seat": st.column_config.NumberColumn(
                "Seated", help="Developers with a seat", format="%,d"
            ),
            "Developers added": st.column_config.NumberColumn("Added", help="Developers added", format="%,d"),
            "Seats": st.column_config.NumberColumn(format="%,.0f"),  # d × coverage, rounded: "%,d" cut 11.88 to 11
            **{
                name: st.column_config.NumberColumn(short, help=f"{name} ({currency})", format="%,.0f")
                for name, short in (
                    ("Seat cost / month", "Seats/mo"),
                    ("Usage cost / month", "Usage/mo"),
                    ("Licence cost / month", "Licences/mo"),
                    ("Training cost", "Training"),
                )
            },
        },
    )
    st.container(key="rollout_wave_review").dataframe(
        # Utilisation as a whole percentage, as every other page shows it (the table holds fractions).
        wave_table.assign(
            **{
                "Reviewer utilisation": wave_table["Reviewer utilisation"] * 100,
                # No wait where the queue never clears: said in words, as on the Review capacity page; a wait
                # in the Summary's words, short: "under 1 min" (it read "0.00") widened the table past 1280 px.
                "Modelled review wait (working h)": [
                    "unstable" if pd.isna(wait) else fmt.working_wait(wait, short=True)
                    for wait in wave_table["Modelled review wait (working h)"]
                ],
            }
        )[
            [
                "Wave",
                "Extra PRs / week",
                "Review h / week",
                "Review capacity h / week",
                "Reviewers",
                "Reviewers needed",
                "Reviewers to add",
                "Reviewer utilisation",
                "Modelled review wait (working h)",
                "Go / no-go",
            ]
        ],
        hide_index=True,
        column_config={  # short headings, the full name in their help (it scrolled sideways at 1366 px)
            "Extra PRs / week": st.column_config.NumberColumn(
                "Extra PRs/wk", help="Extra PRs / week", format="%,.1f"
            ),
            "Review h / week": st.column_config.NumberColumn(
                "Review h/wk", help="Review h / week: review hours the wave needs", format="%,.1f"
            ),
            "Review capacity h / week": st.column_config.NumberColumn(
                "Capacity/wk", help="Review capacity h / week", format="%,.0f"
            ),
            "Reviewers": st.column_config.NumberColumn(help="Reviewers planned for the wave", format="%,d"),
            "Reviewers needed": st.column_config.NumberColumn("Needed", help="Reviewers needed", format="%,d"),
            "Reviewers to add": st.column_config.NumberColumn("To add", help="Reviewers to add", format="%,d"),
            "Reviewer utilisation": st.column_config.NumberColumn(
                "Utilisation", help="Reviewer utilisation", format="%,.0f%%"
            ),
            "Modelled review wait (working h)": st.column_config.TextColumn(
                "Wait",
                help="Modelled review wait (working h): the queue model's mean wait for a first review, in "
                "working time, as on Review capacity (not the measured median of a gate): 'unstable' when the pool "
                "cannot keep up (utilisation ≥ 100%): it never clears.",
            ),
        },
    )
    appstate.chart(timeline_chart(report), "rollout_timeline", theme="streamlit")

with gate_box:
    # A static table wraps in sight (as a data grid it scrolled sideways at 1366 px). Each result in a few
    # words, and what to do about the unjudged ones said once below: a sentence in every row wrapped one
    # word a line beside the sidebar at 1024 px, 15 times over.
    gate_rows = tables.gate_table(report, formatted=True)
    if gate_rows:
        results = st.container(key="rollout_gate_results")
        results.table(markdown_safe_table(pd.DataFrame(gate_rows), columns=["Wave"]), hide_index=True)
        for advice in tables.gate_advice(report):
            results.caption(markdown_safe(advice))  # it names the waves
    else:  # every gate deleted, or a plan written without any: each wave goes ahead on its date
        st.caption("No gates in this plan: every wave goes ahead on its start week. Add gates in the table "
                   "above to hold a wave until its measurements pass.")

st.header("Cost by month")
cols = st.columns(3)
BUDGET = ("A budget: undiscounted and not risk-adjusted, with everyone seated counted as a user, so it differs "
          "from the costs on ROI & risk, which follow the adoption by year and add the cost risk (docs/rollout.md).")
cols[0].metric(
    "First year",
    appstate.money(report.cost_by_year[0], scenario),
    help="The plan's costs in months 1 to 12: seats and usage billing from the month each wave starts, training "
    "in that month, governance every month and the one-off set-up in month 1. " + BUDGET,
)
cols[1].metric(
    f"Over {fmt.count(scenario.finance.horizon_years, 'year')}",
    appstate.money(report.schedule[-1].cumulative_cost, scenario),
    help="The same costs over the finance horizon: the running total of the last month below. " + BUDGET,
)
cols[2].metric(  # "at full rollout" in the chip: in a third of 1024 px the label read "…per mo…"
    "Licences per month",
    appstate.money(report.waves[-1].licence_cost_per_month, scenario),
    delta="at full rollout",
    delta_color="gray",
    delta_arrow="off",
    help="Seats and usage billing a month once the last wave has its seats: Σ seats × seat price + Σ users × "
    "usage billing, every tool line.",
)
appstate.chart(monthly_cost_chart(report), "rollout_monthly_cost", theme="streamlit")
st.caption(f"Costs in {scenario.currency}, not risk-adjusted. Point at a heading for its full name.")
schedule = pd.DataFrame(tables.schedule_table(report))
st.container(key="rollout_monthly_costs").dataframe(
    schedule,
    hide_index=True,
    # Short headings, the full name in their help (it scrolled sideways at 1366 px). Each figure's column is as
    # wide as its heading (text and padding, px) or its widest value in any month (appstate.figures_width):
    # 813 px with 50,000 developers, within the 818 px grid at 1280 px with the sidebar open (838 px scrolled).
    column_config={
        "Year": st.column_config.NumberColumn(width=42),  # "Year" is 25 px: under the grid's 50 px minimum
        "Developers with a seat": st.column_config.NumberColumn(
            "Seated",
            help="Developers with a seat",
            format="%,d",
            width=appstate.figures_width(schedule["Developers with a seat"], 57),
        ),
        "Seats": st.column_config.NumberColumn(format="%,.0f", width=appstate.figures_width(schedule["Seats"], 48)),
        **{
            name: st.column_config.NumberColumn(
                short,
                help=f"{name} ({scenario.currency})",
                format="%,.0f",
                width=appstate.figures_width(schedule[name], heading_px),
            )
            for name, short, heading_px in (
                ("Seat cost", "Seat cost", 69),
                ("Usage cost", "Usage", 52),
                ("Training cost", "Training", 64),
                ("Governance cost", "Gov.", 42),  # "Governance", 86 px, scrolled the grid with 50,000 developers
                ("One-off cost", "One-off", 60),
                ("Total cost", "Total", 45),
                ("Cumulative cost", "Cumulative", 83),
            )
        },
    },
)
