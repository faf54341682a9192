"""Session state, cached computation and scenario-bound widgets shared by every page.

The only Streamlit glue outside the page scripts; the logic it calls lives in ``roi``.

* Session state holds user *inputs* only: the current :class:`~roi.models.Scenario` under
  ``"scenario"`` (the contract with every page, including the rollout page), the uploaded exports
  as ``(name, bytes)`` pairs, the adoption date and ramp.  Results are never stored: they come
  from :func:`results`, cached on the scenario's JSON.
* A widget bound to a scenario field (:func:`number_field`) takes its value from the scenario on
  every run and writes edits back through :func:`roi.whatif.with_assumption`, so nothing entered is
  lost on a page switch, and an edit the scenario refuses leaves the earlier value in place and
  shows the reason.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from roi import defaults
from roi import formatting as fmt
from roi import scenario_builder
from roi.archive import export_names, files_in, shown_name, split_name
from roi.comparison import unique_names
from roi.decimal_comma import comma_warning
from roi.engine import compute
from roi.errors import RoiError
from roi.ingest.template import METRICS as TEMPLATE_METRICS
from roi.models import DELIVERY_RULE, Results, Scenario, get_path, load_scenario, parse_scenario
from roi.percent_slip import slip_warning
from roi.privacy import new_salt, pseudonymise_tables
from roi.safety import markdown_safe
from roi.verdict import loss_chance
from roi.whatif import estimates_of, with_assumption
from roi.workshop import Exports, workshop_zip

ROOT = Path(__file__).resolve().parent
SCENARIOS = ROOT / "sample_data" / "scenarios"
DEMO_FILE = SCENARIOS / "demo_org.json"
FALLBACK_FILE = SCENARIOS / "worked_example.json"

PRESET_FILES = (
    "faros_paradox_2025.json",
    "cui_field_rcts.json",
    "github_peng_2023.json",
    "dora_2024.json",
    "uplevel_2024.json",
    "metr_2025.json",
)
"""Scenarios that encode published research (docs/methodology.md §7), in the order offered."""

SCENARIO = "scenario"
EXPORTS = "exports"  # tuple of (name, bytes), DEMO for the demo organisation's files, or None
DEMO = "demo"
ADOPTION_DATE = "adoption_date"
RAMP_WEEKS = "ramp_weeks"
NOTICE = "notice"  # (kind, text): a message for the top of the next page run, e.g. "Scenario loaded"
PAGE = "page"  # url path of the page being shown (set by app.py)
DEEP_LINK = "deep_link"  # url path of a page asked for by its address before app.py ran (require_app)
COMPARED = "compared"  # scenarios kept for comparison (inputs only), in the order kept
COLUMN_MAPPINGS = "column_mappings"  # file name -> {"table": ..., our column: their column}, as the user mapped it
TIMEZONE = "timezone"  # IANA zone of export times written without an offset (Jira's)
REPLACED_EXPORTS = "data_replaced_exports"  # (files, adoption, ramp, scenario or None: keep it) to bring back
_SHOWN = "notice_shown"  # (kind, text, page, scenario) of the last notice shown
_NOTICE_SLOT = "notice_slot"  # (kind, slot) where this run drew the notice, so that what follows can take it away
_EDIT_ERRORS = "edit_errors"  # widget key -> message of the last refused edit
_SLIPS = "percent_slips"  # widget key -> (value, warning) of an edit that looks like a fraction typed as a %


def demo_scenario() -> Scenario:
    """The bundled demo organisation (the worked example until the demo data exists)."""
    return _load_bundled(str(DEMO_FILE if DEMO_FILE.exists() else FALLBACK_FILE))


@st.cache_data(show_spinner=False)
def _load_bundled(path: str) -> Scenario:
    return load_scenario(path)


def init() -> None:
    """First run of a session: open on the demo organisation with no uploads, or, after a reload of the
    browser tab, on what the tab held (:func:`remember`)."""
    state = st.session_state
    if SCENARIO not in state and not _restore():
        _open_demo()
    defaults = (
        (EXPORTS, None), (ADOPTION_DATE, None), (RAMP_WEEKS, 0), (_EDIT_ERRORS, {}), (_SLIPS, {}),
        (COMPARED, []), (COLUMN_MAPPINGS, {}), (TIMEZONE, "UTC"),
    )
    for key, default in defaults:
        state.setdefault(key, default)


# --- Resume after a reload ---------------------------------------------------------------------

RESUME_PARAM = "session"
"""The query parameter naming a tab's saved state: a reload (F5) starts a new Streamlit session, which
lost the whole workshop (scenario, kept scenarios, uploads) without a word."""
ESTIMATES_DRAFT = "data_estimates_draft"
"""(the scenario's estimates as shown, the edited table) while estimates are typed but not yet used (Data page)."""


def _estimates(scenario: Scenario) -> dict:
    """The scenario's values as the Data page's estimates table shows them (its rows, unformatted)."""
    return estimates_of(scenario, tuple(TEMPLATE_METRICS))


ROLLOUT_PENDING = "rollout_pending"
"""Rollout plan tables whose edits a rule refused, kept in their grids until fixed (pages/rollout.py): editor name →
(the scenario they were typed over, as JSON; the whole table)."""


def held_rollout_tables() -> dict[str, Any]:
    """Editor name → its table held since a rule refused its edits (:data:`ROLLOUT_PENDING`), for those typed
    over the scenario open now (one replaced since made them moot)."""
    now = scenario().model_dump_json()
    return {name: table for name, (over, table) in (st.session_state.get(ROLLOUT_PENDING) or {}).items()
            if over == now}


def not_saved_warning(saved: str) -> None:
    """Say, above a download, what the user typed that is not in what it saves (``saved``: "the workshop file"):
    estimates typed on the Data page but not in use (they stay in the table meanwhile), Rollout plan edits a rule
    refused (held in their grid), and a PR size limit tried on Review capacity but not applied (a reload keeps them;
    the file does not)."""
    if st.session_state.get(ESTIMATES_DRAFT) is not None:
        st.warning(
            f"Estimates typed on the **Data** page are not in use yet, so they are not in {saved}: click **Use "
            "these estimates** there first (or discard them).",
            icon=":material/edit_note:",
        )
    if held_rollout_tables():
        st.warning(
            f"Edits on the **Rollout plan** page that a rule of the plan refused are held in their table, not in "
            f"{saved}: fix them there (or discard them).",
            icon=":material/edit_note:",
        )
    if tried := st.session_state.get(PR_LIMIT_WHATIF, 0):
        st.warning(
            f"The PR size limit tried on **Review capacity** ({fmt.number(tried)} lines) is a what-if, so it is not "
            f"in {saved}: click **Apply the limit** there to keep it in the scenario.",
            icon=":material/science:",
        )


RESUME_KEYS = (SCENARIO, COMPARED, EXPORTS, ADOPTION_DATE, RAMP_WEEKS, COLUMN_MAPPINGS, TIMEZONE, ESTIMATES_DRAFT,
               REPLACED_EXPORTS, ROLLOUT_PENDING)
"""What a reload brings back: the user's inputs (widget values follow the scenario) and the Data page's undo of
replaced or stopped exports, not results or notices."""
RESUME_KEEP_SECONDS = 8 * 3600
RESUME_TABS = 16
"""How long and for how many tabs the server keeps a tab's inputs in memory (never on disk).  Only tabs with
work in them count: a visit that changed nothing saves nothing (:func:`_untouched`)."""
RESUME_SPENT_SECONDS = 60
"""How long the copy a reload restored from still opens once the reloaded tab has saved its own: the browser may
not have the new address yet (a second F5 then found the copy gone and lost the workshop)."""
_TOKEN = "resume_token"
_RESTORED_FROM = "resume_restored_from"  # the token this session's inputs came from, until its first save
_OPENED_DEMO = "resume_opened_demo"  # the demo scenario as this session opened it (identity: untouched since)
_KEPT_DEFAULTS = "resume_kept_defaults"  # "kept_" key -> the value it had before any choice (kept_widget)


@st.cache_resource
def _spent_tabs() -> dict[str, tuple[float, dict[str, Any]]]:
    """Token → (the instant it is spent, the tab's inputs): copies a reload restored from, kept
    :data:`RESUME_SPENT_SECONDS` longer outside :func:`_saved_tabs` (whose cap of 16 would evict them first);
    shared by every session, guarded by :func:`_saved_tabs`' lock."""
    return {}


@st.cache_resource
def _saved_tabs() -> tuple[OrderedDict[str, tuple[float, dict[str, Any], str | None]], threading.Lock]:
    """Token → (time saved, the tab's inputs, the session that saved them), the most recently saved last;
    shared by every session."""
    return OrderedDict(), threading.Lock()


RESUME_GONE = (f"This address's saved workshop is no longer kept (the server keeps a tab's inputs for "
               f"{RESUME_KEEP_SECONDS // 3600:.0f} hours after its last use, for the {RESUME_TABS} tabs used most "
               "recently): the demo organisation is open. Save workshops with Compare scenarios → Download the "
               "workshop.")
"""The notice of a reload whose saved inputs are gone (expired or pushed out by tabs used since)."""


def _session_id() -> str | None:
    context = get_script_run_ctx()
    return context.session_id if context is not None else None


def _connected(session_id: str | None) -> bool:
    """True while the session that saved a tab is still open in a browser, so an address opening its token is a
    copy (a duplicated tab, a link pasted to a colleague, the projector's PC); False once it has gone (the tab was
    reloaded or closed), or when there is no server to ask (AppTest)."""
    from streamlit.runtime import Runtime

    if session_id is None or not Runtime.exists():
        return False
    return Runtime.instance().is_active_session(session_id) is True  # AppTest's runtime is a mock: not True


def _untouched(state: Any) -> bool:
    """True while the session shows the demo exactly as it opened it, with nothing kept, typed or undoable, and
    every what-if and remembered tab as drawn first: a reload gives the same, so it is not saved (sixteen
    colleagues glancing at the app pushed out a consultant's workshop)."""
    first = state.get(_KEPT_DEFAULTS, {})
    return (state.get(SCENARIO) is state.get(_OPENED_DEMO) and not state.get(COMPARED)
            and state.get(ESTIMATES_DRAFT) is None and state.get(REPLACED_EXPORTS) is None
            and not state.get(ROLLOUT_PENDING) and state.get(EXPORTS) in (None, DEMO)
            and all(key in first and state[key] == first[key] for key in _kept_keys()))


def remember() -> None:
    """Save this tab's inputs under its token, and put the token in the address (every run: Streamlit clears
    query parameters on a page switch), so that a reload of the tab resumes it (:func:`init`).  A tab showing
    the untouched demo saves nothing and has no token in its address (a reload opens the demo anyway)."""
    state = st.session_state
    token = state.setdefault(_TOKEN, secrets.token_urlsafe(16))
    saved, lock = _saved_tabs()
    now = time.monotonic()
    untouched = _untouched(state)
    source = state.pop(_RESTORED_FROM, None)
    # Saved while this tab is connected (a run stopped by a second reload is not): the copy it was restored from
    # can go, unless the tab that saved it is still open (a duplicated tab, a pasted link: that tab's reload).
    settled = source is not None and _connected(_session_id())
    with lock:
        saved.pop(token, None)  # a tab reset to the untouched demo drops what it held before
        if not untouched:
            saved[token] = (now, {key: state[key] for key in RESUME_KEYS + _kept_keys() if key in state},
                            _session_id())
        spent = _spent_tabs()
        if settled and source in saved and not _connected(saved[source][2]):
            # Spent in RESUME_SPENT_SECONDS, not at once: this run's new address may not have reached the browser.
            spent[source] = (now + RESUME_SPENT_SECONDS, saved.pop(source)[1])
        for old in [t for t, (until, _) in spent.items() if until <= now]:
            del spent[old]
        while saved and (len(saved) > RESUME_TABS or now - next(iter(saved.values()))[0] > RESUME_KEEP_SECONDS):
            saved.popitem(last=False)
    if untouched:
        if RESUME_PARAM in st.query_params:
            del st.query_params[RESUME_PARAM]
    elif st.query_params.get(RESUME_PARAM) != token:
        st.query_params[RESUME_PARAM] = token


def _kept_keys() -> tuple[str, ...]:
    """The what-ifs kept outside the scenario (``kept_`` widget values, :func:`number_input`; the adoption
    years a shorter horizon cut off, :data:`CUT_ADOPTION`)."""
    return tuple(str(key) for key in st.session_state if str(key).startswith("kept_"))


def _restore() -> bool:
    """A fresh session whose address names a saved tab: its inputs, under a new token (neither tab writes into
    the other's state). False when there is nothing to restore.

    The copy restored from stays until this session has saved its own while connected (:func:`remember`), and
    then goes only if the tab that saved it has gone: a second reload before the first one's run ended (a
    common reaction to a slow page) found it taken out and lost everything, and so did the first tab's reload
    after its address was opened elsewhere (a duplicated tab, a pasted link).  A minute after a reload has
    settled (:data:`RESUME_SPENT_SECONDS`: its new address may not have reached the browser), the old address no
    longer opens the client's data (a browser's history, a proxy's log).  A token that is no
    longer kept says so, instead of silently showing the demo.
    """
    token = st.query_params.get(RESUME_PARAM)
    saved, lock = _saved_tabs()
    now = time.monotonic()
    with lock:
        found = saved.get(token) if token else None
        spent = _spent_tabs().get(token) if token else None
    if found is None and spent is not None and now < spent[0]:  # restored from a minute ago: still opens
        found = (now, spent[1], None)
    if found is None or now - found[0] > RESUME_KEEP_SECONDS:
        if token:
            st.session_state[NOTICE] = ("warning", RESUME_GONE)
        return False
    st.session_state[_RESTORED_FROM] = token
    for key, value in found[1].items():
        st.session_state[key] = value
    st.session_state[NOTICE] = ("info", "The page was reloaded: your scenario, kept scenarios and loaded exports "
                                "are back as they were.")
    return True


def require_app(page_file: str) -> None:
    """Send a visitor through ``app.py`` when a page runs without it, and on to ``page_file``.

    When the first request to a freshly started server asks for a page URL, Streamlit runs the
    page file on its own (its legacy ``pages/`` directory mode) until ``st.navigation`` has run
    once.  Such a run has none of the set-up (wide layout, sidebar, navigation), so it switches to
    the entry point, which opens the page asked for.  A page that is its own main script (AppTest
    of one page) is left to set itself up.
    """
    if SCENARIO in st.session_state:
        return
    context = get_script_run_ctx()
    if context is not None and Path(context.main_script_path).name != "app.py":
        return
    st.session_state[DEEP_LINK] = Path(page_file).stem
    st.switch_page("app.py", query_params=st.query_params.to_dict())  # a reloaded tab's token (remember)


def scenario() -> Scenario:
    return st.session_state[SCENARIO]


CUT_ADOPTION = "kept_cut_adoption"
"""(a scenario, the adoption shares a shorter horizon cut off it, year Y + 1 first): a longer horizon brings
them back (ROI & risk, :func:`roi.whatif.with_horizon`). Tied to that scenario by value, not kept for
whichever is open: one opened, loaded, measured or reset to is another value and never inherits them, however
it replaced the scenario; an edit of a field carries them to the edited scenario (:func:`_write_back`).
``kept_``: saved across a reload and forgotten on a reset, as the other what-ifs kept outside the scenario."""


def cut_adoption(current: Scenario) -> tuple[float, ...]:
    """The adoption shares a shorter horizon cut off ``current`` (:data:`CUT_ADOPTION`); none for any other."""
    kept = st.session_state.get(CUT_ADOPTION)
    return kept[1] if kept is not None and kept[0] == current else ()


def set_scenario(new: Scenario, notice: str | None = None, kind: str = "success") -> None:
    """Replace the scenario (every bound widget follows on the next run); ``kind``: the notice's st call.

    The adoption years a shorter horizon set aside (:data:`CUT_ADOPTION`) follow an edit that leaves the name and
    the finance section as they were (a tool added or removed); any other scenario starts without them."""
    old = st.session_state.get(SCENARIO)
    if old is not None and (cut := cut_adoption(old)) and new.name == old.name and new.finance == old.finance:
        st.session_state[CUT_ADOPTION] = (new, cut)
    if old is not None and st.session_state.get(ESTIMATES_DRAFT) is not None and _estimates(new) != _estimates(old):
        st.session_state[ESTIMATES_DRAFT] = None  # typed over estimates since replaced: the Data page drops them too
        dropped = ("Estimates typed on the Data page and not used are dropped: they were typed over the values the "
                   "scenario held before.")  # opening another client's workshop dropped them without a word
        notice, kind = (f"{notice} {dropped}" if notice else dropped), ("warning" if kind == "success" else kind)
    st.session_state[SCENARIO] = new
    st.session_state[_EDIT_ERRORS] = {}
    if notice:
        st.session_state[NOTICE] = (kind, notice)


_FIELD_LABELS = {
    "name": "Scenario name",
    "currency": "Currency",
    "costs.tools": "AI tools (licence lines)",
    "finance.adoption_by_year": "Adoption in each year",
    "uncertainty.draws": "Monte Carlo draws",
    "uncertainty.seed": "Monte Carlo seed",
    "uncertainty.distribution": "Range distribution (PERT or triangular)",
    "uncertainty.ranges": "Uncertainty ranges (low / likely / high)",
    "measurement.ramp_weeks": "Ramp-up weeks left out",
    "measurement.sources": "Exports measured from",
    "measurement.column_mappings": "Column mappings of the exports",
    "measurement.kept_from_base": "Metrics the exports did not measure",
    "measurement.few_events": "Metrics measured from fewer than 30 events",
    "measurement.deployments_developers": "Developers the deployments per week were scaled to",
    "rollout.expectations.plan_gain_basis": "Plan roadmaps on",
}
"""Labels of the scenario fields that are not assumptions of the ROI & risk page: as their pages show them
(ramp-up, roadmap basis, the summary's caveats), else in plain words (Monte Carlo settings, column mappings)."""

def field_label(path: str, current: Scenario) -> str:
    """A scenario field as the pages name it: the assumption's label (with its period for the two periods'
    metrics), else :data:`_FIELD_LABELS`, else the path itself (a field no page labels)."""
    from roi.export.assumptions import all_assumptions

    label = next((item.label for item in all_assumptions(current) if item.path == path), None)
    if label is None:
        return _FIELD_LABELS.get(path, path)
    period = fmt.PERIOD_NAMES.get(path.split(".", 1)[0])
    return f"{label} ({period})" if period else label


WORD_JOINER = "\u2060"


def unbroken_amounts(text: str) -> str:
    """``text`` with each sign joined to the currency symbol after it (a word joiner, invisible): a line could
    break between "−" and "$559k", and a loss read as a gain at 1024 px. Both are prefix characters in Unicode's
    line breaking, which keeps a sign on a digit or a letter (A$), but not on a symbol."""
    return re.sub(r"([−+-])(?=[$€£¥₹])", rf"\1{WORD_JOINER}", text)


def defaulted_note(loaded: Scenario, whose: str = "this") -> str | None:
    """What a file just read left out and so took its default (:func:`roi.defaulted.defaulted_fields`), in
    the pages' words; None when it gave every field.  ``whose``: "this" file, or "its" (one of several)."""
    from roi.defaulted import currency_default_warning, defaulted_fields, no_costs_warning

    fields = defaulted_fields(loaded)
    if not fields:
        return None
    labels = ", ".join(field_label(field, loaded) for field in fields)
    # a US dollar default in another currency; no costs at all, which cannot fail to pay back
    warnings = [w for w in (currency_default_warning(loaded), no_costs_warning(loaded)) if w]
    return " ".join([f"Not in {whose} file, so set to their defaults: {labels}.", *warnings])


PR_LIMIT_WHATIF = "kept_review_pr_limit"
"""Session key of the Review page's PR size limit what-if (:func:`kept_number` ``review_pr_limit``)."""


def resume(saved: Scenario, notice: str, kind: str = "success") -> None:
    """Open a saved scenario file, keeping the loaded exports only if it was measured from them.

    The file names its exports but does not hold them: a scenario measured from other files gets
    no exports (the Data page, the metrics download and the workbook would show theirs as its
    measurements), and one measured from the loaded files gets its own adoption date and ramp back.
    """
    found = loaded()
    # A what-if tried on the scenario open before is not this one's: the Review page showed its capped PRs
    # beside the Summary's uncapped ones.
    tried = st.session_state.pop(PR_LIMIT_WHATIF, 0)
    if tried:
        notice += f" The PR size limit tried on Review capacity ({fmt.number(tried)} lines, not applied) is cleared."
    if saved.measurement is not None:
        measured = saved.measurement
        # The file's mappings and time zone read its exports when they are uploaded again (ones mapped since
        # stay too).
        st.session_state[COLUMN_MAPPINGS] = {**st.session_state[COLUMN_MAPPINGS], **measured.column_mappings}
        st.session_state[TIMEZONE] = measured.timezone or "UTC"
        if found is not None and measured_from(found[0], measured.sources):
            use_exports(st.session_state[EXPORTS], measured.adoption_date, measured.ramp_weeks)
        else:
            use_exports(None, None, 0)
            files = len(measured.sources)
            # what to upload: a zip archive's files by the archive's name, once
            uploads = list(dict.fromkeys(split_name(source)[0] for source in measured.sources))
            # an archive's files are named by the archive alone: its 20 paths made the notice a paragraph
            named = ", ".join(measured.sources) if uploads == measured.sources else f"uploaded as {', '.join(uploads)}"
            notice += (
                f" It was measured from {files} export{'s' if files != 1 else ''} "
                f"({named}): upload {'them' if len(uploads) != 1 else 'it'} on the Data "
                "page to see the measured metrics again."
            )
    set_scenario(saved, notice, kind)


def measured_from(files: Files, sources: list[str]) -> bool:
    """Whether a scenario measured from ``sources`` (its ``measurement.sources``) was measured from these files:
    the files that hold records, as the sources name them. An empty file skipped beside them is no source, and a
    scenario saved before they were left out of its sources names it: then all the files match too."""
    names = sorted(names_in(files))  # a zip archive's files, as the sources name them
    if names == sorted(sources):
        return True
    if not set(sources) < set(names):  # no file to leave out: not read (the exports may be large)
        return False
    try:
        used = read(files).used_files()
    except RoiError:
        return False
    return sorted(shown_name(name) for name in used) == sorted(sources)


def _open_demo() -> None:
    demo = demo_scenario()
    st.session_state[SCENARIO] = st.session_state[_OPENED_DEMO] = demo
    if demo.measurement is not None and DEMO_FILE.exists():  # measured from the bundled exports
        use_exports(DEMO, demo.measurement.adoption_date, demo.measurement.ramp_weeks)
        st.session_state[TIMEZONE] = demo.measurement.timezone or "UTC"  # as its scenario was measured
    else:
        use_exports(None, None, 0)


UNDO_RESET = "undo_reset"
"""(the inputs before "Reset to the demo organisation", the demo scenario the reset opened): what
:func:`undo_reset` brings back, offered while that demo is still open unchanged."""


def _reset_keys() -> tuple[str, ...]:
    """What a reset forgets and its undo brings back: a reload's inputs (:data:`RESUME_KEYS`) but the kept
    scenarios, which a reset leaves alone, and the what-ifs kept outside the scenario."""
    return (*[key for key in RESUME_KEYS if key != COMPARED], *_kept_keys())


def reset() -> None:
    """Back to the demo organisation: forget uploads, edits and what-ifs (the kept scenarios stay); what was
    there can be brought back with :func:`undo_reset` until the scenario is changed (one click next to "Keep
    for comparison" threw a client's workshop away)."""
    state = st.session_state
    before = {key: state[key] for key in _reset_keys() if key in state}
    for key in _kept_keys():
        del state[key]  # what-ifs outside the scenario (PR size limit, team split, cut adoption)
    _open_demo()
    set_scenario(scenario(), "Back to the demo organisation. **Undo the reset** (in the sidebar) brings back what "
                 "was open, until you change the demo.")
    state[UNDO_RESET] = (before, scenario())


def undo_available() -> bool:
    """Whether "Undo the reset" is offered: the demo the reset opened is still open, unchanged (an undo after
    edits would throw them away).  A reset's inputs are dropped once it can no longer be undone."""
    undo = st.session_state.get(UNDO_RESET)
    if undo is not None and scenario() is not undo[1]:
        del st.session_state[UNDO_RESET]
        return False
    return undo is not None


def undo_reset() -> None:
    """Bring back what "Reset to the demo organisation" left: scenario, loaded exports, adoption date, typed
    cells and what-ifs (the kept scenarios were never touched)."""
    state = st.session_state
    undo = state.pop(UNDO_RESET, None)
    if undo is None:
        return
    for key in _reset_keys():
        state.pop(key, None)
    for key, value in undo[0].items():
        state[key] = value
    state[NOTICE] = ("success", "The reset is undone: your scenario, loaded exports and what-ifs are back.")


# --- Scenarios kept for comparison ------------------------------------------------------------


def compared() -> list[Scenario]:
    """The scenarios kept for comparison, in the order kept (snapshots: later edits don't change them)."""
    return st.session_state[COMPARED]


def keep(new: Scenario) -> tuple[Scenario, str]:
    """Add a snapshot of ``new`` to the comparison: the snapshot, and the sentence that says so.

    A scenario equal to a kept one is not added twice; a different one with a kept name is kept
    as " (2)", " (3)" … so every column of the comparison has its own name.
    """
    kept = compared()
    if new in kept:
        return new, f"'{new.name}' is already in the comparison."
    name = unique_names([s.name for s in kept] + [new.name])[-1]
    if name != new.name:
        new = new.model_copy(update={"name": name})
    st.session_state[COMPARED] = [*kept, new]
    return new, f"Kept '{name}' for comparison ({len(kept) + 1} kept)."


def keep_current() -> None:
    """Sidebar and Compare page button: keep the current scenario, and say so on the next run.

    When the snapshot had to be renamed, the open scenario takes the same name: it *is* that
    snapshot until it is edited again.
    """
    snapshot, notice = keep(scenario())
    if snapshot != scenario():
        set_scenario(snapshot)
    st.session_state[NOTICE] = ("success", notice)


def open_compared(index: int) -> None:
    """Compare page button: make the kept scenario at ``index`` the current one (:func:`open_kept`)."""
    open_kept(compared()[index])


def open_kept(chosen: Scenario, notice: str = "", kind: str = "success") -> None:
    """Make a kept scenario the current one; the current one is kept first, so nothing is lost, unless it
    is the demo organisation as the app opened it (in a fresh session it filled the workshop reopened).

    Opened like a saved file (:func:`resume`): the loaded exports stay only if it was measured from them.
    """
    notice = " ".join(filter(None, (notice, f"Opened '{chosen.name}': every page now shows it.")))
    current = scenario()
    if current not in compared() and current != chosen and current != demo_scenario():
        snapshot, _ = keep(current)
        notice += f" The scenario you had open was kept as '{snapshot.name}' ({len(compared())} kept)."
    resume(chosen, notice, kind)  # as a saved file: measured from other exports, it does not show the loaded ones


def workshop() -> tuple[list[Scenario], int]:
    """What the workshop file saves: the kept scenarios and, when it is not among them, the open one (as
    the comparison shows it; edits made after the last "Keep" were left out), and which one is open."""
    kept, current = compared(), scenario()
    if current in kept:
        return kept, kept.index(current)
    return [*kept, current], len(kept)


WORKSHOP_FILE_TTL = 3600
"""Seconds a packed workshop file (raw exports in it) may stay in the server's memory cache."""
INCLUDE_EXPORTS_UP_TO = 50_000_000
"""Exports up to this size [bytes] are in the workshop file unless unticked; larger ones only when ticked
(packing takes about a second per 100 MB, on every visit after an edit)."""


def workshop_exports() -> Exports | None:
    """The user's own loaded exports as the workshop file saves them (None: none loaded, the demo's, or no
    scenario of the workshop measured from them: one client's raw exports must not travel with another's)."""
    files = st.session_state[EXPORTS]
    if not files or files == DEMO:
        return None
    files = tuple(files)
    names = set(names_in(files))
    if not any(s.measurement is not None and set(s.measurement.sources) <= names for s in workshop()[0]):
        return None
    return Exports(files, st.session_state[ADOPTION_DATE], st.session_state[RAMP_WEEKS], timezone(),
                   mappings_of(files))


# A resource, not data: the zip may hold hundreds of MB of exports, not to be copied on every rerun.
@st.cache_resource(show_spinner="Packing the workshop file…", max_entries=2, ttl=WORKSHOP_FILE_TTL)
def _workshop_file(scenarios_json: tuple[str, ...], open_index: int, open_kept: bool, key: Key,
                   adoption: date | None, ramp_weeks: int, _scenarios: tuple[Scenario, ...], _exports: Exports | None
                   ) -> bytes:
    return workshop_zip(_scenarios, open_index, _exports, open_kept=open_kept)


def workshop_file(include_exports: bool) -> bytes:
    """The workshop file (:func:`workshop`), with the user's own loaded exports if ``include_exports``; cached
    on the scenarios and the exports' digest."""
    saved, open_index = workshop()
    exports = workshop_exports() if include_exports else None
    key = read_key(exports.files) if exports is not None else ()
    adoption, ramp = (exports.adoption_date, exports.ramp_weeks) if exports is not None else (None, 0)
    return _workshop_file(tuple(s.model_dump_json() for s in saved), open_index, scenario() in compared(), key,
                          adoption, ramp, tuple(saved), exports)


def restore_exports(saved: Exports) -> None:
    """Load a reopened workshop's exports as they were loaded when it was saved, without measuring them
    again: the scenario opened with them already holds their measurements and every edit made since.

    The user's own exports loaded before can be brought back on the Data page, as after an upload.
    """
    state = st.session_state
    before = loaded() if state[EXPORTS] != DEMO else None
    if before is not None and before[0] != saved.files:
        state[REPLACED_EXPORTS] = (*before, scenario())
    state[COLUMN_MAPPINGS] = {**state[COLUMN_MAPPINGS], **saved.column_mappings}
    state[TIMEZONE] = saved.timezone
    use_exports(saved.files, saved.adoption_date, saved.ramp_weeks)


COMPARE_PICK = "compare_pick"
"""Session key of the Compare page's choice of a kept scenario, by its (unique) name."""


def drop_compared(index: int) -> None:
    """Take a kept scenario out of the comparison; the picker moves to the scenario now in its place, named."""
    kept = compared()
    gone = kept[index]
    left = kept[:index] + kept[index + 1 :]
    st.session_state[COMPARED] = left
    if left:  # set through the widget's key: the browser showed the removed name (Streamlit knows it by key)
        st.session_state[COMPARE_PICK] = left[min(index, len(left) - 1)].name
    st.session_state[NOTICE] = ("success", f"Removed '{gone.name}' from the comparison.")


@st.cache_data(show_spinner="Computing the results…", max_entries=64)
def _compute(scenario_json: str) -> Results:
    return compute(parse_scenario(scenario_json))


def results(current: Scenario | None = None) -> Results:
    """Every result of the current (or given) scenario, cached on its JSON."""
    return _compute((current or scenario()).model_dump_json())


def show_notice() -> None:
    """The message left by the last action (e.g. "Scenario loaded").

    It stays on the page it was shown on for as long as the scenario is the one it speaks about:
    a rerun caused by anything else (an upload finishing, a widget) does not make it vanish.
    """
    notice = st.session_state.pop(NOTICE, None)
    st.session_state.pop(_NOTICE_SLOT, None)  # a slot of an earlier run is not on this page
    page = st.session_state.get(PAGE)
    if notice:
        st.session_state[_SHOWN] = (*notice, page, scenario())
    else:
        shown = st.session_state.get(_SHOWN)
        if not shown or shown[2] != page or shown[3] != scenario():  # equal: a rebuilt copy speaks of it too
            return
        notice = shown[:2]
    kind, text = notice
    slot = st.empty()
    getattr(slot, kind)(markdown_safe(text))  # notices quote file and scenario names
    st.session_state[_NOTICE_SLOT] = (kind, slot)


def withdraw_notice(kinds: tuple[str, ...] = ("success", "info", "warning")) -> None:
    """Take away the notice of an earlier action drawn in this run (if of one of ``kinds``), for good: what the
    page shows below it now (an error, an upload waiting for its columns to be mapped) is about something else,
    and under "Loaded 4 files" reads as if that had just been done."""
    drawn = st.session_state.get(_NOTICE_SLOT)
    if drawn is not None and drawn[0] in kinds:
        st.session_state.pop(_NOTICE_SLOT)
        drawn[1].empty()
        st.session_state.pop(_SHOWN, None)


FOCUS_STYLE = """<style>
[data-testid="stSidebarNavLink"]:focus-visible, [data-testid="stPageLink-NavLink"]:focus-visible,
[data-testid^="stBaseButton"]:focus-visible, [data-testid="stTooltipHoverTarget"] button:focus-visible,
[data-testid="stTab"]:focus-visible, [data-testid="stHeaderActionElements"] a:focus-visible,
[data-testid="stExpander"] summary:focus-visible, [data-testid="stNumberInputContainer"]:focus-within,
[data-testid="stTextInputRootElement"]:focus-within {
  outline: 2px solid #1f4e79;
  outline-offset: 2px;
}
</style>"""
"""A visible keyboard focus on the page links, buttons, help marks, tabs, expanders and number and text boxes.
Streamlit marks a focused link only with a 15% tint of light blue (1.1:1 against the sidebar, under the 3:1
WCAG asks of a focus indicator, and much like the current page's own highlight), a button, help mark or tab with
a ring of the primary colour at half opacity (2.5:1 on white), and a number box with a 1 px border; the outline
is the theme's primary colour, 8.7:1 on white, 8.0:1 on the sidebar."""


TOP_STYLE = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
.st-key-summary_title h1 { font-size: 2rem; }
.st-key-summary_verdict { gap: 0.5rem; }
.st-key-summary_verdict h3 { font-size: 1.6rem; padding: 0.25rem 0 0.5rem; }
</style>"""
"""Less empty space above each page's title (Streamlit leaves 6rem), and the Summary's title, the scenario's
name, one size down: on a 1024×768 projector the Summary's verdict box in a loss case (545 px: a "Why"
paragraph and three points) ended 75 px below the screen's edge, its NPV point out of sight.  The verdict's
headline a size down too, and half the space between its parts: the delivery point (four points) made the box
60 px taller."""


def page_styles() -> None:
    """Draw :data:`FOCUS_STYLE` and :data:`TOP_STYLE` (a style-only ``st.html`` takes no space on the page)."""
    st.html(FOCUS_STYLE)
    st.html(TOP_STYLE)


def chart(figure: Any, key: str, container: Any = st, *, theme: str | None = None) -> None:
    """Draw a :mod:`roi.charts` chart; they carry their own styling, so Streamlit's theme stays off (the
    rollout charts' spacing was set under it: ``theme="streamlit"``).

    Drawn without checking its spec against the Vega-Lite JSON schema: Altair's ``to_dict()``, which
    Streamlit calls, checks it on every rerun, 110 ms of a ROI & risk rerun's four charts.  Every chart
    :mod:`roi.charts` builds is checked in tests/test_charts.py instead.
    """
    # An attribute of this chart object alone (no global switch: other sessions' threads draw too).
    object.__setattr__(figure, "to_dict", functools.partial(figure.to_dict, validate=False))
    container.altair_chart(figure, key=key, theme=theme)


def show_error(error: RoiError | str) -> None:
    """A user's mistake, located and actionable (file, row, column or field); a text is shown as it is
    (Markdown made safe).  The success notice of an earlier action ("Loaded 4 files") goes: above a new
    error it reads as if that action had just succeeded."""
    withdraw_notice(("success",))  # a warning ("loaded, but not measured") may be what the error explains: it stays
    text = error.describe() if isinstance(error, RoiError) else error
    st.error(markdown_safe(text), icon=":material/error:")  # file names, cells: no live links


# --- Widgets bound to scenario fields ---------------------------------------------------------


_BOUND = re.compile(r"^must be (more than|at least|less than|at most) (\S+) \(got [^)]*\)")
"""The bound in roi.models' message for a value out of range."""


