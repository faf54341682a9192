"""ROI & risk: cash flow, Monte Carlo range, what drives it, break-even, and the editable assumptions."""

import pandas as pd
import streamlit as st

import appstate
from roi import charts
from roi import formatting as fmt
from roi.errors import RoiError
from roi.export.assumptions import SECTIONS, adoption_assumptions, tool_assumptions
from roi.finance import cumulative_net
from roi.safety import markdown_safe
from roi.scenario_builder import adoption_caveat
from roi.usage_cost import describe
from roi.verdict import (
    TIMING_BASIS,
    benefits_caption,
    break_even_shortfall,
    loss_chance,
    loss_reason,
    median_reason,
    payback_text,
    payback_tile,
    shortfall_advice,
    simulated,
    tone_of,
    unused_seats,
)
from roi.whatif import (
    adoption_set_aside,
    names_tool,
    npv_at_likely,
    with_horizon,
    with_measured_usage,
    with_tool_added,
    with_tool_removed,
    with_tool_renamed,
    with_value,
)

appstate.require_app(__file__)
appstate.show_notice()
scenario = appstate.scenario()
results = appstate.results()
currency = scenario.currency
f = results.finance
u = simulated(results)  # None without ranges: every draw would be the NPV
years = scenario.finance.horizon_years


def money(value, **kwargs):
    return fmt.money(value, currency, **kwargs)


st.title("ROI & risk", anchor=False)
st.caption(
    f"Risk-adjusted cash flows over {fmt.count(years, 'year')} (Forrester TEI style), discounted at "
    f"{fmt.share(scenario.finance.discount_rate)} a year. {TIMING_BASIS} {benefits_caption(scenario)}"
)

cols = appstate.tile_row(4)
cols[0].metric(
    "Net present value",
    money(f.npv, compact=True, signed=True),
    border=True,
    # The range only, P10 and P90 named in the help: "P10 +$2.2M to P90 +$5.…" was cut at 1280 px.
    delta=f"{money(u.npv_p10, compact=True, signed=True)} to {money(u.npv_p90, compact=True, signed=True)}"
    if u
    else None,
    delta_color="gray",
    delta_arrow="off",
    help="PV(benefits) − PV(costs). The chip gives the P10 to P90 range: 80% of simulated outcomes fall "
    "between P10 (the downside) and P90.",
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
    help="When cumulative undiscounted benefits first cover cumulative costs.",
)
appstate.loss_chance_metric(cols[3], results)
if reason := loss_reason(scenario, results):  # the summary's "Why:", beside the inputs that move it
    with st.container(border=True, key="finance_loss_reason"):  # a finding, not an error of the page
        # With ranges whose outcomes mostly gain (the summary's "Uncertain"), the reason is the likely values' only.
        bad = tone_of(results.finance.npv, loss_chance(results)) == "bad"
        why = "Why it does not pay back" if bad else "Why the NPV at the likely values is negative"
        st.markdown(appstate.unbroken_amounts(f":red[**{why}:**] {reason}"))

# Chart and its reading side by side, as in the sections below; the table takes the page's width: in
# half of it, on a 1366-pixel laptop, its last columns (idle seats; the cumulative too in yen) were
# scrolled out of sight.
left, right = st.columns([3, 2], gap="large")
appstate.chart(charts.cash_flow(f, currency), "finance_cash_flow", left)
with right:
    if f.idle_seat_cost > 0:
        st.markdown(
            f"**Idle-seat cost:** seats nobody uses cost **{money(f.idle_seat_cost)}** over the horizon "
            f"({money(f.idle_seat_cost_by_year[1])} in year 1, when adoption is "
            f"{fmt.percent(scenario.finance.adoption[0])}). Assign seats in waves."
        )
    elif unused := unused_seats(scenario):  # idle seats that cost nothing are still idle
        year, share = unused
        st.markdown(
            f"**Idle-seat cost:** none: {fmt.percent(share)} of seats are unused in year {year}, but they cost "
            f"nothing at {money(0)} a seat."
        )
    else:
        st.markdown("**Idle-seat cost:** none: every seat is used in every year.")
