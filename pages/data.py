"""Data: exports (measured), estimates (form or template) or published research, and what was measured."""

import hashlib
import zoneinfo
from datetime import date

import pandas as pd
import streamlit as st

import appstate
from roi import formatting as fmt
from roi.archive import EXPORT_TYPES, shown_name
from roi.errors import RoiError
from roi.ingest import generic, suggest_adoption_date
from roi.ingest.template import METRICS as TEMPLATE_METRICS
from roi.ingest.template import (
    SHARES,
    VALUE_KEYS,
    cell_text,
    template_csv,
    template_xlsx,
    typed_estimates,
)
from roi.metrics import DEFINITIONS, MIN_SAMPLE
from roi.percent_slip import percent_meant, slipped_in_row
from roi.safety import markdown_safe
from roi.scenario_builder import before_after_reason, week_units
from roi.whatif import apply_finding, estimate_range_moved, estimates_of, with_estimates

CHANGE_NOTE = (
    "Baseline {before} weeks, post period {after} weeks. **Change** is after / before − 1. "
    "The **95% interval** is the range of changes the data are consistent with, at 95% confidence "
    "(a cluster bootstrap: developers resampled for PR metrics; days, deployments, incidents or "
    "deployed changes for team metrics): when it spans 0%, the data cannot tell a rise from a fall. "
    "The **p-value** (two-sided Mann–Whitney U test) is the chance of a difference at least this large "
    "if adoption had changed nothing: below 0.05, chance alone is an unlikely explanation. With fewer "
    "than {few} events in a period, both are left out (too few events)."
)
"""The measured table's caption: what its Change, 95% interval and p-value columns mean, in plain words.

roi.metrics.DEFINITIONS["change"] (the docs' and the workbook's definition) also names the effect size,
which this table does not show."""

appstate.require_app(__file__)
appstate.show_notice()
scenario = appstate.scenario()

st.title("Data", anchor=False)
st.caption(
    f"The scenario now: **{markdown_safe(scenario.name)}** · {appstate.source_line(scenario)}. "
    "Measured exports give the most convincing case; estimates and published research get you started."
)

# Keyed: the tab stays open across reruns. Unkeyed, the notice that appears above it after "Use these
# estimates" or a filled-in template redrew the tabs on "Your exports", showing the demo's measurements.
tab_exports, tab_estimates, tab_research = appstate.kept_tabs(
    ["Your exports", "Estimates", "Published research"], "data_tab"
)

# --- Exports ---------------------------------------------------------------------------------
UPLOAD_ERROR = "data_upload_error"  # (digest of the files in the uploader, message)
UPLOAD_ROUND = "data_upload_round"
REPLACED = appstate.REPLACED_EXPORTS
"""(files, adoption date, ramp weeks, scenario) of the user's exports an upload replaced, until the next upload:
removing the files an upload refused left one in the uploader, which replaced eight loaded exports unasked."""
"""Bumped after each good upload: the uploader is drawn afresh (empty) under a new key.

Streamlit deep-copies a file uploader's files on every run of its page, so 1.6 GB of exports left
in it made each click on this page copy them again (4–5 s, and twice their size in memory); the
files live on in the session (appstate.EXPORTS) and are listed under "Loaded exports"."""


def uploader_key() -> str:
    """The exports uploader's key in this round."""
    return f"data_uploader_{st.session_state.get(UPLOAD_ROUND, 0)}"


def with_loaded(files: appstate.Files) -> appstate.Files:
    """``files`` added to the user's loaded exports (the toggle is only offered then); a namesake is replaced."""
    names = {name for name, _ in files}
    return tuple(item for item in appstate.loaded()[0] if item[0] not in names) + files