def refused_edit(
    label: str, path: str, error: RoiError, *, percent: bool = False, outcome: str = "the earlier value is kept"
) -> str:
    """A refused edit in the app's words: the field's label as the page shows it, and what to enter.

    The engine's message names the scenario field (``field 'team': delivery_hours_per_week cannot
    exceed hours_per_week…``), which is right for a scenario file and the command line; in the app
    it is the label beside the box, in its unit (a share as a percentage), and the earlier value stays
    (``outcome`` says what happened instead where nothing was kept, e.g. a tool not added).
    """
    sentence = outcome[0].upper() + outcome[1:]
    team = scenario().team
    if error.message.startswith(DELIVERY_RULE):
        week, delivery = (f"{hours:g}" for hours in (team.hours_per_week, team.delivery_hours_per_week))
        if path == "team.hours_per_week":
            return (
                f"“{label}” cannot be less than the delivery hours per week ({delivery} h): enter at least "
                f"{delivery}, or lower “{field_label('team.delivery_hours_per_week', scenario())}” first."
            )
        return (
            f"“{label}” cannot be more than the working hours per week ({week} h): enter at most {week}, "
            f"or raise “{field_label('team.hours_per_week', scenario())}” first."
        )
    found = _BOUND.match(error.message)
    if found:
        side, bound = found.group(1), float(found.group(2))
        shown = f"{bound * 100:g}%" if percent and (bound or side != "more than") else f"{bound:g}"  # not "more than 0%"
        what = f"{shown} or more" if side == "at least" and bound == 0 else f"{side} {shown}"  # a price, a share: 0 is allowed
        return f"Enter {what} for “{label}”; {outcome}."
    return f"“{label}”: {error.message.rstrip('.')}. {sentence}."


