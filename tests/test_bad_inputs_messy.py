"""Messy real-world exports: each is read exactly, or refused with a message naming file, record and column.

Small files made in the test, with the metrics worked out by hand.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from roi.cli import main
from roi.errors import InputFormatError
from roi.ingest import read_exports
from roi.ingest._common import _SNIFF_CHARS, _last_record, read_csv_text, sniff_delimiter, sniff_lines_delimiter
from roi.metrics import measure
from tests.conftest import xlsx


def _pr(number: int, created: str, merged: str, login: str = "alice") -> dict:
    return {"number": number, "url": f"https://api.github.com/repos/acme/api/pulls/{number}", "state": "closed",
            "user": {"login": login, "type": "User"}, "created_at": created, "merged_at": merged,
            "closed_at": merged, "additions": 10, "deletions": 5, "draft": False,
            "base": {"repo": {"full_name": "acme/api"}}, "head": {"ref": "feature"}}


PULLS = [_pr(1, "2025-01-10T10:00:00Z", "2025-01-10T12:00:00Z"),
         _pr(2, "2025-01-20T10:00:00Z", "2025-01-20T16:00:00Z", "bob"),
         _pr(3, "2025-03-10T10:00:00Z", "2025-03-10T14:00:00Z"),
         _pr(4, "2025-03-20T10:00:00Z", "2025-03-20T11:00:00Z", "bob")]


def _json(records) -> bytes:
    return json.dumps(records).encode()


def _error_line(capsys, tmp_path, files: dict[str, bytes], adoption: str = "2025-03-01") -> str:
    paths = []
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    code = main(["metrics", *paths, "--adoption-date", adoption])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "Traceback" not in err, err
    assert len(err.splitlines()) == 1 and err.startswith("error: "), err
    return err.strip()


def test_a_pr_merged_before_it_was_created_is_refused(capsys, tmp_path):
    # Merged 2 hours before it was opened: its cycle time of -2 h would pull the median to 2 h.
    pulls = [*PULLS, _pr(5, "2025-01-25T10:00:00Z", "2025-01-25T08:00:00Z", "bob")]
    line = _error_line(capsys, tmp_path, {"pulls.json": _json(pulls)})
    assert "pulls.json" in line and "column 'merged_at'" in line, line
    assert "PR acme/api#5 has merged_at 2025-01-25 08:00 UTC, before its created_at 2025-01-25 10:00 UTC" in line
    with pytest.raises(InputFormatError) as info:
        read_exports([("pulls.json", _json(pulls))])
    assert (info.value.file, info.value.column) == ("pulls.json", "merged_at")


DEPLOYMENTS = (b"source,deploy_id,time_created\n"
               b"github,d1,2025-01-15 08:16:15 UTC\ngithub,d2,2025-02-15 08:16:15 UTC\n"
               b"github,d3,2025-03-15 08:16:15 UTC\ngithub,d4,2025-04-15 08:16:15 UTC\n")


def test_an_incident_resolved_before_it_was_created_is_refused(capsys, tmp_path):
    # Resolved 2 hours before it was opened: recovery_hours would be -2 h.
    incidents = (b"source,incident_id,time_created,time_resolved\n"
                 b"github,i1,2025-01-16 08:00:00 UTC,2025-01-16 06:00:00 UTC\n"
                 b"github,i2,2025-03-16 08:00:00 UTC,2025-03-16 10:00:00 UTC\n")
    line = _error_line(capsys, tmp_path, {"deployments.csv": DEPLOYMENTS, "incidents.csv": incidents})
    assert "incidents.csv" in line and "column 'time_resolved'" in line, line  # the file's column, not ours
    assert ("incident github:i1 has time_resolved 2025-01-16 06:00 UTC, before its time_created 2025-01-16 08:00 UTC"
            in line), line


def _review(number: int, login: str, submitted: str) -> dict:
    return {"user": {"login": login, "type": "User"}, "state": "APPROVED", "submitted_at": submitted,
            "commit_id": "abc", "pull_request_url": f"https://api.github.com/repos/acme/api/pulls/{number}"}


def test_a_review_submitted_before_its_pr_was_created_is_left_out_and_counted():
    reviews = [_review(1, "bob", "2025-01-09T10:00:00Z"),  # a day before PR 1 was opened: impossible
               _review(2, "alice", "2025-01-20T11:00:00Z"), _review(3, "bob", "2025-03-10T11:00:00Z"),
               _review(4, "alice", "2025-03-20T10:30:00Z")]
    metrics = measure(read_exports([("pulls.json", _json(PULLS)), ("reviews.json", _json(reviews))]),
                      date(2025, 3, 1))
    # Pickup = created -> first review: PR 2 took 1 h (PR 1 has no valid review); PRs 3 and 4 took 1 h and 0.5 h.
    assert metrics.baseline.pickup_hours_median == 1.0
    assert metrics.post.pickup_hours_median == 0.75
    reviews_file = next(s for s in metrics.sources if s.file == "reviews.json")
    assert reviews_file.skipped == {"submitted before its PR was created (a broken export)": 1}
    assert reviews_file.used_rows == 3


def _copilot_day(day: str, active, suggestions, acceptances) -> dict:
    language = {"name": "python", "total_code_suggestions": suggestions, "total_code_acceptances": acceptances,
                "total_code_lines_suggested": suggestions, "total_code_lines_accepted": acceptances}
    return {"date": day, "total_active_users": active, "total_engaged_users": active,
            "copilot_ide_code_completions": {"total_engaged_users": active, "editors": [
                {"name": "vscode", "models": [{"name": "default", "languages": [language]}]}]}}


def test_negative_copilot_counts_are_refused(capsys, tmp_path):
    # -5 active users a day would be reported as ai_active_users -5.0.
    days = [_copilot_day("2025-03-01", 4, 100, 30), _copilot_day("2025-03-02", -5, 100, 30)]
    line = _error_line(capsys, tmp_path, {"pulls.json": _json(PULLS), "copilot.json": _json(days)})
    assert "copilot.json" in line and "column 'total_active_users'" in line, line
    assert "day 2025-03-02 has -5 total_active_users; counts are never negative" in line


def test_a_thousands_separator_is_not_read_as_a_decimal_comma(capsys, tmp_path):
    # Excel in an English locale writes 1200 as "1,200"; read as a decimal comma it became 1.2 lines.
    estimates = b'metric,baseline,post,low,high\nprs_per_dev_week,3,4,,\npr_size_loc,150,"1,200",,\n'
    line = _error_line(capsys, tmp_path, {"estimates.csv": estimates})
    assert "estimates.csv, row 3, column 'post'" in line, line
    assert "'1,200' is ambiguous: write 1200 without a thousands separator, or 1.200 with a decimal point" in line
    # A decimal comma that cannot be a thousands separator is still read (German Excel: "4,5", "0,125").
    dataset = read_exports([("estimates.csv", b"metric;baseline;post\nprs_per_dev_week;3,0;4,5\n"
                                              b"change_failure_rate;0,125;0,1\n")])
    assert dataset.estimates.set_index("metric")[["baseline", "post"]].to_dict("index") == {
        "prs_per_dev_week": {"baseline": 3.0, "post": 4.5}, "change_failure_rate": {"baseline": 0.125, "post": 0.1}}


def test_pages_slurped_into_an_array_of_arrays_are_read():
    # `gh api --paginate --slurp repos/acme/api/pulls` writes [[page 1...], [page 2...]].
    slurped = _json([PULLS[:3], PULLS[3:]])
    dataset = read_exports([("pulls.json", slurped)])
    assert sorted(dataset.pull_requests["number"]) == [1, 2, 3, 4]
    metrics = measure(dataset, date(2025, 3, 1))
    assert (metrics.baseline.prs_merged, metrics.post.prs_merged) == (2, 2)
    assert (metrics.baseline.cycle_hours_median, metrics.post.cycle_hours_median) == (4.0, 2.5)


@pytest.mark.parametrize("name", ["jira.xlsx", "jira.csv"])
def test_a_csv_export_saved_as_a_workbook_is_named_as_one(capsys, tmp_path, name):
    # A Jira export opened in Excel and saved as .xlsx (or saved as .xlsx under its .csv name): it was called "in
    # no format this tool recognises (its header is Issue key, …)".
    book = xlsx(["Issue key", "Created", "Resolved"], ["P-1", "2025-01-01 10:00", "2025-01-02 10:00"])
    line = _error_line(capsys, tmp_path, {name: book})
    assert line.startswith(f"error: {tmp_path / name}: is an Excel workbook of a Jira CSV export (a CSV opened "
                           "and saved in Excel), which this tool reads as CSV only"), line


def test_a_workbook_in_no_known_format_is_named_with_its_header(capsys, tmp_path):
    book = xlsx(["Team", "Sprint", "Velocity"], ["Core", "S1", "30"])
    line = _error_line(capsys, tmp_path, {"velocity.xlsx": book})
    assert line.startswith(f"error: {tmp_path / 'velocity.xlsx'}: is an Excel workbook in no format this tool "
                           "recognises (its header is Team, Sprint, Velocity); save the sheet as CSV UTF-8"), line


JIRA_HEADER = "Summary,Issue key,Issue Type,Status,Resolution,Assignee,Created,Resolved"


def _jira(rows: list[str], header: str = JIRA_HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def test_month_first_dates_of_a_us_excel_resave_are_read_month_first():
    # US Excel re-saves Jira's 25/Nov/25 10:00 PM as 11/25/2025 22:00: month first.
    data = _jira(["s,P-1,Task,Done,Done,alice,1/15/2025 10:00,1/16/2025 22:00",
                  "s,P-2,Task,Done,Done,bob,2/3/2025 10:00,2/4/2025 10:00",
                  "s,P-3,Bug,Done,Done,bob,11/25/2025 9:30,12/1/2025 9:30"])
    items = read_exports([("jira.csv", data)]).work_items.set_index("key")
    assert list(items["created_at"].dt.strftime("%Y-%m-%d %H:%M")) == [
        "2025-01-15 10:00", "2025-02-03 10:00", "2025-11-25 09:30"]
    assert list(items["resolved_at"].dt.strftime("%Y-%m-%d %H:%M")) == [
        "2025-01-16 22:00", "2025-02-04 10:00", "2025-12-01 09:30"]



def test_one_column_that_reads_only_month_first_sets_the_order_of_the_whole_file():
    """Created 3/20/2025 reads only month first; Resolved 2/10/2025 reads either way and was read day first,
    alone: the story created on 3 February was resolved on 2 October, in the period after adoption."""
    data = _jira(["s,P-1,Story,Done,Done,alice,2/3/2025 09:00,2/10/2025 17:00",
                  "s,P-2,Bug,To Do,,bob,3/20/2025 09:00,"])
    dataset = read_exports([("jira.csv", data)])
    items = dataset.work_items.set_index("key")
    assert list(items["created_at"].dt.strftime("%Y-%m-%d %H:%M")) == ["2025-02-03 09:00", "2025-03-20 09:00"]
    assert items.loc["P-1", "resolved_at"].strftime("%Y-%m-%d %H:%M") == "2025-02-10 17:00"
    notes = dataset.sources[0].notes
    assert ("'Created' has dates that read only month first (a US Excel re-save): every date column of the file "
            "is read month first") in notes
    assert not any("read day first" in note for note in notes), notes


def test_dates_that_read_either_way_are_read_day_first_and_say_so():
    data = _jira(["s,P-1,Task,Done,Done,alice,1/2/2025 10:00,1/3/2025 10:00",
                  "s,P-2,Task,Done,Done,bob,4/2/2025 10:00,5/2/2025 10:00"])
    dataset = read_exports([("jira.csv", data)])
    assert list(dataset.work_items["created_at"].dt.strftime("%Y-%m-%d")) == ["2025-02-01", "2025-02-04"]
    assert ("'Created' has dates that read day first or month first (1/2/2025 10:00): read day first "
            "(1 February); if the file has month-first dates (a US Excel re-save), export it from Jira again"
            in dataset.sources[0].notes), dataset.sources[0].notes
    # A guess that moves work into other months if wrong: a caution the app shows as a warning, and in the
    # Metrics JSON's sources.
    assert [c.split(" has dates")[0] for c in dataset.sources[0].cautions] == ["'Created'", "'Resolved'"]
    metrics = measure(dataset, date(2025, 2, 10))  # events 5 Feb … 1 Mar
    assert metrics.sources[0].cautions == dataset.sources[0].cautions
    # Month names leave no doubt: no note.
    named = read_exports([("jira.csv", _jira(["s,P-1,Task,Done,Done,alice,1/Feb/25 10:00 AM,3/Feb/25 10:00 AM"]))])
    assert not any("day first" in note for note in named.sources[0].notes)


JIRA_DONE = [f"s,P-{day},Task,Done,Done,Done,alice,{day}/{month}/25 10:00 AM,"
             for month in ("Jan", "Mar") for day in range(10, 20)]
JIRA_DONE_HEADER = "Summary,Issue key,Issue Type,Status,Status Category,Resolution,Assignee,Created,Resolved"


def test_done_issues_without_any_resolved_date_are_refused_not_zero_tasks(capsys, tmp_path):
    # 20 issues in status category Done but no Resolved date: tasks_per_dev_week was 0.0 in both periods.
    jira = ("\n".join([JIRA_DONE_HEADER, *JIRA_DONE]) + "\n").encode()
    line = _error_line(capsys, tmp_path, {"pulls.json": _json(PULLS), "jira.csv": jira})
    assert "jira.csv, row 2, column 'Resolved'" in line, line
    assert "20 issues are done but none has a Resolved date" in line, line
    no_column = ("\n".join([JIRA_DONE_HEADER.removesuffix(",Resolved"), *(r[:-1] for r in JIRA_DONE)]) + "\n").encode()
    line = _error_line(capsys, tmp_path, {"pulls.json": _json(PULLS), "jira.csv": no_column})
    assert "jira.csv, column 'Resolved'" in line and "has no 'Resolved' column but 20 issues are done" in line, line


def test_done_issues_without_a_resolved_date_are_noted():
    rows = [*JIRA_DONE[:-1], JIRA_DONE[-1] + "20/Mar/25 10:00 AM"]
    jira = ("\n".join([JIRA_DONE_HEADER, *rows]) + "\n").encode()
    report = read_exports([("jira.csv", jira)]).sources[0]
    assert ("19 done issue(s) have no Resolved date: they cannot be placed in a period and are not counted as "
            "completed work" in report.notes), report.notes


def test_records_inside_a_wrapper_object_say_which_key_to_unwrap(capsys, tmp_path):
    # A script that saved {"items": [...]} (or {"pull_requests": [...]}) around the API's array.
    line = _error_line(capsys, tmp_path, {"pulls.json": json.dumps({"items": PULLS, "count": 4}).encode()})
    assert ("pulls.json: holds GitHub REST pull requests (list or detail) inside a wrapper object, under "
            "'items'; save that array itself (e.g. jq '.items' pulls.json > records.json) and load it") in line, line


def test_two_copilot_exports_with_other_numbers_for_the_same_day_are_refused(capsys, tmp_path):
    # Two teams' /orgs/{org}/team/{team}/copilot/metrics: the same dates with other numbers.  Kept as
    # "duplicates", team A's days were dropped: ai_active_users 7 (team B alone), not the 12 of both teams.
    team_a = [_copilot_day(f"2025-03-0{d}", 5, 100, 30) for d in range(1, 8)]
    team_b = [_copilot_day(f"2025-03-0{d}", 7, 200, 20) for d in range(1, 8)]
    line = _error_line(capsys, tmp_path, {"pulls.json": _json(PULLS), "team_a.json": _json(team_a),
                                          "team_b.json": _json(team_b)})
    assert "team_b.json, column 'total_active_users'" in line, line
    assert (f"holds other Copilot numbers for 2025-03-01 than {tmp_path / 'team_a.json'} "
            "(total_active_users 7 here, 5 there): are they two teams' exports?") in line, line
    # The same export loaded twice is read once.
    metrics = measure(read_exports([("a.json", _json(team_a)), ("a_again.json", _json(team_a)),
                                    ("pulls.json", _json(PULLS))]), date(2025, 3, 1))
    assert (metrics.post.ai_active_users, metrics.post.ai_acceptance_rate) == (5.0, 0.3)


DEVLAKE_COLUMNS = ["id", "base_repo_id", "status", "url", "author_name", "pull_request_key", "created_date",
                   "merged_date", "additions", "deletions"]


def _devlake_pulls(separator: str, encoding: str) -> bytes:
    rows = [DEVLAKE_COLUMNS]
    for pr in PULLS:
        created, merged = (pr[k].replace("Z", ".000+00:00") for k in ("created_at", "merged_at"))
        rows.append([f"github:GithubPullRequest:1:{pr['number']}", "github:GithubRepo:1:1", "MERGED", pr["url"],
                     pr["user"]["login"], str(pr["number"]), created, merged, "10", "5"])
    return ("\r\n".join(separator.join(row) for row in rows) + "\r\n").encode(encoding)


@pytest.mark.parametrize("separator, encoding", [(";", "utf-8"), ("\t", "utf-8"), (",", "utf-16")],
                         ids=["semicolons", "tabs", "utf-16"])
def test_a_devlake_table_resaved_by_excel_is_read(separator, encoding):
    # Excel writes ';' (German locale), tabs or UTF-16 ("Unicode text"); the table was said to have no 'id' column.
    metrics = measure(read_exports([("pull_requests.csv", _devlake_pulls(separator, encoding))]), date(2025, 3, 1))
    assert (metrics.baseline.prs_merged, metrics.post.prs_merged) == (2, 2)
    assert (metrics.baseline.cycle_hours_median, metrics.post.cycle_hours_median) == (4.0, 2.5)
    assert metrics.baseline.pr_size_loc == 15.0


def test_a_metric_given_twice_in_the_estimates_template_is_refused(capsys, tmp_path):
    # The second row silently replaced the first: which one the team meant is not ours to guess.
    estimates = b"metric,baseline,post\nprs_per_dev_week,3,4\npr_size_loc,150,200\nprs_per_dev_week,5,6\n"
    line = _error_line(capsys, tmp_path, {"estimates.csv": estimates})
    assert "estimates.csv, row 4, column 'metric'" in line, line
    assert "'prs_per_dev_week' is given again (first in row 2); keep one row per metric" in line, line


def test_a_percentage_of_a_rate_in_the_estimates_template_is_read_as_a_share():
    # Typed in Excel, 12% is the number 0.12 already; typed in a CSV it is the same share.
    dataset = read_exports([("estimates.csv", b"metric,baseline,post\nchange_failure_rate,12%,\"12,5 %\"\n")])
    assert dataset.estimates[["baseline", "post"]].values.tolist() == [[0.12, 0.125]]


def test_a_percentage_of_a_rate_over_100_is_refused(capsys, tmp_path):
    estimates = b"metric,baseline,post\nchange_failure_rate,0.1,120%\n"
    line = _error_line(capsys, tmp_path, {"estimates.csv": estimates})
    assert "estimates.csv, row 2, column 'post': '120%' is more than 100%; a rate is a share" in line, line


def test_trailing_rows_of_empty_cells_left_by_excel_are_ignored():
    # Excel writes ",," for formatted but empty rows below the data; they are not deployments without a date.
    deployments = read_exports([("deployments.csv", DEPLOYMENTS + b",,\r\n,,\r\n")])
    assert list(deployments.deployments["deploy_id"]) == ["github:d1", "github:d2", "github:d3", "github:d4"]
    assert deployments.sources[0].rows == 4


def test_a_copilot_count_written_as_text_is_refused_not_skipped(capsys, tmp_path):
    # "50" (quoted) was read as no value: the day's 50 active users and 1000 suggestions silently vanished.
    days = [_copilot_day(f"2025-03-0{d}", 5, 100, 30) for d in range(1, 8)]
    days[2]["total_active_users"] = "50"
    line = _error_line(capsys, tmp_path, {"pulls.json": _json(PULLS), "copilot.json": _json(days)})
    assert ("copilot.json, record 3, column 'total_active_users': is the text \"50\", not a JSON number: a tool that "
            "quotes numbers") in line, line
    days[2]["total_active_users"] = 50
    language = days[2]["copilot_ide_code_completions"]["editors"][0]["models"][0]["languages"][0]
    language["total_code_suggestions"] = "1000"
    line = _error_line(capsys, tmp_path, {"pulls.json": _json(PULLS), "copilot.json": _json(days)})
    assert ("copilot.json, record 3, column 'copilot_ide_code_completions.editors[].models[].languages[]."
            "total_code_suggestions': is the text \"1000\", not a JSON number") in line, line
    language["total_code_suggestions"] = [1000]  # not a number at all
    line = _error_line(capsys, tmp_path, {"pulls.json": _json(PULLS), "copilot.json": _json(days)})
    assert "total_code_suggestions': should be a number, got [1000]; export the file again" in line, line


def _gh(number: int, created: str, merged: str, login: str) -> dict:
    return {"number": number, "createdAt": created, "mergedAt": merged, "state": "MERGED", "isDraft": False,
            "additions": 10, "deletions": 5, "author": {"login": login, "is_bot": False}}


def test_two_repositories_prs_without_a_repository_name_are_not_merged_as_duplicates(capsys, tmp_path):
    # `gh pr list --json number,createdAt,...` without 'url', run in two repositories: both have PRs #1 and #2.
    # Deduplicated on (repo '', number), alice's PRs were dropped: 1 developer and 1 PR a period instead of 2.
    repo_a = [_gh(1, "2025-01-10T10:00:00Z", "2025-01-10T12:00:00Z", "alice"),
              _gh(2, "2025-03-10T10:00:00Z", "2025-03-10T12:00:00Z", "alice")]
    repo_b = [_gh(1, "2025-01-11T10:00:00Z", "2025-01-11T18:00:00Z", "bob"),
              _gh(2, "2025-03-11T10:00:00Z", "2025-03-11T18:00:00Z", "bob")]
    line = _error_line(capsys, tmp_path, {"a.json": _json(repo_a), "b.json": _json(repo_b)})
    assert f"{tmp_path / 'a.json'}, column 'number'" in line, line
    assert (f"holds PR #1 created 2025-01-10 10:00 UTC, but {tmp_path / 'b.json'} holds PR #1 created "
            "2025-01-11 10:00 UTC: PRs of two repositories? The files do not name the repository: export them with "
            "it (gh: add url to the --json fields; a mapped CSV: map its repo column)") in line, line
    # The same export loaded twice is still read once.
    metrics = measure(read_exports([("a.json", _json(repo_a)), ("a_again.json", _json(repo_a))]), date(2025, 3, 1))
    assert (metrics.baseline.prs_merged, metrics.post.prs_merged) == (1, 1)


def test_story_points_that_are_not_plain_numbers_do_not_fail_the_jira_file():
    # Story points feed no metric, yet "1,500" (ambiguous) or "TBD" refused the whole export.
    jira = _jira(["s,P-1,Story,Done,Done,alice,03/Feb/25 9:15 AM,04/Feb/25 9:15 AM,\"1,500\"",
                  "s,P-2,Story,Done,Done,bob,03/Feb/25 9:15 AM,05/Feb/25 9:15 AM,TBD",
                  "s,P-3,Story,Done,Done,bob,03/Feb/25 9:15 AM,05/Feb/25 9:15 AM,3"],
                 header=JIRA_HEADER + ",Custom field (Story Points)")
    dataset = read_exports([("jira.csv", jira)])
    items = dataset.work_items.set_index("key")
    assert len(items) == 3 and items["story_points"].isna().all()
    notes = dataset.sources[0].notes
    assert any("'Custom field (Story Points)' not read (row 2: '1,500' is ambiguous" in note
               and "story points feed no metric" in note for note in notes), notes


def test_copilot_counts_that_feed_no_metric_do_not_fail_the_file():
    # Lines and engaged users feed no metric: a damaged one must not refuse the days' usage.
    days = [_copilot_day(f"2025-03-0{d}", 5, 100, 30) for d in range(1, 8)]
    days[1]["total_engaged_users"] = -3
    language = days[2]["copilot_ide_code_completions"]["editors"][0]["models"][0]["languages"][0]
    language["total_code_lines_accepted"] = "12"
    dataset = read_exports([("pulls.json", _json(PULLS)), ("copilot.json", _json(days))])
    metrics = measure(dataset, date(2025, 3, 1))
    assert (metrics.post.ai_active_users, metrics.post.ai_acceptance_rate) == (5.0, 0.3)


def test_a_seat_pending_cancellation_date_that_is_not_a_date_does_not_fail_the_file():
    # pending_cancellation_date feeds no metric; "soon" refused the seats file (and with it seat activity).
    seat = {"created_at": "2025-01-02T10:00:00Z", "last_activity_at": None,
            "pending_cancellation_date": "soon", "assignee": {"login": "alice"}}
    seats = {"total_seats": 1, "seats": [seat]}
    dataset = read_exports([("seats.json", _json(seats))])
    assert list(dataset.seats["user"]) == ["alice"] and dataset.seats["pending_cancellation"].isna().all()


def _joined(first: bytes, second: bytes) -> bytes:
    """Two exports joined as `cat a.csv b.csv` joins them: the second header row lands among the data."""
    return first + second


@pytest.mark.parametrize(("name", "content", "row"), [
    ("deployments.csv", _joined(DEPLOYMENTS, DEPLOYMENTS), 6),
    ("deployments_bom.csv", _joined(DEPLOYMENTS, b"\xef\xbb\xbf" + DEPLOYMENTS), 6),  # each file had its BOM
    ("jira.csv", _joined(_jira(["s,P-1,Task,Done,Done,alice,03/Feb/25 9:15 AM,04/Feb/25 9:15 AM"]),
                         _jira(["s,P-2,Task,Done,Done,bob,03/Feb/25 9:15 AM,05/Feb/25 9:15 AM"])), 3),
    ("pull_requests.csv", _joined(_devlake_pulls(",", "utf-8"),
                                  _devlake_pulls(",", "utf-8").replace(b"github:1,", b"github:2,")), 6),
    ("pull_requests_bom.csv", _joined(_devlake_pulls(",", "utf-8"),
                                      b"\xef\xbb\xbf" + _devlake_pulls(",", "utf-8")), 6),
])
def test_a_header_row_repeated_among_the_data_is_named_not_called_a_bad_date(capsys, tmp_path, name, content,
                                                                              row):
    # Two exports joined with their headers: the second header was reported as "'time_created' is not a date".
    line = _error_line(capsys, tmp_path, {name: content})
    assert line == (f"error: {tmp_path / name}, row {row}: repeats the header row; remove it (the files were "
                    "probably joined, each with its header)"), line


def test_a_devlake_table_saved_as_windows_1252_is_read_with_a_note():
    # Excel on Windows saves "CSV" as Windows-1252: Arrow refused it with its raw "invalid UTF8 data".
    pulls = _devlake_pulls(",", "utf-8").decode().replace(",alice,", ",José Müller,").encode("cp1252")
    dataset = read_exports([("pull_requests.csv", pulls)])
    assert set(dataset.pull_requests["author"]) == {"José Müller", "bob"}
    assert any(note.startswith("not UTF-8: read as Windows-1252") for note in dataset.sources[0].notes)
    metrics = measure(dataset, date(2025, 3, 1))
    assert (metrics.baseline.prs_merged, metrics.post.prs_merged) == (2, 2)


@pytest.mark.parametrize(("name", "content", "column", "words"), [
    ("gh.json", _json([_gh(1, "2025-01-10T10:00:00Z", "2025-01-10T12:00:00Z", "alice"),
                       _gh(2, "2025-03-10T10:00:00Z", "2025-03-10T08:00:00Z", "bob")]), "mergedAt",
     "PR #2 has mergedAt 2025-03-10 08:00 UTC, before its createdAt 2025-03-10 10:00 UTC"),
    ("pull_requests.csv", _devlake_pulls(",", "utf-8").replace(b"2025-03-20T11:00", b"2025-03-20T09:00"),
     "merged_date", "has merged_date 2025-03-20 09:00 UTC, before its created_date 2025-03-20 10:00 UTC"),
    ("jira_de.csv", "Vorgangsschlüssel,Vorgangstyp,Erstellt\nX-1,Vorfall,19.08.2099 18:06\n".encode(),
     "Erstellt", "incident X-1 has Erstellt 2099-08-19 18:06 UTC, in the future"),
    ("seats.json", _json({"seats": [{"created_at": "2099-01-02T10:00:00Z", "assignee": {"login": "alice"}}]}),
     "created_at", "user alice has created_at 2099-01-02 10:00 UTC, in the future"),
])
def test_errors_name_the_column_as_the_file_writes_it_not_ours(capsys, tmp_path, name, content, column,
                                                                words):
    # "column 'merged_at'" sent the user looking for a column their gh, DevLake or German Jira file lacks.
    line = _error_line(capsys, tmp_path, {name: content})
    assert f"{tmp_path / name}, column '{column}': " in line and words in line, line


def test_errors_of_a_mapped_csv_name_the_users_column():
    mapping = {"deploys.csv": {"table": "incidents", "created_at": "Opened", "resolved_at": "Fixed"}}
    content = b"Opened,Fixed\n2025-01-16 08:00:00Z,2025-01-16 06:00:00Z\n"
    with pytest.raises(InputFormatError) as caught:
        read_exports([("deploys.csv", content)], column_mappings=mapping)
    assert caught.value.column == "Fixed", caught.value
    assert "has Fixed 2025-01-16 06:00 UTC, before its Opened" in caught.value.message


def test_errors_of_the_estimates_template_name_the_column_as_written():
    with pytest.raises(InputFormatError) as caught:
        read_exports([("estimates.csv", b"Metric,Baseline,Post\npr_size_loc,-5,200\n")])
    assert (caught.value.row, caught.value.column) == (2, "Baseline"), caught.value


def test_copilot_days_with_more_acceptances_than_suggestions_are_named_in_a_note(capsys, tmp_path):
    # 150 acceptances of 100 suggestions: the period's rate was capped at 100% without a word.
    days = [_copilot_day(f"2025-03-0{d}", 5, 100, 30) for d in range(1, 8)]
    days[3] = _copilot_day("2025-03-04", 5, 100, 150)
    dataset = read_exports([("pulls.json", _json(PULLS)), ("copilot.json", _json(days))])
    notes = dataset.sources[1].notes
    assert ("1 day(s) with more total_code_acceptances than total_code_suggestions: 2025-03-04 (150 of 100); "
            "ai_acceptance_rate counts them as GitHub reports them (partial acceptances count too) and is "
            "capped at 100%") in notes[0], notes
    metrics = measure(dataset, date(2025, 3, 1))
    assert metrics.post.ai_acceptance_rate == pytest.approx((6 * 30 + 150) / 700)  # as reported, not dropped
    # In a usage report, per user and day, with the report's own field names.
    record = {"day": "2025-10-01", "user_login": "alice", "code_generation_activity_count": 1,
              "code_acceptance_activity_count": 3,
              "totals_by_feature": [{"feature": "code_completion", "code_generation_activity_count": 1,
                                     "code_acceptance_activity_count": 3}]}
    users = read_exports([("users.ndjson", _json(record))])
    assert ("1 user-day record(s) with more totals_by_feature[].code_acceptance_activity_count than "
            "totals_by_feature[].code_generation_activity_count: alice on 2025-10-01 (3 of 1)") in \
        users.sources[0].notes[0], users.sources[0].notes


def test_a_copilot_day_repeated_in_one_file_is_named():
    days = [_copilot_day(f"2025-03-0{d}", 5, 100, 30) for d in range(1, 8)]
    same = read_exports([("copilot.json", _json([*days, days[2]]))])
    reason = "copy of a day repeated in the file (2025-03-03; the last copy is kept)"
    assert dict(same.sources[0].skipped) == {reason: 1}
    assert same.sources[0].notes == []
    other = read_exports([("copilot.json", _json([*days, _copilot_day("2025-03-03", 9, 100, 30)]))])
    assert dict(other.sources[0].skipped) == {reason: 1}
    assert other.sources[0].notes == [
        "the copies of 2025-03-03 carry other numbers (total_active_users 5, then 9): the last copy is kept; "
        "if the file joins two teams' exports, load one organisation-wide export instead"]


@pytest.mark.parametrize(("name", "record"), [
    ("pulls.json", _pr(1, "2025-01-10T10:00:00Z", "2025-01-10T12:00:00Z")),
    ("gh.json", _gh(1, "2025-01-10T10:00:00Z", "2025-01-10T12:00:00Z", "alice")),
])
def test_a_damaged_pr_state_which_feeds_no_metric_does_not_fail_the_file(name, record):
    # The PR's 'state' feeds no metric (merged_at decides); a list there refused the whole file.
    dataset = read_exports([(name, _json([{**record, "state": ["closed"]}]))])
    assert list(dataset.pull_requests["number"]) == [1]


# --- A delimiter inside quoted cells is no delimiter -------------------------------------------------------


def test_a_semicolon_jira_export_whose_summary_is_full_of_commas_is_recognised():
    # The quoted summary's six commas outnumbered the header's five semicolons: "not an export format".
    data = (b"Issue key;Summary;Issue Type;Status;Created;Resolved\n"
            b'P-1;"EUR, USD, GBP, CHF, SEK, NOK, DKK";Story;Done;01/Mar/25 10:00 AM;02/Mar/25 10:00 AM\n'
            b"P-2;x;Story;Done;03/Mar/25 10:00 AM;04/Mar/25 10:00 AM\n")
    dataset = read_exports([("jira.csv", data)])
    assert dataset.sources[0].format == "jira_csv"
    items = dataset.work_items.set_index("key")
    assert list(items["resolved_at"].dt.strftime("%Y-%m-%d %H:%M")) == ["2025-03-02 10:00", "2025-03-04 10:00"]
    assert list(items["kind"]) == ["story", "story"]


def test_a_fourkeys_table_resaved_with_semicolons_keeps_its_json_changes():
    # BigQuery's TO_JSON_STRING changes: every comma is inside the quoted JSON, none is a delimiter.
    data = (b"source;deploy_id;time_created;main_commit;changes\n"
            b'github;d1;2025-01-15 08:16:15 UTC;c6;"[""c1"",""c2"",""c3"",""c4"",""c5"",""c6""]"\n'
            b'github;d2;2025-02-04 11:40:27 UTC;c7;"[""c7""]"\n')
    dataset = read_exports([("deployments.csv", data)])
    assert dataset.sources[0].format == "fourkeys_deployments"
    assert list(dataset.deployments["deployed_at"].dt.strftime("%Y-%m-%d %H:%M:%S")) == [
        "2025-01-15 08:16:15", "2025-02-04 11:40:27"]
    assert sorted(dataset.deployment_changes["sha"]) == ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]


def test_the_delimiter_is_told_outside_quotes_and_from_a_bounded_start():
    # A quoted cell spanning lines (a Jira description) holds commas on lines of their own.
    lines = ["Issue key;Description;Created", 'P-1;"a, b, c, d,', 'e, f, g, h, i";01/Mar/25 10:00 AM']
    assert sniff_lines_delimiter(lines) == ";"
    assert sniff_delimiter('"a;b","c;d","e;f"') == ","  # quoted header cells
    assert sniff_delimiter('id;"say ""a, b, c""";x') == ";"  # a doubled quote opens nothing
    huge = ["Issue key;Summary;Created", 'P-1;"' + "x, " * 2_000_000 + '";01/Mar/25 10:00 AM']
    assert sniff_lines_delimiter(huge) == ";"
    # Only the start is read (a 20 MB cell is not scanned): commas past it would otherwise win.
    late = ["Issue key;Summary;Created", "x" * (_SNIFF_CHARS + 10) + "," * 50]
    assert sniff_lines_delimiter(late) == ";" and sniff_lines_delimiter(["a;b;c", "," * 50]) == ","


