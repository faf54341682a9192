"""Streamlit entry point: page set-up, session state, the sidebar and navigation.

Run with ``streamlit run app.py`` (or ``make run``).  Pages live in ``pages/``; every number
they show comes from the ``roi`` package; shared state and caching are in ``appstate.py``.
"""

import streamlit as st

import appstate

st.set_page_config(
    page_title="AI Coding Assistant ROI",
    page_icon=":material/insights:",
    layout="wide",
    initial_sidebar_state="expanded",
)
appstate.init()
appstate.page_styles()

pages = [
    st.Page("pages/summary.py", title="Executive summary", icon=":material/insights:", default=True),
    st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
    st.Page("pages/productivity.py", title="Productivity", icon=":material/speed:"),
    st.Page("pages/review.py", title="Review capacity", icon=":material/groups:"),
    st.Page("pages/finance.py", title="ROI & risk", icon=":material/payments:"),
    st.Page("pages/rollout.py", title="Rollout plan", icon=":material/flag:"),
    st.Page("pages/compare.py", title="Compare scenarios", icon=":material/compare_arrows:"),
    st.Page("pages/export.py", title="Export", icon=":material/download:"),
]
page = st.navigation(pages)
# Each page its own browser title: with one for the whole app, tabs and screen readers could not tell them apart.
st.set_page_config(page_title=f"{page.title} · AI Coding Assistant ROI")
linked = st.session_state.pop(appstate.DEEP_LINK, None)  # a page asked for by its address (require_app)
wanted = next((p for p in pages if p.url_path == linked and p.url_path != page.url_path), None)
if wanted is not None:
    st.switch_page(wanted)

with st.sidebar:
    current = appstate.scenario()
    appstate.text_field(
        "Scenario name", "name", key="sidebar_name", help="Shown on every page and in the exported workbook."
    )
    st.caption(appstate.source_line(current))
    st.button(
        "Keep for comparison",
        key="sidebar_keep",
        on_click=appstate.keep_current,
        icon=":material/bookmark_add:",
        disabled=current in appstate.compared(),
        help="Keep a snapshot of this scenario to compare it with others on the Compare scenarios page.",
    )
    # Saving the whole workshop (kept scenarios and exports) was only found on Compare scenarios.
    st.page_link("pages/compare.py", label="Save or open the workshop", icon=":material/save:",
                 help="The workshop file (on Compare scenarios) holds the kept scenarios, the open one and the "
                 "loaded exports; open it there to resume the workshop.")
    st.button(
        "Reset to the demo organisation",
        key="sidebar_reset",
        on_click=appstate.reset,
        icon=":material/restart_alt:",
        help="Forget uploads and edits and start again from the demo data (kept scenarios stay).",
    )
    if appstate.undo_available():
        st.button("Undo the reset", key="sidebar_undo_reset", on_click=appstate.undo_reset, icon=":material/undo:",
                  help="Bring back the scenario, loaded exports and what-ifs as they were before the reset.")

st.session_state[appstate.PAGE] = page.url_path
try:
    page.run()
finally:  # also when the page reruns or stops: what it changed is what a reload must bring back
    appstate.remember()
