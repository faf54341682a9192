"""Four Keys and DevLake tables, the column-mapped CSV, the estimates template, and bad input."""

from __future__ import annotations

import gzip
import io
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi.errors import InputFormatError
from roi.ingest import check_files, detect, read_exports, read_file, table_to_map
from roi.ingest.detect import near_miss
from roi.ingest.generic import MAPPABLE, propose, suggest_mapping, validate_mapping
from roi.ingest.template import METRICS, template_csv, template_xlsx
from roi.metrics import measure
from roi.models import load_scenario
from roi.scenario_builder import scenario_from_metrics
from tests.conftest import SCENARIOS, github_pulls, xlsx

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def _read(name: str, **kwargs):
    return read_file(name, (FIXTURES / name).read_bytes(), **kwargs)


@pytest.mark.parametrize("name", ["fourkeys_deployments.csv", "fourkeys_deployments.ndjson"])
def test_fourkeys_deployments_csv_and_ndjson_agree(name):
    tables, report = _read(name)
    deployments = tables["deployments"].set_index("deploy_id")
    assert report.format == "fourkeys_deployments" and report.rows == 3
    assert deployments.loc["github:d2", "deployed_at"] == pd.Timestamp("2025-03-05T10:00:00.250Z")  # "… UTC", fractional
    links = tables["deployment_changes"]
    assert sorted(links.loc[links["deploy_id"] == "github:d2", "sha"]) == ["c2", "c2b"]  # keyed by source and id


def test_fourkeys_incidents_keep_open_incidents_and_root_causes():
    tables, _ = _read("fourkeys_incidents.csv")
    incidents = tables["incidents"].set_index("incident_id")
    assert incidents.loc["github:i1", "resolved_at"] - incidents.loc["github:i1", "created_at"] == pd.Timedelta(hours=6)
    assert pd.isna(incidents.loc["github:i2", "resolved_at"])
    assert tables["incident_changes"].to_dict("records") == [{"incident_id": "github:i1", "sha": "c2b"}]


def test_devlake_tables_link_comments_to_prs_and_keep_production_successes():
    data = read_exports([FIXTURES / n for n in ("devlake_pull_requests.csv", "devlake_pull_request_comments.csv",
                                                "devlake_cicd_deployment_commits.csv", "devlake_issues.csv")])
    pulls = data.pull_requests.set_index("number")
    assert sorted(pulls.index) == [21, 22, 23]  # the repeated raw row of #21 is kept once
    assert pulls.loc[22, "author_is_bot"] and pulls.loc[23, "is_draft"] and pd.isna(pulls.loc[23, "merged_at"])
    assert pulls.loc[21, "created_at"] == pd.Timestamp("2025-02-03T08:19:30Z")
    reviews = data.reviews
    assert reviews[["number", "reviewer"]].to_dict("records") == [{"number": 21, "reviewer": "ivy"}]
    report = {Path(s.file).name: s for s in data.sources}
    assert report["devlake_pull_request_comments.csv"].skipped == {
        "comment that is not a review (type NORMAL or DIFF)": 2, "review of a PR not in the exports": 1}
    assert report["devlake_pull_requests.csv"].skipped == {"duplicate of a PR in another page or file": 1}
    assert report["devlake_cicd_deployment_commits.csv"].skipped == {
        "deployment did not succeed (result is not SUCCESS)": 1, "not a production deployment": 1}
    assert data.deployments["deploy_id"].tolist() == ["dep1"]
    assert sorted(data.deployment_changes["sha"]) == ["m21", "m22"]
    items = data.work_items.set_index("key")
    assert items["kind"].to_dict() == {"WEB-10": "bug", "WEB-11": "story", "WEB-12": "incident", "WEB-13": "task"}
    assert data.incidents["incident_id"].tolist() == ["WEB-12"]


def test_mapped_csv_becomes_pull_requests_with_review_times():
    mapping = {"table": "pull_requests", "number": "PR", "author": "Author", "created_at": "Opened",
               "merged_at": "Merged", "size": "Lines changed", "first_review_at": "First review"}
    data = read_exports([FIXTURES / "swarmia_like_prs.csv"], {"swarmia_like_prs.csv": mapping})
    pulls = data.pull_requests.set_index("number")
    assert pulls.loc[1, "additions"] + pulls.loc[1, "deletions"] == 120
    assert pd.isna(pulls.loc[2, "merged_at"])
    assert data.reviews["submitted_at"].tolist() == [pd.Timestamp("2025-02-03T12:00:00Z"),
                                                     pd.Timestamp("2025-03-10T10:00:00Z")]
    assert data.sources[0].format == "mapped CSV/XLSX (pull_requests)"
    assert any("without a time zone" in note for note in data.sources[0].notes)


def test_mapping_errors_name_the_field_or_column():
    data = (FIXTURES / "swarmia_like_prs.csv").read_bytes()
    with pytest.raises(InputFormatError) as error:
        read_file("x.csv", data, mapping={"table": "pull_requests", "author": "Author", "created_at": "Opened"})
    assert error.value.field == "merged_at"
    with pytest.raises(InputFormatError) as error:
        read_file("x.csv", data, mapping={"table": "deployments", "deployed_at": "When"})
    assert error.value.column == "When"
    with pytest.raises(InputFormatError) as error:
        read_file("x.csv", data, mapping={"table": "tickets"})
    assert error.value.field == "table"
    assert set(MAPPABLE) == {"pull_requests", "reviews", "deployments", "incidents", "work_items", "people"}


