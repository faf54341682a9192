"""Copilot (metrics API, legacy usage, usage reports, seats) and Jira CSV readers on fixtures with the
quirks of FORMATS.md §2 and §4: collapsed zero days, nested sums, offsets, BOM, CRLF, repeated and
localised columns, localised dates, title rows, cp1252, decimal commas."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from roi.errors import InputFormatError
from roi.ingest import detect, read_exports, read_file, suggest_adoption_date

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
DECLINED = "resolved as won't do, duplicate, cannot reproduce or declined (not completed work)"


def _read(name: str, **kwargs):
    return read_file(name, (FIXTURES / name).read_bytes(), **kwargs)


def test_copilot_metrics_sum_completions_over_editors_models_languages():
    tables, report = _read("copilot_metrics.json")
    days = tables["ai_daily"].set_index("date")
    first = days.loc[pd.Timestamp("2025-03-03", tz="UTC")]
    # vscode: python 100/30 + go 50/10; JetBrains (model without total_engaged_users): python 50/20.
    assert (first["suggestions"], first["acceptances"]) == (200, 60)
    assert (first["lines_suggested"], first["lines_accepted"]) == (400, 120)
    assert first["active_users"] == 10
    weekend = days.loc[pd.Timestamp("2025-03-08", tz="UTC")]  # collapsed {"total_engaged_users": 0}
    assert weekend["active_users"] == 0 and weekend["suggestions"] == 0
    null_day = days.loc[pd.Timestamp("2025-03-10", tz="UTC")]  # copilot_ide_code_completions: null
    assert null_day["active_users"] == 14 and pd.isna(null_day["suggestions"])


def test_legacy_usage_reads_day_not_date():
    tables, report = _read("copilot_usage_legacy.json")
    row = tables["ai_daily"].iloc[0]
    assert report.format == "copilot_usage_legacy"
    assert (row["date"], row["suggestions"], row["acceptances"], row["active_users"]) == (
        pd.Timestamp("2023-10-15", tz="UTC"), 1000, 800, 10)


def test_user_report_ndjson_marks_active_users():
    tables, report = _read("copilot_users_1d.ndjson")
    days = tables["ai_user_days"].set_index(["date", "user"])
    day = pd.Timestamp("2025-10-01", tz="UTC")
    assert days.loc[(day, "alice"), "active"] and days.loc[(day, "bob"), "active"]  # bob only chatted
    assert not days.loc[(day, "carol"), "active"]
    assert days.loc[(pd.Timestamp("2025-10-02", tz="UTC"), "dave"), "active"]


def test_user_report_counts_code_completions_only():
    tables, report = _read("copilot_users_1d.ndjson")
    counts = tables["ai_user_days"].set_index(["date", "user"])[["suggestions", "acceptances"]]
    first, second = pd.Timestamp("2025-10-01", tz="UTC"), pd.Timestamp("2025-10-02", tz="UTC")
    # alice's code_completion rows (7/3, 4/2), not her all-feature counts (10/4, 6/3: agent and chat
    # mixed in); bob's breakdown has no code_completion row (0/0); carol's is empty with no activity.
    assert counts.loc[(first, "alice")].tolist() == [7, 3]
    assert counts.loc[(second, "alice")].tolist() == [4, 2]
    assert counts.loc[(first, "bob")].tolist() == [0, 0] and counts.loc[(first, "carol")].tolist() == [0, 0]
    # dave has no totals_by_feature: unknown, not his all-feature 5/5, and the file says so.
    assert counts.loc[(second, "dave")].isna().all()
    assert any(note.startswith("1 record(s) without a totals_by_feature") for note in report.notes)
    # Over both days: (3 + 2) / (7 + 4) = 5/11 by count; all-feature counts gave (4 + 3 + 5) / (10 + 6 + 5).
    assert counts["acceptances"].sum() / counts["suggestions"].sum() == pytest.approx(5 / 11)


def test_org_report_counts_code_completions_only():
    day = {"code_generation_activity_count": 50, "code_acceptance_activity_count": 20,
           "totals_by_feature": [
               {"feature": "code_completion", "code_generation_activity_count": 40,
                "code_acceptance_activity_count": 12},
               {"feature": "chat_panel_agent_mode", "code_generation_activity_count": 10,
                "code_acceptance_activity_count": 8}]}
    chat_only = {"code_generation_activity_count": 3, "code_acceptance_activity_count": 1,
                 "totals_by_feature": [{"feature": "chat_panel_ask_mode", "code_generation_activity_count": 3,
                                        "code_acceptance_activity_count": 1}]}
    no_breakdown = {"code_generation_activity_count": 9, "code_acceptance_activity_count": 9}
    document = {"report_start_day": "2025-03-01", "report_end_day": "2025-03-03", "organization_id": "1",
                "day_totals": [dict(day, day="2025-03-01", daily_active_users=5),
                               dict(chat_only, day="2025-03-02", daily_active_users=2),
                               dict(no_breakdown, day="2025-03-03", daily_active_users=6)]}
    tables, report = read_file("org.json", json.dumps(document).encode())
    assert report.format == "copilot_org_report"
    days = tables["ai_daily"].set_index("date")[["suggestions", "acceptances"]]
    assert days.loc[pd.Timestamp("2025-03-01", tz="UTC")].tolist() == [40, 12]  # not 50 / 20
    assert days.loc[pd.Timestamp("2025-03-02", tz="UTC")].tolist() == [0, 0]  # chat only: no completions
    assert days.loc[pd.Timestamp("2025-03-03", tz="UTC")].isna().all()  # no breakdown: unknown
    assert any(note.startswith("1 record(s) without a totals_by_feature") for note in report.notes)


def test_seats_convert_offsets_to_utc_and_keep_never_used_seats():
    tables, report = _read("copilot_seats.json")
    seats = tables["seats"].set_index("user")
    assert seats.loc["alice", "assigned_at"] == pd.Timestamp("2025-03-03T15:00:00Z")  # 09:00 at -06:00
    assert pd.isna(seats.loc["carol", "last_activity_at"])
    assert seats.loc["carol", "pending_cancellation"] == pd.Timestamp("2025-05-01", tz="UTC")


def test_suggested_adoption_date_is_the_first_seat_assignment():
    data = read_exports([FIXTURES / "copilot_seats.json", FIXTURES / "copilot_metrics.json"])
    assert suggest_adoption_date(data).isoformat() == "2025-03-03"
    only_metrics = read_exports([FIXTURES / "copilot_metrics.json"])
    assert suggest_adoption_date(only_metrics).isoformat() == "2025-03-03"


def test_report_download_links_are_refused_with_what_to_do():
    with pytest.raises(InputFormatError, match="download the NDJSON"):
        _read("copilot_report_links.json")


def test_jira_all_fields_export():
    tables, report = _read("jira_all_fields.csv", timezone="Europe/Berlin")
    items = tables["work_items"].set_index("key")
    assert report.format == "jira_csv" and report.rows == 6
    assert items["kind"].to_dict() == {"API-1": "bug", "API-2": "story", "API-4": "subtask", "API-5": "incident"}
    # "04/Feb/25 3:04 PM" in Berlin (UTC+1 in winter) is 14:04 UTC; multi-line description kept out of the way.
    assert items.loc["API-1", "resolved_at"] == pd.Timestamp("2025-02-04T14:04:00Z")
    # "17/Mar/25 12:05 AM" is five past midnight.
    assert items.loc["API-4", "created_at"] == pd.Timestamp("2025-03-16T23:05:00Z")
    assert "API-3" not in items.index  # resolved as Won't Do: skipped and counted
    # API-6, an epic, groups other issues: skipped and counted, so it neither counts as work nor bounds a period.
    assert report.skipped == {DECLINED: 1, "epic (it groups other issues: no completed work of its own)": 1}
    assert items.loc["API-2", "done"] and items.loc["API-2", "story_points"] == 3.0
    assert not items.loc["API-4", "done"] and pd.isna(items.loc["API-4", "resolved_at"])
    assert any("Europe/Berlin" in note for note in report.notes)
    incidents = tables["incidents"]
    assert incidents["incident_id"].tolist() == ["API-5"]
    assert incidents["resolved_at"].iloc[0] - incidents["created_at"].iloc[0] == pd.Timedelta(hours=3, minutes=30)


def test_jira_spanish_semicolon_export():
    tables, report = _read("jira_es_semicolon.csv")
    items = tables["work_items"].set_index("key")
    assert items["kind"].to_dict() == {"WEB-1": "bug", "WEB-2": "story", "WEB-3": "task"}
    # No Resolution column: WEB-4 and WEB-5 (Estado "No se hará") and WEB-6 (a "Duplicado" bug) are told
    # by their status; all three carry a Resuelta date, so without it they would count as done.
    assert (report.rows, report.used_rows, report.skipped) == (6, 3, {DECLINED: 3})
    assert any("no Resolution column" in note for note in report.notes)
    assert items.loc["WEB-2", "created_at"] == pd.Timestamp("2025-09-02T08:45:00Z")  # "02/sept/25 08:45"
    assert items.loc["WEB-3", "created_at"] == pd.Timestamp("2025-12-13T02:41:00Z")  # "13/dic/25"
    assert items.loc["WEB-2", "story_points"] == 3.0 and items.loc["WEB-3", "story_points"] == 1.5
    assert items["done"].tolist() == [True, True, False]


def test_jira_excel_resave_with_title_rows_cp1252_and_dotted_dates():
    tables, report = _read("jira_excel_de_cp1252.csv")
    items = tables["work_items"].set_index("key")
    assert list(items.index) == ["WEB-7", "WEB-8"]  # WEB-9 and WEB-10: Status "Won't Do", resolved
    assert (report.rows, report.used_rows, report.skipped) == (4, 2, {DECLINED: 2})
    assert items.loc["WEB-8", "story_points"] == 2.5
    assert items.loc["WEB-7", "resolved_at"] == pd.Timestamp("2025-03-05T09:30:00Z")
    assert any("title row" in note for note in report.notes) and any("cp1252" in note for note in report.notes)


@pytest.mark.parametrize(("status", "resolution", "skipped"), [
    ("Won't Do", None, True), ("WON'T FIX", None, True), ("Won’t Do", None, True),  # typographic apostrophe
    ("Duplicate", None, True), ("Cannot Reproduce", None, True), ("Declined", None, True),
    ("Rejected", None, True), ("Cancelled", None, True),
    ("Wird nicht erledigt", None, True), ("Duplikat", None, True), ("Abgelehnt", None, True),  # German
    ("No se hará", None, True), ("no se hara", None, True), ("Rechazado", None, True),  # Spanish
    ("Ne sera pas fait", None, True), ("Doublon", None, True), ("Refusé", None, True),  # French
    ("Done", None, False), ("Listo", None, False), ("Won't Do soon", None, False),
    ("Won't Do", "", True),  # team-managed: a "Won't Do" status without a resolution
    ("Closed", "Won't Fix", True), ("Won't Do", "Done", False),  # the resolution decides when there is one
])
def test_jira_issues_closed_without_doing_the_work_are_skipped(status, resolution, skipped):
    header = "Issue key,Issue Type,Status,Created,Resolved"
    row = f"X-1,Task,{status},03/Feb/25 9:15 AM,04/Feb/25 9:15 AM"
    if resolution is not None:
        header, row = header + ",Resolution", row + f",{resolution}"
    tables, report = read_file("j.csv", f"{header}\n{row}\n".encode())
    assert len(tables["work_items"]) == (0 if skipped else 1)
    assert report.skipped == ({DECLINED: 1} if skipped else {})


def test_a_jira_search_of_incidents_only_gives_incidents_and_no_work_items():
    # Read as work items, two incidents would have been the team's whole tasks per developer-week.
    csv = ("Issue key,Issue Type,Status,Created,Resolved\n"
           "OPS-1,Incident,Done,03/Feb/25 9:15 AM,03/Feb/25 11:15 AM\n"
           "OPS-2,Incident,Open,04/Feb/25 9:15 AM,\n")
    tables, report = read_file("incidents.csv", csv.encode())
    assert "work_items" not in tables and list(tables["incidents"]["incident_id"]) == ["OPS-1", "OPS-2"]
    assert any(note.startswith("every item is an incident: read as incidents only") for note in report.notes)
    mixed = csv + "OPS-3,Task,Done,05/Feb/25 9:15 AM,05/Feb/25 10:15 AM\n"
    tables, _ = read_file("mixed.csv", mixed.encode())
    assert len(tables["work_items"]) == 3 and len(tables["incidents"]) == 2


def test_jira_daylight_saving_gap_and_overlap_are_resolved():
    text = ("Issue key,Issue Type,Created,Resolved\r\n"
            "X-1,Task,30/Mar/25 2:30 AM,26/Oct/25 2:30 AM\r\n")  # Berlin: 02:30 does not exist / exists twice
    tables, _ = read_file("dst.csv", text.encode(), timezone="Europe/Berlin")
    row = tables["work_items"].iloc[0]
    assert row["created_at"] == pd.Timestamp("2025-03-30T01:30:00Z")  # in the gap: read as 03:30 CEST
    assert row["resolved_at"] == pd.Timestamp("2025-10-26T01:30:00Z")  # the repeated hour read as standard time


def test_jira_unparsable_date_names_row_and_column():
    text = "Issue key,Issue Type,Created\r\nX-1,Task,03/Feb/25 9:15 AM\r\nX-2,Task,next Tuesday\r\n"
    with pytest.raises(InputFormatError) as error:
        read_file("jira.csv", text.encode())
    assert (error.value.file, error.value.row, error.value.column) == ("jira.csv", 3, "Created")


def test_jira_created_empty_in_every_row_is_said_of_the_column_not_of_row_2():
    text = "Issue key,Issue Type,Created\r\nX-1,Task,\r\nX-2,Task,\r\n"
    with pytest.raises(InputFormatError) as error:
        read_file("jira.csv", text.encode())
    assert error.value.describe() == ("jira.csv, column 'Created': is empty in all 2 rows, yet every row needs this "
                                      "date: export the file again with the column filled in")
    with pytest.raises(InputFormatError) as error:  # empty in some rows only: the first is named
        read_file("jira.csv", b"Issue key,Issue Type,Created\r\nX-1,Task,03/Feb/25 9:15 AM\r\nX-2,Task,\r\n")
    assert error.value.describe() == "jira.csv, row 3, column 'Created': is empty; every issue needs its creation date"


def test_jira_missing_created_column_is_named():
    with pytest.raises(InputFormatError) as error:
        read_file("jira.csv", b"Issue key,Issue Type,Summary\nX-1,Task,Hi\n")
    assert error.value.message.startswith("looks like a Jira CSV export ('Issue key') but has no 'Created' column")
    assert detect("jira.csv", b"Issue key,Created\nX-1,03/Feb/25 9:15 AM\n") == "jira_csv"


@pytest.mark.parametrize(("text", "expected"), [
    ("12/Mar/24 3:04 PM", "2024-03-12T15:04"),  # the usual Jira Cloud format
    ("3/Mar/24 3:04 AM", "2024-03-03T03:04"),  # unpadded day
    ("12/mars/24 15:04", "2024-03-12T15:04"),  # French
    ("12/févr./24 15:04", "2024-02-12T15:04"),  # French abbreviation with a dot
    ("12/Mär/24 15:04", "2024-03-12T15:04"),  # German
    ("12/mar/24 3:04 p. m.", "2024-03-12T15:04"),  # Spanish a. m./p. m.
    ("2026-02-25 16:38:58.679", "2026-02-25T16:38:58.679"),  # custom date fields
    # ISO 8601 as scripts and add-ons write it (it was refused as "not a date Jira writes"): without an offset,
    # a time in the reading zone (UTC here) like Jira's own; with one, that instant.
    ("2025-08-19T18:06:00", "2025-08-19T18:06"),
    ("2025-08-19T18:06:00+0200", "2025-08-19T16:06"),
    ("2025-08-19T18:06:00.000+02:00", "2025-08-19T16:06"),
    ("2025-08-19T18:06:00Z", "2025-08-19T18:06"),
])
def test_jira_date_variants(text, expected):
    tables, _ = read_file("j.csv", f"Issue key,Created\nX-1,{text}\n".encode())
    assert tables["work_items"]["created_at"].iloc[0] == pd.Timestamp(expected, tz="UTC")


def test_jira_iso_times_with_an_offset_are_that_instant_whatever_the_reading_zone():
    data = b"Issue key,Created\nX-1,2025-08-19T18:06:00+0200\nX-2,2025-08-20T09:00:00+0200\n"
    naive = b"Issue key,Created\nX-1,2025-08-19T18:06:00\nX-2,2025-08-20T09:00:00\n"
    for zone in ("UTC", "America/New_York"):
        tables, _ = read_file("j.csv", data, timezone=zone)
        assert list(tables["work_items"]["created_at"]) == [pd.Timestamp("2025-08-19T16:06", tz="UTC"),
                                                            pd.Timestamp("2025-08-20T07:00", tz="UTC")]
    tables, _ = read_file("j.csv", naive, timezone="America/New_York")  # EDT, UTC−4: read in the zone
    assert tables["work_items"]["created_at"].iloc[0] == pd.Timestamp("2025-08-19T22:06", tz="UTC")


@pytest.mark.parametrize(("fixture", "old", "new", "expected"), [
    ("jira_all_fields.csv", b",Created,", b",Opened,",
     "looks like a Jira CSV export ('Issue key') but has no 'Created' column"),
    ("devlake_pull_requests.csv", b",merged_date,", b",merge_day,",
     "looks like the DevLake pull_requests table but has no 'merged_date' column"),
    ("fourkeys_deployments.csv", b"time_created", b"created",
     "looks like the Four Keys deployments table but has no 'time_created' column"),
])
def test_an_export_missing_one_identifying_column_is_named_not_called_unknown(fixture, old, new, expected):
    data = (FIXTURES / fixture).read_bytes()
    assert old in data
    with pytest.raises(InputFormatError) as caught:
        read_file(fixture, data.replace(old, new, 1))
    assert caught.value.describe() == (
        f"{fixture}: {expected}; export it again with every column (or put the column's name back)")


def test_an_issue_in_two_exports_keeps_the_resolved_copy_whichever_file_comes_last():
    new = (b"Issue key,Issue Type,Status,Created,Resolved\n"
           b"X-1,Task,Done,03/Feb/25 9:15 AM,04/Feb/25 3:04 PM\nX-2,Task,Done,03/Feb/25 9:15 AM,05/Feb/25 3:04 PM\n")
    old = b"Issue key,Issue Type,Status,Created,Resolved\nX-1,Task,In Progress,03/Feb/25 9:15 AM,\n"
    for files in ([("new.csv", new), ("old.csv", old)], [("old.csv", old), ("new.csv", new)]):
        items = read_exports(files).work_items.set_index("key")
        assert items["resolved_at"].notna().to_dict() == {"X-1": True, "X-2": True}


def test_the_seat_activity_report_csv_gives_seats_and_who_used_them():
    """The CSV of the Copilot access-management page ("Get report"): it has a Login and no email, so it was
    taken for a people directory missing its email column."""
    data = (FIXTURES / "copilot_seat_activity.csv").read_bytes()
    assert detect("report.csv", data) == "copilot_seat_activity"
    tables, report = read_file("report.csv", data)
    seats = tables["seats"].set_index("user")
    assert list(seats.index) == ["alice", "bob", "carol"]
    assert seats.loc["alice", "last_activity_at"] == pd.Timestamp("2025-03-30T10:05:00Z")
    assert pd.isna(seats.loc["carol", "last_activity_at"])  # "None": no activity in the 90 days kept
    assert seats["assigned_at"].isna().all() and seats["pending_cancellation"].isna().all()
    assert report.skipped == {"seat without an assignee login (team or enterprise seat)": 1}
    data = read_exports([FIXTURES / "copilot_seat_activity.csv"])
    assert suggest_adoption_date(data) is None  # no assignment dates: said in the file's notes
    assert any("gives no assignment dates" in note for note in data.sources[0].notes)


def test_a_jira_export_with_a_bare_title_line_and_a_footer_reads_its_issues():
    """Excel's "Jira-Export" title without padding delimiters made the file unrecognised; "Generated at … by
    Jira" under the data was read as an issue without a creation date, refusing the file."""
    text = ("Jira-Export\n"
            "Issue key;Issue Type;Status;Created;Resolved\n"
            "X-1;Task;Done;03/Feb/25 9:15 AM;04/Feb/25 3:04 PM\n"
            "X-2;Bug;Done;05/Feb/25 9:15 AM;06/Feb/25 3:04 PM\n"
            ";;;;\n"
            "Generated at 26.11.2026 14:00 by Jira\n").encode()
    assert detect("jira.csv", text) == "jira_csv"
    tables, report = read_file("jira.csv", text)
    assert tables["work_items"]["key"].tolist() == ["X-1", "X-2"]
    assert report.skipped == {"row without an issue key": 1, "note or footer row (one cell filled, not an issue)": 1}
    broken = text.replace(b"X-2;Bug;Done;05/Feb/25 9:15 AM", b"X-2;Bug;Done;")  # a real issue without a date
    with pytest.raises(InputFormatError, match="every issue needs its creation date"):
        read_file("jira.csv", broken)