# --- Line counts are whole numbers -------------------------------------------------------------------------


def _devlake_sizes(additions: list[str]) -> bytes:
    """A DevLake pull_requests table re-saved by a German Excel (';'), with PULLS' PRs and these additions."""
    rows = [DEVLAKE_COLUMNS]
    for pr, added in zip(PULLS, additions):
        created, merged = (pr[k].replace("Z", ".000+00:00") for k in ("created_at", "merged_at"))
        rows.append([f"github:GithubPullRequest:1:{pr['number']}", "github:GithubRepo:1:1", "MERGED", pr["url"],
                     pr["user"]["login"], str(pr["number"]), created, merged, added, "0"])
    return ("\r\n".join(";".join(row) for row in rows) + "\r\n").encode()


@pytest.mark.parametrize(("value", "words"), [
    ("2.220", "'2.220' is ambiguous: write 2220 without a thousands separator (the column holds whole numbers)"),
    ("1.000.000", "'1.000.000' is ambiguous: write 1000000 without a thousands separator"),
    ("2,220", "'2,220' is ambiguous: write 2220 without a thousands separator"),
    ("12.5", "'12.5' is not a whole number; the column counts things (lines): export it again without decimals"),
])
def test_a_devlake_line_count_that_is_not_a_plain_whole_number_is_refused_with_its_row(value, words):
    # German Excel writes 2220 as "2.220": read with a decimal point it was 2.22 lines.
    with pytest.raises(InputFormatError) as info:
        read_exports([("pull_requests.csv", _devlake_sizes(["100", "40", value, "7"]))])
    assert (info.value.file, info.value.row, info.value.column) == ("pull_requests.csv", 4, "additions")
    assert info.value.message.startswith(words), info.value.message