def handle_upload(files: appstate.Files) -> None:
    """New files in the uploader: read them; on success measure and apply, else keep the earlier data."""
    key = appstate.read_key(files)  # a new column mapping reads the same files again
    if st.session_state.get("data_last_upload") == key:
        return  # a failed upload still in the uploader: already reported (Streamlit reruns on every click)
    st.session_state["data_last_upload"] = key
    st.session_state.pop(UPLOAD_ERROR, None)
    try:
        with st.spinner(f"Reading {len(files)} file{'s' if len(files) != 1 else ''}…"):
            dataset = appstate.read(files)
    except RoiError as error:
        st.session_state[UPLOAD_ERROR] = (key, error.describe())
        return  # nothing changed: the earlier exports and scenario stay
    before = appstate.loaded() if st.session_state[appstate.EXPORTS] != appstate.DEMO else None  # the user's own
    dropped = [name for name, _ in before[0] if name not in {n for n, _ in files}] if before else []
    previous = (*before, appstate.scenario()) if before and dropped else None
    suggested = suggest_adoption_date(dataset)
    adoption = suggested or st.session_state.get(appstate.ADOPTION_DATE)
    saved = appstate.scenario().measurement
    resumed = saved is not None and appstate.measured_from(files, saved.sources)
    if resumed:  # the files a resumed scenario was measured from: its own adoption date and ramp
        adoption = saved.adoption_date
        st.session_state[appstate.RAMP_WEEKS] = saved.ramp_weeks
    if adoption is None:
        appstate.use_exports(files, None, 0)
        st.session_state[appstate.NOTICE] = (
            "info",
            "Exports read. Choose the day the AI tool was rolled out to split them into before and after.",
        )
    else:
        with st.spinner("Measuring before and after adoption…"):
            message = appstate.apply_measurement(
                files, adoption, st.session_state.get(appstate.RAMP_WEEKS, 0)
            )
        if message:  # read, but not measured at this date: loaded, so that another date can be chosen
            appstate.use_exports(files, adoption, st.session_state.get(appstate.RAMP_WEEKS, 0))
            st.session_state["data_measure_error"] = message  # shown once, under the adoption date
            st.session_state[appstate.NOTICE] = (
                "warning",
                f"The exports are loaded but could not be measured with AI adopted {adoption:%d %b %Y} (the "
                "reason is under the adoption date below). Until they are measured, the scenario keeps its "
                "earlier numbers.",
            )
        elif suggested is None and not resumed and appstate.scenario().measurement is not None:
            # Measured at the date in use before (the demo's, say): ask to check it.
            _, measured_notice = st.session_state[appstate.NOTICE]
            st.session_state[appstate.NOTICE] = (
                "warning",
                f"{measured_notice} These exports do not show when AI was adopted (no AI tool seats or usage), so the "
                "date in use before was kept: set your rollout date under **AI adoption date** below.",
            )
    if UPLOAD_ERROR not in st.session_state:  # read and measured: an empty uploader for the next files
        st.session_state[UPLOAD_ROUND] = st.session_state.get(UPLOAD_ROUND, 0) + 1
        del st.session_state["data_last_upload"]
        st.session_state.pop("data_upload_add", None)  # the next upload replaces, unless asked again
    st.session_state[REPLACED] = previous
    if previous is not None:
        kind, text = st.session_state.get(appstate.NOTICE) or ("success", "")
        count = f"{len(dropped)} export{'s' if len(dropped) != 1 else ''}"
        st.session_state[appstate.NOTICE] = (kind, f"{text} It replaced {count} loaded before "
                                             f"({fmt.file_names(dropped)}): **Bring back the exports loaded "
                                             "before** undoes it.".strip())
    st.rerun()  # redraw everything (sidebar, captions) on the new data


def bring_back_replaced() -> None:
    """Undo the upload that replaced the user's exports: those files, their adoption date and the scenario (none
    kept after "Stop using these exports", which left the scenario as it was: edits made since stay)."""
    files, adoption, ramp, scenario = st.session_state.pop(REPLACED)
    appstate.use_exports(files, adoption, ramp)
    count = f"{len(files)} export{'s' if len(files) != 1 else ''}"
    if scenario is None:
        st.session_state[appstate.NOTICE] = ("success", f"Back to the {count} loaded before; the scenario is as it "
                                             "was.")
        return
    appstate.set_scenario(scenario, f"Back to the {count} loaded before and the scenario measured from them.")


def stop_using_exports() -> None:
    """Unload the user's exports (the scenario keeps what was measured), keeping them to bring back."""
    files, adoption, ramp = appstate.loaded()
    st.session_state[REPLACED] = (files, adoption, ramp, None)  # the scenario does not change: nothing to undo
    appstate.use_exports(None, None, 0)
    count = f"{len(files)} export{'s' if len(files) != 1 else ''}"
    # Replaces the upload's notice, which pointed at an adoption date no longer shown.
    st.session_state[appstate.NOTICE] = (
        "info", f"Stopped using {count} ({fmt.file_names([name for name, _ in files])}). **Bring back the exports "
        "loaded before** undoes it.")


NO_COLUMN = "(none)"


def mapping_widgets(name: str, table: pd.DataFrame, current: dict[str, str], section: str) -> dict[str, str]:
    """The choices of what ``name`` holds and which of its columns holds each of ours (``current``, a saved
    mapping or the proposal from its header, on the first draw); returns the mapping chosen."""
    key = f"map_{section}_{hashlib.sha256(name.encode()).hexdigest()[:12]}"
    st.dataframe(table.head(5), hide_index=True, key=f"{key}_preview")
    tables = list(generic.MAPPABLE)
    chosen = st.selectbox(
        "The file holds", tables, key=f"{key}_table",
        index=tables.index(current["table"]) if current.get("table") in tables else None,
        format_func=generic.TABLE_TITLES.get, placeholder="Choose what one row of the file is",
    )
    if chosen is None:
        return {}
    columns = [NO_COLUMN, *table.columns]
    mapping = {"table": chosen}
    with st.container(horizontal=True):
        for ours, required in generic.MAPPABLE[chosen].items():
            theirs = (current if current.get("table") == chosen else generic.propose(table.columns, chosen)).get(ours)
            picked = st.selectbox(
                f"{ours.replace('_', ' ').capitalize()}{' (required)' if required else ''}", columns,
                key=f"{key}_{chosen}_{ours}",
                index=columns.index(theirs) if theirs in columns else 0, width=220,
                help=generic.COLUMN_HELP[chosen][ours],
            )
            if picked != NO_COLUMN:
                mapping[ours] = picked
    return mapping