def test_a_table_in_no_known_format_is_offered_for_mapping_and_nothing_else_is():
    swarmia = (FIXTURES / "swarmia_like_prs.csv").read_bytes()
    table = table_to_map("swarmia_like_prs.csv", swarmia)
    assert list(table.columns) == ["PR", "Author", "Opened", "Merged", "Lines changed", "First review"]
    assert table["Author"].tolist() == ["jo", "kim", "jo"]
    assert table_to_map("prs.csv.gz", gzip.compress(swarmia)).equals(table)
    book = table_to_map("prs.xlsx", xlsx(["PR", "Author", None, "Opened"], [1, "jo", None, "2025-02-03 09:00"]))
    assert list(book.columns) == ["PR", "Author", "Opened"]  # Excel's unnamed column is no choice
    for known in sorted(FIXTURES.iterdir()):
        if known.is_file() and known.name != "swarmia_like_prs.csv":
            assert table_to_map(known.name, known.read_bytes()) is None, known.name
    assert table_to_map("x.json", b'[{"when": "2025-01-01", "who": "jo"}]') is None  # JSON: no columns to map
    assert table_to_map("x.csv", b"PR,Author\n") is None  # a header without rows
    assert table_to_map("x.csv", b"") is None  # empty: reading says so
    # Almost a format (a Jira export without 'Created', an HR list whose email column has another name): offered,
    # and near_miss says what it lacks, which the mapping step shows.
    jira = b"Issue key,Summary,Opened\nX-1,a,03/Feb/25 9:15 AM\n"
    assert list(table_to_map("jira.csv", jira).columns) == ["Issue key", "Summary", "Opened"]
    assert near_miss(jira) == "looks like a Jira CSV export ('Issue key') but has no 'Created' column"
    hr = table_to_map("hr.xlsx", xlsx(["GitHub handle", "E-Mail (work)", "Dept"], ["ann", "ann@acme.example", "R&D"]))
    assert list(hr.columns) == ["GitHub handle", "E-Mail (work)", "Dept"]
    # A Jira export saved as a workbook is not offered: reading it says to save it as CSV.
    assert table_to_map("jira.xlsx", xlsx(["Issue key", "Created"], ["X-1", "03/Feb/25 9:15 AM"])) is None


@pytest.mark.parametrize(("header", "expected"), [
    (["PR", "Author", "Opened", "Merged", "Lines changed", "First review"],
     {"table": "pull_requests", "number": "PR", "author": "Author", "created_at": "Opened", "merged_at": "Merged",
      "size": "Lines changed", "first_review_at": "First review"}),
    (["pull_request_number", "repository_name", "author_login", "created_date", "merged_date", "Insertions",
      "Lines removed"],
     {"table": "pull_requests", "number": "pull_request_number", "repo": "repository_name",
      "author": "author_login", "created_at": "created_date", "merged_at": "merged_date",
      "additions": "Insertions", "deletions": "Lines removed"}),
    (["PR number", "Reviewer", "Reviewed at", "State"],
     {"table": "reviews", "number": "PR number", "reviewer": "Reviewer", "submitted_at": "Reviewed at",
      "state": "State"}),
    (["ID", "Deployed at", "Environment"], {"table": "deployments", "deployed_at": "Deployed at", "deploy_id": "ID"}),
    (["ID", "Created", "Resolved", "Severity"],  # incidents and work items fit alike: the earlier table
     {"table": "incidents", "created_at": "Created", "resolved_at": "Resolved", "incident_id": "ID"}),
    (["Ticket", "Opened", "Restored"],
     {"table": "incidents", "created_at": "Opened", "resolved_at": "Restored", "incident_id": "Ticket"}),
    (["Issue ID", "Issue Type", "Created", "Completed at"],
     {"table": "work_items", "key": "Issue ID", "type": "Issue Type", "created_at": "Created",
      "resolved_at": "Completed at"}),
    (["Username", "Work email"], {"table": "people", "login": "Username", "email": "Work email"}),
    (["Week", "Velocity"], {}),  # no table's required columns: the user chooses
    (["ID", "Environment"], {}),  # an id alone is no table's required column
    # A PR export with a merge column of an unknown name: PRs, its merge column for the user to choose, not
    # incidents complete with "Opened" alone (its PRs were read as incidents: a change failure rate of 71%).
    (["PR #", "Opened by", "Opened", "Landed", "Lines +", "Lines -", "Team"],
     {"table": "pull_requests", "number": "PR #", "author": "Opened by", "created_at": "Opened"}),
    (["PR #", "Opened by", "Opened", "Merged on"],
     {"table": "pull_requests", "number": "PR #", "author": "Opened by", "created_at": "Opened",
      "merged_at": "Merged on"}),
])
def test_a_first_mapping_is_proposed_from_the_column_names(header, expected):
    assert suggest_mapping(header) == expected


@given(st.lists(st.sampled_from(["PR", "Author", "Created", "Merged", "Reviewer", "Reviewed at", "ID", "Email",
                                 "Login", "Deployed at", "Resolved", "Type", "Size", "Week", "created_at"]),
                max_size=10, unique=True))
def test_a_proposed_mapping_names_only_the_file_s_columns_and_beats_every_complete_one(header):
    proposed = suggest_mapping(header)
    if not proposed:
        return
    table = proposed["table"]
    assert set(proposed.values()) - {table} <= set(header)
    complete = all(ours in proposed for ours, needed in MAPPABLE[table].items() if needed)
    if complete:
        assert validate_mapping("x.csv", proposed, header) == table
    for other in MAPPABLE:  # no table whose required columns are all found matches more of the header
        found = propose(header, other)
        if all(ours in found for ours, needed in MAPPABLE[other].items() if needed):
            assert len(found) <= len(proposed) - 1