st.markdown("**Cash flows in figures**")  # the chart above is titled "Cash flow by year"
# A CFO read the cumulative −$663k beside an NPV of −$559k as a contradiction: the years are not discounted.
st.caption("Each year's amounts are risk-adjusted and not discounted, as is their cumulative sum; the Present "
           f"value row discounts them at {fmt.share(scenario.finance.discount_rate)} a year, which gives the NPV.")
rows = []
for t, (benefit, cost, net, idle, cumulative) in enumerate(
    zip(
        f.benefits_by_year,
        f.costs_by_year,
        f.net_by_year,
        f.idle_seat_cost_by_year,
        cumulative_net(f.benefits_by_year, f.costs_by_year),
        strict=True,
    )
):
    rows.append(
        {
            "Year": "0 (set-up)" if t == 0 else str(t),
            "Benefits": money(benefit),
            "Costs": money(cost),
            "Net": money(net, signed=True),
            "Cumulative": money(cumulative, signed=True),
            "Idle seats": money(idle),
        }
    )
rows.append(
    {
        "Year": "Present value",
        "Benefits": money(f.pv_benefits),
        "Costs": money(f.pv_costs),
        "Net": money(f.npv, signed=True),
        "Cumulative": "",
        "Idle seats": "",
    }
)
# As tall as its rows: at the default height (ten rows) a 10-year horizon's "Present value" was scrolled out.
st.dataframe(pd.DataFrame(rows), hide_index=True, key="finance_cash_table", height="content")

st.subheader("Uncertainty", anchor=False)
if u is None:
    st.info(
        "No uncertainty ranges in this scenario. Give low / likely / high values on the **Data** page to see "
        "the range of outcomes and what drives it.",
        icon=":material/casino:",
    )
else:
    at_likely = npv_at_likely(scenario)  # the tornado's origin; the median may sit elsewhere
    left, right = st.columns([3, 2], gap="large")
    appstate.chart(charts.npv_histogram(u, currency), "finance_histogram", left)
    with right:
        st.markdown(appstate.unbroken_amounts(
            f"Over **{u.draws:,}** simulated outcomes the NPV has a median of "
            f"**{money(u.npv_p50, compact=True, signed=True)}**; 80% fall between "
            f"**{money(u.npv_p10, compact=True, signed=True)}** (P10, the downside) and "
            f"**{money(u.npv_p90, compact=True, signed=True)}** (P90). The chance of a loss (NPV ≤ 0) is "
            f"**{fmt.chance(loss_chance(results))}**."
        ))
        top = u.tornado[0] if u.tornado else None
        if top is not None:
            st.markdown(
                f"The input that moves the result most is **{fmt.input_label(top.input, in_sentence=True)}**: "
                f"from its P10 to its P90 it swings the NPV by **{money(top.swing, compact=True)}**. "
                "Measure it first."
            )
        reason = median_reason(scenario, results, at_likely)
        if reason:
            st.markdown(appstate.unbroken_amounts(reason))
        st.caption(
            f"{scenario.uncertainty.distribution.upper()} distributions on each low / likely / high range. "
            "Tornado below: NPV with one input at its P10 or P90 and the others at their likely values."
        )
    if u.tornado:  # null when the scenario's uncertainty section has no ranges
        appstate.chart(charts.tornado(u, at_likely, currency), "finance_tornado")

st.subheader("Break-even", anchor=False)
left, right = st.columns([3, 2], gap="large")
appstate.chart(
    charts.break_even(results.productivity.net_hours, f.break_even_net_hours), "finance_break_even", left
)
with right:
    shortfall = break_even_shortfall(results)
    if shortfall is None:
        st.markdown(
            "No break-even: the benefits do not depend on the hours gained (no adoption or no capture)."
        )
    else:
        needed, today = (
            fmt.hours(f.break_even_net_hours, digits=2),
            fmt.hours(results.productivity.net_hours, digits=2),
        )
        st.markdown(
            f"The tool pays for itself at **{needed} net per developer-week**. "
            + (
                f"Today's {today} is **{fmt.hours(shortfall, digits=2)} short**: {shortfall_advice(results)}"
                if shortfall > 0
                else f"Today's {today} clears it by {fmt.hours(-shortfall, digits=2)}."
            )
        )