def map_columns(files: appstate.Files, tables: dict[str, pd.DataFrame], *, loaded: bool, hinted: bool = False
                ) -> None:
    """The column-mapping step for files in no known format: ``tables`` (file name -> first rows), each
    mapped from the proposal or its saved mapping; once every mapping is complete, the files are read
    with them (``loaded``: the files in use are measured again; else the upload goes on). ``hinted``: the
    step's lead said what a file almost in a known format lacks, so it is not said again under its name."""
    saved = st.session_state[appstate.COLUMN_MAPPINGS]
    hints = {} if hinted else appstate.mapping_hints(files)
    chosen = {}
    for name, table in tables.items():
        st.markdown(f"**{markdown_safe(name)}**")
        if name in hints:  # an export missing a column: exporting it again may be the better fix
            st.caption(f"It {markdown_safe(hints[name])}: export it again with every column, or map its "
                       "columns here.")
        chosen[name] = mapping_widgets(name, table, saved.get(name) or generic.suggest_mapping(table.columns),
                                       "loaded" if loaded else "upload")
    label = "Read the files with these columns" if len(tables) > 1 else "Read the file with these columns"
    if not st.button(label, key=f"data_map_apply_{'loaded' if loaded else 'upload'}", type="primary"):
        return
    unchosen = [name for name, mapping in chosen.items() if not mapping.get("table")]
    if unchosen:  # said in the step's words ("the column mapping must name a table: one of pull_requests, …")
        appstate.show_error(f"{fmt.file_names(unchosen)}: choose what the file holds under **The file holds**, "
                            "then which of its columns holds each of ours.")
        return
    try:
        for name, mapping in chosen.items():
            generic.validate_mapping(name, mapping, tables[name].columns)
    except RoiError as error:
        appstate.show_error(error)
        return
    before = dict(saved)
    st.session_state[appstate.COLUMN_MAPPINGS] = {**saved, **chosen}
    found = appstate.loaded()
    if loaded and found is not None and found[1] is not None:
        message = appstate.apply_measurement(*found)
        if message:  # the files could not be read or measured this way: keep the mapping that could
            st.session_state[appstate.COLUMN_MAPPINGS] = before
            appstate.show_error(message)
            return
    st.rerun()


TIMEZONES = ["UTC", *sorted(z for z in zoneinfo.available_timezones()
                             if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))]
"""The zones offered for times without an offset: UTC, then the IANA regions (Europe/Berlin, …)."""


def rezone() -> None:
    """The time zone changed: read the loaded exports again in it, and measure again."""
    st.session_state[appstate.TIMEZONE] = st.session_state["data_timezone"]
    found = appstate.loaded()
    if found is not None and found[1] is not None:
        message = appstate.apply_measurement(*found)
        if message:
            st.session_state["data_measure_error"] = message


def remeasure() -> None:
    """The adoption date or ramp changed: measure again and apply."""
    found = appstate.loaded()
    if found is None:
        return
    adoption, ramp = st.session_state["data_adoption"], int(st.session_state["data_ramp"])
    message = appstate.apply_measurement(found[0], adoption, ramp)
    if message:
        st.session_state["data_measure_error"] = message
        appstate.use_exports(found[0], adoption, ramp)


