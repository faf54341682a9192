"""The people directory in the metrics: Cursor's and Claude Code's emails matched to PR logins through it, for
the AI cohort, the daily active users and the idle seats.  Values by hand.

Cursor's fixture (tests/fixtures/ingest/cursor_daily_usage.json): alice@example.com active on 2025-10-01 and
10-02, bob@example.com active on 10-02 only.  Copilot's user report names alice by login, active on 10-01.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi import metrics
from roi.ingest import read_exports
from roi.ingest._common import SourceReport
from roi.ingest.tables import build_dataset
from roi.metrics import measure
from roi.privacy import pseudonymise_dataset
from tests.test_metrics import _cohort_dataset

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
CURSOR = json.loads((FIXTURES / "cursor_daily_usage.json").read_text())
COPILOT_LINES = (FIXTURES / "copilot_users_1d.ndjson").read_text().splitlines()
ADOPTION = date(2025, 10, 1)
ALICE_BOB = b"login,email\nalice,alice@example.com\nbob,bob@example.com\n"


def _prs(authors: tuple[str, ...]) -> tuple[str, bytes]:
    """gh pr list output: each author merges one PR before 2025-10-01 and one after."""
    prs = [{"number": n, "author": {"login": author, "is_bot": False}, "isDraft": False, "createdAt": created,
            "mergedAt": merged, "additions": 10, "deletions": 1, "reviews": []}
           for n, (author, (created, merged)) in enumerate(
               ((a, w) for a in authors for w in (("2025-09-29T09:00:00Z", "2025-09-30T09:00:00Z"),
                                                  ("2025-10-02T09:00:00Z", "2025-10-03T09:00:00Z"))), start=1)]
    return "prs.json", json.dumps(prs).encode()


def _cursor(records: list[int] | None = None) -> tuple[str, bytes]:
    page = dict(CURSOR, data=[CURSOR["data"][i] for i in records]) if records is not None else CURSOR
    return "cursor.json", json.dumps(page).encode()


def _measure(*files: tuple[str, bytes]) -> metrics.Metrics:
    return measure(read_exports(list(files)), ADOPTION, draws=50)


# --- the AI cohort -------------------------------------------------------------------------------------


def test_cursor_users_mapped_through_the_directory_form_the_ai_cohort():
    m = _measure(_prs(("alice", "bob", "dave")), _cursor(), ("people.csv", ALICE_BOB))
    assert m.comparison == "difference-in-differences"
    assert (m.cohorts.ai_users, m.cohorts.non_users) == (2, 1)  # alice, bob; dave
    assert m.cohorts.identified_by == ["Cursor usage (active user-days)"]
    assert "Cursor: 2 of 2 active users matched to PR authors through the people directory (people.csv)" in m.notes
    assert not any("identifies people by email" in n for n in m.notes)


def test_without_the_directory_nobody_matches_and_the_advice_names_it_first():
    m = _measure(_prs(("alice", "bob", "dave")), _cursor())
    assert m.cohorts is None and m.comparison == "before/after only"
    (note,) = [n for n in m.notes if n.startswith("Cursor identifies people by email")]
    assert "none of its 2 active user(s) could be matched to a PR author (logins" in note
    assert "to compare cohorts, upload a people directory (a CSV pairing logins with emails" in note


def test_the_note_counts_users_not_in_the_directory_and_users_without_prs():
    m = _measure(_prs(("alice", "dave")), _cursor(), ("people.csv", b"login,email\nalice,alice@example.com\n"))
    assert "Cursor: 1 of 2 active users matched to PR authors through the people directory (people.csv); " \
           "1 is not in it" in m.notes  # bob
    m = _measure(_prs(("alice", "dave")), _cursor(), ("people.csv", ALICE_BOB))
    assert "Cursor: 1 of 2 active users matched to PR authors through the people directory (people.csv); " \
           "1 is in it but authored no counted PR" in m.notes  # bob merged no PR
    assert (m.cohorts.ai_users, m.cohorts.non_users) == (1, 1)


def test_a_directory_that_matches_nobody_keeps_the_advice():
    m = _measure(_prs(("alice", "dave")), _cursor(), ("people.csv", b"login,email\ncarol,carol@example.com\n"))
    assert m.cohorts is None
    (note,) = [n for n in m.notes if n.startswith("Cursor identifies people by email")]
    assert ("could be matched to a PR author, even through the people directory (people.csv): 2 are not in it and "
            "0 are in it but authored no counted PR") in note
    assert "correct or complete the people directory" in note


def test_an_email_two_files_pair_with_different_logins_is_not_matched():
    m = _measure(_prs(("alice", "bob", "dave")), _cursor(), ("p1.csv", ALICE_BOB),
                 ("p2.csv", b"login,email\nalicia,alice@example.com\n"))
    assert ("1 email(s) are paired with different logins in different people directory files (p1.csv, p2.csv): "
            "left out, as they cannot say who the person is") in m.notes
    assert (m.cohorts.ai_users, m.cohorts.non_users) == (1, 2)  # bob only; alice and dave
    assert "Cursor: 1 of 2 active users matched to PR authors through the people directory (p1.csv, p2.csv); " \
           "1 is not in it" in m.notes


# --- daily active users --------------------------------------------------------------------------------


def test_one_person_in_copilot_and_cursor_is_one_active_user_that_day():
    copilot = ("copilot.ndjson", (COPILOT_LINES[0] + "\n").encode())  # alice (login), 2025-10-01
    cursor = _cursor([0])  # Alice@Example.com, 2025-10-01
    with_directory = _measure(_prs(("alice", "dave")), copilot, cursor, ("people.csv", ALICE_BOB))
    assert with_directory.post.ai_active_users == pytest.approx(1.0)  # the post period's only day with data
    without = _measure(_prs(("alice", "dave")), copilot, cursor)
    assert without.post.ai_active_users == pytest.approx(2.0)  # unchanged: login and email stay two users


def test_whole_fixtures_count_alice_once_a_day():
    # Active in Copilot: 10-01 alice, bob; 10-02 alice, dave.  In Cursor: 10-01 alice; 10-02 alice, bob.
    # Without the directory: 10-01 alice, bob, alice@ = 3; 10-02 alice, dave, alice@, bob@ = 4.
    files = [_prs(("alice", "bob", "dave")), ("copilot.ndjson", "\n".join(COPILOT_LINES).encode()), _cursor()]
    assert _measure(*files).post.ai_active_users == pytest.approx((3 + 4) / 2)
    # Through the directory: 10-01 alice, bob = 2; 10-02 alice, dave, bob = 3.
    assert _measure(*files, ("people.csv", ALICE_BOB)).post.ai_active_users == pytest.approx((2 + 3) / 2)


# --- seats ---------------------------------------------------------------------------------------------


def _with_cursor(people: bool) -> metrics.Metrics:
    """alice holds a Copilot seat she never used but uses Cursor (by email) after adoption; bob uses his seat."""
    base = _cohort_dataset({"alice": (8, 8), "bob": (8, 8), "carol": (8, 8)}, {"alice": False, "bob": True})
    days = pd.DataFrame({"source": "cursor.json", "date": pd.to_datetime(["2025-03-10", "2025-03-11"], utc=True),
                         "user": "alice@example.com", "active": True, "suggestions": 4.0, "acceptances": 1.0})
    parts = {name: [getattr(base, name)] for name in ("pull_requests", "seats")}
    parts["ai_user_days"] = [days]
    sources = [SourceReport("cursor.json", "cursor_usage", tables={"ai_user_days"})]
    if people:
        parts["people"] = [pd.DataFrame({"source": "people.csv", "login": ["alice"], "email": ["alice@example.com"]})]
        sources.append(SourceReport("people.csv", "people_csv", tables={"people"}))
    return measure(build_dataset(parts, sources, "UTC"), date(2025, 3, 3), draws=50)


def test_an_unused_seat_of_a_cursor_user_is_not_an_idle_seat():
    without = _with_cursor(people=False)
    assert (without.cohorts.ai_users, without.cohorts.non_users) == (1, 2)  # bob; alice (idle seat), carol
    assert "1 non-user holds a seat they never used" in without.notes
    found = _with_cursor(people=True)
    assert (found.cohorts.ai_users, found.cohorts.non_users) == (2, 1)  # alice, bob; carol
    assert not any("seat they never used" in n for n in found.notes)


# --- property: a directory only ever joins people -------------------------------------------------------


LOGINS = ("alice", "bob", "carol")
EMAILS = ("alice@x.com", "bob@x.com", "zed@x.com")
DAYS = pd.to_datetime(["2025-10-01", "2025-10-02", "2025-10-03"], utc=True)


@settings(max_examples=60, deadline=None)
@given(copilot=st.sets(st.tuples(st.integers(0, 2), st.sampled_from(LOGINS))),
       cursor=st.sets(st.tuples(st.integers(0, 2), st.sampled_from(EMAILS))),
       directory=st.sets(st.tuples(st.sampled_from(LOGINS + ("dave",)), st.sampled_from(EMAILS))))
def test_a_directory_never_lowers_ai_users_nor_raises_a_days_active_users(copilot, cursor, directory):
    rows = [("copilot.ndjson", DAYS[d], u) for d, u in sorted(copilot)] + \
           [("cursor.json", DAYS[d], u) for d, u in sorted(cursor)]
    days = pd.DataFrame(rows, columns=["source", "date", "user"]).assign(active=True, suggestions=1.0,
                                                                          acceptances=0.0)
    prs = pd.DataFrame({"source": "prs.json", "repo": "r", "number": range(1, 7), "author": LOGINS * 2,
                        "author_is_bot": False, "ai_agent": False, "is_draft": False,
                        "created_at": pd.to_datetime(["2025-09-29"] * 3 + ["2025-10-02"] * 3, utc=True),
                        "merged_at": pd.to_datetime(["2025-09-30"] * 3 + ["2025-10-03"] * 3, utc=True),
                        "additions": 1.0, "deletions": 0.0, "labels": "", "ai_evidence": ""})
    sources = [SourceReport("copilot.ndjson", "copilot_user_report", tables={"ai_user_days"}),
               SourceReport("cursor.json", "cursor_usage", tables={"ai_user_days"}),
               SourceReport("people.csv", "people_csv", tables={"people"})]
    people = pd.DataFrame(sorted(directory), columns=["login", "email"]).assign(source="people.csv")
    plain = build_dataset({"pull_requests": [prs], "ai_user_days": [days]}, sources[:2], "UTC")
    joined = build_dataset({"pull_requests": [prs], "ai_user_days": [days], "people": [people]}, sources, "UTC")
    adoption = pd.Timestamp("2025-10-01", tz="UTC")
    post = metrics._Period("post", adoption, pd.Timestamp("2025-10-03 23:59", tz="UTC"))
    cohort = []
    for dataset in (plain, joined):
        prep = metrics._prepare_prs(dataset, (adoption, adoption))
        users = metrics._ai_users(dataset, prep, post)[0]
        cohort.append(users & set(LOGINS))
    assert cohort[0] <= cohort[1]
    active = [metrics._ai_days(dataset)[0].set_index("date")["active_users"] for dataset in (plain, joined)]
    assert (active[1] <= active[0]).all()
    assert (active[1] >= 1).all()  # every day with an active user keeps at least one


def test_pseudonyms_keep_the_directory_matching():
    """The people table is a person table: its logins and emails get the pseudonyms the PRs and Cursor get."""
    data = read_exports([_prs(("alice", "bob", "dave")), _cursor(), ("people.csv", ALICE_BOB)])
    hidden = pseudonymise_dataset(data, b"salt")
    assert not set(hidden.people["email"]) & {"alice@example.com", "bob@example.com"}
    m = measure(hidden, ADOPTION, draws=50)
    assert (m.cohorts.ai_users, m.cohorts.non_users) == (2, 1)


def test_an_email_in_the_directory_takes_its_logins_pseudonym():
    """The workbook's help promises one code per person in every table: Cursor's alice@example.com and the PRs'
    alice had two codes, so the pseudonymised tables could not be joined by hand."""
    data = read_exports([_prs(("alice", "bob", "dave")), _cursor(), ("people.csv", ALICE_BOB)])
    hidden = pseudonymise_dataset(data, b"salt")
    assert list(hidden.people["email"]) == list(hidden.people["login"])
    alice = hidden.pull_requests["author"][data.pull_requests["author"].eq("alice").to_numpy()].iloc[0]
    assert set(hidden.ai_user_days["user"][data.ai_user_days["user"].eq("alice@example.com").to_numpy()]) == {alice}
    # An email the directory does not know keeps a code of its own.
    lone = read_exports([_prs(("alice",)), _cursor(), ("people.csv", b"login,email\nbob,bob@example.com\n")])
    codes = pseudonymise_dataset(lone, b"salt")
    assert not set(codes.ai_user_days["user"]) & set(codes.pull_requests["author"])
    m = measure(hidden, ADOPTION, draws=50)
    assert (m.cohorts.ai_users, m.cohorts.non_users) == (2, 1)