def test_devlake_line_counts_with_a_decimal_comma_or_point_of_zero_are_read():
    dataset = read_exports([("pull_requests.csv", _devlake_sizes(["100", "40,0", "2220", "7.0"]))])
    assert dataset.pull_requests.set_index("number")["additions"].to_dict() == {1: 100, 2: 40, 3: 2220, 4: 7}


def test_a_mapped_line_count_with_a_thousands_separator_is_refused():
    mapping = {"table": "pull_requests", "number": "PR", "author": "Author", "created_at": "Opened",
               "merged_at": "Merged", "additions": "Added"}
    data = b"PR;Author;Opened;Merged;Added\n1;jo;2025-02-03 09:00;2025-02-04 09:00;2.220\n"
    with pytest.raises(InputFormatError, match="'2.220' is ambiguous") as info:
        read_exports([("prs.csv", data)], {"prs.csv": mapping})
    assert (info.value.row, info.value.column) == (2, "Added")


# --- Date-only Jira dates follow the order of dates with a time -------------------------------------------

EITHER_WAY = ("'{column}' has dates that read day first or month first ({value}): read day first ({day}); if the "
              "file has month-first dates (a US Excel re-save), export it from Jira again")


def test_date_only_jira_dates_that_read_either_way_are_read_day_first_with_a_caution():
    # A European Excel re-save writes 03/02/2025: read month first (2 March) with a note saying the file read
    # only month first, while the same dates with a time were read day first.
    data = b"Issue key,Issue Type,Status,Created,Resolved\nP-1,Story,Done,03/02/2025,10/02/2025\n" \
           b"P-2,Story,Done,05/02/2025,11/02/2025\n"
    dataset = read_exports([("jira.csv", data)])
    items = dataset.work_items.set_index("key")
    assert list(items["created_at"].dt.strftime("%Y-%m-%d %H:%M")) == ["2025-02-03 00:00", "2025-02-05 00:00"]
    assert list(items["resolved_at"].dt.strftime("%Y-%m-%d")) == ["2025-02-10", "2025-02-11"]
    assert dataset.sources[0].cautions == [
        EITHER_WAY.format(column="Created", value="03/02/2025", day="3 February"),
        EITHER_WAY.format(column="Resolved", value="10/02/2025", day="10 February")]
    assert not any("only month first" in note for note in dataset.sources[0].notes)
    with_time = read_exports([("jira.csv", data.replace(b"/2025,", b"/2025 10:00,").replace(b"/2025\n",
                                                                                             b"/2025 10:00\n"))])
    assert list(with_time.work_items["created_at"].dt.strftime("%Y-%m-%d")) == ["2025-02-03", "2025-02-05"]