st.subheader("Assumptions", anchor=False)
st.caption("Every change recalculates the whole app and is kept when you switch pages.")
# The tiles are a screen or two above the boxes: a change's effect, in sight while typing in front of a room.
st.markdown(appstate.unbroken_amounts(
    f"**Now:** NPV {money(f.npv, compact=True, signed=True)} · ROI "
    f"{fmt.percent(f.roi, signed=True, digits=1, missing='no costs')} · payback {payback_text(results)} · "
    f"chance of a loss {fmt.chance(loss_chance(results), missing='not simulated')}"),
    help="The tiles at the top of the page, repeated beside the assumptions.",
)


HORIZON = "Horizon (years)"


def change_horizon() -> None:
    if st.session_state["finance_horizon"] is None:  # emptied: keep the horizon, as for every assumption
        st.session_state["finance_horizon_error"] = (
            "Give the horizon in years (1 to 10); the earlier value is kept."
        )
        return
    current, years = appstate.scenario(), int(st.session_state["finance_horizon"])
    remembered = appstate.cut_adoption(current)
    notice = None
    try:
        changed = with_horizon(current, years, remembered)
    except RoiError as error:
        if not remembered:
            st.session_state["finance_horizon_error"] = appstate.refused_edit(HORIZON, "finance.horizon_years", error)
            return
        try:  # the years set aside no longer fit (fewer seats since): the later years repeat the last share
            changed = with_horizon(current, years)
        except RoiError:
            st.session_state["finance_horizon_error"] = appstate.refused_edit(HORIZON, "finance.horizon_years", error)
            return
        restored = ", ".join(fmt.percent(share) for share in remembered[: years - current.finance.horizon_years])
        notice = (f"The adoption set aside for the later years ({restored}) was not brought back: {error.message}. "
                  "Those years repeat the last year's share; edit them under Adoption.")
        remembered = ()
    appstate.set_scenario(changed, notice, kind="warning")
    # The years beyond the new horizon, as the user had them: a longer horizon brings them back.
    st.session_state[appstate.CUT_ADOPTION] = (changed, adoption_set_aside(current, years, remembered))


NEW_TOOL_NAME, NEW_TOOL_PRICE = "finance_new_tool_name", "finance_new_tool_price"
PRICE_LABEL = f"List price per seat ({currency}/seat-month)"
NO_TOOLS = (
    "No AI tool licences in this scenario: its costs are training, set-up and governance only, so the NPV "
    "counts no seat or usage cost. Add a tool below to price its licences."
)


def remove_tool(index: int) -> None:
    current = appstate.scenario()
    try:
        removed = with_tool_removed(current, index)
    except RoiError as error:  # a button of a line already gone (two clicks in one run)
        st.session_state["finance_tool_error"] = error.describe(field=False)
        return
    name = current.costs.tools[index].name
    ranged = len(removed.uncertainty.ranges if removed.uncertainty else {}) < len(
        current.uncertainty.ranges if current.uncertainty else {}
    )
    if not removed.costs.tools:  # allowed, as a scenario file without tools is: said, not refused
        appstate.set_scenario(removed, f"Removed “{name}”. {NO_TOOLS}", kind="warning")
        return
    appstate.set_scenario(
        removed, f"Removed “{name}”" + (" and its uncertainty ranges." if ranged else ".")
    )


