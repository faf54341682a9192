"""Compare scenarios: the workshop's options side by side, and the workshop saved as one file."""

import streamlit as st

import appstate
from roi import charts, comparison
from roi import formatting as fmt
from roi.errors import RoiError
from roi.export import comparison_csv, scenario_json
from roi.safety import MAX_UPLOAD_BYTES, markdown_safe, markdown_safe_table
from roi.workshop import read_workshop

appstate.require_app(__file__)
appstate.show_notice()
current = appstate.scenario()
kept = appstate.compared()

st.title("Compare scenarios", anchor=False)
st.markdown(
    "Keep the scenario you have open, change an assumption or load other data, rename it in the sidebar "
    "(**Scenario name**) to say what changed, and keep that too: the scenarios you keep are shown side by "
    "side, each computed exactly as its own pages show it. A kept scenario is a snapshot; edits to the open "
    "scenario change only the column marked *open*."
)

left, right = st.columns(2, gap="large")
with left:
    # The name in wrapping text, not in the button: a button cuts its label to one line ("Keep 'Demo
    # organisation (120 developers)' for comparison" was 341 px of text in 200 px at 1024 px).
    st.markdown(f"The scenario open now: **{markdown_safe(current.name)}**")
    st.button(
        "Keep it for comparison",
        key="compare_keep",
        type="primary",
        icon=":material/bookmark_add:",
        on_click=appstate.keep_current,
        disabled=current in kept,
        help="Adds a snapshot of the open scenario, with every input as edited.",
    )
    if current in kept:
        st.caption("The open scenario is already kept.")
with right:
    upload_round = st.session_state.setdefault("compare_upload_round", 0)
    uploads = st.file_uploader(
        "Add saved scenario files or a workshop file",
        type=["json", "zip"],
        accept_multiple_files=True,
        key=f"compare_upload_{upload_round}",  # a new key after each good upload: an empty uploader
        help="Scenario files (.json) from the Export page, or a workshop file (.zip) saved below.",
    )
    if uploads:
        found, failed, opened, restored, unkept, unmarked = [], [], None, None, None, []
        reopened = None  # the upload whose open scenario opens again, with its exports if it holds any
        for upload in uploads:
            try:  # the exports are read below, once every file is known to be good: a failed upload stays
                # in the uploader and is read again on every click
                workshop = read_workshop(upload.name, upload.getvalue(), with_exports=False)
            except RoiError as error:
                failed.append(error)
                continue
            scenarios = list(workshop.scenarios)
            if workshop.has_exports and workshop.open_index is None:
                unmarked.append(upload.name)  # re-zipped by hand: which scenario they belong to is lost
            if workshop.open_index is not None:  # the scenario open when the workshop was saved opens again
                reopened = upload
                if workshop.open_kept:
                    opened, unkept = len(found) + workshop.open_index, None
                else:  # it opens as it was, open but not kept
                    opened, unkept = None, scenarios.pop(workshop.open_index)
            found += scenarios
        if reopened is not None and not failed:
            try:
                restored = read_workshop(reopened.name, reopened.getvalue()).exports  # with the exports loaded then
            except RoiError as error:
                failed.append(error)
        for error in failed:
            appstate.show_error(error)
        if failed:
            st.caption("Nothing was added: fix or remove the files above. The comparison is unchanged.")
        else:
            # Each scenario's left-out fields, read before keeping it (a rename would mark its name as set).
            notes = [appstate.defaulted_note(s, "its") for s in found]
            snapshots, said = [], []
            for s, note in zip(found, notes, strict=True):
                snapshot, kept_note = appstate.keep(s)
                snapshots.append(snapshot)
                said.append(" ".join(filter(None, (kept_note, note))))
            if unkept is not None and (note := appstate.defaulted_note(unkept, "its")):
                notes.append(note)
                said.append(note)
            if unmarked:  # said, not silently dropped
                notes.append(f"{fmt.file_names(unmarked)} also {'holds' if len(unmarked) == 1 else 'hold'} exports, "
                             "but no longer marks which scenario was open (zipped again by hand?), so they were not "
                             "loaded: upload them on the Data page.")
                said.append(notes[-1])
            kind = "warning" if any(notes) else "success"
            if opened is not None or unkept is not None:
                if restored is not None:  # before opening: the scenario opens on its own exports
                    appstate.restore_exports(restored)
                appstate.open_kept(snapshots[opened] if opened is not None else unkept, " ".join(said), kind)
                if restored is not None and st.session_state[appstate.EXPORTS] is restored.files:
                    count = len(restored.files)
                    kind, text = st.session_state[appstate.NOTICE]
                    st.session_state[appstate.NOTICE] = (kind, (
                        f"{text} The workshop's {count} export{'s' if count != 1 else ''} "
                        f"({fmt.file_names([name for name, _ in restored.files])}) "
                        f"{'are' if count != 1 else 'is'} loaded again, as when it was saved (the Data page lists "
                        f"{'them' if count != 1 else 'it'})."))
            else:
                st.session_state[appstate.NOTICE] = (kind, " ".join(said))
            st.session_state["compare_upload_round"] = upload_round + 1
            st.rerun()

# The kept scenarios, and the open one when it is not among them (so what you see is compared);
# its column is only renamed, so its results are the open scenario's cached ones.
pairs = [(s, appstate.results(s)) for s in kept]
if current not in kept:
    shown = current.model_copy(update={"name": f"{current.name} (open, not kept)"})
    pairs.append((shown, appstate.results()))
currencies = list(dict.fromkeys(s.currency for s, _ in pairs))
if len(pairs) < 2:
    st.info(
        "Nothing to compare yet. Keep this scenario, then change it (on any page) or load another one, and "
        "the two are shown side by side here.",
        icon=":material/compare_arrows:",
    )