with tab_exports:
    st.markdown(
        "Upload every export you have, all at once: GitHub pull requests and reviews (REST, `gh` or "
        "GraphQL), GitLab merge requests (the REST list has no sizes; GraphQL pages have them), their notes (reviews), "
        "deployments and issues, "
        "Copilot metrics, usage or seats (API JSON, or the seat activity report CSV), Cursor or Claude Code usage (Admin/Analytics API JSON), Jira CSV, Four Keys "
        "or DevLake tables, and a people directory (a CSV of logins and emails, or GitHub's SAML identities) to match "
        "Cursor's and Claude Code's emails to PR authors. Formats are recognised from the content; `.gz` files are fine, "
        "and so is a `.zip` of the exports (each file in it is read as if uploaded on its own)."
    )
    uploaded = st.file_uploader(
        "Exports",
        accept_multiple_files=True,
        key=uploader_key(),
        # txt and tsv: Excel's "Unicode text" (UTF-16, tabs), which a Jira CSV re-saved in Excel often becomes.
        # zip: an archive of exports, read file by file (a workshop file is named as such).
        type=[*EXPORT_TYPES, "zip"],
        help="Files never leave this server, unless you download them in the workshop file (Compare page), and are "
        "never written to its disk; what was read from them stays in "
        "its memory cache (up to 8 sets of files) after the session, and the files for 8 hours so that a reload "
        "of this tab resumes it (SECURITY.md). Once read, they are listed under "
        "**Loaded exports** and the uploader is ready for the next set.",
    )
    if st.session_state.get(REPLACED):
        st.button("Bring back the exports loaded before", key="data_bring_back", icon=":material/undo:",
                  on_click=bring_back_replaced,
                  help="The files the last upload (or workshop reopened) replaced, with their adoption date and the "
                  "scenario measured from them (edits made since are dropped); after **Stop using these exports**, "
                  "the files alone (the scenario stays as it is).")
    own_exports = appstate.loaded() is not None and st.session_state[appstate.EXPORTS] != appstate.DEMO
    add = own_exports and st.toggle(
        "Add to the loaded exports",
        key="data_upload_add",
        help="Off: the uploaded files replace the loaded ones. On: they join them (a file with the same "
        "name replaces its namesake), for an export you forgot.",
    )
    st.session_state["data_timezone"] = appstate.timezone()
    st.selectbox(
        "Time zone of times written without one", TIMEZONES, key="data_timezone", on_change=rezone, width=320,
        help="Jira's CSV and some other exports write local times with no offset; they are read in this zone "
        "(the notes under the loaded files name each column read so). Times with an offset (GitHub, GitLab, "
        "Copilot) are not affected. The scenario saves the zone.",
    )
    if uploaded:
        files = new_files = tuple((f.name, f.getvalue()) for f in uploaded)
        if add:
            files = with_loaded(files)
        unmapped = appstate.tables_to_map(files)
        if unmapped:
            # A file recognised as a known format that lacks a column is said to be so first: it is not in
            # "none of the formats", and exporting it again may be the better fix.
            appstate.withdraw_notice()  # "measured from 8 files" above the step read as if these had been read
            hints = appstate.mapping_hints(files)
            unknown = [name for name in unmapped if name not in hints]
            st.subheader("Map the columns of files in no known format" if unknown else
                         f"Map the columns of {'the file' if len(unmapped) == 1 else 'files'} missing a column",
                         anchor=False)
            lead = [f"{markdown_safe(name)} {markdown_safe(hints[name])}: export it again with every column, or "
                    "map its columns below." for name in unmapped if name in hints]
            if unknown:
                lead.append(f"{markdown_safe(fmt.file_names(unknown))} {'is' if len(unknown) == 1 else 'are'} in "
                            "none of the formats above. For an export from Swarmia, LinearB, Jellyfish or your own "
                            "reports, say what one row is and which of its columns holds each of ours (the first "
                            "guess comes from the column names).")
            else:
                lead.append("To map, say what one row is and which of its columns holds each of ours (the first "
                            "guess comes from the column names).")
            st.markdown(
                " ".join(lead) + " The mapping is saved in the scenario, so the file reads the same way next time. "
                f"Times without an offset are read as {appstate.timezone()} (the time zone above). A file that "
                "holds none of these: remove it from the uploader above."
            )
            # The other new files' own errors now, not once the mapping is done (they are read only then); the
            # loaded ones were read without one.
            mappable = appstate.mappable_tables(files)
            wrong = appstate.files_error(new_files, leave_out=list(mappable))
            if wrong:
                appstate.show_error(fmt.ended(wrong) + " Correct it too: the files are read together once the "
                                    "columns below are mapped.")
            map_columns(files, unmapped, loaded=False, hinted=True)
        else:
            handle_upload(files)
        error = st.session_state.get(UPLOAD_ERROR)
        if error and error[0] == appstate.read_key(files):
            appstate.show_error(fmt.ended(error[1]) + " The data loaded before is still in use.")
            mapped = appstate.mappings_of(files)
            if mapped:  # the mapping may be what is wrong: offer to change it here
                tables = appstate.mappable_tables(files)
                with st.expander("Column mappings of these files", expanded=True):
                    map_columns(files, {name: tables[name] for name in mapped if name in tables}, loaded=False)

    found = appstate.loaded()
    if found is None and scenario.measurement is not None:
        sources = scenario.measurement.sources
        st.info(
            f"No exports loaded: the scenario keeps the values measured from {len(sources)} "
            f"export{'s' if len(sources) != 1 else ''} ({markdown_safe(', '.join(sources))}). Upload them "
            "above to see the measured metrics again.",
            icon=":material/info:",
        )
    elif found is None:
        st.info(
            "No exports loaded: the scenario runs on estimates. Upload exports above, or use the "
            "**Estimates** tab.",
            icon=":material/info:",
        )
    else:
        files, adoption, ramp = found
        demo = st.session_state[appstate.EXPORTS] == appstate.DEMO
        try:
            dataset = appstate.read(files)
        except RoiError as error:  # only if a cached read failed since: keep the page usable
            appstate.show_error(error)
            dataset = None
        metrics, measure_error = None, None
        if dataset is not None and adoption is not None:
            try:
                metrics = appstate.measured(files, adoption, ramp)
            except RoiError as error:
                measure_error = error.describe(field=False)  # beside the adoption date
        if dataset is not None:
            # The metrics' own account of each file adds the rows they leave out (bots, drafts, …).
            sources = metrics.sources if metrics is not None else dataset.sources
            used = sum(s.used_rows for s in sources)
            left_out = sum(s.rows - s.used_rows for s in sources)
            title = "The demo organisation's exports" if demo else "Loaded exports"
            st.subheader(title, anchor=False)
            formats = len({s.format for s in sources})
            st.markdown(
                f"**{len(sources)} file{'s' if len(sources) != 1 else ''}** in {formats} "
                f"format{'s' if formats != 1 else ''}: "
                f"**{used:,} rows used**, {left_out:,} left out (each with its reason below)."
            )
            for source in sources:  # an assumption that, if wrong, changes the numbers: not in the expander
                for caution in source.cautions:
                    st.warning(f"**{markdown_safe(shown_name(source.file))}**: {markdown_safe(caution)}",
                               icon=":material/warning:")
            with st.expander("Files, formats and rows", expanded=not demo):
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                "File": shown_name(s.file),
                                "Format": s.format.replace("_", " "),
                                "Rows": s.rows,
                                "Used": s.used_rows,
                                # Rows − Used: a gh or GraphQL file's rows are its PRs, and the reviews
                                # inside them left out are under its reasons (56 rows, 42 used read
                                # "66 left out" as the sum of every reason).
                                "Left out": s.rows - s.used_rows,
                            }
                            for s in sources
                        ]
                    ),
                    hide_index=True,
                    key="data_sources_table",
                    column_config={
                        "Rows": st.column_config.NumberColumn(format="localized"),
                        "Used": st.column_config.NumberColumn(format="localized"),
                        "Left out": st.column_config.NumberColumn(format="localized"),
                    },
                )
                # Why, one line per file below the table: a cell cuts the reasons at the column's width.
                for source in sources:
                    if source.skipped:
                        st.caption(f"**{markdown_safe(shown_name(source.file))}** left out "
                                   + markdown_safe("; ".join(f"{n:,} {why}" for why, n in source.skipped.items())))
                # What each file's reader assumed (time zones, date order, columns it lacked), one line per
                # note with the files it concerns: eight Jira exports share one time-zone note.
                by_note: dict[str, list[str]] = {}
                for source in sources:
                    for note in source.notes:
                        if note not in source.cautions:  # shown above as warnings
                            by_note.setdefault(note, []).append(shown_name(source.file))
                for note, names in by_note.items():
                    st.caption(f"**{markdown_safe(fmt.file_names(names))}**: {markdown_safe(note)}")
            mapped = appstate.mappings_of(files)
            if mapped and not demo:
                with st.expander("Column mappings", expanded=False):
                    st.caption("Which column of each mapped file holds each of ours. Change one and read the "
                               "files again; the scenario saves the mappings.")
                    tables = appstate.mappable_tables(files)
                    map_columns(files, {name: tables[name] for name in mapped if name in tables}, loaded=True)
            suggested = suggest_adoption_date(dataset)
            st.session_state["data_adoption"] = adoption or suggested or date.today()
            st.session_state["data_ramp"] = ramp
            # Fixed widths that wrap, not a quarter of the page each: at 1024 px a quarter (130 px) left the
            # date's clear button over its end ("2025-03-03" was 102 px of text in 96).
            with st.container(horizontal=True, vertical_alignment="bottom"):
                st.date_input(
                    "AI adoption date",
                    key="data_adoption",
                    on_change=remeasure,
                    format="YYYY-MM-DD",
                    width=200,
                    help="Events before this day are the baseline; after it (plus the ramp) the post period.",
                )
                st.number_input(
                    "Ramp-up weeks left out",
                    min_value=0,
                    max_value=104,
                    step=1,
                    key="data_ramp",
                    on_change=remeasure,
                    width=200,
                    help="Weeks after adoption while people learn the tool.",
                )
                st.caption(
                    f"Suggested from the AI tool data: **{suggested:%d %b %Y}**"
                    if suggested
                    else "No AI tool seat or usage data (Copilot, Cursor, Claude Code) to suggest a date from."
                )
            # The failed measurement (upload or date change), and the loaded files' own: the same, once.
            for message in dict.fromkeys((st.session_state.pop("data_measure_error", None), measure_error)):
                if message:
                    appstate.show_error(message)
            if metrics is not None and all(s.format == "estimates_template" for s in metrics.sources):
                # Nothing dated to measure (the table would be empty): say where the numbers are from.
                st.info(
                    "Nothing is measured from these files: the estimates template holds estimates, not "
                    "events. The scenario uses its values as estimates (the **Estimates** tab shows them).",
                    icon=":material/info:",
                )
                for line in (scenario.notes or "").splitlines():
                    st.caption(markdown_safe(line))
                metrics = None
            if metrics is not None:
                st.subheader("Measured before and after adoption", anchor=False)
                if scenario.measurement is None:  # estimates or a finding since: say the table is not in use
                    st.info(
                        "The scenario's values after adoption do not come from these measurements now, but "
                        "from estimates or a published finding (the **Estimates** and **Published research** "
                        "tabs). To measure from these exports again, change the adoption date or upload them "
                        "again.",
                        icon=":material/info:",
                    )
                rows = []
                for name, (label, _) in fmt.METRICS.items():
                    before, after = getattr(metrics.baseline, name), getattr(metrics.post, name)
                    if before is None and after is None:
                        continue
                    stat = metrics.changes.get(name)
                    few = stat is not None and min(stat.n_baseline, stat.n_post) < MIN_SAMPLE
                    rows.append(
                        {
                            "Metric": label,
                            # One unit a row: "29.6 h → 2.8 days" read as a fall at a glance.
                            "Before": fmt.metric_value(name, before, like=after).replace(" ", fmt.NBSP),
                            "After": fmt.metric_value(name, after, like=before).replace(" ", fmt.NBSP),
                            "Change": fmt.percent(stat.change, signed=True) if stat else "",
                            "95% interval": (
                                f"{fmt.percent(stat.ci_low, signed=True)} to "
                                f"{fmt.percent(stat.ci_high, signed=True)}"
                            )
                            if stat and stat.ci_low is not None
                            else ("too few events" if few else ""),
                            "p-value": fmt.p_value(stat.p_value) if stat and stat.p_value is not None else "",
                            "Definition": DEFINITIONS.get(name, ""),
                        }
                    )
                # A static table: definitions wrap and stay readable on a projector.
                st.table(pd.DataFrame(rows).set_index("Metric"))
                weeks = (metrics.baseline.weeks or 0, metrics.post.weeks or 0)
                st.caption(
                    CHANGE_NOTE.format(before=f"{weeks[0]:.1f}", after=f"{weeks[1]:.1f}", few=MIN_SAMPLE)
                    + " " + week_units(scenario.team.working_weeks_per_year, measured=True)
                )
                if metrics.cohorts is not None:
                    did = metrics.cohorts.did_change
                    st.markdown(
                        f"**AI users vs the rest:** {metrics.cohorts.ai_users} AI users and "
                        f"{metrics.cohorts.non_users} non-users, told apart by "
                        f"{', '.join(metrics.cohorts.identified_by)}. Difference-in-differences (the change "
                        "among AI users beyond the change among non-users): "
                        + "; ".join(
                            f"{fmt.METRICS.get(k, (k,))[0]} {fmt.percent(v, signed=True)}"
                            for k, v in did.items()
                            if v is not None
                        )
                        + "."
                    )
                else:
                    st.markdown(
                        f"**Before/after only** ({markdown_safe(before_after_reason(metrics.notes))}): "
                        "the changes are *associated with* adoption, not shown to be caused by it."
                    )
                for note in metrics.notes:
                    if "before/after only" not in note.lower():  # said above, in bold
                        st.caption(markdown_safe(note))  # notes quote file names
                if scenario.measurement is not None and scenario.notes:
                    with st.expander("How the scenario was built from these measurements"):
                        st.markdown(
                            "The table above is the whole organisation. The scenario describes one "
                            "*adopting* developer, so the other pages show the AI users' own values where "
                            "they can be told apart, or the organisation's change scaled by the adoption "
                            "share: they differ from the table on purpose."
                        )
                        for line in scenario.notes.splitlines():
                            st.caption(markdown_safe(line))
        if not demo:
            st.button("Stop using these exports", key="data_forget", icon=":material/delete:",
                      on_click=stop_using_exports,
                      help="The scenario keeps the values measured from them; **Bring back the exports loaded "
                      "before** undoes it.")