Edit = Callable[[Scenario, Any], Scenario]
"""A field's own edit (the scenario, the value entered → the new scenario), where setting the path is not
enough: a tool's name is stripped and must differ from the other tools' (roi.whatif.with_tool_renamed)."""


def _write_back(
    key: str,
    path: str,
    scale: float,
    convert: Callable[[Any], Any],
    nullable: bool,
    label: str = "",
    edit: Edit | None = None,
    decimals: bool = False,
) -> None:
    value = st.session_state[key]
    errors = st.session_state[_EDIT_ERRORS]
    if value is None and not nullable:
        errors[key] = (
            f"Give a value for “{label or path}”; it cannot be left empty. The earlier value is kept."
        )
        return
    before = scenario()
    previous = get_path(before, path)
    try:
        new = None if value is None else convert(value / scale if scale != 1 else value)
        if edit is not None:
            st.session_state[SCENARIO] = edit(before, new)
        else:
            st.session_state[SCENARIO] = with_assumption(before, path, new)  # its range moves with it
        errors.pop(key, None)
    except RoiError as error:
        errors[key] = refused_edit(label or path, path, error, percent=scale == 100.0)
        return
    if cut := cut_adoption(before):  # the same scenario, edited: the years its horizon cut off stay with it
        st.session_state[CUT_ADOPTION] = (scenario(), cut)
    slips = st.session_state[_SLIPS]
    slips.pop(key, None)
    if scale == 100.0 and (warning := slip_warning(path, new, previous)):
        slips[key] = (new, warning)  # shown while the box holds this value (kept as typed)
    elif decimals and (warning := comma_warning(new, previous)):
        slips[key] = (new, warning)