def test_date_only_jira_dates_with_a_day_over_12_are_read_day_first():
    # 19/08/2025 was refused as "not a date Jira writes".
    data = _jira(["s,P-1,Task,Done,Done,alice,19/08/2025,20/08/2025", "s,P-2,Task,Done,Done,bob,02/09/2025,"])
    dataset = read_exports([("jira.csv", data)])
    items = dataset.work_items.set_index("key")
    assert list(items["created_at"].dt.strftime("%Y-%m-%d")) == ["2025-08-19", "2025-09-02"]
    assert items.loc["P-1", "resolved_at"] == pd.Timestamp("2025-08-20", tz="UTC")
    assert dataset.sources[0].cautions == []  # 19/08 leaves no doubt about the column, 20/08 none about its own


def test_date_only_jira_dates_that_read_only_month_first_are_read_month_first():
    data = _jira(["s,P-1,Task,Done,Done,alice,11/25/2025,12/01/2025", "s,P-2,Task,Done,Done,bob,02/03/2025,"])
    dataset = read_exports([("jira.csv", data)])
    items = dataset.work_items.set_index("key")
    assert list(items["created_at"].dt.strftime("%Y-%m-%d")) == ["2025-11-25", "2025-02-03"]
    assert items.loc["P-1", "resolved_at"] == pd.Timestamp("2025-12-01", tz="UTC")
    assert ("'Created' has dates that read only month first (a US Excel re-save): every date column of the file "
            "is read month first") in dataset.sources[0].notes