def test_estimates_template_round_trips_as_csv_and_xlsx():
    for name, data in (("estimates.csv", template_csv()), ("estimates.xlsx", template_xlsx())):
        assert detect(name, data) == "estimates_template"
        tables, report = read_file(name, data)
        estimates = tables["estimates"].set_index("metric")
        assert estimates.loc["prs_per_dev_week", ["baseline", "post"]].tolist() == [3.0, 5.94]
        assert report.skipped == {"metric left empty": len(METRICS) - 4}
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    assert book["Estimates"]["A1"].value == "metric" and book["Estimates"].freeze_panes == "A2"


def test_filled_in_estimates_with_decimal_comma():
    tables, _ = _read("estimates.csv")
    estimates = tables["estimates"].set_index("metric")
    assert estimates.loc["change_failure_rate", "post"] == 0.12
    assert estimates.loc["tasks_per_dev_week", ["low", "high"]].tolist() == [4.4, 5.2]
    assert "recovery_hours" not in estimates.index


@pytest.mark.parametrize(("text", "row", "column", "words"), [
    ("metric,baseline,post\nprs_per_week,3,4\n", 2, "metric", "not a metric"),
    ("metric,baseline,post\nchange_failure_rate,12,15\n", 2, "baseline", "write 0.12"),
    ("metric,baseline,post,low,high\npr_size_loc,150,381,400,500\n", 2, "low", "low <= post <= high"),
    ("metric,baseline,post\npr_size_loc,150,lots\n", 2, "post", "not a number"),
])
def test_bad_estimates_name_row_and_column(text, row, column, words):
    with pytest.raises(InputFormatError) as error:
        read_file("est.csv", text.encode())
    assert (error.value.row, error.value.column) == (row, column) and words in error.value.message


def test_unknown_format_empty_file_and_empty_array():
    with pytest.raises(InputFormatError, match="not an export format"):
        read_file("notes.csv", b"foo,bar\n1,2\n")
    with pytest.raises(InputFormatError, match="is empty"):
        read_file("empty.json", b"  \n")
    with pytest.raises(InputFormatError, match=r"no records \(an empty JSON array\)"):
        read_file("pulls.json", b"[]")
    with pytest.raises(InputFormatError, match=r"no records \(an empty JSON object\)"):
        read_file("pulls.json", b"{}")


def test_an_empty_page_beside_exports_is_skipped_with_a_caution_and_alone_refused():
    """A paginated download's trailing `[]` page blocked the whole upload, with advice to export a period
    with data."""
    good = FIXTURES / "fourkeys_deployments.csv"
    dataset = read_exports([good, ("deploys_page2.json", b"[]"), ("blank.csv", b"")])
    assert len(dataset.deployments) == 3
    empty = {s.file: s for s in dataset.sources if s.format == "empty (no records)"}
    assert {name: (s.rows, s.cautions) for name, s in empty.items()} == {
        "deploys_page2.json": (0, ["holds no records (an empty JSON array): skipped; if it should hold data, "
                                   "export it again"]),
        "blank.csv": (0, ["is empty: skipped; if it should hold data, export it again"]),
    }
    assert dataset.used_files() == [str(good)]  # what the data was measured from: not the skipped files
    with pytest.raises(InputFormatError, match="^deploys_page2.json: holds no records"):
        read_exports([("deploys_page2.json", b"[]"), ("blank.csv", b"")])  # nothing at all: refused


def test_a_scenario_measured_beside_an_empty_file_does_not_name_it_as_a_source():
    """The skipped file was saved among the scenario's sources, so opening the scenario again asked for it, and
    uploading the files that hold data did not match them (the adoption date and ramp were not restored)."""
    dataset = read_exports([("pulls.json", github_pulls()), ("blank.csv", b"")])
    base = load_scenario(SCENARIOS / "worked_example.json")
    scenario = scenario_from_metrics(measure(dataset, date(2025, 3, 3)), base=base)
    assert scenario.measurement.sources == ["pulls.json"]


def test_check_files_gives_read_exports_error_for_the_files_own_problems_and_keeps_nothing():
    good = FIXTURES / "fourkeys_deployments.csv"
    assert check_files([good, ("blank.csv", b"")]) is None
    assert check_files([("blank.csv", b"")]) is None  # no error here: the files to map may hold the records
    assert check_files([]) is None
    bad = ("deploys.csv", b"deploy_id,time_created\nd1,2025-03-12 22:00:00 UTC\nd2,2025-13-45 10:00 UTC\n")
    with pytest.raises(InputFormatError) as error:
        check_files([good, bad])
    assert error.value.describe() == ("deploys.csv, row 3, column 'time_created': '2025-13-45 10:00 UTC' is not a "
                                      "date-time; expected ISO 8601 such as 2025-03-12T15:04:00Z")
    with pytest.raises(InputFormatError) as error:
        check_files([bad, ("notes.csv", b"foo,bar\n1,2\n")])
    assert error.value.describe().startswith("2 files cannot be read, so none was loaded: (1) deploys.csv, row 3")


def test_every_file_that_cannot_be_read_is_named_in_one_error():
    """Five files with three problems: the upload said what was wrong with the first, then the next."""
    with pytest.raises(InputFormatError) as error:
        read_exports([FIXTURES / "fourkeys_deployments.csv", ("notes.csv", b"foo,bar\n1,2\n"),
                      ("team.csv", b"name,role\nann,dev\n"), ("page9.json", b"[]"),
                      ("incidents.csv", b"source,incident_id,time_created,changes\ngithub,1,2025-01-01 00:00:00 UTC,[]\n")])
    message = error.value.message
    assert error.value.file is None and message.startswith("3 files cannot be read, so none was loaded: (1) notes.csv: "
                                                            "is not an export format")
    assert "(2) team.csv: is not an export format this tool recognises (its header is name, role); expected a " \
           "format listed in (1)" in message
    assert "(3) incidents.csv" in message and "time_resolved" in message
    assert "page9.json" not in message  # an empty page beside other files is no error
    assert message.count("GitHub pulls/reviews JSON") == 1  # the accepted formats, listed once