def _slip(key: str, path: str, value: float | None, percent: bool) -> str | None:
    """The warning for a box: the one its last edit raised while the value stands (a percentage typed as a
    fraction, a decimal comma), else a percentage box's own (a value under 1% where that is implausible,
    however it got there: a loaded file)."""
    found = st.session_state[_SLIPS].get(key)
    if found is not None and found[0] == value:
        return found[1]
    return slip_warning(path, value) if percent else None


def number_field(
    label: str,
    path: str,
    key: str,
    *,
    percent: bool = False,
    integer: bool = False,
    min_value: float | None = None,
    max_value: float | None = None,
    step: float | None = None,
    digits: int | None = None,
    nullable: bool = False,
    placeholder: str | None = None,
    help: str | None = None,
    label_visibility: str = "visible",
    container: Any = st,
) -> None:
    """A number input showing the scenario's value at ``path``; edits go back into the scenario.

    ``percent`` shows a fraction as a percentage (0.25 → 25); ``digits`` fixes the decimals shown
    (default: none for whole steps, two otherwise); a ``nullable`` field may be left empty
    (``placeholder`` says what empty means).  A refused edit (out of range,
    breaks a rule) shows ``st.error`` under the field once (the next action clears it) and the earlier value
    stays.  A percentage that
    looks like a fraction typed (0.8 for 80%, :mod:`roi.percent_slip`) is kept, with ``st.warning`` under it.
    """
    scale = 100.0 if percent else 1.0
    current = get_path(scenario(), path)
    if current is None and not nullable:
        current = 0
    if current is None:
        shown = None
    else:
        shown = int(round(current)) if integer else float(current) * scale
    st.session_state[key] = shown
    convert: Callable[[Any], Any] = int if integer else float
    step = 1 if integer else float(step or (1.0 if percent else 0.1))
    if digits is None:
        digits = 0 if float(step).is_integer() else 2
    if isinstance(shown, float):  # the value in use, not rounded: 0.25 (a % slip) read "0.3" in a 1-decimal box
        digits = max(digits, len(f"{shown:.4f}".rstrip("0").partition(".")[2]))
    container.number_input(
        label,
        # No default (the value is the scenario's, in session state): the box can be emptied. With
        # Streamlit's default ("min") an emptied box snapped back to its minimum: an emptied capture
        # factor became 0% and the verdict flipped, an emptied "blank = …" field became 0, silently.
        value=None,
        key=key,
        min_value=None if min_value is None else (int(min_value) if integer else float(min_value)),
        max_value=None if max_value is None else (int(max_value) if integer else float(max_value)),
        step=step,
        format=None if integer else f"%.{digits}f",
        help=help or field_help(path),
        placeholder=placeholder,
        label_visibility=label_visibility,
        on_change=_write_back,
        # A box showing decimals is questioned when a decimal comma may have been read as a thousands separator.
        args=(key, path, scale, convert, nullable, label, None, not (percent or integer) and digits > 0),
    )
    message = st.session_state[_EDIT_ERRORS].pop(key, None)  # shown once: the next action clears it
    if message:
        container.error(message, icon=":material/error:")
    elif slip := _slip(key, path, current, percent):
        container.warning(slip, icon=":material/percent:" if percent else ":material/warning:")