@pytest.mark.parametrize("time", ["", " 10:00"])
def test_a_jira_column_mixing_day_first_and_month_first_dates_is_refused_naming_both(time):
    data = _jira([f"s,P-1,Task,Done,Done,alice,13/02/2025{time},", f"s,P-2,Task,Done,Done,bob,03/02/2025{time},",
                  f"s,P-3,Task,Done,Done,bob,02/14/2025{time},"])
    with pytest.raises(InputFormatError) as info:
        read_exports([("jira.csv", data)])
    assert (info.value.row, info.value.column) == (4, "Created")
    assert info.value.message == (
        f"'13/02/2025{time}' (row 2) reads only day first, '02/14/2025{time}' (row 4) only month first: the column "
        "mixes two date orders (rows typed or re-saved in other locales); export it from Jira again, or write "
        "every date in one order")


# --- A CSV cut short is refused, not read with its last cells empty ---------------------------------------

CUT = (b"Issue key,Issue Type,Created,Resolved,Status Category\r\n"
       b"P-1,Story,01/Mar/25 10:00 AM,02/Mar/25 10:00 AM,Done\r\n"
       b"P-2,Story,03/Mar/25 10:00 AM,04/Mar/25 10:00 AM")


def test_a_csv_cut_short_in_its_last_row_is_refused_naming_the_row(capsys, tmp_path):
    # P-2's Status Category was read as empty: a Done issue became not done, one task fewer.
    line = _error_line(capsys, tmp_path, {"jira.csv": CUT})
    assert line.endswith("jira.csv, row 3: has 4 of the header's 5 cells and the file ends in it, without a line "
                         "break: the file may be cut short (a download or copy that stopped), which would leave the "
                         "missing cells empty; export it again"), line
    deployments = (b"source,deploy_id,time_created,main_commit\r\n"
                   b"github,d1,2025-02-10 09:00:00 UTC,c1\r\n"
                   b"github,d2,2025-03-05 10:00:00 UTC")
    with pytest.raises(InputFormatError, match="has 3 of the header's 4 cells") as info:
        read_exports([("deployments.csv", deployments)])
    assert info.value.row == 3