# --- Estimates -------------------------------------------------------------------------------
FIELDS = tuple(TEMPLATE_METRICS)


TABLE_SHARE_UNIT = "% (8.5 for 8.5%)"
"""A rate's unit in the estimates table: a percentage, as in every other box of the app (the template file
keeps fractions)."""


def table_unit(field: str) -> str:
    """A field's unit as the estimates table shows it."""
    return TABLE_SHARE_UNIT if field in SHARES else TEMPLATE_METRICS[field][0]


def measure_label(field: str) -> str:
    """The estimates table's name for a field's row (\"Completed work items per developer-week\")."""
    label = TEMPLATE_METRICS[field][1]
    return fmt.capitalised(label)


VALUE_COLUMNS = dict(zip(VALUE_KEYS, ("Before", "After (likely)", "After, low", "After, high"), strict=True))
"""The estimates table's value columns, by the template's name for each."""
ESTIMATE_HELP = ("A number; a decimal comma (0,25) is fine. Rates are percentages, as everywhere in the app: 8.5 "
                 "or 8.5% for 8.5%.")
ESTIMATES_BASE = "data_estimates_base"
"""(the scenario's estimates as shown, the table the estimates editor was drawn from on this visit)."""


def value_cells(frame: pd.DataFrame) -> list[list[str | None]]:
    """The table's value cells, an empty one as None (the editor gives None or NaN for it)."""
    return [[None if pd.isna(v) else str(v) for v in row] for row in frame[list(VALUE_COLUMNS.values())].values]