def text_field(
    label: str,
    path: str,
    key: str,
    *,
    help: str | None = None,
    edit: Edit | None = None,
    container: Any = st,
) -> None:
    """A text input showing the scenario's text at ``path``; edits go back into the scenario (through
    ``edit`` if given), and a refused one shows its reason under the field, the earlier text kept."""
    st.session_state[key] = get_path(scenario(), path) or ""
    container.text_input(
        label, key=key, help=help, on_change=_write_back, args=(key, path, 1.0, str, False, label, edit)
    )
    message = st.session_state[_EDIT_ERRORS].pop(key, None)  # shown once: the next action clears it
    if message:
        container.error(message, icon=":material/error:")


def kept_number(label: str, key: str, default: float, container: Any = st, **kwargs: Any) -> Any:
    """A number input for a what-if that is not part of the scenario, kept across page switches
    (:func:`kept_widget`)."""
    return kept_widget("number_input", label, key, default, container, **kwargs)


def kept_widget(widget: str, label: str, key: str, default: Any, container: Any = st, **kwargs: Any) -> Any:
    """A ``widget`` (``"number_input"``, ``"checkbox"``) for a choice that is not part of the scenario, kept
    across page switches.

    Streamlit forgets a widget's value when its page is left; the value is kept under
    ``"kept_" + key`` and put back before the widget is drawn, within ``max_value`` (which can
    shrink with the scenario, e.g. no more team pools than reviewers).
    """
    kept = f"kept_{key}"
    st.session_state.setdefault(kept, default)
    st.session_state.setdefault(_KEPT_DEFAULTS, {}).setdefault(kept, default)  # drawn, not chosen (_untouched)
    if kwargs.get("max_value") is not None and st.session_state[kept] > kwargs["max_value"]:
        st.session_state[kept] = kwargs["max_value"]
    st.session_state[key] = st.session_state[kept]

    def keep() -> None:
        st.session_state[kept] = st.session_state[key]

    return getattr(container, widget)(label, key=key, on_change=keep, **kwargs)


def kept_tabs(labels: list[str], key: str) -> Sequence[Any]:
    """``st.tabs`` that open on the tab last open when the page is visited again (Streamlit forgets a page's
    widget values when another page runs: the Data page came back on "Your exports" with the estimates half
    typed on "Estimates").  Keyed, so the open tab also survives the page's own reruns."""
    kept = f"kept_{key}"
    if key not in st.session_state and st.session_state.get(kept) in labels:
        st.session_state[key] = st.session_state[kept]
    tabs = st.tabs(labels, key=key, on_change="rerun")
    st.session_state[kept] = st.session_state.get(key, labels[0])
    st.session_state.setdefault(_KEPT_DEFAULTS, {}).setdefault(kept, labels[0])  # opened, not chosen (_untouched)
    return tabs


TILE_MIN_WIDTH = 190
"""Narrowest metric tile (px): "+1,197.7%", the demo's return on investment, needs 187 px of tile. Four
such tiles and their gaps (4 × 190 + 3 × 16 = 808 px) still fit side by side in the 820 px main area of a
1280-pixel screen with the sidebar open."""
NARROW_TILE_MIN_WIDTH = 150
"""Narrowest tile of the Productivity page's row of five (px): "Review tax (−ΔR)" needs 151 px, five fit at
1280 px (5 × 150 + 4 × 16 = 814 px)."""
TILE_GAP = 16  # px, Streamlit's "small" gap (1rem), between the tiles and between the halves of a row of 4
FIVE_TILES = "tiles_of_five"
"""Key of a row of five tiles (Streamlit gives the grid the class ``st-key-tiles_of_five``)."""
FIVE_TILES_STYLE = f"""<style>
.st-key-{FIVE_TILES}[data-test-column-count="4"] {{ grid-template-columns: repeat(3, minmax(0, 1fr)); }}
</style>"""
"""Five tiles go 5, then 3 + 2, never 4 + 1: where st.grid would put four a row (a 704 px main area, 1280
pixels at 110%, left "Net gain (N)" alone on the second row) it puts three. st.grid counts its columns in
the browser and says how many on ``data-test-column-count``; three are wider than four, so none is cut."""