def test_a_csv_cut_inside_a_quoted_cell_is_refused_naming_the_row():
    data = CUT.replace(b"Category", b"Category,Description") + b',Done,"Steps:\r\n1. open the'
    with pytest.raises(InputFormatError) as info:
        read_exports([("jira.csv", data)])
    assert (info.value.row, info.value.message) == (
        3, "ends inside a quoted cell that this row opens: the file may be cut short (a download or copy that "
           "stopped); export it again")


def test_short_last_rows_a_complete_file_may_hold_are_read():
    # Ending in a line break, the row is whole (Excel leaves out the empty cells at the end of long files' rows).
    whole = read_exports([("jira.csv", CUT + b"\r\n")])
    assert whole.work_items.set_index("key")["done"].to_dict() == {"P-1": True, "P-2": False}
    # A quoted description spanning lines, complete, and no line break after the last row.
    described = CUT.replace(b"Category\r\n", b"Category,Description\r\n").replace(b"Done\r\n", b'Done,"a, b"\r\n')
    quoted = read_exports([("jira.csv", described + b',Done,"Steps:\r\n1. open, then\r\n2. close"')])
    assert quoted.work_items.set_index("key")["done"].to_dict() == {"P-1": True, "P-2": True}
    # A footer of one cell without a line break: skipped and counted as before.
    footer = read_exports([("jira.csv", CUT + b",Done\r\nGenerated at 26.11.2026 14:00 by Jira")])
    assert footer.sources[0].skipped == {"note or footer row (one cell filled, not an issue)": 1}
    # Header cells without a name (a trailing delimiter) are no cells a row can lack.
    padded = read_exports([("deployments.csv", b"source,deploy_id,time_created,,\r\ngithub,d1,2025-02-10 09:00:00 UTC")])
    assert list(padded.deployments["deployed_at"]) == [pd.Timestamp("2025-02-10 09:00", tz="UTC")]