def test_missing_required_column_is_named():
    with pytest.raises(InputFormatError) as error:
        read_file("incidents.csv", b"source,incident_id,time_created,changes\ngithub,1,2025-01-01 00:00:00 UTC,[]\n")
    assert (error.value.file, error.value.column) == ("incidents.csv", "time_resolved")
    with pytest.raises(InputFormatError) as error:
        read_file("deploys.csv", b"deploy_id,time_created\nd1,\n")
    assert error.value.describe() == ("deploys.csv, column 'time_created': is empty in its only row, yet every row "
                                      "needs this date: export the file again with the column filled in")


def test_bad_timezone_and_missing_file():
    with pytest.raises(InputFormatError) as error:
        read_exports([FIXTURES / "fourkeys_deployments.csv"], timezone="Mars/Olympus")
    assert error.value.field == "timezone"
    with pytest.raises(InputFormatError, match="cannot be read"):
        read_exports([FIXTURES / "no_such_file.json"])


def test_mapped_work_items_deployments_and_incidents():
    text = (b"Ticket,Kind,Opened,Closed\nT-1,Bug,2025-02-03 09:00,2025-02-04 09:00\nT-2,Story,2025-02-05 09:00,\n"
            b"T-3,Epic,2025-01-02 09:00,2025-06-30 09:00\n")
    tables, report = read_file("tickets.csv", text, mapping={"table": "work_items", "key": "Ticket", "type": "Kind",
                                                             "created_at": "Opened", "resolved_at": "Closed"})
    items = tables["work_items"].set_index("key")
    assert items["kind"].to_dict() == {"T-1": "bug", "T-2": "story"} and items["done"].tolist() == [True, False]
    assert report.skipped == {"epic (it groups other issues: no completed work of its own)": 1}  # as in Jira's
    text = b"When,Id\n2025-02-03T09:00:00+01:00,7\n"
    tables, _ = read_file("d.csv", text, mapping={"table": "deployments", "deployed_at": "When"})
    assert tables["deployments"]["deployed_at"].iloc[0] == pd.Timestamp("2025-02-03T08:00:00Z")
    tables, _ = read_file("i.csv", b"Start,End\n2025-02-03 09:00,2025-02-03 11:00\n",
                          mapping={"table": "incidents", "created_at": "Start", "resolved_at": "End"})
    assert tables["incidents"]["incident_id"].tolist() == ["i.csv:0"]


def _devlake_prs(*times: str) -> bytes:
    rows = [f"github:GithubPullRequest:1:{i},github:GithubRepo:1:7,MERGED,dev,{i},{t},{t},{t},10,2"
            for i, t in enumerate(times, start=1)]
    header = "id,base_repo_id,status,author_name,pull_request_key,created_date,merged_date,closed_date,additions,deletions"
    return "\n".join([header, *rows]).encode()


def test_devlake_times_with_offsets_are_parsed_by_the_csv_reader_in_utc():
    tables, report = read_file("prs.csv", _devlake_prs("2025-02-03T08:19:30.000+02:00", "2025-02-04T01:00:00.000+00:00"))
    assert tables["pull_requests"]["created_at"].tolist() == [pd.Timestamp("2025-02-03T06:19:30Z"),
                                                             pd.Timestamp("2025-02-04T01:00:00Z")]
    assert not report.notes  # every time had its offset: nothing assumed


def test_devlake_times_without_offsets_are_read_in_the_chosen_time_zone_and_said_so():
    tables, report = read_file("prs.csv", _devlake_prs("2025-02-03 08:19:30", "2025-07-01 12:00:00"),
                               timezone="Europe/Berlin")
    assert tables["pull_requests"]["created_at"].tolist() == [pd.Timestamp("2025-02-03T07:19:30Z"),  # CET
                                                             pd.Timestamp("2025-07-01T10:00:00Z")]  # CEST
    assert any("without a time zone: read as Europe/Berlin" in note for note in report.notes)


def test_devlake_mistyped_year_is_refused_naming_its_row_even_when_it_parses():
    # Arrow's CSV reader accepts year 0025; the range check still names the file, row and column.
    with pytest.raises(InputFormatError) as error:
        read_file("prs.csv", _devlake_prs("2025-02-03T08:00:00Z", "0025-02-04T08:00:00Z"))
    message = error.value.describe()
    assert "prs.csv" in message and "row 3" in message and "created_date" in message and "0025-02-04" in message


def test_each_row_names_its_file_across_files():
    first = _devlake_prs("2025-02-03T08:00:00Z", "2025-02-04T08:00:00Z")
    second = _devlake_prs("2025-02-05T08:00:00Z").replace(b":1:1,", b":1:3,").replace(b",1,2025", b",3,2025")
    data = read_exports([("a.csv", first), ("b.csv", second)])
    pulls = data.pull_requests.set_index("number")
    assert pulls["source"].astype(str).to_dict() == {1: "a.csv", 2: "a.csv", 3: "b.csv"}


