"""A reload of the browser tab starts a new Streamlit session: the tab's inputs come back from the server's
memory under the token in the address (appstate.remember / init)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from roi.whatif import with_value
from tests.conftest import APP_TIMEOUT, ROOT


def _reloaded(token: str | None) -> AppTest:
    """A fresh session of the app opened on an address holding ``token``, as a reload does."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    if token is not None:
        at.query_params["session"] = token
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_reload_brings_back_the_scenario_the_kept_ones_and_the_what_ifs(worked_example):
    # AppTest runs app.py (where every run saves the tab) on the first run only; later runs run the page.
    other = with_value(worked_example, "name", "Other")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    at.session_state["scenario"] = worked_example
    at.session_state["compared"] = [other]
    at.session_state["kept_review_pr_limit"] = 250.0  # a what-if kept outside the scenario
    at.run()
    token = at.session_state["resume_token"]
    assert at.query_params["session"] in (token, [token])  # in the address
    back = _reloaded(token)
    assert back.session_state["scenario"] == worked_example
    assert back.session_state["compared"] == [other]
    assert back.session_state["kept_review_pr_limit"] == 250.0
    assert "The page was reloaded" in back.info[0].value
    assert back.session_state["resume_token"] != token  # a tab of its own from now on
    # A token restores once: the address in the history or a log no longer opens the client's data, and
    # says why; the reloaded tab is saved under its new token.
    again = _reloaded(token)
    assert again.session_state["compared"] == [] and again.warning[0].value.startswith(
        "This address's saved workshop is no longer kept")
    assert _reloaded(back.session_state["resume_token"]).session_state["compared"] == [other]


def test_an_unknown_token_opens_the_demo(open_app):
    demo = open_app().session_state["scenario"]
    at = _reloaded("not-a-saved-tab")
    assert at.session_state["scenario"] == demo and at.session_state["compared"] == []
    assert not [i for i in at.info if "reloaded" in i.value]
    assert "no longer kept (a reload restores a tab once, for 8 hours" in at.warning[0].value
    assert not _reloaded(None).warning  # an address without a token: a fresh start, nothing to say


def test_a_saved_tab_older_than_the_keep_time_is_not_restored(worked_example):
    # Expired tabs are only evicted when some session next saves one: until then an old address (a browser's
    # history, a proxy's log) must still not reopen the client's data, whatever is left in memory.
    import time

    import appstate

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    at.session_state["scenario"] = with_value(worked_example, "name", "Client")
    at.run()
    token = at.session_state["resume_token"]
    saved, lock = appstate._saved_tabs()
    with lock:
        saved[token] = (time.monotonic() - appstate.RESUME_KEEP_SECONDS - 1, saved[token][1])
    back = _reloaded(token)
    assert back.session_state["scenario"].name != "Client"
    assert not [i for i in back.info if "reloaded" in i.value]
    assert back.warning[0].value == appstate.RESUME_GONE


def test_only_the_most_recent_tabs_are_kept(worked_example):
    # Each saved tab may hold a client's exports (hundreds of MB): beyond RESUME_TABS the oldest is pushed out
    # when a tab is saved, not kept for the whole RESUME_KEEP_SECONDS.
    import time

    import appstate

    saved, lock = appstate._saved_tabs()
    fillers = [f"filler-{i}" for i in range(appstate.RESUME_TABS)]
    with lock:
        for token in fillers:
            saved[token] = (time.monotonic(), {})
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
        at.session_state["scenario"] = worked_example
        at.run()
        with lock:
            assert len(saved) == appstate.RESUME_TABS
            assert fillers[0] not in saved and fillers[1] in saved
            assert next(reversed(saved)) == at.session_state["resume_token"]
    finally:
        with lock:
            for token in fillers:
                saved.pop(token, None)