def _last_record_by_lines(text: str) -> str:
    """The last record as first written: a search of the whole text for each line (the reference)."""
    total, end = text.count('"'), len(text.rstrip("\r\n"))
    while True:
        start = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1
        if not start or (total - text.count('"', start)) % 2 == 0:
            return text[start:]
        end = start - 1


@given(st.lists(st.sampled_from(['a', ',', '"', '\n', '\r', '\r\n', '""', 'x' * 70_000]), max_size=40))
def test_the_last_record_is_found_as_the_line_by_line_search_finds_it(parts):
    text = "".join(parts)
    assert _last_record(text) == _last_record_by_lines(text)


def test_a_last_cell_of_many_lines_or_over_the_csv_modules_limit_is_read():
    """A last record of 20,000 lines made the search quadratic; a cell over 131,072 characters, which the csv
    module refuses, raised its error as a traceback (pandas reads it)."""
    lines = "\n".join(f"step {n}" for n in range(20_000))
    for cell in (lines, "x" * 200_000):
        data = CUT.replace(b"Category\r\n", b"Category,Description\r\n").replace(b"Done\r\n", b"Done,\r\n") + \
            f',Done,"{cell}"'.encode()
        found = read_exports([("jira.csv", data)])
        assert found.work_items.set_index("key")["done"].to_dict() == {"P-1": True, "P-2": True}