def estimates_frame() -> pd.DataFrame:
    """The scenario's estimates as text cells: the browser's number cells read a decimal comma wrongly (typed
    ``1,5`` became 5, silently), so the cells are text, read with the template's rules on submit."""
    rows = estimates_of(appstate.scenario(), FIELDS)
    return pd.DataFrame(
        [
            {
                "field": field,
                "Measure": measure_label(field),
                "Unit": table_unit(field),
                **{  # an empty cell as None: the table shows "—" for it
                    column: cell_text(value, percent=field in SHARES) or None
                    for column, value in zip(VALUE_COLUMNS.values(), values, strict=True)
                },
            }
            for field, values in rows.items()
        ]
    )


def frame_to_estimates(frame: pd.DataFrame, shown: pd.DataFrame) -> dict:
    """The edited table's estimates; a cell left as shown keeps the scenario's exact value (the cell rounds
    it)."""
    exact = estimates_of(appstate.scenario(), FIELDS)
    cells = {
        row["field"]: tuple(
            exact[row["field"]][index] if row[column] == before[column] else row[column]
            for index, column in enumerate(VALUE_COLUMNS.values())
        )
        for (_, row), (_, before) in zip(frame.iterrows(), shown.iterrows(), strict=True)
    }
    return typed_estimates(cells, rates_in_percent=True)