def tile_row(count: int, min_width: int = TILE_MIN_WIDTH) -> list[Any]:
    """``count`` cells for metric tiles, in order: one row of equal tiles where each gets ``min_width``,
    else fewer to a row (st.columns squeezed them: at 1024 px, a 1280-pixel laptop at 125%, "+$3.5M"
    showed as "+$3…").  Four tiles go 4, then 2 × 2, then 1 a row, never 3 + 1: two grids of two in a
    grid of two, whose halves stack exactly when four tiles would be under ``min_width``.  Five go 5, then
    3 + 2 (:data:`FIVE_TILES_STYLE`); one row of five a page."""
    if count == 5:
        st.html(FIVE_TILES_STYLE)  # a style-only st.html takes no space
        grid = st.grid(5, min_column_width=min_width, gap="small", key=FIVE_TILES)
        return [grid.cell() for _ in range(5)]
    if count != 4:
        grid = st.grid(count, min_column_width=min_width, gap="small")
        return [grid.cell() for _ in range(count)]
    halves = st.grid(2, min_column_width=2 * min_width + TILE_GAP, gap="small")
    pairs = [halves.grid(2, min_column_width=min_width, gap="small") for _ in range(2)]
    return [pair.cell() for pair in pairs for _ in range(2)]


CHART_MIN_WIDTH = 370
"""Narrowest chart of a side-by-side pair (px): the waterfall's five steps and their labels want about 65 px
each plus the axis. At 1280 px with the sidebar open each half is 378 px (2 × 370 + 64 = 804 px fit); at
1024 px the halves were 250 px, the waterfall's labels ran into each other and the index chart was squashed,
so there the two stack, each the full width."""


def chart_pair() -> list[Any]:
    """Two cells side by side, as ``st.columns(2, gap="large")``, stacked where a half is under
    :data:`CHART_MIN_WIDTH`."""
    grid = st.grid(2, min_column_width=CHART_MIN_WIDTH, gap="large")
    return [grid.cell(), grid.cell()]


SIDEBAR_SPARE_WIDTH = 1280
"""Narrowest window (CSS px) whose main area, beside the open sidebar (300 px), holds the Rollout page's data
grids (818 px); at 1024 px (a 1280-pixel laptop at 125%) they have 562 px, and 862 px with the sidebar
collapsed. Streamlit collapses it by itself only at 768 px and below."""


def sidebar_note(key: str, text: str) -> None:
    """A caption shown only while the sidebar is open in a window under :data:`SIDEBAR_SPARE_WIDTH` (the
    server does not know the window's width: a style shows or hides it in the browser)."""
    box = f"[data-testid='stLayoutWrapper']:has(> .st-key-{key})"  # the container's wrapper: hidden, no gap either
    st.html(  # a style-only st.html takes no space
        f"<style>{box} {{ display: none; }} @media (max-width: {SIDEBAR_SPARE_WIDTH - 1}px) {{ "
        f"body:has([data-testid='stSidebar'][data-collapsed='false']) {box} {{ display: flex; }} }}</style>"
    )
    st.container(key=key).caption(text)

GRID_PADDING = 16  # px: a data grid cell's padding, 8 px each side
DIGIT_PX, SEPARATOR_PX = 7.0, 3.5  # px of a digit (or a sign) and of a "," or "." in the grid's 14 px Source Sans


def figures_width(values: Any, heading_px: int) -> int:
    """Width (px) of a data grid column of whole numbers shown with separators ("1,950,000"): its
    widest value over every row with the cell padding, and at least ``heading_px`` (its heading's text and
    padding). The grid sizes a column from its first ten rows and leaves out a value twice their average:
    with 50,000 developers the training month's "12,684,000" was cut, and a running total that grows past
    them would be too."""
    shown = (f"{value:,.0f}" for value in values)
    widest = max((sum(SEPARATOR_PX if char in ",." else DIGIT_PX for char in text) for text in shown), default=0.0)
    return max(heading_px, math.ceil(widest) + GRID_PADDING + 1)  # 1 px to spare: the grid rounds its own


def loss_chance_metric(container: Any, results: Results) -> None:
    """The "Chance of a loss" tile (summary and ROI pages): the share of simulated NPVs at or below zero."""
    container.metric(
        "Chance of a loss",
        fmt.chance(loss_chance(results), missing="not simulated"),
        border=True,
        help="Share of the Monte Carlo outcomes with NPV ≤ 0.",
    )


def reviewers_needed_metric(container: Any, needed: int | None, reviewers: int, help: str,
                            utilization: float) -> None:
    """The "Reviewers needed" tile: the engine's number and the gap to today's pool.

    A pool that meets the wait target above ``defaults.UTILIZATION_LIMIT`` busy (``utilization``, after adoption)
    is not called "enough": the headline beside it says the reviewers are stretched."""
    gap = needed - reviewers if needed is not None else None
    delta, colour = None, "green"
    if gap is not None and gap > 0:
        delta, colour = f"{fmt.number(gap, signed=True)} on today's {fmt.number(reviewers)}", "red"
    elif gap is not None and utilization >= defaults.UTILIZATION_LIMIT:
        # "stretched", the headline's and the utilisation tile's word; the chip has room for 25 characters
        delta, colour = f"today's {fmt.number(reviewers)}: stretched", "orange"
        help += (f" Today's pool meets it, {fmt.percent(utilization)} busy: above "
                 f"{fmt.percent(defaults.UTILIZATION_LIMIT)} a small rise in PRs makes the wait jump.")
    elif gap is not None:
        delta = f"today's {fmt.number(reviewers)} {'is' if reviewers == 1 else 'are'} enough"
    container.metric(
        "Reviewers needed",
        fmt.number(needed, missing="no target"),
        border=True,
        delta=delta,
        delta_color=colour,
        delta_arrow="off",
        help=help,
    )


def field_help(path: str) -> str | None:
    """The field's description from roi/models.py (units in brackets), for tooltips and tables."""
    model: Any = Scenario
    info = None
    for part in path.split("."):
        if part.isdigit():
            continue
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return None
        info = fields[part]
        annotation = info.annotation
        args = getattr(annotation, "__args__", ())
        model = next((a for a in (annotation, *args) if hasattr(a, "model_fields")), None)
        if model is None:
            # list[Tool] and similar: look inside the container's item type
            for arg in args:
                inner = getattr(arg, "__args__", ())
                model = next((a for a in inner if hasattr(a, "model_fields")), model)
    return info.description if info is not None else None


def source_line(current: Scenario) -> str:
    """Where the scenario's numbers come from, in one line for the sidebar and page captions."""
    if current.measurement is not None:
        files = len(current.measurement.sources)
        return (
            f"Measured from {files} export{'s' if files != 1 else ''}, AI adopted "
            f"{current.measurement.adoption_date:%d %b %Y}"
        )
    return "Estimates or published findings (not measured from exports)"


def money(value: float | None, current: Scenario | None = None, **kwargs: Any) -> str:
    """Money in the scenario's currency (see :func:`roi.formatting.money`)."""
    return fmt.money(value, (current or scenario()).currency, **kwargs)


# --- Exports and measured metrics ------------------------------------------------------------

Files = tuple[tuple[str, bytes], ...]


_DIGESTS = "_digests"  # the session's recent (bytes of a set of files, their digest)


def digest(files: Files) -> tuple[tuple[str, str], ...]:
    """(name, SHA-256) per file: the cache key of a set of exports.

    Every rerun passes the same bytes objects (kept in session state, or by the uploader), and
    hashing a gigabyte of exports takes a second: a set's digest is remembered for the session by
    the identity of its bytes (the last few sets, which the session holds anyway).
    """
    recent = st.session_state.setdefault(_DIGESTS, [])
    for datas, key in recent:
        if len(datas) == len(files) and all(
            known is data and name == named
            for known, (named, _), (name, data) in zip(datas, key, files, strict=True)
        ):
            return key
    # Two files at a time: hashlib lets go of the GIL on large buffers (1.6 GB of uploads: 2 s → 1 s).
    with ThreadPoolExecutor(max_workers=2) as pool:
        hashes = list(pool.map(lambda data: hashlib.sha256(data).hexdigest(), (data for _, data in files)))
    key = tuple(zip((name for name, _ in files), hashes, strict=True))
    recent.insert(0, (tuple(data for _, data in files), key))
    del recent[4:]  # the demo's, an upload, a template, a scenario file
    return key


@st.cache_resource(show_spinner=False, max_entries=1)  # shared, not copied: the bytes are immutable
def _demo_files() -> Files:
    from roi.ingest import demo_files

    return tuple((path.name, path.read_bytes()) for path in demo_files())


def demo_exports() -> tuple[Files, date]:
    """The demo organisation's export files and its adoption date (what the app opens on)."""
    from roi.ingest import DEMO_ADOPTION_DATE

    return _demo_files(), DEMO_ADOPTION_DATE


Key = tuple[tuple[str, str], ...]
"""What a read of exports depends on: each file's (name, SHA-256), then each mapped file's
(:data:`_MAPPED` + name, its mapping as JSON), then (:data:`_ZONE`, the time zone)."""

_MAPPED = "\0mapping "  # no file name holds a NUL: the entries after the files'
_ZONE = "\0timezone"


def names_in(files: Files) -> list[str]:
    """The files these stand for, by name (``roi.archive.export_names``: a zip archive's files as
    ``archive.zip: path``), remembered by the files' digest: every rerun asks, and an archive of a thousand files
    takes a tenth of a second to list."""
    return list(_export_names(digest(files), files))