def add_tool() -> None:
    name, price = st.session_state[NEW_TOOL_NAME], st.session_state[NEW_TOOL_PRICE]
    if price is None:
        st.session_state["finance_new_tool_error"] = f"Give a value for “{PRICE_LABEL}”; the tool was not added."
        return
    try:
        added = with_tool_added(appstate.scenario(), {"name": name or "", "price_per_seat_month": float(price)})
    except RoiError as error:
        field = error.field or ""
        shown = "Name" if field.endswith(".name") else PRICE_LABEL
        st.session_state["finance_new_tool_error"] = appstate.refused_edit(
            shown, field, error, outcome="the tool was not added"
        )
        return
    st.session_state[NEW_TOOL_NAME], st.session_state[NEW_TOOL_PRICE] = "", None  # ready for another
    k = len(added.costs.tools)
    appstate.set_scenario(
        added,
        f"Added “{added.costs.tools[-1].name}” as tool {k}: set its usage billing and seat coverage below "
        "(none and 100% until you do).",
    )


def tool_lines() -> None:
    """Each licence line: its name (editable), a remove button, its numbers; then a form to add one."""
    for number, items in tool_assumptions(scenario):
        index = number - 1
        st.markdown(f"**{markdown_safe(scenario.costs.tools[index].name)}**")
        # A row that wraps, the button at its own width: in a quarter of 1024 px "Remove this tool" was cut.
        row = st.container(horizontal=True, vertical_alignment="bottom")
        appstate.text_field(
            f"Tool {number}: name",
            f"costs.tools.{index}.name",
            f"finance_tool_{number}_name",
            help="Shown in the exported workbook too; two tools cannot share a name.",
            # Bound now: the callback runs in the next run, when the loop's index has moved on.
            edit=lambda current, name, index=index: with_tool_renamed(current, index, name),
            container=row,
        )
        row.button(
            "Remove this tool",
            key=f"finance_tool_{number}_remove",
            icon=":material/delete:",
            on_click=remove_tool,
            args=(index,),
            help="Drops this licence line and its uncertainty ranges; every number recalculates.",
        )
        appstate.assumption_rows(items, "finance")
    if error := st.session_state.pop("finance_tool_error", None):
        st.error(error, icon=":material/error:")
    if not scenario.costs.tools:
        st.info(NO_TOOLS, icon=":material/info:")
    with st.container(border=True, key="finance_add_tool_box"):
        st.markdown("**Add a tool**")
        # As the tools' rows: fields that share what the button, at its own width, leaves; wrapping when narrow.
        row = st.container(horizontal=True, vertical_alignment="bottom")
        failed = st.session_state.pop("finance_new_tool_error", None)
        row.text_input("Name", key=NEW_TOOL_NAME, placeholder="e.g. Cursor Business")
        row.number_input(
            PRICE_LABEL,
            value=None,  # no price guessed: an empty box is refused, not taken as free
            min_value=0.0,
            step=0.5,
            format="%.2f",
            key=NEW_TOOL_PRICE,
        )
        row.button("Add a tool", key="finance_add_tool", icon=":material/add:", on_click=add_tool)
        if failed:  # under the row: the field it names is in the message
            st.error(failed, icon=":material/error:")
        st.caption("Usage billing and seat coverage start at none and 100%; edit them above once it is added.")


NEW_LINE = -1
"""The tool-line choice that adds a line for the measured tool instead of pricing an existing one."""


def use_measured(number: int, per_dev_month: float, tool: str) -> None:
    """Set the chosen tool line's usage billing to the figure measured in the exports (or add a line)."""
    chosen = st.session_state[f"finance_usage_tool_{number}"]
    current = appstate.scenario()
    try:
        changed, index = with_measured_usage(current, None if chosen == NEW_LINE else chosen, tool, per_dev_month)
    except RoiError as error:  # a line removed since the page was drawn, or a name already taken
        message = error.describe(field=False)
        st.session_state["finance_usage_error"] = fmt.capitalised(message)
        return
    line = changed.costs.tools[index]
    appstate.set_scenario(
        changed,
        f"Usage billing of “{line.name}” set to {money(line.usage_per_dev_month, digits=2)} per active "
        f"developer-month, as measured in the {tool} usage export"
        + (" (a new line, with no seat price)." if index == len(current.costs.tools) else "."),
    )