def test_devlake_comment_with_an_unreadable_time_is_named_by_its_row_in_the_file():
    rows = ["id,pull_request_id,account_id,created_date,type,status",
            "c1,github:GithubPullRequest:1:1,ivy,2025-02-03T10:00:00Z,DIFF,",  # not a review: left out
            "c2,github:GithubPullRequest:1:1,ivy,2025-02-03T11:00:00Z,REVIEW,APPROVED",
            "c3,github:GithubPullRequest:1:1,ivy,yesterday,REVIEW,APPROVED"]
    with pytest.raises(InputFormatError) as error:
        read_file("comments.csv", "\n".join(rows).encode())
    message = error.value.describe()
    assert "comments.csv" in message and "row 4" in message and "yesterday" in message


def test_files_read_two_at_a_time_keep_their_order_and_the_first_error():
    files = [(f"part{i}.csv", _devlake_prs(f"2025-02-0{i}T08:00:00Z").replace(b":1:1,", f":1:{i},".encode())
              .replace(b",1,2025", f",{i},2025".encode())) for i in range(1, 6)]
    data = read_exports(files)
    assert [s.file for s in data.sources] == [f"part{i}.csv" for i in range(1, 6)]
    assert data.pull_requests["number"].tolist() == [1, 2, 3, 4, 5]
    broken = [files[0], ("second.csv", b"id,name\n1,x\n"), ("third.csv", b"")]
    with pytest.raises(InputFormatError) as error:
        read_exports(broken)
    assert "second.csv" in error.value.describe()


def test_devlake_comments_find_their_prs_across_files_and_a_pr_exported_twice_counts_once():
    first = _devlake_prs("2025-02-03T08:00:00Z", "2025-02-04T08:00:00Z")  # PRs 1 and 2
    again = _devlake_prs("2025-02-03T08:00:00Z")  # PR 1 in a second export
    header = "id,pull_request_id,account_id,created_date,type,status"
    comments = [("c1.csv", "\n".join([header, "1,github:GithubPullRequest:1:2,ivy,2025-02-04T09:00:00Z,REVIEW,APPROVED",
                                      "2,,joe,2025-02-04T09:00:00Z,REVIEW,APPROVED"]).encode()),
                ("c2.csv", "\n".join([header, "3,github:GithubPullRequest:1:1,joe,2025-02-03T09:00:00Z,REVIEW,",
                                      "4,github:GithubPullRequest:1:9,ivy,2025-02-03T09:00:00Z,REVIEW,",
                                      "5,github:GithubPullRequest:1:2,kim,2025-02-04T10:00:00Z,REVIEW,",
                                      "6,github:GithubPullRequest:1:1,kim,2025-02-03T10:00:00Z,REVIEW,"]).encode())]
    data = read_exports([("a.csv", first), ("b.csv", again), *comments])
    reviews = data.reviews.sort_values(["number", "reviewer"])
    assert reviews[["repo", "number", "reviewer"]].to_dict("records") == [
        {"repo": "github:GithubRepo:1:7", "number": 1, "reviewer": "joe"},  # once, though PR 1 is in two files
        {"repo": "github:GithubRepo:1:7", "number": 1, "reviewer": "kim"},
        {"repo": "github:GithubRepo:1:7", "number": 2, "reviewer": "ivy"},
        {"repo": "github:GithubRepo:1:7", "number": 2, "reviewer": "kim"}]
    report = {s.file: s.skipped for s in data.sources}
    assert report["c1.csv"] == {"review of a PR not in the exports": 1}  # no PR id: matches nothing
    assert report["c2.csv"] == {"review of a PR not in the exports": 1}  # PR 9 was not exported


def test_first_rows_finds_each_keys_first_row_and_nothing_for_a_null_key():
    import pyarrow as pa

    from roi.ingest import _first_rows

    keys = pa.chunked_array([["b", None], ["a", "z", "b"]], pa.string())
    assert _first_rows(keys, pa.array(["a", "b", "a", "b"], pa.string())).tolist() == [1, -1, 0, -1, 1]
    assert _first_rows(keys, pa.array([], pa.string())).tolist() == [-1] * 5


def test_devlake_comment_type_is_read_whatever_its_case_and_spacing():
    rows = ["id,pull_request_id,account_id,created_date,type,status",
            "c1,github:GithubPullRequest:1:1,ivy,2025-02-03T10:00:00Z,REVIEW,APPROVED",
            "c2,github:GithubPullRequest:1:1,joe,2025-02-03T11:00:00Z, review ,APPROVED",
            "c3,github:GithubPullRequest:1:1,ann,2025-02-03T12:00:00Z,DIFF,",
            "c4,github:GithubPullRequest:1:1,bob,2025-02-03T13:00:00Z,,"]
    tables, report = read_file("comments.csv", "\n".join(rows).encode())
    assert tables["reviews"]["reviewer"].tolist() == ["ivy", "joe"]
    assert tables["reviews"]["submitted_at"].tolist() == [pd.Timestamp("2025-02-03T10:00:00Z"),
                                                          pd.Timestamp("2025-02-03T11:00:00Z")]
    assert report.skipped == {"comment that is not a review (type NORMAL or DIFF)": 2}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a/x", "a/y", None]), st.integers(1, 4) | st.none()), max_size=40))
def test_duplicated_marks_every_copy_but_the_last_as_pandas_does(rows):
    from roi.ingest import _duplicated

    frame = pd.DataFrame(rows, columns=["repo", "number"]).astype({"repo": "object", "number": "float64"})
    assert _duplicated(frame, ["repo", "number"]).tolist() == frame.duplicated(keep="last").tolist()


