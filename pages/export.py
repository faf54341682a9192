"""Export: the stakeholder workbook, and the scenario file that saves and resumes the open scenario exactly.

The whole workshop (the scenarios kept and the loaded exports) is saved on Compare scenarios."""

import pandas as pd
import streamlit as st

import appstate
from roi import formatting as fmt
from roi.errors import RoiError
from roi.export import metrics_csv, scenario_json
from roi.models import notes_added, parse_scenario
from roi.safety import markdown_safe
from roi.workbook_edits import edits_summary, read_edited_workbook

EDITS_READ = "export_edits_read"
"""(file name, :class:`roi.workbook_edits.EditedWorkbook`) of the last workbook opened, listed while it is open."""

appstate.require_app(__file__)
appstate.show_notice()
scenario = appstate.scenario()
stem = fmt.file_stem(scenario.name)

st.title("Export", anchor=False)
st.caption(f"**{markdown_safe(scenario.name)}** · {appstate.source_line(scenario)}")

metrics = appstate.scenario_metrics()
appstate.not_saved_warning("the workbook or the scenario file below")

st.subheader("Stakeholder workbook (Excel)", anchor=False)
st.markdown(
    "A live Excel model: the summary and checklist, every assumption as a named input cell with its "
    "source, and productivity, review capacity and cash-flow sheets whose formulas recalculate when an "
    "assumption changes. Also the rollout plan, the sensitivity analysis and, when exports are loaded, the "
    "measured metrics with their intervals. Keep editing it in Excel: the assumptions, waves, gates and the "
    "checklist's statuses, owners and notes. To bring those edits back into the app, open the edited workbook "
    "under **Resume** below."
)
include_tables, pseudonymise = False, True
if appstate.loaded() is not None and scenario.measurement is not None:
    include_tables = st.checkbox(
        "Include the event tables (one sheet each; a larger file that takes longer)",
        key="export_tables",
        value=False,
    )
    pseudonymise = st.checkbox(
        "Pseudonymise developers in the event tables",
        key="export_pseudonymise",
        value=True,
        disabled=not include_tables,
        help="Logins and e-mail addresses become dev-… codes (a salted hash that is the same for one person in "
        "every table, and different in every session). Bot accounts keep their names.",
    )
try:
    with st.spinner("Building the workbook…"):
        workbook = appstate.workbook(include_tables, pseudonymise)
except RoiError as error:
    appstate.show_error(error)
else:
    st.download_button(
        "Download the workbook",
        data=workbook,
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="export_workbook",
        type="primary",
        icon=":material/table:",
        on_click="ignore",
    )
    st.caption(f"{fmt.file_size(len(workbook))} · opens in Excel, LibreOffice Calc and Google Sheets.")

st.subheader("Save and resume this scenario", anchor=False)
left, right = st.columns(2, gap="large")
with left:
    st.markdown("**Save** every input of this scenario, as edited, to a file you can keep, mail or version.")
    st.download_button(
        "Download the scenario file",
        data=scenario_json(scenario),
        file_name=f"{stem}.json",
        mime="application/json",
        key="export_scenario",
        icon=":material/save:",
        on_click="ignore",
    )
    st.caption(
        "The file holds this one scenario: its inputs and the names of the exports they were measured from, "
        "not the exports themselves, nor the scenarios kept for comparison. To save the whole workshop (the "
        "scenarios kept and the loaded exports), download the workshop on **Compare scenarios**."
    )
with right:
    st.markdown(
        "**Resume** from a saved scenario file, or from a workbook exported here and edited in Excel (its "
        "assumptions, waves, gates and checklist as they are now): every page shows it at once."
    )
    # A workshop (.zip) is taken too, to say where it opens, and LibreOffice's .ods, to say to save it as .xlsx:
    # Streamlit's own refusal ("application/zip files are not allowed") said neither.
    upload = st.file_uploader("Scenario file or edited workbook", type=["json", "xlsx", "zip", "ods"],
                              key="export_scenario_upload",
                              help="A workshop file (.zip: kept scenarios and exports) opens on **Compare "
                              "scenarios**.")
    if upload is None:  # removed (or a new visit): the same file chosen again is opened again
        st.session_state.pop("export_loaded", None)
    elif upload.name.lower().endswith(".zip"):
        appstate.show_error(f"{upload.name} is a zip archive, which this box does not open: a workshop file opens "
                            "on Compare scenarios (\"Add saved scenario files or a workshop file\"), with its kept "
                            "scenarios and exports; a zip of exports is loaded on the Data page. The current scenario "
                            "is unchanged.")
        st.page_link("pages/compare.py", label="Open it on Compare scenarios", icon=":material/arrow_forward:")
    else:
        content = upload.getvalue()
        done = appstate.digest(((upload.name, content),))
        if st.session_state.get("export_loaded") != done:
            edits = None
            try:
                if content[:4] == b"PK\x03\x04" and upload.name.lower().endswith(".xlsx"):
                    with st.spinner("Reading the workbook's edits…"):
                        edits = read_edited_workbook(content, upload.name)
                    loaded = edits.scenario
                    st.session_state[EDITS_READ] = (upload.name, edits)
                else:
                    loaded = parse_scenario(content, source=upload.name)
            except RoiError as error:
                appstate.show_error(fmt.ended(error.describe()) + " The current scenario is unchanged.")
            else:
                st.session_state["export_loaded"] = done
                notice = f"Scenario '{loaded.name}' loaded from {upload.name}."
                if edits is not None:
                    notice += " " + " ".join((edits_summary(edits), *edits.notes))
                # What opening it changed (an uncertainty range no draw used, dropped).
                added = [] if edits is not None else notes_added(loaded, content)
                left_out = appstate.defaulted_note(loaded)  # an older version's file lacks the newer fields
                if left_out or added:
                    appstate.resume(loaded, " ".join((notice, *added, *filter(None, [left_out]))), "warning")
                else:  # edits the workbook holds but the scenario cannot (a what-if): a warning
                    appstate.resume(loaded, notice, "warning" if edits is not None and edits.notes else "success")
                st.rerun()
# Below both columns, at the page's width: in the right column its Before and After were scrolled out of
# sight at 1280 px.
read_back = st.session_state.get(EDITS_READ)
if read_back is not None and read_back[1].scenario == scenario and read_back[1].edits:
    with st.expander(f"Every edit read from {markdown_safe(read_back[0])}"):
        st.dataframe(
            pd.DataFrame([{"Cell": edit.cell, "Input": edit.label, "Before": edit.before, "After": edit.after}
                          for edit in read_back[1].edits]),
            hide_index=True,
            key="export_edits_read",
        )

if metrics is not None:
    st.subheader("Measured metrics (CSV)", anchor=False)
    st.markdown(
        "Every measured metric with its change, 95% interval, p-value and sample sizes, for your own "
        "analysis."
    )
    st.download_button(
        "Download the metrics",
        data=metrics_csv(metrics),
        file_name=f"{stem}-metrics.csv",
        mime="text/csv",
        key="export_metrics",
        icon=":material/download:",
        on_click="ignore",
    )