def test_days_without_a_copilot_record_are_noted():
    """GitHub leaves out days with fewer than five active users: the mean of daily users is over the days
    reported, which the file's notes now say (40 of 182 days missing went unsaid)."""
    _, report = _read("copilot_metrics.json")  # 3, 8 and 10 March 2025 only
    assert ("5 of the 8 days from 2025-03-03 to 2025-03-10 have no record (GitHub leaves out days with fewer "
            "than five active users): daily means count the days reported") in report.notes
    days = json.loads((FIXTURES / "copilot_metrics.json").read_text())
    for day, date in zip(days, ("2025-03-03", "2025-03-04", "2025-03-05"), strict=True):
        day["date"] = date
    _, whole = read_file("metrics.json", json.dumps(days).encode())
    assert not any("have no record" in note for note in whole.notes)


def test_a_repeated_copilot_day_keeps_its_last_copy():
    # Appended daily pulls repeat a day: the last copy holds the newest numbers, as the skip reason says.
    data = json.dumps([{"date": "2025-06-02", "total_active_users": 5},
                       {"date": "2025-06-02", "total_active_users": 7}]).encode()
    tables, report = read_file("metrics.json", data)
    assert tables["ai_daily"]["active_users"].tolist() == [7.0]
    assert report.skipped == {"copy of a day repeated in the file (2025-06-02; the last copy is kept)": 1}