def test_duplicated_keys_too_many_to_pack_into_one_integer_are_still_found():
    from roi.ingest import _duplicated

    rows = 10_000  # five columns of 10,000 distinct values: 10^20 combinations, beyond one int64
    frame = pd.DataFrame({c: range(rows) for c in "abcde"})
    frame.loc[rows - 1] = frame.loc[3]
    expected = frame.duplicated(keep="last").tolist()
    assert _duplicated(frame, list("abcde")).tolist() == expected and expected[3] and sum(expected) == 1


def test_devlake_and_github_reviews_together_find_their_prs():
    from roi.metrics import _prepare_prs

    names = ("github_pulls_detail.ndjson", "github_reviews.json", "devlake_pull_requests.csv",
             "devlake_pull_request_comments.csv")
    data = read_exports([FIXTURES / n for n in names])
    only_devlake = read_exports([FIXTURES / n for n in names[2:]])
    assert isinstance(only_devlake.reviews["repo"].dtype, pd.CategoricalDtype)  # DevLake: a few repositories
    first = _prepare_prs(data, (pd.Timestamp("2025-06-02", tz="UTC"),) * 2).prs.set_index(["repo", "number"])
    first = first["first_review"]
    assert first[("github:GithubRepo:1:77", 21)] == pd.Timestamp("2025-02-03T10:19:30Z")  # ivy, DevLake
    assert first[("acme/api", 101)] == pd.Timestamp("2025-02-03T13:00:00Z")  # carol, GitHub
    assert first.notna().sum() == 5  # #108's only review came after its merge


def test_devlake_reviews_keep_the_rows_of_their_prs_and_the_metrics_match_them_as_by_repo_and_number():
    """read_exports keeps each DevLake comment's PR row from its join; the metrics use it instead of a
    second (repo, number) match, with the same result (here behind a GitHub file's PRs, so rows shift)."""
    from dataclasses import replace

    from roi.metrics import _prepare_prs

    header = "id,base_repo_id,status,author_name,pull_request_key,created_date,merged_date,closed_date,additions,deletions"

    def prs(repo: int, rows: list[tuple[int, str, str, str]]) -> bytes:
        return "\n".join([header, *(f"github:GithubPullRequest:1:{n},github:GithubRepo:1:{repo},{status},{author},{n},"
                                    f"2025-02-03T08:00:00Z,2025-02-0{day}T08:00:00Z,2025-02-0{day}T08:00:00Z,10,2"
                                    for n, status, author, day in rows)]).encode()

    comment = "id,pull_request_id,account_id,created_date,type,status"
    first = prs(7, [(1, "MERGED", "ann", "5"), (2, "MERGED", "bob", "5"), (3, "OPEN", "ann", "5")])
    second = prs(8, [(4, "MERGED", "cat", "6"), (5, "MERGED", "Ann", "4")])
    comments = [("c1.csv", "\n".join([comment,
                                      "1,github:GithubPullRequest:1:4,bob,2025-02-03T12:00:00Z,REVIEW,APPROVED",
                                      "2,github:GithubPullRequest:1:1,bob,2025-02-03T10:00:00Z,REVIEW,",
                                      "3,github:GithubPullRequest:1:1,ANN,2025-02-03T09:00:00Z,REVIEW,",  # own
                                      "4,github:GithubPullRequest:1:3,bob,2025-02-03T09:00:00Z,REVIEW,"]).encode()),
                ("c2.csv", "\n".join([comment,
                                      "5,github:GithubPullRequest:1:5,cat,2025-02-05T09:00:00Z,REVIEW,",  # after merge
                                      "6,github:GithubPullRequest:1:5,bob,2025-02-03T11:00:00Z,REVIEW,",
                                      "7,github:GithubPullRequest:1:2,renovate[bot],2025-02-03T09:00:00Z,REVIEW,",
                                      "8,github:GithubPullRequest:1:4,ann,2025-02-03T09:30:00Z,REVIEW,"]).encode())]
    data = read_exports([FIXTURES / "github_pulls_detail.ndjson", ("a.csv", first), ("b.csv", second), *comments])
    rows = data.review_rows()
    assert rows is not None and len(rows) == len(data.reviews) == 8
    pulls = data.pull_requests.iloc[rows]
    assert pulls["repo"].tolist() == data.reviews["repo"].astype(str).tolist()
    assert pulls["number"].tolist() == data.reviews["number"].tolist() == [4, 1, 1, 3, 5, 5, 2, 4]

    ramp = (pd.Timestamp("2025-02-10", tz="UTC"),) * 2
    used, matched = _prepare_prs(data, ramp), _prepare_prs(replace(data, review_pr_rows=None), ramp)
    pd.testing.assert_frame_equal(used.prs, matched.prs)
    pd.testing.assert_frame_equal(used.reviewer_pairs, matched.reviewer_pairs)
    assert used.skipped == matched.skipped and used.skipped_reviews == matched.skipped_reviews
    first_review = used.prs.set_index("number")["first_review"]
    assert first_review[1] == pd.Timestamp("2025-02-03T10:00:00Z")  # ann's own 09:00 comment left out
    assert first_review[4] == pd.Timestamp("2025-02-03T09:30:00Z")
    assert first_review[5] == pd.Timestamp("2025-02-03T11:00:00Z")  # cat's came after the merge
    assert pd.isna(first_review[2])  # only a bot reviewed it
    assert +used.skipped["c1.csv"] == {"by the PR's own author (thread reply)": 1,
                                       "review of a PR that is not counted (bot, draft, unmerged or not exported)": 1}
    assert +used.skipped["c2.csv"] == {"submitted after the merge": 1,
                                       "review by a bot (Copilot code review and the like)": 1}

    # A PR exported twice is dropped once: its rows moved, so they are not kept; a replaced table drops them too.
    assert read_exports([("a.csv", first), ("again.csv", first), *comments]).review_rows() is None
    assert replace(data, reviews=data.reviews.copy()).review_rows() is None
    # GitHub reviews carry no row: the metrics match every review on (repo, number) then.
    mixed = read_exports([FIXTURES / "github_reviews.json", ("a.csv", first), ("b.csv", second), *comments])
    assert (mixed.review_rows() < 0).any()