def test_a_csv_cut_short_after_a_cell_over_the_csv_modules_limit_is_refused():
    """The csv module cannot read the record, so the check let it pass: the last issue's Status Category was read
    as empty, a Done issue not done."""
    data = (CUT.replace(b"Resolved,Status Category", b"Description,Resolved,Status Category")
            .replace(b"10:00 AM,Done", b"10:00 AM,,Done") + b',"' + b"x" * 200_000 + b'"')
    with pytest.raises(InputFormatError) as info:
        read_exports([("jira.csv", data)])
    assert (info.value.row, info.value.message) == (
        3, "has 5 of the header's 6 cells and the file ends in it, without a line break: the file may be cut short "
           "(a download or copy that stopped), which would leave the missing cells empty; export it again")


def test_a_header_cell_over_the_csv_modules_limit_is_no_traceback():
    from roi.ingest import table_to_map

    jira = CUT.replace(b"Category\r\n", b"Category," + b"x" * 140_000 + b"\r\n")
    with pytest.raises(InputFormatError, match="^jira.csv: is not an export format this tool recognises"):
        read_exports([("jira.csv", jira)])
    data = b"source,deploy_id,time_created," + b"x" * 140_000 + b"\ngithub,d1,2025-02-10 09:00:00 UTC,1\n"
    with pytest.raises(InputFormatError, match="^deployments.csv: is not an export format this tool recognises"):
        read_exports([("deployments.csv", data)])
    table = table_to_map("hr.csv", b"when,who," + b"y" * 140_000 + b"\n2025-02-10,ana,1\n")  # to map on the Data page
    assert table is not None and list(table.columns) == ["when", "who", "y" * 140_000]


# --- Four Keys rows are keyed by source and id ------------------------------------------------------------

TWO_SOURCES = (b"source,deploy_id,time_created,changes\n"
               b'github,101,2025-02-01 10:00:00 UTC,"[""c1""]"\n'
               b'gitlab,101,2025-02-03 10:00:00 UTC,"[""c2""]"\n'
               b'github,102,2025-03-05 10:00:00 UTC,"[""c3""]"\n')


def test_fourkeys_deployments_of_two_sources_with_one_id_are_two_deployments():
    # Keyed on deploy_id alone, GitHub's deployment 101 was dropped as a "duplicate" of GitLab's 101.
    dataset = read_exports([("deployments.csv", TWO_SOURCES)])
    assert dataset.deployments[["deploy_id", "deployed_at"]].to_dict("list") == {
        "deploy_id": ["github:101", "gitlab:101", "github:102"],
        "deployed_at": [pd.Timestamp(f"2025-{day} 10:00", tz="UTC") for day in ("02-01", "02-03", "03-05")]}
    assert dataset.deployment_changes.to_dict("records") == [
        {"deploy_id": "github:101", "sha": "c1"}, {"deploy_id": "gitlab:101", "sha": "c2"},
        {"deploy_id": "github:102", "sha": "c3"}]
    assert dataset.sources[0].skipped == {}
    # An incident caused by GitHub's 101 fails that deployment only: 1 of the 2 before adoption.
    incidents = (b"source,incident_id,time_created,time_resolved,changes\n"
                 b'pagerduty,7,2025-02-01 12:00:00 UTC,2025-02-01 14:00:00 UTC,"[""c1""]"\n'
                 b'github,7,2025-03-06 12:00:00 UTC,2025-03-06 15:00:00 UTC,"[""c3""]"\n')
    both = read_exports([("deployments.csv", TWO_SOURCES), ("incidents.csv", incidents)])
    assert list(both.incidents["incident_id"]) == ["pagerduty:7", "github:7"]
    metrics = measure(both, date(2025, 3, 1))
    assert (metrics.baseline.change_failure_rate, metrics.post.change_failure_rate) == (0.5, 1.0)
    assert (metrics.baseline.recovery_hours, metrics.post.recovery_hours) == (2.0, 3.0)


def test_a_repeated_row_is_counted_as_repeated_in_its_file_or_as_a_duplicate_of_another_file():
    again = TWO_SOURCES + b'github,101,2025-02-01 10:00:00 UTC,"[""c1""]"\n'
    one = read_exports([("deployments.csv", again)])
    assert len(one.deployments) == 3
    assert one.sources[0].skipped == {"repeated in the same file (one copy is kept)": 1}
    two = read_exports([("old.csv", TWO_SOURCES), ("new.csv", again)])
    assert sorted(two.deployments["deploy_id"]) == ["github:101", "github:102", "gitlab:101"]
    assert [dict(source.skipped) for source in two.sources] == [
        {"duplicate of a row in another file": 3}, {"repeated in the same file (one copy is kept)": 1}]


@given(st.lists(st.sampled_from(["a", "a ", "a.1", "a.2", "b", "a.1.1"]), max_size=8))
def test_header_names_are_made_unique_without_taking_another_columns_name(names):
    from roi.ingest._common import _unique

    stripped = [name.strip() for name in names]
    unique = _unique(stripped)
    assert len(set(unique)) == len(unique) == len(stripped)
    # the first column of each name keeps it; a renamed one is its name with a suffix
    for index, (name, made) in enumerate(zip(stripped, unique, strict=True)):
        assert made == name if name not in stripped[:index] else made.startswith(f"{name}.")


def test_a_header_whose_stripped_names_repeat_reads_every_column():
    """'a', 'a ' and 'a.1' became a, a.1, a.1: the mapped column 'a.1' was two columns, and reading crashed."""
    frame = read_csv_text("a,a ,a.1\n1,2,3\n", "x.csv")
    assert list(frame.columns) == ["a", "a.2", "a.1"]
    assert frame.iloc[0].tolist() == ["1", "2", "3"]


def test_a_row_below_blank_lines_is_named_as_the_spreadsheet_numbers_it():
    """pandas skips blank lines and the readers counted the frame's rows without them: a bad date on row 6 below
    two blank lines was reported on row 4, a blank one."""
    import io
    import zipfile

    title = b"Jira-Export\r\n"  # row 1, then the header on row 2
    header = b"Issue key,Issue Type,Created,Resolved,Status Category,Description\r\n"
    good = b'P-1,Story,01/Mar/25 10:00 AM,02/Mar/25 10:00 AM,Done,"steps:\r\n\r\n1. open"\r\n'  # a blank line quoted
    bad = b"P-2,Story,banana,04/Mar/25 10:00 AM,Done,\r\n"
    for blanks, row in ((b"", 4), (b"\r\n\r\n", 6), (b"  \r\n", 5), (b",,,,,\r\n", 5)):
        data = title + header + good + blanks + bad
        with pytest.raises(InputFormatError) as info:
            read_exports([("jira.csv", data)])
        assert (info.value.file, info.value.row, info.value.column) == ("jira.csv", row, "Created")
    deployments = b"source,deploy_id,time_created\ngithub,d1,2025-02-10 09:00:00 UTC\n\n\ngithub,d2,2025-13-11 09:00\n"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("fourkeys/deployments.csv", deployments)
    for files in ([("deployments.csv", deployments)], [("exports.zip", archive.getvalue())]):
        with pytest.raises(InputFormatError) as info:
            read_exports(files)
        assert (info.value.row, info.value.column) == (5, "time_created")