def ranges_moved(estimates: dict, frame: pd.DataFrame, shown: pd.DataFrame) -> list[str]:
    """Rows whose likely value after adoption was changed, beside a low and high left as shown that no longer
    hold it: the range moves with the likely value (as an edit of an assumption moves its range), and is said.
    ``estimates`` is changed in place."""
    exact = estimates_of(appstate.scenario(), FIELDS)
    likely, low, high = (VALUE_COLUMNS[key] for key in ("post", "low", "high"))
    said = []
    for (_, row), (_, before) in zip(frame.iterrows(), shown.iterrows(), strict=True):
        field, earlier = row["field"], exact[row["field"]][1]
        if row[likely] == before[likely] or row[low] != before[low] or row[high] != before[high] or earlier is None:
            continue
        moved = estimate_range_moved(appstate.scenario(), field, estimates[field], earlier)
        if moved is not None:
            share = field in SHARES
            said.append(f"Row '{measure_label(field)}': the low and high left from before "
                        f"({cell_text(estimates[field][2], percent=share)} and "
                        f"{cell_text(estimates[field][3], percent=share)}) did not hold the new likely value, so "
                        f"they moved with it, to {cell_text(moved[2], percent=share)} and "
                        f"{cell_text(moved[3], percent=share)}; type your own if you have them.")
            estimates[field] = moved
    return said


def estimate_error_text(error: RoiError) -> str:
    """An estimate refused, in the table's words: its row (and cell) as the table names it, in its unit."""
    if error.field not in TEMPLATE_METRICS:
        return error.describe()
    unit = "%" if error.field in SHARES else table_unit(error.field)
    cell = f", {VALUE_COLUMNS[error.column]}" if error.column in VALUE_COLUMNS else ""
    return f"Row '{measure_label(error.field)}'{cell} ({unit}): {error.message}"


def row_errors(frame: pd.DataFrame, shown: pd.DataFrame) -> list[str]:
    """Each row's error, every row checked alone as **Use these estimates** checks the table: a user who typed
    several rows wrongly sees them all at once, not one more after each fix.  Empty when no row is wrong alone
    (the caller then shows the table's own error)."""
    messages = []
    for position in range(len(frame)):
        row, row_shown = frame.iloc[[position]], shown.iloc[[position]]
        try:
            estimates = frame_to_estimates(row, row_shown)
            ranges_moved(estimates, row, row_shown)
            with_estimates(appstate.scenario(), estimates)
        except RoiError as error:
            messages.append(estimate_error_text(error))
    return messages


def rate_slips(estimates: dict) -> list[str]:
    """A rate typed as a fraction where the table takes percentages (0.085 for 8.5% beside 4.1% before):
    kept, and said (:func:`roi.percent_slip.slipped_in_row`)."""
    return [
        f"Row '{measure_label(field)}', {list(VALUE_COLUMNS.values())[position]}: "
        f"{values[position] * 100:.4g}% — {percent_meant(values[position])} Rates in this table "
        "are percentages (8.5 for 8.5%); the value is kept."
        for field, values in estimates.items() if field in SHARES
        for position in slipped_in_row(values)
    ]


