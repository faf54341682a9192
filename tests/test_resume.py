"""A reload of the browser tab starts a new Streamlit session: the tab's inputs come back from the server's
memory under the token in the address (appstate.remember / init)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from roi.whatif import with_value
from tests.conftest import APP_TIMEOUT, ROOT


def _query(token: str) -> AppTest:
    """A session of the app opened on an address holding ``token``, not yet run."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    at.query_params["session"] = token
    return at


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
    assert _reloaded(back.session_state["resume_token"]).session_state["compared"] == [other]


def test_a_reload_brings_back_rollout_edits_a_rule_refused_even_on_the_untouched_demo():
    """Refused edits stay in the Rollout plan's grid until fixed; on the demo as it opened, the tab saved nothing."""
    import pandas as pd

    held = {"rollout_waves": ("the scenario typed over", pd.DataFrame({"name": ["Pilot"], "seat_share_pct": [150.0]}))}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    at.session_state["rollout_pending"] = held
    at.run()
    back = _reloaded(at.session_state["resume_token"])
    found = back.session_state["rollout_pending"]["rollout_waves"]
    assert found[0] == held["rollout_waves"][0] and found[1].equals(held["rollout_waves"][1])


class _Sessions:
    """Sessions told apart, and which of them a browser still has open: AppTest gives every session one id and
    has no server to ask, so :func:`appstate._connected` is always False there."""

    def __init__(self, monkeypatch):
        import itertools

        import streamlit as st

        import appstate

        ids = self.ids = itertools.count()
        self.open: set[str] = set()
        monkeypatch.setattr(appstate, "_session_id", lambda: st.session_state.setdefault("test_id", f"s{next(ids)}"))
        monkeypatch.setattr(appstate, "_connected", lambda session_id: session_id in self.open)

    def start(self, at: AppTest) -> AppTest:
        """Run ``at`` as a session that stays open in its browser tab."""
        at.session_state["test_id"] = f"open{next(self.ids)}"
        self.open.add(at.session_state["test_id"])
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    def close(self, at: AppTest) -> None:
        self.open.discard(at.session_state["test_id"])


def _tab(worked_example) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    at.session_state["scenario"] = with_value(worked_example, "name", "Client A")
    at.session_state["data_replaced_exports"] = ((("first.json", b"[]"),), None, 0, None)  # the Data page's undo
    return at


def test_a_reload_restores_until_it_has_settled_then_the_old_address_is_spent(worked_example, monkeypatch):
    """F5 twice on a slow page: the second reload came before the first one's run ended and found the copy taken
    out, losing everything (multi-user audit 2). The copy now goes once the reloaded tab has saved its own."""
    sessions = _Sessions(monkeypatch)
    first = sessions.start(_tab(worked_example))
    token = first.session_state["resume_token"]
    sessions.close(first)  # F5: the tab's session goes
    # The first reload's session is stopped by the second F5 before it has saved while connected.
    stopped = _reloaded(token)
    assert stopped.session_state["scenario"].name == "Client A"
    # A busy server: its 16 saved tabs are full, so the reloaded tab's save pushes the oldest out.
    import time

    import appstate

    saved, lock = appstate._saved_tabs()
    with lock:
        for filler in range(appstate.RESUME_TABS):
            saved[f"filler-{filler}"] = (time.monotonic(), {}, None)
    second = sessions.start(_query(token))
    assert second.session_state["scenario"].name == "Client A"
    # "Bring back the exports loaded before" survives a reload too (multi-user audit 5).
    assert second.session_state["data_replaced_exports"] == ((("first.json", b"[]"),), None, 0, None)
    assert second.session_state["resume_token"] != token
    # That reload has settled, but its new address may not have reached the browser yet: a second F5 with the
    # old one still restores (in a real browser it lost the workshop about one time in two).
    assert _reloaded(token).session_state["scenario"].name == "Client A"
    # A minute later (RESUME_SPENT_SECONDS) the old address (a browser's history) no longer opens the client's data.
    spent = appstate._spent_tabs()  # outside the 16 saved tabs: a busy server's new saves would evict it first
    assert token not in appstate._saved_tabs()[0]
    assert 0 < spent[token][0] - time.monotonic() <= appstate.RESUME_SPENT_SECONDS
    spent[token] = (time.monotonic() - 1, spent[token][1])  # the minute has passed
    gone = _reloaded(token)
    assert gone.session_state["scenario"].name != "Client A"
    assert gone.warning[0].value.startswith("This address's saved workshop is no longer kept")
    with lock:
        for filler in range(appstate.RESUME_TABS):
            saved.pop(f"filler-{filler}", None)


def test_an_address_opened_while_its_tab_is_open_leaves_that_tab_its_own(worked_example, monkeypatch):
    """A duplicated tab or a pasted link took the saved copy out: the first tab's next reload then lost its whole
    workshop (multi-user audit 1). The copy gets a token of its own, and the first tab's stays."""
    sessions = _Sessions(monkeypatch)
    first = sessions.start(_tab(worked_example))
    token = first.session_state["resume_token"]
    copy = sessions.start(_query(token))
    assert copy.session_state["scenario"].name == "Client A"
    assert copy.session_state["resume_token"] != token  # neither writes into the other's state
    sessions.close(first)  # now the first tab reloads
    back = sessions.start(_query(token))
    assert back.session_state["scenario"].name == "Client A"


def test_a_tab_showing_the_untouched_demo_saves_nothing(worked_example):
    """Every first visit saved a tab, so sixteen colleagues glancing at the app pushed a consultant's workshop out
    of the server's sixteen (multi-user audit 3). A visit that changed nothing has nothing to bring back."""
    import appstate

    saved, lock = appstate._saved_tabs()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    at.run()
    token = at.session_state["resume_token"]
    with lock:
        assert token not in saved
    assert "session" not in at.query_params
    # Any work in it, here a kept scenario, is saved, with the token in the address.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    at.session_state["compared"] = [worked_example]
    at.run()
    token = at.session_state["resume_token"]
    with lock:
        assert token in saved
    assert at.query_params["session"] in (token, [token])


def test_an_unknown_token_opens_the_demo(open_app):
    demo = open_app().session_state["scenario"]
    at = _reloaded("not-a-saved-tab")
    assert at.session_state["scenario"] == demo and at.session_state["compared"] == []
    assert not [i for i in at.info if "reloaded" in i.value]
    assert "no longer kept (the server keeps a tab's inputs for 8 hours after its last use" in at.warning[0].value
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
        saved[token] = (time.monotonic() - appstate.RESUME_KEEP_SECONDS - 1, *saved[token][1:])
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
            saved[token] = (time.monotonic(), {}, None)
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