@given(st.lists(st.tuples(st.sampled_from(["a/x", "b/y"]), st.integers(1, 4), st.integers(0, 2)), max_size=30))
def test_duplicated_preferring_keeps_the_copy_of_highest_priority_then_the_last(rows):
    from roi.ingest import _duplicated_preferring

    frame = pd.DataFrame(rows, columns=["repo", "number", "priority"])
    kept = {}  # the rule, row by row: a higher priority wins, an equal one is replaced by the later row
    for index, (repo, number, priority) in enumerate(rows):
        if (repo, number) not in kept or priority >= rows[kept[repo, number]][2]:
            kept[repo, number] = index
    expected = [index not in set(kept.values()) for index in range(len(rows))]
    assert _duplicated_preferring(frame, ["repo", "number"], frame["priority"].to_numpy()).tolist() == expected


def test_the_kept_copy_of_a_pr_takes_what_only_its_dropped_copies_hold():
    from roi.ingest import _deduplicate
    from roi.ingest._common import SourceReport
    from roi.ingest.tables import build_dataset

    created, merged = pd.Timestamp("2025-02-03T08:00:00Z"), pd.Timestamp("2025-02-04T08:00:00Z")
    base = {"repo": "a/x", "author": "ann", "author_is_bot": False, "ai_agent": False, "is_draft": False,
            "created_at": created, "merged_at": merged, "closed_at": merged}
    listed = {**base, "source": "list.json", "number": 1, "assignee": "ann", "additions": None, "deletions": None,
              "labels": "ai-assisted", "ai_evidence": "label", "merge_commit_sha": "abc", "ai_agent": True}
    detail = {**base, "source": "detail.json", "number": 1, "assignee": None, "additions": 30.0, "deletions": 5.0,
              "labels": "", "ai_evidence": "", "merge_commit_sha": None}
    gh = {**base, "source": "gh.json", "number": 1, "assignee": None, "additions": 31.0, "deletions": 6.0,
          "labels": "", "ai_evidence": "", "merge_commit_sha": None}
    other = {**detail, "number": 2}  # another PR, in one copy: left as it is
    parts = {"pull_requests": [pd.DataFrame([listed]), pd.DataFrame([detail, other]), pd.DataFrame([gh])]}
    reports = [SourceReport(name, "github_pulls") for name in ("list.json", "detail.json", "gh.json")]
    pulls = _deduplicate(build_dataset(parts, reports, "UTC"), reports).pull_requests.set_index("number")
    # gh's copy is kept (sizes, the last file); the list page gives its assignee, labels, merge commit and the
    # AI-agent mark (from a copilot/ branch only the list page had).
    assert pulls.loc[1, ["source", "assignee", "additions", "deletions", "labels", "ai_evidence",
                         "merge_commit_sha", "ai_agent"]].tolist() == [
        "gh.json", "ann", 31.0, 6.0, "ai-assisted", "label", "abc", True]
    assert pulls.loc[2, ["assignee", "additions", "labels"]].fillna("-").tolist() == ["-", 30.0, ""]
    assert {r.file: r.skipped for r in reports} == {
        "list.json": {"duplicate of a PR in another page or file": 1},
        "detail.json": {"duplicate of a PR in another page or file": 1}, "gh.json": {}}


_DEVLAKE_PR_HEADER = "id,base_repo_id,status,author_name,author_id,pull_request_key,created_date,merged_date,closed_date," \
                     "merge_commit_sha,additions,deletions"


def _devlake_pr(number: int, author: str, account: int, created: str, merged: str) -> str:
    return (f"github:GithubPullRequest:1:{number},github:GithubRepo:1:7,MERGED,{author},github:GithubAccount:1:{account},"
            f"{number},{created},{merged},{merged},m{number},10,2")


def _devlake_review(number: int, account: int, at: str) -> str:
    return f"github:GithubPullRequest:1:{number},github:GithubAccount:1:{account},{at},REVIEW,COMMENTED"


# ann (account 1) opens PR 1 and replies on it first; Copilot's reviewer (account 9, a bot) comes next, then
# bob (account 2, who opened PR 2): the first review by someone else than the author, and no bot, is bob's, 2 h in.
_REVIEWED_PRS = ("\n".join([
    _DEVLAKE_PR_HEADER,
    _devlake_pr(1, "ann", 1, "2025-02-03T08:00:00+00:00", "2025-02-04T08:00:00+00:00"),
    _devlake_pr(2, "bob", 2, "2025-04-01T08:00:00+00:00", "2025-04-02T08:00:00+00:00"),
]).encode())
_REVIEWS_BY_ACCOUNT_ID = ("\n".join([
    "pull_request_id,account_id,created_date,type,status",
    _devlake_review(1, 1, "2025-02-03T08:10:00+00:00"),
    _devlake_review(1, 9, "2025-02-03T08:20:00+00:00"),
    _devlake_review(1, 2, "2025-02-03T10:00:00+00:00"),
    _devlake_review(2, 1, "2025-04-01T09:00:00+00:00"),
]).encode())
_ACCOUNTS = (b"id,email,full_name,user_name,avatar_url,organization\n"
             b"github:GithubAccount:1:9,,Copilot,copilot-pull-request-reviewer[bot],,\n"
             b"github:GithubAccount:1:2,bob@acme.test,Bob,bob,,\n")