def measured_usage() -> None:
    """Usage billing measured in the loaded usage exports, and a button to use it for a tool line."""
    costs = appstate.usage_costs()
    if not costs:
        return
    with st.container(border=True, key="finance_measured_usage_box"):
        st.markdown("**Measured usage billing**")
        for number, cost in enumerate(costs):
            st.markdown(markdown_safe(describe(cost)))
            if cost.currency.upper() != currency.upper():
                st.caption(
                    f"The scenario is in {markdown_safe(currency)} and the export in {cost.currency}: convert "
                    "it before entering it as a tool's usage billing."
                )
                continue
            names = [tool.name for tool in scenario.costs.tools]
            # Only a line named after the tool is chosen for the user: Claude Code's usage on a Copilot line would
            # price the wrong tool's adoption.
            match = next((i for i, name in enumerate(names) if names_tool(name, cost.tool)), None)
            # No "new line" once a line is named after the tool: a second one would be refused, and a widget whose
            # chosen option is gone starts again from the line that matches.
            choices = [*range(len(names)), *([NEW_LINE] if match is None else [])]
            row = st.container(horizontal=True, vertical_alignment="bottom")
            row.selectbox(
                "Tool line",
                choices,
                index=choices.index(NEW_LINE if match is None else match),
                format_func=lambda i, tool=cost.tool: f"A new line: {tool} (no seat price)" if i == NEW_LINE
                else names[i],
                key=f"finance_usage_tool_{number}",
            )
            row.button(
                "Use as its usage billing",
                key=f"finance_usage_use_{number}",
                on_click=use_measured,
                args=(number, cost.per_dev_month, cost.tool),
                help="Sets the tool line's usage billing per active developer-month to this figure.",
            )
        if error := st.session_state.pop("finance_usage_error", None):
            st.error(error, icon=":material/error:")
        st.caption(
            "From the estimated cost per person and day in Claude Code's usage report, for organisations on "
            "API billing (on a subscription the seat pays for the usage). See docs/metrics.md."
        )


sections = dict(SECTIONS)
# Keyed: the tab stays open across reruns. Unkeyed, an edit that made the "Why it does not pay back" box
# appear above them (a licence price raised) drew the tabs afresh on "Finance", away from the edited box.
tabs = appstate.kept_tabs(["Finance", "Adoption", "Licences and costs", "Team", "Quality"], "finance_tab")
with tabs[0]:
    st.session_state["finance_horizon"] = years
    st.columns(3)[0].number_input(
        HORIZON,
        value=None,  # can be emptied (with the default, an emptied box became 1 year): see change_horizon
        step=1,  # no min or max: the browser kept a typed 50 in the box beside a 3-year NPV; the rule says it
        key="finance_horizon",
        on_change=change_horizon,
        help="Forrester TEI convention: 3 years. A shorter horizon sets the adoption of the later years aside, "
        "and a longer one brings it back; years never set take the last year's adoption (edit them under "
        "Adoption).",
    )
    if error := st.session_state.pop("finance_horizon_error", None):
        st.error(error)
    appstate.text_field(
        "Currency (ISO code: USD, EUR, GBP …)",
        "currency",
        "finance_currency",
        help="Every amount in the app and the workbook is in this currency. Changing it converts nothing: type "
        "the loaded cost per hour, the seat prices and the other costs in the new currency.",
        edit=lambda current, code: with_value(current, "currency", code.strip().upper()),
        container=st.columns(3)[0],
    )
    appstate.assumption_rows(list(sections["Finance"]), "finance")
with tabs[1]:
    if measured := adoption_caveat(scenario):
        st.info(measured, icon=":material/info:")
    appstate.assumption_rows(adoption_assumptions(scenario), "finance")
with tabs[2]:
    if licences := appstate.licence_caveat(scenario):
        st.warning(licences, icon=":material/info:")
    tool_lines()
    measured_usage()
    appstate.assumption_rows(list(sections["Costs"]), "finance")
with tabs[3]:
    appstate.assumption_rows(list(sections["Team"]), "finance")
with tabs[4]:
    appstate.assumption_rows(list(sections["Quality"]), "finance")
