"""Cursor (Admin API daily usage) and Claude Code (Analytics API usage report) readers, FORMATS.md §8, and the
metrics they feed: ai_active_users, ai_acceptance_rate and the AI cohort (emails matched to PR logins exactly).

Fixtures: tests/fixtures/ingest/cursor_daily_usage.json and claude_code_usage.json (one API page each)."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from roi.errors import InputFormatError
from roi.ingest import detect, read_exports, read_file
from roi.metrics import measure

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
CURSOR = FIXTURES / "cursor_daily_usage.json"
CLAUDE = FIXTURES / "claude_code_usage.json"
ADOPTION = date(2025, 10, 1)
OCT1, OCT2 = pd.Timestamp("2025-10-01", tz="UTC"), pd.Timestamp("2025-10-02", tz="UTC")
API_KEY = "usage by an API key (api_actor), not a person"
MERGED = "another record of the same person and day (another terminal, or a repeated page): one user-day"


def _prs(tmp_path: Path, authors: tuple[str, ...]) -> Path:
    """gh pr list output: each author merges one PR before 2025-10-01 and one after (last merge 10-03 09:00)."""
    prs = [{"number": n, "author": {"login": author, "is_bot": False}, "state": "MERGED", "isDraft": False,
            "createdAt": created, "mergedAt": merged, "additions": 10, "deletions": 1, "reviews": []}
           for n, (author, (created, merged)) in enumerate(
               ((a, w) for a in authors for w in (("2025-09-29T09:00:00Z", "2025-09-30T09:00:00Z"),
                                                  ("2025-10-02T09:00:00Z", "2025-10-03T09:00:00Z"))), start=1)]
    path = tmp_path / "prs.json"
    path.write_text(json.dumps(prs))
    return path


def _page(path: Path) -> dict:
    return json.loads(path.read_text())


# --- detection -----------------------------------------------------------------------------------


def test_both_formats_are_recognised_by_content():
    assert detect("usage.json", CURSOR.read_bytes()) == "cursor_usage"
    assert detect("usage.json", CLAUDE.read_bytes()) == "claude_code_usage"
    # The 'data' records saved by themselves (jq '.data'), a list of pages, NDJSON pages.
    for path, fid in ((CURSOR, "cursor_usage"), (CLAUDE, "claude_code_usage")):
        page = _page(path)
        assert detect("x.json", json.dumps(page["data"]).encode()) == fid
        assert detect("x.json", json.dumps([page, page]).encode()) == fid
        assert detect("x.ndjson", (json.dumps(page) + "\n" + json.dumps(page) + "\n").encode()) == fid


# --- Cursor --------------------------------------------------------------------------------------


def test_cursor_reads_tab_completions_per_person_and_utc_day():
    tables, report = read_file(CURSOR.name, CURSOR.read_bytes())
    days = tables["ai_user_days"].set_index(["date", "user"])
    assert report.format == "cursor_usage" and report.rows == 5
    assert report.skipped == {"record without an email": 1}  # the 50/50 record without an email
    # Epoch ms 1759447800000 is 2025-10-02 23:30 UTC: day 10-02; emails lower-cased and trimmed.
    assert sorted(days.index) == [(OCT1, "alice@example.com"), (OCT1, "bob@example.com"),
                                  (OCT2, "alice@example.com"), (OCT2, "bob@example.com")]
    assert days.loc[(OCT1, "alice@example.com")][["active", "suggestions", "acceptances"]].tolist() == [True, 10, 4]
    assert days.loc[(OCT1, "bob@example.com")][["active", "suggestions", "acceptances"]].tolist() == [False, 0, 0]
    assert days.loc[(OCT2, "alice@example.com")][["suggestions", "acceptances"]].tolist() == [20, 5]
    assert days.loc[(OCT2, "bob@example.com")][["active", "suggestions", "acceptances"]].tolist() == [True, 6, 3]
    assert report.column_name("ai_user_days", "suggestions") == "totalTabsShown"


def test_cursor_metrics_by_hand(tmp_path):
    m = measure(read_exports([_prs(tmp_path, ("alice", "dave")), CURSOR]), ADOPTION)
    assert m.baseline.ai_active_users is None and m.baseline.ai_acceptance_rate is None
    # Active: 10-01 alice (bob isActive false) = 1; 10-02 alice, bob = 2 → mean 1.5 over the days with data.
    assert m.post.ai_active_users == pytest.approx(1.5)
    # Tabs accepted / shown: (4 + 0 + 5 + 3) / (10 + 0 + 20 + 6) = 12 / 36.
    assert m.post.ai_acceptance_rate == pytest.approx(12 / 36)


def test_cursor_without_date_names_file_record_and_field():
    page = _page(CURSOR)
    del page["data"][1]["date"]
    with pytest.raises(InputFormatError) as error:
        read_file("cursor.json", json.dumps(page).encode())
    assert (error.value.file, error.value.row, error.value.column) == ("cursor.json", 2, "date")


def test_cursor_count_as_text_is_an_error_and_gzip_is_read():
    page = _page(CURSOR)
    page["data"][2]["totalTabsShown"] = "20"
    with pytest.raises(InputFormatError) as error:
        read_file("cursor.json", json.dumps(page).encode())
    assert (error.value.row, error.value.column) == (3, "totalTabsShown")
    tables, report = read_file("cursor.json.gz", gzip.compress(CURSOR.read_bytes()))
    assert report.format == "cursor_usage" and len(tables["ai_user_days"]) == 4


def test_an_empty_page_holds_no_records():
    for page in ({"data": [], "period": {"startDate": 1, "endDate": 2}}, {"data": [], "has_more": False,
                                                                         "next_page": None}):
        with pytest.raises(InputFormatError, match="holds no .* usage records"):
            read_file("empty.json", json.dumps(page).encode())
    with pytest.raises(InputFormatError, match="is empty"):
        read_file("empty.json", b"")


# --- Claude Code ---------------------------------------------------------------------------------


def test_claude_code_skips_api_keys_and_merges_a_persons_terminals():
    tables, report = read_file(CLAUDE.name, CLAUDE.read_bytes())
    days = tables["ai_user_days"].set_index(["date", "user"])
    assert report.format == "claude_code_usage" and report.rows == 5
    # ci-bot-key (api_actor) is skipped and counted; carol's two terminals on 10-02 make one user-day.
    assert report.skipped == {API_KEY: 1, MERGED: 1}
    assert days["active"].to_dict() == {(OCT1, "alice@example.com"): True,  # 2 sessions
                                        (OCT2, "alice@example.com"): False,  # 0 sessions, no tool actions
                                        (OCT2, "carol@example.com"): True}
    # Tool-edit approvals are not completions: unknown here, so they stay out of ai_acceptance_rate.
    assert days["suggestions"].isna().all() and days["acceptances"].isna().all()
    # Accepted 3 + 1 (alice) of 3 + 1 + 1 + 0 (alice) + 0 + 2 (carol's rejected multi-edits); the key's 40 not.
    assert any(note.startswith("Claude Code tool edits: 4 of 7 accepted") for note in report.notes)


def test_claude_code_pages_in_a_list_or_as_ndjson_read_the_same():
    page = _page(CLAUDE)
    first, second = dict(page, data=page["data"][:2], has_more=True, next_page="p2"), dict(page, data=page["data"][2:])
    single = read_file("one.json", CLAUDE.read_bytes())[0]["ai_user_days"].drop(columns="source")
    for data in (json.dumps([first, second]), json.dumps(first) + "\n" + json.dumps(second) + "\n"):
        tables, report = read_file("pages.json", data.encode())
        assert report.rows == 5
        pd.testing.assert_frame_equal(tables["ai_user_days"].drop(columns="source"), single)


def test_claude_code_metrics_by_hand_count_active_users_only(tmp_path):
    m = measure(read_exports([_prs(tmp_path, ("alice", "dave")), CLAUDE]), ADOPTION)
    # 10-01: alice = 1; 10-02: carol (alice had no session) = 1 → mean 1.0; no rate from tool edits.
    assert m.post.ai_active_users == pytest.approx(1.0)
    assert m.post.ai_acceptance_rate is None


def test_cursor_and_claude_code_together_count_each_person_once_per_day(tmp_path):
    data = read_exports([_prs(tmp_path, ("alice", "dave")), CURSOR, CLAUDE])
    # alice on 10-01 is in both exports: two tools' use, not a duplicate (both rows kept).
    assert len(data.ai_user_days) == 4 + 3
    m = measure(data, ADOPTION)
    # Distinct active people: 10-01 alice = 1; 10-02 alice, bob (Cursor) + carol (Claude Code) = 3 → 2.0.
    assert m.post.ai_active_users == pytest.approx(2.0)
    assert m.post.ai_acceptance_rate == pytest.approx(12 / 36)  # Cursor's tabs only


def test_claude_code_without_date_names_file_record_and_field():
    page = _page(CLAUDE)
    page["data"][3]["date"] = None
    with pytest.raises(InputFormatError) as error:
        read_file("claude.json", json.dumps(page).encode())
    assert (error.value.file, error.value.row, error.value.column) == ("claude.json", 4, "date")


# --- AI users for the cohorts ---------------------------------------------------------------------


def test_emails_matching_no_pr_login_give_a_note_and_before_after_only(tmp_path):
    """The PRs name alice and dave by login; Cursor names alice@example.com: no guess from the local part."""
    m = measure(read_exports([_prs(tmp_path, ("alice", "dave")), CURSOR]), ADOPTION)
    assert m.cohorts is None and m.comparison == "before/after only"
    note = next(n for n in m.notes if n.startswith("Cursor identifies people by email, the PRs by login"))
    assert "none of its 2 active user(s) could be matched to a PR author" in note  # alice, bob
    assert "before/after only" in note


def test_emails_that_are_pr_authors_form_the_ai_cohort_with_the_source_named(tmp_path):
    m = measure(read_exports([_prs(tmp_path, ("Alice@example.com", "dave")), CLAUDE]), ADOPTION)
    assert m.comparison == "difference-in-differences"
    assert m.cohorts.identified_by == ["Claude Code usage (active user-days)"]
    assert (m.cohorts.ai_users, m.cohorts.non_users) == (1, 1)  # alice; dave
    assert not any("identifies people by email" in n for n in m.notes)


def test_copilot_usage_report_keeps_its_evidence_label(tmp_path):
    m = measure(read_exports([_prs(tmp_path, ("alice", "zoe")), FIXTURES / "copilot_users_1d.ndjson"]), ADOPTION)
    assert m.cohorts is not None and m.cohorts.identified_by == ["Copilot usage report (active user-days)"]


def test_days_with_organisation_totals_say_that_per_person_usage_is_not_added(tmp_path):
    # Copilot's organisation metrics for 10-02 (7 active users, no breakdown) beside Cursor's per-person rows:
    # that day's AI metrics are the organisation's 7 alone (Cursor's alice and bob are not added, as they may
    # be among the 7), and a note says so; 10-01 has only Cursor's 1 active user: mean (1 + 7) / 2 = 4.
    copilot = tmp_path / "copilot.json"
    copilot.write_text(json.dumps([{"date": "2025-10-02", "total_active_users": 7, "total_engaged_users": 7}]))
    m = measure(read_exports([_prs(tmp_path, ("alice", "dave")), CURSOR, copilot]), ADOPTION)
    assert m.post.ai_active_users == pytest.approx(4.0)
    (note,) = [n for n in m.notes if "organisation totals" in n]
    assert note.startswith("1 day(s) have both organisation totals (Copilot metrics) and per-person usage")
    alone = measure(read_exports([_prs(tmp_path, ("alice", "dave")), CURSOR]), ADOPTION)
    assert not [n for n in alone.notes if "organisation totals" in n]