def test_devlake_reviewers_named_by_account_id_get_their_logins():
    """DevLake comments name their author by account id, its PRs by login: a PR author's own reply was taken
    for its first review (0.17 h instead of 2 h), and Copilot's reviewer bot for a person."""
    data = read_exports([("pull_requests.csv", _REVIEWED_PRS), ("pull_request_comments.csv", _REVIEWS_BY_ACCOUNT_ID),
                         ("accounts.csv", _ACCOUNTS)])
    reviews = data.reviews.sort_values("submitted_at")
    assert reviews["reviewer"].tolist() == ["ann", "copilot-pull-request-reviewer[bot]", "bob", "ann"]
    assert reviews["reviewer_is_bot"].tolist() == [False, True, False, False]
    report = {s.file: s for s in data.sources}
    assert report["accounts.csv"].format == "devlake_accounts" and not report["pull_request_comments.csv"].cautions
    metrics = measure(data, date(2025, 3, 1))
    assert metrics.baseline.pickup_hours_median == 2.0  # bob's, not ann's reply (10 min) nor the bot's (20 min)
    assert metrics.post.pickup_hours_median == 1.0  # ann reviewing bob's PR: a review by someone else


def test_devlake_reviewers_without_the_accounts_table_are_paired_through_pr_authors_and_the_rest_said():
    data = read_exports([("pull_requests.csv", _REVIEWED_PRS), ("pull_request_comments.csv", _REVIEWS_BY_ACCOUNT_ID)])
    reviews = data.reviews.sort_values("submitted_at")
    assert reviews["reviewer"].tolist() == ["ann", "github:GithubAccount:1:9", "bob", "ann"]  # the author's reply: hers
    assert not reviews["reviewer_is_bot"].any()  # account 9 cannot be told for a bot
    comments = next(s for s in data.sources if s.file == "pull_request_comments.csv")
    assert comments.cautions == [
        "1 reviewer(s) are named only by their DevLake account id (account_id, e.g. github:GithubAccount:1:9), "
        "which no accounts table or PR author_id pairs with a login: bots among them (Copilot's reviewer, say) "
        "count as reviewers, and a PR author's reply by an unpaired id as a review; add the accounts table "
        "(SELECT * FROM accounts)"]
    assert measure(data, date(2025, 3, 1)).baseline.pickup_hours_median == pytest.approx(1 / 3)  # the bot's, said


def test_an_accounts_table_without_some_reviewers_says_to_export_it_whole():
    accounts = b"id,email,full_name,user_name,avatar_url,organization\ngithub:GithubAccount:1:2,,Bob,bob,,\n"
    data = read_exports([("pull_requests.csv", _REVIEWED_PRS), ("pull_request_comments.csv", _REVIEWS_BY_ACCOUNT_ID),
                         ("accounts.csv", accounts)])
    comments = next(s for s in data.sources if s.file == "pull_request_comments.csv")
    assert comments.cautions[0].startswith("1 reviewer(s) are named only by their DevLake account id (account_id, "
                                           "e.g. github:GithubAccount:1:9)")
    assert comments.cautions[0].endswith("the accounts table loaded lacks them: export it whole (SELECT * FROM "
                                         "accounts)")


def test_devlake_deployments_ship_every_pr_merged_before_them_in_their_repository():
    """A deployment-commit row names the commit deployed (here PR 2's merge), not every commit shipped: PR 1,
    merged an hour earlier, went with it too, and was left out of the lead time."""
    prs = "\n".join([
        _DEVLAKE_PR_HEADER,
        _devlake_pr(1, "ann", 1, "2025-02-03T08:00:00+00:00", "2025-02-04T08:00:00+00:00"),  # shipped 28 h after
        _devlake_pr(2, "bob", 2, "2025-02-04T07:00:00+00:00", "2025-02-04T09:00:00+00:00"),  # 5 h
        _devlake_pr(3, "ann", 1, "2025-02-04T13:00:00+00:00", "2025-02-05T09:00:00+00:00"),  # after the last deployment
    ]).encode()
    deployments = (b"cicd_deployment_id,commit_sha,environment,result,finished_date,repo_id\n"
                   b"dep1,m2,PRODUCTION,SUCCESS,2025-02-04T12:00:00+00:00,github:GithubRepo:1:7\n"
                   b"dep0,m0,PRODUCTION,SUCCESS,2025-02-01T12:00:00+00:00,github:GithubRepo:1:7\n"
                   b"dep2,m2,STAGING,SUCCESS,2025-02-04T10:00:00+00:00,github:GithubRepo:1:7\n")
    data = read_exports([("pull_requests.csv", prs), ("cicd_deployment_commits.csv", deployments)])
    links = data.deployment_changes.sort_values("sha")
    assert links.to_dict("records") == [{"deploy_id": "dep0", "sha": "m0"}, {"deploy_id": "dep1", "sha": "m1"},
                                        {"deploy_id": "dep1", "sha": "m2"}]
    assert measure(data, date(2025, 2, 2)).post.lead_time_hours == pytest.approx((28 + 5) / 2)


def test_devlake_accounts_table_pairs_ids_with_logins_and_skips_accounts_without_one():
    tables, report = _read("devlake_accounts.csv")
    assert report.format == "devlake_accounts" and report.rows == 4
    assert tables["_devlake_account_names"][["account_id", "login"]].values.tolist() == [
        ["github:GithubAccount:1:5", "hank"], ["github:GithubAccount:1:6", "ivy"],
        ["github:GithubAccount:1:9", "copilot-pull-request-reviewer[bot]"]]
    assert report.skipped == {"account without a user_name": 1}