with tab_estimates:
    st.markdown(
        "No exports yet? Enter what you believe, per developer-week, for a developer who uses the tool. "
        "A low and high value make the range the risk analysis samples from. Leave unknown rows empty. "
        + week_units(appstate.scenario().team.working_weeks_per_year, measured=False)
    )
    # Streamlit keeps a fixed-row editor's edits when its values change: when the scenario's estimates
    # change (this table, a finding, a template, an upload, a file, a reset) the editor starts afresh
    # under a new key, or edits typed for the earlier scenario would be shown, and used, on this one.
    frame = estimates_frame()
    seen = frame.to_json()
    if st.session_state.get("data_estimates_seen") != seen:
        st.session_state["data_estimates_generation"] = st.session_state.get("data_estimates_generation", -1) + 1
        st.session_state["data_estimates_seen"] = seen
    generation = st.session_state["data_estimates_generation"]
    editor_key = "data_estimates_editor" if generation == 0 else f"data_estimates_editor_{generation}"
    # Cells typed but not yet used outlive a visit to another page (Streamlit forgets a widget's edits when
    # its page is left; in a form they never reached the server): the editor's first draw on a visit
    # starts from them, and every later draw of the visit from the same table, as the editor's edits are
    # relative to the table it was given.
    draft = st.session_state.get(appstate.ESTIMATES_DRAFT)
    if draft is not None and draft[0] != seen:  # typed for estimates since replaced
        draft = st.session_state[appstate.ESTIMATES_DRAFT] = None
    base = st.session_state.get(ESTIMATES_BASE)
    if editor_key not in st.session_state or base is None or base[0] != seen:
        base = st.session_state[ESTIMATES_BASE] = (seen, draft[1] if draft is not None else frame)
    with st.container(border=True):
        edited = st.data_editor(
            base[1],
            hide_index=True,
            key=editor_key,
            num_rows="fixed",
            placeholder="—",
            column_order=["Measure", "Unit", "Before", "After (likely)", "After, low", "After, high"],
            disabled=["Measure", "Unit"],
            column_config={c: st.column_config.TextColumn(help=ESTIMATE_HELP) for c in VALUE_COLUMNS.values()},
        )
        typed = value_cells(edited) != value_cells(frame)
        st.session_state[appstate.ESTIMATES_DRAFT] = (seen, edited.copy()) if typed else None
        # The grid takes no keyboard cell cursor: a row typed here joins the cells typed above (not yet in use).
        by_keyboard = appstate.row_form(
            edited, {c: st.column_config.TextColumn(c, help=ESTIMATE_HELP) for c in VALUE_COLUMNS.values()},
            "data_estimates_form", row_label=lambda row: f"{row['Measure']} ({row['Unit']})")
        if by_keyboard is not None:
            st.session_state[appstate.ESTIMATES_DRAFT] = st.session_state[ESTIMATES_BASE] = (seen, by_keyboard)
            st.session_state["data_estimates_generation"] = generation + 1  # an editor drawn from it
            st.rerun()
        buttons = st.container(horizontal=True)
        use = buttons.button("Use these estimates", key="data_estimates_use", type="primary")
        if typed:
            if buttons.button("Discard the typed cells", key="data_estimates_discard", icon=":material/undo:"):
                st.session_state[appstate.ESTIMATES_DRAFT] = st.session_state[ESTIMATES_BASE] = None
                st.session_state["data_estimates_generation"] = generation + 1  # a fresh editor
                st.rerun()
            st.caption("Typed cells are not in use until **Use these estimates**; they stay here meanwhile.")
        if use:
            try:
                estimates = frame_to_estimates(edited, frame)
                slips = [*ranges_moved(estimates, edited, frame), *rate_slips(estimates)]
                updated = with_estimates(appstate.scenario(), estimates)
                st.session_state[appstate.ESTIMATES_DRAFT] = None  # used, not dropped
                appstate.set_scenario(
                    updated,
                    " ".join(["The scenario now uses your estimates.", *slips]),
                    kind="warning" if slips else "success",
                )
                st.rerun()
            except RoiError as error:
                for message in row_errors(edited, frame) or [estimate_error_text(error)]:
                    appstate.show_error(message)

    st.markdown(
        "**Or use the template:** download it, fill it in (with colleagues, in Excel), upload it here."
    )
    # Side by side at their own width: in a quarter of the page each (80 px of label at 1024 px) they read
    # "Template (Exc…".
    buttons = st.container(horizontal=True)
    buttons.download_button(
        "Template (Excel)",
        data=template_xlsx,
        file_name="estimates_template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="data_template_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
    buttons.download_button(
        "Template (CSV)",
        data=template_csv,
        file_name="estimates_template.csv",
        mime="text/csv",
        key="data_template_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    st.caption(
        "The template comes filled in with the worked example's tasks, PRs, PR size and bugs as examples: "
        "replace them, or clear the rows you do not know. Estimates change only the measures in the table: "
        "set the team (ROI & risk → Team), the reviewers (Review capacity), the licences (ROI & risk → "
        "Licences and costs) and the scenario's name (sidebar) yourself."
    )
    filled = st.file_uploader("Filled-in template", type=["xlsx", "csv"], key="data_template_upload")
    if filled is None:  # removed (or a new visit): the same file chosen again is applied again
        st.session_state.pop("data_template_done", None)
    else:
        content = (filled.name, filled.getvalue())
        if st.session_state.get("data_template_done") != appstate.digest((content,)):
            try:
                dataset = appstate.read((content,))
                table = dataset.estimates
                if table.empty:  # not the template: the reader refuses an empty template itself
                    raise RoiError(
                        "is an export, not the estimates template; load it in the 'Your exports' tab, or "
                        "download the template above, fill it in and upload it here",
                        file=filled.name,
                    )
                estimates = {
                    row.metric: tuple(
                        None if pd.isna(v) else float(v) for v in (row.baseline, row.post, row.low, row.high)
                    )
                    for row in table.itertuples(index=False)
                }
                appstate.set_scenario(
                    with_estimates(appstate.scenario(), estimates),
                    f"The scenario now uses the estimates from {filled.name}."
                    + "".join(f" ({note}.)" for source in dataset.sources for note in source.notes),
                )
                st.session_state["data_template_done"] = appstate.digest((content,))
                st.rerun()
            except RoiError as error:
                appstate.show_error(error)

# --- Published research ----------------------------------------------------------------------
with tab_research:
    st.markdown(
        "Start from what studies found, applied to **your** baseline, team and costs. The range of "
        "findings is wide: that spread is why measuring your own data matters."
    )
    presets = appstate.presets()
    choice = st.selectbox("Study", list(presets), key="data_preset", format_func=lambda k: presets[k].name)
    preset = presets[choice]
    st.markdown(preset.notes or "")
    b, a = preset.baseline, preset.post

    def growth(after: float, before: float) -> str:
        return fmt.percent(after / before - 1, signed=True, digits=1)

    st.caption(
        f"Changes applied: tasks {growth(a.tasks_per_dev_week, b.tasks_per_dev_week)}, "
        f"PRs {growth(a.prs_per_dev_week, b.prs_per_dev_week)}, "
        f"PR size {growth(a.pr_size_loc, b.pr_size_loc)}"
        + (f", bugs {growth(a.bugs_per_dev_week, b.bugs_per_dev_week)}" if b.bugs_per_dev_week else "")
        + "."
    )
    if st.button("Apply this finding to my baseline", key="data_apply_preset", type="primary"):
        try:
            appstate.set_scenario(
                apply_finding(appstate.scenario(), preset), f"Applied '{preset.name}' to your baseline."
            )
            st.rerun()
        except RoiError as error:
            appstate.show_error(error)