@st.cache_data(show_spinner=False, max_entries=16)
def _export_names(key: Key, _files: Files) -> tuple[str, ...]:
    return tuple(export_names(_files))


def mappings_of(files: Files) -> dict[str, dict[str, str]]:
    """The column mappings the user made for these files (by file name; a zip archive's by ``archive.zip: path``)."""
    saved = st.session_state.get(COLUMN_MAPPINGS, {})
    return {name: saved[name] for name in names_in(files) if name in saved}


def read_key(files: Files) -> Key:
    """:func:`digest` of the files plus the mappings that read them: a new mapping reads them again."""
    return digest(files) + tuple(
        (_MAPPED + name, json.dumps(mapping, sort_keys=True)) for name, mapping in mappings_of(files).items()
    ) + ((_ZONE, timezone()),)


def timezone() -> str:
    """The IANA zone the exports' times without an offset are read in (UTC unless the user chose one)."""
    return st.session_state.get(TIMEZONE, "UTC")


# A resource, not data: st.cache_data would unpickle a copy on every hit (seconds for a million PRs).
# The Dataset is frozen and nothing that reads it modifies its tables.
@st.cache_resource(show_spinner="Reading the exports…", max_entries=8)
def _read(key: Key, _files: Files) -> Any:
    from roi.ingest import read_exports

    mappings = {name[len(_MAPPED):]: json.loads(text) for name, text in key if name.startswith(_MAPPED)}
    return read_exports(list(_files), mappings, timezone=dict(key).get(_ZONE, "UTC"))


@st.cache_data(show_spinner=False, max_entries=16)
def _tables_to_map(key: Key, _files: Files) -> tuple[dict[str, Any], dict[str, str]]:
    from roi.ingest import table_to_map
    from roi.ingest.detect import header_near_miss

    tables, hints = {}, {}
    for upload in _files:
        try:
            files = files_in(upload)  # a zip archive's files, each unzipped in turn
        except RoiError:  # an archive refused: reading the files names why
            continue
        for file in files:
            try:
                table = table_to_map(file.name, file.read())
            except RoiError:  # a safety limit: reading the files names it
                table = None
            if table is not None:
                tables[file.name] = table.head(5)  # what the mapping step shows; the file is read whole later
                hint = header_near_miss([str(c) for c in table.columns])
                if hint:
                    hints[file.name] = hint
    return tables, hints


@st.cache_data(show_spinner="Checking the other files…", max_entries=16)
def _files_error(key: Key, leave_out: tuple[str, ...], _files: Files) -> str | None:
    from roi.ingest import check_files

    try:
        check_files(_files, timezone=dict(key).get(_ZONE, "UTC"), leave_out=leave_out)
    except RoiError as error:
        return error.describe()
    return None


def files_error(files: Files, leave_out: Sequence[str] = ()) -> str | None:
    """What reading these files (in known formats) on their own finds wrong, or None; only the message is kept,
    not what was read (``roi.ingest.check_files``).  The files named in ``leave_out`` (waiting for their column
    mapping, a zip archive's included) are not read."""
    return _files_error(read_key(files), tuple(sorted(leave_out)), files)


def mappable_tables(files: Files) -> dict[str, Any]:
    """File name -> its first rows (text cells), for each file in no known format (mapped or not)."""
    return _tables_to_map(digest(files), files)[0]


def mapping_hints(files: Files) -> dict[str, str]:
    """File name -> the format a file to map almost is, and what it lacks (``roi.ingest.detect.header_near_miss``)."""
    return _tables_to_map(digest(files), files)[1]


def tables_to_map(files: Files) -> dict[str, Any]:
    """:func:`mappable_tables` of the files that have no mapping yet."""
    mapped = mappings_of(files)
    return {name: table for name, table in mappable_tables(files).items() if name not in mapped}


@st.cache_data(show_spinner="Measuring before and after adoption…", max_entries=16)
def _measure(key: Key, adoption: date, ramp_weeks: int, _files: Files) -> Any:
    from roi.metrics import measure

    return measure(_read(key, _files), adoption, ramp_weeks)


def read(files: Files) -> Any:
    """The :class:`roi.ingest.Dataset` of these exports (through the user's column mappings), cached on
    their content."""
    return _read(read_key(files), files)


def measured(files: Files, adoption: date, ramp_weeks: int) -> Any:
    """The :class:`roi.metrics.Metrics` of these exports split at ``adoption``, cached."""
    return _measure(read_key(files), adoption, ramp_weeks, files)


def loaded() -> tuple[Files, date | None, int] | None:
    """The exports in use (the demo organisation's until others are uploaded), adoption date, ramp weeks."""
    files = st.session_state[EXPORTS]
    if files == DEMO:
        files = demo_exports()[0]
    if not files:
        return None
    return tuple(files), st.session_state[ADOPTION_DATE], st.session_state[RAMP_WEEKS]


def use_exports(files: Files | None, adoption: date | None, ramp_weeks: int) -> None:
    """Remember which exports the measured metrics come from (None: no exports)."""
    st.session_state[EXPORTS] = files
    st.session_state[ADOPTION_DATE] = adoption
    st.session_state[RAMP_WEEKS] = ramp_weeks


@st.cache_data(show_spinner="Collecting PR sizes and cycle times…", max_entries=8)
def _pr_samples(key: Key, adoption: date, ramp_weeks: int, _files: Files) -> Any:
    from roi.charts import pr_samples

    dataset = _read(key, _files)
    return pr_samples(dataset, adoption, ramp_weeks) if dataset.has("pull_requests") else None


def pr_distributions() -> tuple[tuple[Any, Any], tuple[Any, Any]] | None:
    """((size before, after), (cycle hours before, after)) per counted PR when PR exports are loaded."""
    found = loaded()
    if found is None or found[1] is None:
        return None
    files, adoption, ramp = found
    try:
        samples = _pr_samples(read_key(files), adoption, ramp, files)
    except RoiError:
        return None
    if samples is None or not all(len(samples[m][p]) for m in ("size", "cycle") for p in ("before", "after")):
        return None
    return (
        (samples["size"]["before"], samples["size"]["after"]),
        (samples["cycle"]["before"], samples["cycle"]["after"]),
    )


def licence_caveat(scenario: Scenario) -> str | None:
    """:func:`roi.scenario_builder.licence_caveat` against the exports in use: the AI tools they show use of,
    and the Copilot seats they list; ``None`` without exports (or when they cannot be read)."""
    found = loaded()
    if found is None:
        return None
    try:
        dataset = read(found[0])
    except RoiError:  # the Data page names what is wrong with the files
        return None
    seats = scenario_builder.seats_held(dataset.seats)
    caveat = scenario_builder.licence_caveat(scenario, set(dataset.formats()), seats)
    return None if caveat is None else markdown_safe(caveat)  # it quotes the tools' names, which anyone can type


@st.cache_data(show_spinner=False, max_entries=8)
def _usage_costs(key: Key, _files: Files) -> Any:
    from roi.usage_cost import usage_costs

    return usage_costs(_read(key, _files))


def usage_costs() -> list[Any]:
    """The :class:`roi.usage_cost.UsageCost` of each AI tool whose loaded usage exports carry costs."""
    found = loaded()
    if found is None:
        return []
    try:
        return list(_usage_costs(read_key(found[0]), found[0]))
    except RoiError:  # the Data page names what is wrong with the files
        return []


def _source(current: Scenario, item: Any, source_of: Callable[[Scenario, Any], str]) -> str:
    """The workbook's source text, but a value equal to its default cites the default's source.

    An assumption with an uncertainty range says so: the range moves with an edit of the value.
    """
    text = _cited_source(current, item, source_of)
    found = current.uncertainty.ranges.get(item.path) if current.uncertainty else None
    if found is None:
        return text
    low, _, high = (fmt.input_value(item.path, x, current.currency, like=found[2]) for x in found)
    return f"{text.rstrip('.')}. Monte Carlo range {low} to {high} (moves with the value)."


def _cited_source(current: Scenario, item: Any, source_of: Callable[[Scenario, Any], str]) -> str:
    text = source_of(current, item)  # the workbook's words: "Scenario file", "Default: <source>", "Measured …"
    if text.startswith("Default") and item.default:
        # Without the engine's unit in brackets: the page shows the unit under the label, and "[fraction]"
        # beside a box in % contradicted it.
        return re.sub(r" \[[^\]]*\]", "", text)
    return text.replace("Scenario file", "Set in this scenario", 1)


# How each kind of assumption (roi.export.assumptions formats) is edited: (step, decimals shown).
_EDIT_STEPS = {
    "percent": (1.0, 1),
    "money": (100.0, 0),
    "money_exact": (0.5, 2),
    "hours": (0.25, 2),
    "number": (0.1, 2),
}