else:
    st.subheader("Side by side", anchor=False)
    if mixed := comparison.mixed_currencies([s for s, _ in pairs]):
        st.warning(mixed, icon=":material/currency_exchange:")
    # every row at once, as on a projector; a sign joined to its amount ("+" ended a 1024 px cell, "€1,432,755"
    # began the next line)
    st.table(markdown_safe_table(comparison.table(pairs)).map(
        lambda cell: appstate.unbroken_amounts(cell) if isinstance(cell, str) else cell))
    differing = comparison.differences(pairs)
    st.markdown("**Inputs that differ**")
    if differing.empty:
        st.caption("None of the inputs differ.")
    else:  # what was changed in a "(2)" copy, without opening each scenario
        st.container(key="compare_inputs").table(markdown_safe_table(differing))
    with st.expander("What each figure means"):
        st.markdown("\n".join(f"- **{f.label}** — {f.help}" for f in comparison.FIGURES))
    if len(currencies) == 1:
        appstate.chart(charts.npv_comparison(comparison.values(pairs), currencies[0]), key="compare_npv")
        horizons = sorted({s.finance.horizon_years for s, _ in pairs})
        if len(horizons) > 1:  # a 5-year NPV beside 3-year ones, drawn without a word
            st.caption(f"The NPVs are over different horizons ({fmt.listed([str(h) for h in horizons])} years): a "
                       "longer one counts more years of benefits and costs (the table's Horizon row).")
    else:
        st.caption(
            f"The scenarios' money is in different currencies ({', '.join(currencies)}), so their NPVs are "
            "not drawn on one axis; the table gives each in its own currency."
        )

st.subheader("Save the workshop", anchor=False)
stem = fmt.file_stem(current.name, fallback="workshop")
saved, _ = appstate.workshop()
own = appstate.workshop_exports()
exports = len(appstate.names_in(own.files)) if own is not None else 0  # a zip archive: its files, as on the Data page
# Large ones are left out unless asked for: the file is packed again after every edit (1.6 GB: a
# minute), and one over the upload limit cannot be added back.
include = own is not None and appstate.kept_widget(
    "checkbox", f"Include the {exports} loaded export{'s' if exports != 1 else ''} ({fmt.file_size(own.size)})",
    "compare_workshop_exports", own.size <= appstate.INCLUDE_EXPORTS_UP_TO,
    help="They hold people's logins and the organisation's activity: whoever gets the workshop file can read "
    "them. Leave them out to share only the scenarios; the exports must then be uploaded again after reopening "
    f"it. Exports over {fmt.file_size(appstate.INCLUDE_EXPORTS_UP_TO)} are left out unless you tick this.",
)
data = appstate.workshop_file(include)
appstate.not_saved_warning("the workshop file")
what = f"{len(saved)} scenario{'s' if len(saved) != 1 else ''}"
if include:
    what += f", {exports} export{'s' if exports != 1 else ''}, {fmt.file_size(len(data))}"
st.download_button(
    f"Download the workshop ({what})",
    data=data,
    file_name=f"{stem}-workshop.zip",
    mime="application/zip",
    key="compare_workshop",
    icon=":material/save:",
    on_click="ignore",
    help="A zip of the scenarios compared above, the open one included as it is now, and the exports loaded "
    "on the Data page if included: add it back here to resume the workshop, with the same scenario open and "
    "the same exports loaded.",
)
if include and len(data) > MAX_UPLOAD_BYTES:
    st.warning(f"The workshop file is {fmt.file_size(len(data))}, over the {MAX_UPLOAD_BYTES / 1024**2:,.0f} MB the "
               "app accepts as an upload, so it could not be added back here: leave the exports out, and keep "
               "them to upload again.", icon=":material/warning:")
if not kept:
    st.caption("The workshop file holds the open scenario; keep scenarios (above) to save them with it.")
else:
    st.download_button(
        "Download the comparison (CSV)",
        data=comparison_csv(pairs),
        file_name=f"{stem}-comparison.csv",
        mime="text/csv",
        key="compare_csv",
        icon=":material/download:",
        on_click="ignore",
    )

    st.subheader("Kept scenarios", anchor=False)
    names = [s.name for s in kept]  # unique: the comparison names each kept scenario apart
    # By name, not position: after a removal the next scenario took the removed one's slot while the box
    # still showed the removed name, and its buttons acted on the other scenario.
    if st.session_state.get(appstate.COMPARE_PICK) not in names:
        st.session_state[appstate.COMPARE_PICK] = names[0]
    index = names.index(st.selectbox("Scenario", names, key=appstate.COMPARE_PICK))
    chosen = kept[index]
    st.caption(markdown_safe(appstate.source_line(chosen)))
    # At their own width, wrapping: in a third of the page each (127 px of label at 1024 px) they read
    # "Remove it from the …" and "Download its scena…".
    buttons = st.container(horizontal=True)
    buttons.button(
        "Open it",
        key="compare_open",
        on_click=appstate.open_compared,
        args=(index,),
        icon=":material/open_in_new:",
        disabled=chosen == current,
        help="Every page then shows this scenario; the one you had open is kept first.",
    )
    buttons.button(
        "Remove it from the comparison",
        key="compare_remove",
        on_click=appstate.drop_compared,
        args=(index,),
        icon=":material/delete:",
    )
    buttons.download_button(
        "Download its scenario file",
        data=scenario_json(chosen),
        file_name=f"{fmt.file_stem(chosen.name)}.json",
        mime="application/json",
        key="compare_scenario_file",
        icon=":material/download:",
        on_click="ignore",
    )