def test_a_usage_record_with_activity_and_an_empty_feature_breakdown_has_unknown_completions():
    # Generation activity (5) but totals_by_feature []: the completion counts are unknown, not 0 of 0, and the
    # file says so (such records are left out of the acceptance rate).
    record = {"day": "2025-06-02", "user_login": "alice", "code_generation_activity_count": 5,
              "totals_by_feature": []}
    tables, report = read_file("users.ndjson", (json.dumps(record) + "\n").encode())
    row = tables["ai_user_days"].iloc[0]
    assert pd.isna(row["suggestions"]) and pd.isna(row["acceptances"])
    assert any(note.startswith("1 record(s) without a totals_by_feature") for note in report.notes)


def test_a_seat_without_an_assignee_is_left_out_and_counted():
    # A team or enterprise seat names nobody: counted under skipped, and not a row of seats (it would be a
    # NaN "person" among the non-users).
    page = {"total_seats": 2, "seats": [
        {"assignee": {"login": "alice"}, "created_at": "2025-03-03T09:00:00Z", "last_activity_at": None},
        {"assignee": None, "assigning_team": {"slug": "x"}, "created_at": "2025-03-03T09:00:00Z",
         "last_activity_at": None}]}
    tables, report = read_file("seats.json", json.dumps(page).encode())
    assert tables["seats"]["user"].tolist() == ["alice"]
    assert report.skipped == {"seat without an assignee login (team or enterprise seat)": 1}