def assumption_rows(items: list, prefix: str) -> None:
    """Editable assumptions, one row each: label and unit, the value, and where the value comes from.

    ``items`` are :class:`roi.export.assumptions.Assumption` (the workbook's own list, so the app
    and the exported Assumptions sheet name, unit and source every input the same way).
    """
    from roi.export.assumptions import source_of

    current = scenario()
    widths = [3, 2, 4]
    header = st.columns(widths)
    for col, title in zip(header, ("Assumption", "Value", "Source"), strict=True):
        col.caption(f"**{title}**")
    for item in items:
        label_col, value_col, source_col = st.columns(widths, vertical_alignment="center")
        unit = "%" if item.fmt == "percent" else item.unit.replace("{currency}", current.currency)
        label_col.markdown(f"{item.label}" + (f"  \n:gray[{unit}]" if unit else ""))
        step, digits = _EDIT_STEPS.get(item.fmt, (1.0, 0))
        number_field(
            item.label,
            item.path,
            key=f"{prefix}_{item.name}",
            percent=item.fmt == "percent",
            integer=item.fmt == "int",
            step=step,
            digits=digits,
            # No min_value: the browser would keep a typed −10 in the box with only a hover tooltip, while the
            # model used the earlier value; the model's own rule says what is wrong and the box shows the value.
            nullable=item.blank_means is not None,
            placeholder=f"blank = {item.blank_means}" if item.blank_means else None,
            label_visibility="collapsed",
            container=value_col,
        )
        source_col.caption(_source(current, item, source_of))


def apply_measurement(files: Files, adoption: date, ramp_weeks: int) -> str | None:
    """Measure the exports and rebuild the scenario's periods, team and review pool from them.

    Every other assumption (costs, finance, quality) is kept from the current scenario.  Returns
    the error message when the exports cannot give a scenario (the scenario is then unchanged).
    """
    from roi.scenario_builder import scenario_from_metrics

    current = scenario()
    # The user's own exports under the demo's name would be mislabelled; any other name (the
    # demo's on its own exports, or one the user typed) is kept as it is.
    if current.name == demo_scenario().name and tuple(files) != demo_exports()[0]:
        name = "Your organisation (measured)"
    else:
        name = current.name
    try:
        metrics = measured(files, adoption, ramp_weeks)
        new = scenario_from_metrics(metrics, base=current, name=name, column_mappings=mappings_of(files),
                                    timezone=timezone())
    except RoiError as error:
        return error.describe(field=False)  # shown beside the adoption date, which the field names
    use_exports(files, adoption, ramp_weeks)
    if new.measurement is None:  # only the estimates template: nothing was measured
        if new.name == "Your organisation (measured)":
            new = new.model_copy(update={"name": "Your organisation (estimates)"})
        notice = f"The scenario now uses the estimates from {', '.join(file for file, _ in files)}."
    else:
        used = len(new.measurement.sources)  # an empty file skipped beside the others is not one of them
        notice = (
            f"The scenario now uses the metrics measured from {used} "
            f"file{'s' if used != 1 else ''} (AI adopted {adoption:%d %b %Y})."
        )
        counted, before = new.measurement.counted, current.measurement.counted if current.measurement else {}
        counts = (("team.developers", "developers", current.team.developers, new.team.developers),
                  ("review.reviewers", "reviewers", current.review.reviewers, new.review.reviewers))
        # the same exports again: what the user typed over the counts stays; other exports replace it, said
        kept = [f"the {now:,} {label} typed (the exports count {counted[path]:,})"
                for path, label, _, now in counts if counted.get(path, now) != now]
        replaced = [f"the {old:,} {label} typed by the {now:,} these exports count"
                    for path, label, old, now in counts if before.get(path, old) != old and now != old]
        if kept:
            notice += " It keeps " + " and ".join(kept) + "."
        if replaced:
            notice += " It replaces " + " and ".join(replaced) + "."
    set_scenario(new, notice)
    return None


def presets() -> dict[str, Scenario]:
    """The research presets (file name → scenario), in the order offered."""
    return {
        name: _load_bundled(str(SCENARIOS / name)) for name in PRESET_FILES if (SCENARIOS / name).exists()
    }


def scenario_metrics() -> Any | None:
    """The measured metrics behind the current scenario; None for estimates or when not measurable."""
    found = loaded()
    if found is None or found[1] is None or scenario().measurement is None:
        return None
    try:
        return measured(*found)
    except RoiError:
        return None


@st.cache_data(show_spinner=False, max_entries=8)
def _workbook(
    scenario_json: str,
    key: Key,
    adoption: date | None,
    ramp_weeks: int,
    include_tables: bool,
    _files: Files,
    pseudonym_salt: bytes | None = None,
) -> bytes:
    from roi.export import build_workbook, tables_of

    current = parse_scenario(scenario_json)
    metrics = _measure(key, adoption, ramp_weeks, _files) if key and adoption else None
    tables = tables_of(_read(key, _files)) if include_tables and key else None
    if tables and pseudonym_salt:
        tables = pseudonymise_tables(tables, pseudonym_salt)
    return build_workbook(current, _compute(scenario_json), metrics=metrics, tables=tables)


PSEUDONYM_SALT = "privacy_salt"
"""Session key of the pseudonym salt: drawn once per session, never saved or exported."""


def workbook(include_tables: bool = False, pseudonymise: bool = True) -> bytes:
    """The stakeholder workbook of the current scenario (with its measured metrics), cached.

    With ``pseudonymise``, developer logins in the event tables become salted hashes (roi.privacy);
    the salt is this session's, so the cache is never shared with another session's pseudonyms.
    """
    current = scenario()
    found = loaded() if current.measurement is not None else None
    files, adoption, ramp = found if found is not None and found[1] is not None else ((), None, 0)
    salt = st.session_state.setdefault(PSEUDONYM_SALT, new_salt()) if pseudonymise else None
    return _workbook(current.model_dump_json(), read_key(files), adoption, ramp, include_tables, files, salt)


# --- Editing a table's row without the grid ------------------------------------------------------

NEW_ROW = "new"


def row_form(frame: Any, columns: dict[str, Any], key: str, *, row_label: Callable[[Any], str],
             disabled: Sequence[str] = (), can_add: bool = False) -> Any | None:
    """One row of a data editor's table, edited with ordinary widgets: the grid takes no keyboard cell cursor
    (glide-data-grid selects a cell by mouse only), so without this a keyboard or screen-reader user could not
    change a wave, a gate or the checklist (accessibility audit 1).

    ``columns`` is the editor's column config (its labels, options and bounds); a column without one, or in
    ``disabled``, is kept as it is.  Returns the whole table with the row changed, added (``can_add``) or
    deleted once a button is pressed, for the same handler as the grid's edits; else None.
    """
    import pandas as pd

    # Keyed: a button shown above it ("Discard the edits not saved") moved it, and it came back closed after Apply.
    with st.expander("Edit a row without the grid (keyboard)", key=f"{key}_open"):
        options: list[Any] = [*range(len(frame)), *([NEW_ROW] if can_add else [])]
        chosen = st.selectbox("Row", options, key=f"{key}_row",
                              format_func=lambda r: "A new row" if r == NEW_ROW else row_label(frame.iloc[r]))
        if chosen is None:
            return None
        current = None if chosen == NEW_ROW else frame.iloc[chosen]
        values: dict[str, Any] = {}
        for column in frame.columns:
            config = columns.get(column)
            if not isinstance(config, dict) or column in disabled or config.get("disabled"):
                continue
            was = None if current is None or pd.isna(current[column]) else current[column]
            widget = f"{key}_{chosen}_{column}"
            # A widget keeps what it first showed (the browser too: a widget is known by its key): a due week the
            # waves had moved since (6 → 5 in the grid) was written back as 6 with a note typed beside it. A cell
            # changed in the table sets its widget's value again.
            fresh = widget not in st.session_state or st.session_state.get(f"{widget}_shown") != repr(was)
            st.session_state[f"{widget}_shown"] = repr(was)
            values[column] = _row_widget(config, was, widget, fresh=fresh)
        buttons = st.columns(2 if current is not None and can_add else 1)
        if buttons[0].button("Apply to the table", key=f"{key}_apply"):
            if current is None:
                row = pd.DataFrame([{**dict.fromkeys(frame.columns), **values}], columns=frame.columns)
                return pd.concat([frame, row.astype(frame.dtypes.to_dict(), errors="ignore")], ignore_index=True)
            changed = frame.copy()
            for column, value in values.items():
                changed.loc[changed.index[chosen], column] = pd.NA if value is None else value
            return changed
        if len(buttons) > 1 and buttons[1].button("Delete the row", key=f"{key}_delete"):
            return frame.drop(index=frame.index[chosen]).reset_index(drop=True)
    return None


def _row_widget(config: dict[str, Any], value: Any, key: str, *, fresh: bool) -> Any:
    """The widget for one cell of :func:`row_form`, from its column config: a number box within its bounds, a
    choice of its options, a checkbox or a text box.  ``fresh``: show ``value`` (the cell as the table holds it
    now), else what was typed in it; set through its key, which the browser knows it by, not its default."""
    kind = config.get("type_config") or {}
    label, help_text = config.get("label") or key, config.get("help")
    if kind.get("type") == "number":
        whole = isinstance(kind.get("step"), int)
        cast: Callable[[Any], Any] = int if whole else float
        bounds = {name: cast(kind[name]) for name in ("min_value", "max_value") if kind.get(name) is not None}
        if fresh:
            st.session_state[key] = None if value is None else cast(value)
        return st.number_input(label, step=kind.get("step"), key=key, help=help_text, **bounds)
    if kind.get("type") == "selectbox":
        choices = list(kind.get("options") or [])
        if fresh:
            st.session_state[key] = value if value in choices else None
        return st.selectbox(label, choices, key=key, help=help_text)
    if kind.get("type") == "checkbox":
        if fresh:
            st.session_state[key] = bool(value)
        return st.checkbox(label, key=key, help=help_text)
    if fresh:
        st.session_state[key] = "" if value is None else str(value)
    return st.text_input(label, key=key, help=help_text) or None
